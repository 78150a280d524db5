"""
The admin's lists, for every model admin of the project (records, users and groups, login attempts).

Django builds a list's query from the lookups in its address (`?name__icontains=…`, `?created__year=2016`) and
refuses one it cannot build (the list's "?e=1" page), but some fail only when the query is compiled or run, and were
500s: a year no date can have (`?created__year=0`, also in the date drill-down), a number wider than any column
(`?id__in=1,99999999999999999999`), a regular expression that does not compile (`?name__regex=(`). Such lookups
are refused as the others are. Regular expressions are refused outright: no page makes one, and a pattern runs on
every row. So is an action's selection that names a record no key can be (`_selected_action=x`), which failed in the
action's query, and a search longer than the API allows (SQLite refuses a LIKE pattern of 50,000 bytes, and a
search of thousands of words nests too deep for it).
"""

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


def may_be_a_key(field, value):
    """Whether `value`, as a form sends it, is one the primary key `field` can hold."""
    try:
        value = field.to_python(value)
    except ValidationError:
        return False
    if isinstance(value, int):
        return -WIDEST_INTEGER <= value < WIDEST_INTEGER
    return value is not None and "\x00" not in str(value)


class CheckedLookupsMixin:
    """
    For a ModelAdmin: its list is a CheckedChangeList, lookups by regular expression are refused (a 400), an action
    on a selection naming a record no key can be changes nothing and says so, as Django does for an empty one, and
    so does a search too long to run (its list, or its autocomplete, is then empty).
    """

    def get_changelist(self, request, **kwargs):
        return CheckedChangeList

    def lookup_allowed(self, lookup, value, request=None):
        if lookup.rsplit("__", 1)[-1] in REFUSED_LOOKUPS:
            return False
        return super().lookup_allowed(lookup, value, request)

    def response_action(self, request, queryset):
        selected = request.POST.getlist(helpers.ACTION_CHECKBOX_NAME)
        if not all(may_be_a_key(self.model._meta.pk, value) for value in selected):
            message = "The selection names records that cannot exist. No items have been changed."
            self.message_user(request, message, messages.ERROR)
            return None  # back to the list, as for an empty selection
        return super().response_action(request, queryset)

    def get_search_results(self, request, queryset, search_term):
        length, count = len(search_term), sum(1 for _ in smart_split(search_term))
        if length <= MAX_SEARCH_LENGTH and count <= MAX_SEARCH_WORDS:
            return super().get_search_results(request, queryset, search_term)
        match = request.resolver_match
        if match is None or match.url_name != "autocomplete":  # an autocomplete answers JSON: no message shown
            this_one = f"{length:,} characters" if length > MAX_SEARCH_LENGTH else f"{count:,} words"
            limits = f"{MAX_SEARCH_LENGTH:,} characters and {MAX_SEARCH_WORDS} words"
            message = f"A search is at most {limits}: this one has {this_one}."
            self.message_user(request, message, messages.ERROR)
        return queryset.none(), False
