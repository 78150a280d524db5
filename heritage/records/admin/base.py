"""Building blocks of the model admins: history, EDTF date fields, citations, import/export."""

from django.contrib import admin
from django.contrib.admin.utils import flatten_fieldsets
from django.db import models
from import_export.admin import ImportExportModelAdmin
from simple_history.admin import SimpleHistoryAdmin

from ..dates import EDTF_HELP, validate_edtf
from .forms import VersionCheckedForm


def edtf_readonly_fields(model):
    """The derived earliest/latest columns of a model's EDTF fields, shown read-only: what the date was read as."""
    return [bound for bounds in getattr(model, "edtf_fields", {}).values() for bound in bounds]


class FormFieldsMixin:
    """EDTF help on every date field (admin pages and inlines alike), and https for scheme-less URLs."""

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if isinstance(db_field, models.URLField):
            kwargs.setdefault("assume_scheme", "https")  # Django 6's default; a scheme-less URL means https
        formfield = super().formfield_for_dbfield(db_field, request, **kwargs)
        if formfield is not None and validate_edtf in getattr(db_field, "validators", []):
            # Say what EDTF expects before the curator gets it wrong, not only after.
            formfield.help_text = " ".join(part for part in (str(db_field.help_text), EDTF_HELP) if part)
        return formfield


class RecordAdmin(FormFieldsMixin, SimpleHistoryAdmin):
    """
    Base admin of every record: history, read-only timestamps and derived date bounds, EDTF help on date fields,
    and autocomplete for citations.

    Subclasses declare list_display, list_filter, search_fields and, for list pages that show related records,
    list_select_related (or prefetching in get_queryset).
    """

    list_per_page = 50
    form = VersionCheckedForm

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if obj is None or "seen_version" in flatten_fieldsets(fieldsets):
            return fieldsets
        # Declared fieldsets list model fields only: add the hidden version the stale-edit check needs.
        (name, options), *rest = fieldsets
        return [(name, {**options, "fields": [*options["fields"], "seen_version"]}), *rest]

    def get_readonly_fields(self, request, obj=None):
        derived = [*edtf_readonly_fields(self.model), "created", "last_updated"]
        return [*super().get_readonly_fields(request, obj), *derived]

    def get_autocomplete_fields(self, request):
        fields = list(super().get_autocomplete_fields(request))
        if any(f.name == "citations" for f in self.model._meta.many_to_many) and "citations" not in fields:
            fields.append("citations")
        return fields


class ImportExportRecordAdmin(ImportExportModelAdmin, RecordAdmin):
    """A record admin that also imports and exports CSV and XLSX (see resources.py)."""


class NoCitationsInline(FormFieldsMixin):
    """Inline rows edit the record itself; its citations are added on the record's own page (show_change_link)."""

    exclude = ["citations"]
    show_change_link = True
    extra = 0


class TabularInline(NoCitationsInline, admin.TabularInline):
    pass


class StackedInline(NoCitationsInline, admin.StackedInline):
    pass
