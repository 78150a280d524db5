"""
The admin's "Import EAMENA heritage places" page (/admin/import/eamena/): upload an export, read what the import
would do (the dry run's table and every problem by place, feature and property), then confirm to write it.

The upload waits between the two steps in the originals' storage (uploads.py), so the confirming request carries
only its token. The import adds and changes sites, their names, identifiers and extents, damage reports, threats,
sources and citations, and its report shows what they hold: only curators who may add, change and view each of them
(as the CSV import asks of its records) see the page, and only those who may move
damage reports and threats through the workflow may have new ones start as reported. The import itself is
importers.eamena's.
"""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.views.decorators.http import require_http_methods

from .. import texts
from ..choices import CurationStatus
from ..importers.eamena import import_eamena
from ..importers.eamena_writer import CITED_MODELS
from ..models import Citation, DamageReport, Site, Source, Threat
from ..services import may_change_status
from . import uploads

STATUSES = [(CurationStatus.DRAFT, "Draft"), (CurationStatus.REPORTED, "Reported")]
WRITTEN = [*CITED_MODELS, Source, Citation]
PERMISSIONS = [
    f"{model._meta.app_label}.{action}_{model._meta.model_name}"
    for model in WRITTEN
    for action in ("add", "change", "view")
]


def may_import(user):
    return user.has_perms(PERMISSIONS)


class StatusForm(forms.Form):
    """A form naming the status new damage reports and threats start in, which the user must be allowed to give."""

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_status(self):
        status = self.cleaned_data["status"]
        workflow = all(may_change_status(self.user, model) for model in (DamageReport, Threat))
        if status != CurationStatus.DRAFT and not workflow:
            raise forms.ValidationError(
                "Only curators who may move damage reports and threats through the workflow may import them as "
                f"{CurationStatus(status).label.lower()}; import them as drafts."
            )
        return status


class EamenaImportForm(StatusForm):
    file = forms.FileField(label="EAMENA export", help_text="A GeoJSON FeatureCollection exported from EAMENA.")
    status = forms.ChoiceField(
        label="New damage reports and threats are", choices=STATUSES, initial=CurationStatus.DRAFT
    )
    sensitive = forms.BooleanField(label="Mark new sites' locations as sensitive", required=False)

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if problem := texts.too_large(upload.size):
            raise forms.ValidationError(problem)
        return upload


class ConfirmForm(StatusForm):
    pending = forms.RegexField(regex=uploads.TOKEN, widget=forms.HiddenInput)
    name = forms.CharField(max_length=255, widget=forms.HiddenInput)
    status = forms.ChoiceField(choices=STATUSES, widget=forms.HiddenInput)
    sensitive = forms.BooleanField(required=False, widget=forms.HiddenInput)


@require_http_methods(["GET", "POST"])
def eamena_import_view(request):
    """Upload → the dry run's report → confirm → committed (or the report of what refused it)."""
    if not may_import(request.user):
        raise PermissionDenied
    context = {**admin.site.each_context(request), "title": "Import EAMENA heritage places", "opts": Site._meta}
    form, report, confirm, status = EamenaImportForm(user=request.user), None, None, 200
    if request.method == "POST" and "pending" in request.POST:
        confirm = ConfirmForm(request.POST, user=request.user)
        if not confirm.is_valid() and "pending" not in confirm.errors:
            # The upload waits (a day at most) for a confirmation the curator may send.
            reasons = "; ".join(f"{name}: {' '.join(errors)}" for name, errors in confirm.errors.items())
            messages.error(request, f"Nothing was imported. The confirmation was refused ({reasons})")
            return redirect("eamena-import")
        options = confirm.cleaned_data if confirm.is_valid() else {}
        try:
            data = uploads.get(options.get("pending", ""))
        except KeyError:
            messages.error(
                request, "The upload is no longer waiting (confirmed already, or over a day old): upload it again."
            )
            return redirect("eamena-import")
        report = import_eamena(
            data=data, name=options["name"], commit=True, status=options["status"],
            sensitive=options["sensitive"], user=request.user,
        )  # fmt: skip
        if report.committed:
            transaction.on_commit(lambda: uploads.discard(options["pending"]))
            messages.success(request, f"Imported {report.places:,} places from {options['name']}.")
            return redirect("admin:records_site_changelist")
        confirm, status = None, 400
    elif request.method == "POST":
        form = EamenaImportForm(request.POST, request.FILES, user=request.user)
        if form.is_valid():
            upload, options = form.cleaned_data["file"], form.cleaned_data
            data = upload.read()
            report = import_eamena(
                data=data, name=upload.name, commit=False, status=options["status"], sensitive=options["sensitive"]
            )
            if report.ok:
                confirm = ConfirmForm(
                    user=request.user,
                    initial={
                        "pending": uploads.put(data),
                        "name": upload.name,
                        "status": options["status"],
                        "sensitive": options["sensitive"],
                    },  # fmt: skip
                )
            else:
                status = 400
        else:
            status = 400
    context |= {"form": form, "report": report, "confirm": confirm}
    return TemplateResponse(request, "admin/records/eamena_import.html", context, status=status)
