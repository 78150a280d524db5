"""
External identifiers: inline on the pages of sites, actors and periods, each shown as a link to its register; and
their own lists (every identifier of a kind, searchable), where their citations are added.
"""

from django import forms
from django.contrib import admin
from django.utils.html import format_html

from ..models import ActorIdentifier, PeriodIdentifier, SiteIdentifier
from .base import RecordAdmin, SiteLocatedAdminMixin, TabularInline
from .forms import VersionCheckedForm


class HolderNamedMixin:
    """
    For an identifier's form: a value that another record holds is refused on the value, naming that record where
    anyone may see it (the form does not know its user; the model's unique constraint alone would only say "another
    record", above the row).
    """

    def clean(self):
        data = super().clean()
        scheme, value = data.get("scheme"), data.get("value")
        if scheme and value:
            model = type(self.instance)
            if model.objects.filter(scheme=scheme, value=value).exclude(pk=self.instance.pk).exists():
                self.add_error("value", model.taken_message(scheme, value, record=None, user=None))
        return data


class IdentifierInlineForm(HolderNamedMixin, forms.ModelForm):
    pass


class IdentifierForm(HolderNamedMixin, VersionCheckedForm):
    pass


@admin.display(description="in its register")
def register_link(identifier):
    url = identifier.url if identifier.pk is not None else None
    if not url:
        return "—"
    return format_html('<a href="{}" target="_blank" rel="noopener noreferrer">{}</a>', url, url)


class IdentifierInline(TabularInline):
    form = IdentifierInlineForm
    fields = ["scheme", "value", "link"]
    readonly_fields = ["link"]

    @admin.display(description="in its register")
    def link(self, identifier):
        return register_link(identifier)


class SiteIdentifierInline(IdentifierInline):
    model = SiteIdentifier


class ActorIdentifierInline(IdentifierInline):
    model = ActorIdentifier


class PeriodIdentifierInline(IdentifierInline):
    model = PeriodIdentifier


class IdentifierAdmin(RecordAdmin):
    form = IdentifierForm
    list_filter = ["scheme"]

    @admin.display(description="in its register")
    def link(self, identifier):
        return register_link(identifier)


@admin.register(SiteIdentifier)
class SiteIdentifierAdmin(SiteLocatedAdminMixin, IdentifierAdmin):
    list_display = ["__str__", "site", "link"]
    search_fields = ["value", "site__name", "site__slug"]
    list_select_related = ["site"]
    autocomplete_fields = ["site"]


@admin.register(ActorIdentifier)
class ActorIdentifierAdmin(IdentifierAdmin):
    list_display = ["__str__", "actor", "link"]
    search_fields = ["value", "actor__name", "actor__slug"]
    list_select_related = ["actor"]
    autocomplete_fields = ["actor"]


@admin.register(PeriodIdentifier)
class PeriodIdentifierAdmin(IdentifierAdmin):
    list_display = ["__str__", "period", "link"]
    search_fields = ["value", "period__name", "period__slug"]
    list_select_related = ["period"]
    autocomplete_fields = ["period"]
