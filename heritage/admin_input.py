"""
What the admin reads from a request before it reaches the database, for every model admin of the project (records,
users and groups, login attempts): keys, list lookups, action selections, searches.

A form's related record is named by its key, and a value no key can have (`abc`, a number past the column's range)
is refused by the form (`KeyChoiceField`, `KeyMultipleChoiceField`) rather than failing in its query.

Django builds a list's query from the lookups in its address (`?name__icontains=…`, `?created__year=2016`) and
refuses one it cannot build (the list's "?e=1" page), but some fail only when the query is compiled or run, and were
500s: a year no date can have (`?created__year=0`, also in the date drill-down), a number wider than any column
(`?id__in=1,99999999999999999999`), a regular expression that does not compile (`?name__regex=(`). Such lookups
are refused as the others are. Regular expressions are refused outright: no page makes one, and a pattern runs on
every row. So is an action's selection that names a record no key can be (`_selected_action=x`), which failed in the
action's query, and a search longer than the API allows (SQLite refuses a LIKE pattern of 50,000 bytes, and a
search of thousands of words nests too deep for it).
"""

from django import forms
from django.contrib import messages
from django.contrib.admin import helpers
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.admin.views.main import ChangeList
from django.core.exceptions import EmptyResultSet, FullResultSet, ValidationError
from django.db import NotSupportedError
from django.utils.text import smart_split

from .search.query import MAX_SEARCH_LENGTH, MAX_SEARCH_WORDS

WIDEST_INTEGER = 2**63  # PostgreSQL's bigint and SQLite's integer: signed 64 bits
REFUSED_LOOKUPS = {"regex", "iregex"}


def key_field(model, name=None):
    """The field a relation's values name records by: `name`, or the primary key."""
    return model._meta.get_field(name) if name else model._meta.pk


def is_valid_key(field, value):
    """Whether `value`, as a request sends it, is one the key `field` can hold (its type, its column's range)."""
    try:
        field.run_validators(field.to_python(value))
    except (ValidationError, TypeError, ValueError):
        return False
    return True


class KeyChoiceField(forms.ModelChoiceField):
    """A related record by key; a value no key can have (`abc`, a number past the column's range) is refused."""

    def to_python(self, value):
        key = key_field(self.queryset.model, self.to_field_name)
        if value not in self.empty_values and not is_valid_key(key, value):
            raise ValidationError(self.error_messages["invalid_choice"], code="invalid_choice")
        return super().to_python(value)


class KeyMultipleChoiceField(forms.ModelMultipleChoiceField):
    def _check_values(self, value):
        key = key_field(self.queryset.model, self.to_field_name)
        for item in value:
            if not is_valid_key(key, item):
                raise ValidationError(
                    self.error_messages["invalid_pk_value"], code="invalid_pk_value", params={"pk": item}
                )
        return super()._check_values(value)


class CheckedChangeList(ChangeList):
    """A change list that refuses, as bad lookups, those its database would fail on."""

    def get_filters(self, request):
        try:
            return super().get_filters(request)
        except (OverflowError, ValueError) as exc:  # ?occurred_earliest__year=99999999999, or 9999 (no next year)
            raise IncorrectLookupParameters(exc) from exc

    def get_queryset(self, request, exclude_parameters=None):
        queryset = super().get_queryset(request, exclude_parameters)
        try:
            # Compiled as the list will compile it, without a query: what fails here would fail there.
            _, params = queryset.query.clone().get_compiler(queryset.db).as_sql()
        except (EmptyResultSet, FullResultSet):
            return queryset
        except (NotSupportedError, OverflowError, ValueError) as exc:
            raise IncorrectLookupParameters(exc) from exc
        if any(isinstance(value, int) and not -WIDEST_INTEGER <= value < WIDEST_INTEGER for value in params):
            raise IncorrectLookupParameters("A number in the lookups is wider than any column.")
        return queryset


class CheckedInputMixin:
    """
    For a ModelAdmin: its forms' related records are Key fields, its list is a CheckedChangeList, lookups by regular
    expression are refused (a 400), an action on a selection naming a record no key can be changes nothing and says
    so, as Django does for an empty one, and so does a search too long to run (its list, or its autocomplete, is
    then empty).
    """

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        kwargs.setdefault("form_class", KeyChoiceField)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        kwargs.setdefault("form_class", KeyMultipleChoiceField)
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def get_changelist(self, request, **kwargs):
        return CheckedChangeList

    def lookup_allowed(self, lookup, value, request=None):
        if lookup.rsplit("__", 1)[-1] in REFUSED_LOOKUPS:
            return False
        return super().lookup_allowed(lookup, value, request)

    def response_action(self, request, queryset):
        selected = request.POST.getlist(helpers.ACTION_CHECKBOX_NAME)
        if not all(is_valid_key(self.model._meta.pk, value) for value in selected):
            message = "The selection names records that cannot exist. No items have been changed."
            self.message_user(request, message, messages.ERROR)
            return None  # back to the list, as for an empty selection
        return super().response_action(request, queryset)

    def get_search_results(self, request, queryset, search_term):
        length, count = len(search_term), sum(1 for _ in smart_split(search_term))
        if length <= MAX_SEARCH_LENGTH and count <= MAX_SEARCH_WORDS:
            return super().get_search_results(request, queryset, search_term)
        match = request.resolver_match
        if match is None or not match.url_name.endswith("autocomplete"):  # an autocomplete answers JSON: no message
            this_one = f"{length:,} characters" if length > MAX_SEARCH_LENGTH else f"{count:,} words"
            limits = f"{MAX_SEARCH_LENGTH:,} characters and {MAX_SEARCH_WORDS} words"
            message = f"A search is at most {limits}: this one has {this_one}."
            self.message_user(request, message, messages.ERROR)
        return queryset.none(), False
