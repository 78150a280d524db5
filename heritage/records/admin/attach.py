"""
A citation's "attach to records" page (CitationAdmin.attach_view): one autocomplete per kind of record the user may
change, and the autocomplete that answers them.

Django's own autocomplete view follows a form field's relation forwards (a damage report's site, its citations); the
attach page's fields follow Citation's relations backwards (the damage reports citing it), which Django's view cannot
read (a reverse relation has no `limit_choices_to`: every search was a 500). `AttachAutocompleteView` answers them.
"""

from django import forms
from django.contrib.admin.views.autocomplete import AutocompleteJsonView
from django.core.exceptions import PermissionDenied
from django.db import transaction

from ...admin_input import KeyMultipleChoiceField
from ..models import Citation
from ..models.base import CitedRecord
from .base import SafeAutocompleteSelectMultiple


def cited_models():
    """The kinds of records that cite passages, as Citation's reverse relations to them, in a fixed order."""
    return [
        relation
        for relation in Citation._meta.related_objects
        if relation.many_to_many and issubclass(relation.related_model, CitedRecord)
    ]


def may_attach_to(user, model):
    """Whether `user` may attach citations to `model`'s records: adding a citation changes the record."""
    return user.has_perm(f"{model._meta.app_label}.change_{model._meta.model_name}")


class AttachAutocomplete(SafeAutocompleteSelectMultiple):
    """An attach page's autocomplete, asking `url` (the citation's AttachAutocompleteView) for its records."""

    def __init__(self, relation, admin_site, url):
        super().__init__(relation, admin_site)
        self.url = url

    def get_url(self):
        return self.url


class AttachAutocompleteView(AutocompleteJsonView):
    """
    The records of one kind (`field_name`: Citation's reverse relation to it) an attach page offers: those the user
    may see, found by that kind's admin search, less those that cite `citation` already; for kinds the user may
    change only, as the page shows.
    """

    citation = None

    def process_request(self, request):
        term, model_admin, source_field, to_field_name = super().process_request(request)
        if source_field not in cited_models() or not may_attach_to(request.user, model_admin.model):
            raise PermissionDenied
        return term, model_admin, source_field, to_field_name

    def get_queryset(self):
        records = self.model_admin.get_queryset(self.request).exclude(citations=self.citation)
        records, may_have_duplicates = self.model_admin.get_search_results(self.request, records, self.term)
        return records.distinct() if may_have_duplicates else records


class AttachForm(forms.Form):
    """
    One autocomplete per kind of record the user may change (damage reports, sites, events...): the citation is
    added to every record chosen, each record's version raised (an edit form opened before this one is then refused
    as stale rather than dropping the citation), and its history noting the change.
    """

    def __init__(self, *args, citation, user, admin_site, autocomplete_url, **kwargs):
        super().__init__(*args, **kwargs)
        self.citation = citation
        for relation in cited_models():
            model = relation.related_model
            model_admin = admin_site._registry.get(model)
            if model_admin is None or not may_attach_to(user, model):
                continue
            if not model_admin.get_search_fields(None):
                continue
            self.fields[relation.name] = KeyMultipleChoiceField(
                queryset=model.objects.visible_to(user).exclude(citations=citation),
                required=False,
                label=model._meta.verbose_name_plural.capitalize(),
                widget=AttachAutocomplete(relation, admin_site, autocomplete_url),
            )

    @transaction.atomic
    def attach(self):
        attached = []
        for records in self.cleaned_data.values():
            for record in records:
                record.citations.add(self.citation)
                record.save(update_fields=["version", "last_updated"])
                attached.append(record)
        return attached
