"""
The admin's lists, for every model admin of the project (records, users and groups, login attempts).

Django builds a list's query from the lookups in its address (`?name__icontains=…`, `?created__year=2016`) and
refuses one it cannot build (the list's "?e=1" page), but some fail only when the query is compiled or run, and were
500s: a year no date can have (`?created__year=0`, also in the date drill-down), a number wider than any column
(`?id__in=1,99999999999999999999`), a regular expression that does not compile (`?name__regex=(`). Such lookups
are refused as the others are. Regular expressions are refused outright: no page makes one, and a pattern runs on
every row.
"""

from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.admin.views.main import ChangeList
from django.core.exceptions import EmptyResultSet, FullResultSet
from django.db import NotSupportedError

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


class CheckedLookupsMixin:
    """For a ModelAdmin: its list is a CheckedChangeList, and lookups by regular expression are refused (a 400)."""

    def get_changelist(self, request, **kwargs):
        return CheckedChangeList

    def lookup_allowed(self, lookup, value, request=None):
        if lookup.rsplit("__", 1)[-1] in REFUSED_LOOKUPS:
            return False
        return super().lookup_allowed(lookup, value, request)
