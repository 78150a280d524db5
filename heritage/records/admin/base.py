"""Building blocks of the model admins: history, EDTF date fields, citations, import/export."""

import functools
import re

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.admin.utils import flatten_fieldsets, unquote
from django.contrib.admin.widgets import AutocompleteSelect, AutocompleteSelectMultiple
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.safestring import SafeData, mark_safe
from import_export.admin import ImportExportModelAdmin
from import_export.forms import ConfirmImportForm, ImportForm
from simple_history.admin import SimpleHistoryAdmin

from ...admin_input import CheckedInputMixin, KeyChoiceField, KeyMultipleChoiceField, is_valid_key, key_field
from .. import spreadsheets, texts
from ..dates import EDTF_HELP, validate_edtf
from ..models import Site
from ..models.base import may_view
from ..models.sites import may_see_exact_locations
from ..resources import import_problems
from . import uploads
from .deletions import TombstoneAdminMixin
from .forms import TermCheckedForm, VersionCheckedForm


def edtf_readonly_fields(model):
    """The derived earliest/latest columns of a model's EDTF fields, shown read-only: what the date was read as."""
    return [bound for bounds in getattr(model, "edtf_fields", {}).values() for bound in bounds]


class ValidKeysOnlyMixin:
    """
    Django's autocomplete widget looks up the records a form's value names, and a value that is not a key of the
    related table (`?site=abc` on an add page, `citations=abc` in a refused form shown again) would reach the query
    and fail there with a 500. Only values the key field accepts are looked up; the form reports the others.
    """

    def optgroups(self, name, value, attr=None):
        remote = self.field.remote_field
        key = key_field(remote.model, getattr(remote, "field_name", None))
        return super().optgroups(name, [v for v in value if is_valid_key(key, v)], attr)


class SafeAutocompleteSelect(ValidKeysOnlyMixin, AutocompleteSelect):
    pass


class SafeAutocompleteSelectMultiple(ValidKeysOnlyMixin, AutocompleteSelectMultiple):
    pass


class FormFieldsMixin:
    """
    EDTF help on every date field (admin pages and inlines alike), https for scheme-less URLs, and autocompletes
    that never send a malformed value to the database.
    """

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if isinstance(db_field, models.URLField):
            kwargs.setdefault("assume_scheme", "https")  # Django 6's default; a scheme-less URL means https
        formfield = super().formfield_for_dbfield(db_field, request, **kwargs)
        if formfield is not None and validate_edtf in getattr(db_field, "validators", []):
            # Say what EDTF expects before the curator gets it wrong, not only after.
            formfield.help_text = " ".join(part for part in (str(db_field.help_text), EDTF_HELP) if part)
        return formfield

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if "widget" not in kwargs and db_field.name in self.get_autocomplete_fields(request):
            kwargs["widget"] = SafeAutocompleteSelect(db_field, self.admin_site, using=kwargs.get("using"))
        kwargs.setdefault("form_class", KeyChoiceField)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if "widget" not in kwargs and db_field.name in self.get_autocomplete_fields(request):
            kwargs["widget"] = SafeAutocompleteSelectMultiple(db_field, self.admin_site, using=kwargs.get("using"))
        kwargs.setdefault("form_class", KeyMultipleChoiceField)
        return super().formfield_for_manytomany(db_field, request, **kwargs)


class SlugAfterItsSourceMixin:
    """
    A slug is proposed from the field it is made of (`prepopulated_fields`): on a form without declared fieldsets,
    it comes after that field, where the curator sees it filled in, not first.
    """

    def get_fields(self, request, obj=None):
        fields = list(super().get_fields(request, obj))
        sources = self.get_prepopulated_fields(request, obj).get("slug", ())
        if "slug" in fields and sources and all(source in fields for source in sources):
            fields.remove("slug")
            fields.insert(max(fields.index(source) for source in sources) + 1, "slug")
        return fields


def is_revert(request):
    """Whether `request` is for django-simple-history's page of one version (view it, or save it to revert)."""
    match = request.resolver_match
    return match is not None and match.url_name.endswith("_simple_history")


class RecordAdmin(CheckedInputMixin, TombstoneAdminMixin, SlugAfterItsSourceMixin, FormFieldsMixin, SimpleHistoryAdmin):
    """
    Base admin of every record: history, read-only timestamps and derived date bounds, EDTF help on date fields,
    autocomplete for citations, and deletions that leave a tombstone saying who and why (deletions.py).

    What a user may see is the model's (`visible_to`): lists, forms, autocompletes, history and exports all start
    from `get_queryset()`. Saving a form changes only the fields the form edits; the record's other columns are
    kept as they now are in the database, so that a form built on an older copy of the record (a version from its
    history, reverted) cannot bring back a status, a sensitivity flag or audit fields that changed since through
    their own paths. Fields in `revert_protected_fields` are not even offered when reverting.

    Subclasses declare list_display, list_filter, search_fields and, for list pages that show related records,
    list_select_related (or prefetching in get_queryset).
    """

    list_per_page = 50
    form = VersionCheckedForm
    revert_protected_fields = ()

    def get_queryset(self, request):
        return super().get_queryset(request).visible_to(request.user)

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if obj is None or "seen_version" in flatten_fieldsets(fieldsets):
            return fieldsets
        # Declared fieldsets list model fields only: add the hidden version the stale-edit check needs.
        (name, options), *rest = fieldsets
        return [(name, {**options, "fields": [*options["fields"], "seen_version"]}), *rest]

    def get_readonly_fields(self, request, obj=None):
        derived = [*edtf_readonly_fields(self.model), "created", "last_updated"]
        protected = list(self.revert_protected_fields) if is_revert(request) else []
        return [*super().get_readonly_fields(request, obj), *derived, *protected]

    def get_autocomplete_fields(self, request):
        fields = list(super().get_autocomplete_fields(request))
        if any(f.name == "citations" for f in self.model._meta.many_to_many) and "citations" not in fields:
            fields.append("citations")
        return fields

    def save_model(self, request, obj, form, change):
        if change:
            keep_fields_the_form_does_not_edit(obj, form)
        super().save_model(request, obj, form, change)

    def message_user(self, request, message, *args, **kwargs):
        super().message_user(request, without_doubled_quotes(message), *args, **kwargs)

    # --- History -------------------------------------------------------------------------------------------------

    def record_pk(self, object_id):
        """The primary key a history URL names; 404 for anything that cannot be one (`history/abc/`)."""
        try:
            return self.model._meta.pk.to_python(unquote(object_id))
        except ValidationError:
            raise Http404(f"No {self.model._meta.verbose_name} has the id {object_id!r}.") from None

    def check_history_visible(self, request, pk):
        """
        A record's history is shown to those who may see the record; a deleted record's, to those who may view the
        model (its last version might have been a draft, which others never saw).
        """
        if self.get_queryset(request).filter(pk=pk).exists():
            return
        if self.model._default_manager.filter(pk=pk).exists() or not self.deleted_history_visible(request, pk):
            raise Http404(f"No {self.model._meta.verbose_name} with the id {pk}.")

    def deleted_history_visible(self, request, pk):
        """Whether the user may read the history of the deleted record `pk` (see check_history_visible)."""
        return may_view(request.user, self.model)

    def history_view(self, request, object_id, extra_context=None):
        pk = self.record_pk(object_id)
        self.check_history_visible(request, pk)
        return super().history_view(request, str(pk), extra_context)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        """
        One version of a record, to view or to revert to. Reverting is a change of the record: it needs the change
        permission (django-simple-history lets anyone who may view it post the form back), and a deleted record
        cannot be brought back this way.
        """
        pk = self.record_pk(object_id)
        if not str(version_id).isdigit():
            raise Http404(f"No version {version_id!r}.")
        self.check_history_visible(request, pk)
        if request.method == "POST":
            current = self.get_queryset(request).filter(pk=pk).first()
            if current is None:
                self.message_user(
                    request,
                    f"This {self.model._meta.verbose_name} was deleted: it cannot be restored from its history.",
                    messages.ERROR,
                )
                opts = self.model._meta
                return HttpResponseRedirect(reverse(f"admin:{opts.app_label}_{opts.model_name}_history", args=[pk]))
            if not self.has_change_permission(request, current):
                raise PermissionDenied
        return super().history_form_view(request, str(pk), version_id, extra_context)

    def revert_disabled(self, request, obj=None):
        if obj is not None and not self.model._default_manager.filter(pk=obj.pk).exists():
            return True  # deleted: see history_form_view
        return super().revert_disabled(request, obj) or not self.has_change_permission(request, obj)


class SiteLocatedAdminMixin:
    """
    For records that say where their site is (its shapes, its entries in gazetteers): the history of a deleted one is
    shown to those who may not see exact locations only where its site's location is public.
    """

    def deleted_history_visible(self, request, pk):
        if not super().deleted_history_visible(request, pk):
            return False
        if may_see_exact_locations(request.user):
            return True
        last = self.model.history.filter(id=pk).order_by("-history_date", "-history_id").values("site_id").first()
        return last is not None and Site.objects.filter(pk=last["site_id"], is_sensitive=False).exists()


# Django's messages put a record's name in quotes ("The citation “…” was added successfully."); a name that holds
# quote marks itself (a citation's is its quote) would read ““…” (source)”. Such a name loses Django's pair, whether
# Django made a link of it or not.
QUOTED_NAME = re.compile(r"“(<a [^>]*>)?([^<]*[“”][^<]*?)(</a>)?”(?= was )")


def without_doubled_quotes(message):
    """`message` with a name that has quote marks of its own not quoted again; safe HTML stays safe."""
    text = QUOTED_NAME.sub(r"\1\2\3", str(message))
    return mark_safe(text) if isinstance(message, SafeData) else text  # noqa: S308  (only quote marks removed)


def keep_fields_the_form_does_not_edit(obj, form):
    """
    Set every column of `obj` that `form` does not edit to its value in the database now (see RecordAdmin): the
    form's instance may be an old copy of the record, or hold values shown differently from how they are stored.
    Runs after the form's version claim, inside the saving transaction, so the row is this edit's.
    """
    current = type(obj)._default_manager.filter(pk=obj.pk).first()
    if current is None:
        return
    for field in obj._meta.concrete_fields:
        if not field.primary_key and field.name not in form.fields and field.name != "version":
            setattr(obj, field.attname, getattr(current, field.attname))


class PendingImportConfirmForm(ConfirmImportForm):
    """
    An admin import's confirmation, all of it sent back by the browser: the file by the token it waits under
    (uploads.PendingImport), the format and the resource by their place in what the admin offers.
    """

    import_file_name = forms.RegexField(
        regex=uploads.TOKEN, widget=forms.HiddenInput, error_messages={"invalid": "not a file waiting for an import"}
    )

    def __init__(self, *args, formats, resources, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["format"] = forms.TypedChoiceField(
            choices=[(str(index), str(index)) for index in range(formats)], coerce=int, widget=forms.HiddenInput
        )
        self.fields["resource"] = forms.TypedChoiceField(
            choices=[("", "")] + [(str(index), str(index)) for index in range(resources)],
            coerce=int,
            required=False,
            widget=forms.HiddenInput,
        )


class RecordsImportForm(ImportForm):
    """
    django-import-export's upload form, saying how long a file it takes (see ImportExportRecordAdmin), and refusing a
    file larger than an upload may be (SOURCE_MAX_BYTES), or an XLSX file whose parts unpack to more: a few
    kilobytes of XLSX can unpack to gigabytes of sheet, which the reader would take minutes to go through.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        limit, upload = settings.ADMIN_IMPORT_MAX_ROWS, self.fields["import_file"]
        upload.help_text = f"At most {limit:,} rows; import a longer file on the server with manage.py import."

    def clean_import_file(self):
        upload = self.cleaned_data["import_file"]
        if problem := texts.too_large(upload.size):
            raise ValidationError(problem)
        unpacked = spreadsheets.unpacked_size(upload)
        if unpacked is not None and (problem := texts.too_large(unpacked, "The file unpacks to {size}")):
            raise ValidationError(f"{problem} Split it, or import it on the server with manage.py import.")
        return upload


class ImportExportRecordAdmin(ImportExportModelAdmin, RecordAdmin):
    """
    A record admin that also imports and exports CSV and XLSX (see resources.py). An import adds records and changes
    existing ones, and its preview shows their current values: it needs the add, change and view permissions. The
    resources see what the user may see. A request has only so long: an import takes at most ADMIN_IMPORT_MAX_ROWS
    rows, an export writes at most ADMIN_EXPORT_MAX_ROWS records.
    """

    tmp_storage_class = uploads.PendingImport
    import_form_class = RecordsImportForm
    confirm_form_class = PendingImportConfirmForm
    formats = [spreadsheets.CSV, spreadsheets.XLSX]

    def get_import_formats(self):
        # Each reads at most ADMIN_IMPORT_MAX_ROWS rows: a longer file is refused as soon as it is known to be.
        limit = settings.ADMIN_IMPORT_MAX_ROWS
        return [functools.partial(reader, max_rows=limit) for reader in super().get_import_formats()]

    def has_import_permission(self, request):
        return all(
            check(request)
            for check in (super().has_import_permission, self.has_add_permission, self.has_change_permission)
        ) and may_view(request.user, self.model)

    def get_resource_kwargs(self, request, *args, **kwargs):
        return {**super().get_resource_kwargs(request, *args, **kwargs), "user": request.user}

    def get_confirm_form_kwargs(self, request, import_form=None):
        return {
            **super().get_confirm_form_kwargs(request, import_form),
            "formats": len(self.get_import_formats()),
            "resources": len(self.get_import_resource_classes(request)),
        }

    def process_import(self, request, **kwargs):
        """
        The confirmed import, as django-import-export makes it, but a confirmation that cannot be followed imports
        nothing, and the curator is sent back to upload the file again with the reason: its file is no longer waiting
        (imported already, over a day old, or never uploaded), it names a format or resource the admin does not
        offer, or its file cannot be read in the format it names (a CSV file confirmed as XLSX; the preview read it
        in the other).
        """
        if request.method != "POST" or not self.has_import_permission(request):
            return super().process_import(request, **kwargs)  # 405 or 403, as django-import-export answers
        form = self.create_confirm_form(request)
        if not form.is_valid():
            return self.upload_again(
                request, "; ".join(f"{name}: {' '.join(errors)}" for name, errors in form.errors.items())
            )
        input_format = self.get_import_formats()[form.cleaned_data["format"]](encoding=self.from_encoding)
        storage = self.get_tmp_storage_class()(
            name=form.cleaned_data["import_file_name"],
            encoding=None if input_format.is_binary() else self.from_encoding,
            read_mode=input_format.get_read_mode(),
            **self.get_tmp_storage_class_kwargs(),
        )
        try:
            dataset = input_format.create_dataset(storage.read())
        except uploads.PendingImport.Gone:
            return self.upload_again(request, "the file is no longer waiting (imported already, or over a day old)")
        except Exception:  # whatever a format's reader raises on a file it cannot read, as import_action catches
            storage.remove()
            return self.upload_again(request, f"the file cannot be read as {input_format.get_title().upper()}")
        result = self.process_dataset(dataset, form, request, **kwargs)
        storage.remove()
        return self.process_result(result, request)

    def process_result(self, result, request):
        """
        The confirmed import's result. Rows that were valid in the preview may not be by the confirmation (a record
        they name was changed meanwhile): the resource then writes none of them, and the curator is told which rows
        and why, rather than django-import-export's "Import finished" with every count at 0.
        """
        if problems := import_problems(result):
            return self.upload_again(request, f"{problems}; nothing was imported")
        return super().process_result(result, request)

    def upload_again(self, request, reason):
        """Back to the import page, saying why the confirmed import was not made."""
        messages.error(request, f"The import was not confirmed ({reason}): upload the file again.")
        return redirect(f"admin:{self.opts.app_label}_{self.opts.model_name}_import")

    def get_export_data(self, file_format, request, queryset, **kwargs):
        # django-import-export shows a ValueError's message on the export page, and exports nothing.
        limit = settings.ADMIN_EXPORT_MAX_ROWS
        if (count := queryset.count()) > limit:
            raise ValueError(
                f"Nothing was exported: the list holds {count:,} {self.opts.verbose_name_plural}, more than the "
                f"{limit:,} an export here writes. Filter the list, or export on the server with manage.py export."
            )
        return super().get_export_data(file_format, request, queryset, **kwargs)

    def export_action(self, request):
        """
        The export of a list takes the list's filters from its address, as the list does; filters the list would
        refuse (a field it does not have, a value of the wrong type) send the curator back to the list with the
        reason, as a 400 would, where django-import-export lets the error through (a 500).
        """
        try:
            return super().export_action(request)
        except IncorrectLookupParameters as exc:
            messages.error(request, f"Nothing was exported: the list's filters were not understood ({exc}).")
            return redirect(f"admin:{self.opts.app_label}_{self.opts.model_name}_changelist")

    def get_valid_export_item_pks(self, request):
        """
        The records a selection posted to the export page (`export_items`, from django-import-export's export action,
        which these lists do not offer) may name: those of the selection the user may see. The library's own,
        deprecated, lists every key of the table, on every such request.
        """
        key = key_field(self.model)
        named = [value for value in request.POST.getlist("export_items") if is_valid_key(key, value)]
        return self.get_queryset(request).filter(pk__in=named).values_list("pk", flat=True)

    def add_data_read_fail_error_to_form(self, form, e):
        """
        What kept an uploaded file from being read, in words a curator can act on (the library names the exception:
        "'UnicodeDecodeError' encountered while trying to read file").
        """
        if isinstance(e, spreadsheets.Unreadable):
            message = str(e)
        elif isinstance(e, UnicodeDecodeError):
            message = (
                "The file is not in UTF-8, the text encoding imports read: save it again from the spreadsheet as "
                "“CSV UTF-8” (Excel) or as XLSX, and upload that."
            )
        else:
            message = (
                "The file cannot be read in the format chosen: choose its format (CSV or XLSX), or save it again "
                "from the spreadsheet in one of them."
            )
        form.add_error("import_file", message)

    def import_action(self, request, **kwargs):
        """
        django-import-export keeps an uploaded file in its temporary storage (uploads.PendingImport) until the import
        is confirmed, and removes it then; a file it refuses (unreadable, empty, a row in error) can never be
        confirmed, so it is removed here, at once: a refused import leaves storage as it was.
        """
        response = super().import_action(request, **kwargs)
        upload = request.FILES.get("import_file")
        name = getattr(upload, "tmp_storage_name", None)  # set by import_action when it stored the file
        if name and "confirm_form" not in (getattr(response, "context_data", None) or {}):
            self.get_tmp_storage_class()(name=name, **self.get_tmp_storage_class_kwargs()).remove()
        return response


class NoCitationsInline(SlugAfterItsSourceMixin, FormFieldsMixin):
    """Inline rows edit the record itself; its citations are added on the record's own page (show_change_link)."""

    form = TermCheckedForm
    exclude = ["citations"]
    show_change_link = True
    extra = 0


class TabularInline(NoCitationsInline, admin.TabularInline):
    pass


class StackedInline(NoCitationsInline, admin.StackedInline):
    pass
