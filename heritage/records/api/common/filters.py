"""
The API's filtering: filters for the record's recurring shapes (their form fields in filter_fields.py), the base of
every resource's FilterSet (django-filter, in NetBox's manner), and the filter backend.

Conventions:
- A foreign key filters by id (`site_id=3`) and by slug (`site=palmyra`); both take several values, meaning OR.
- Choice fields take several values, meaning OR (`severity=destroyed&severity=severely_damaged`).
- `q` searches names, titles and descriptions (case-insensitive substring), including other names and aliases;
  `search` is the indexed word search, ranked (search.py).
- `updated_since` (every list) keeps the records changed at or after an ISO 8601 timestamp with its time zone: the
  change feed (see changes.py for what counts as a change of a record).
- `ordering` sorts by the listed fields (prefix `-` for descending); ties are always broken by id, in the direction
  of the last field, so pages are stable.
- Uncertain dates match on their derived bounds, as "may have happened then": `occurred_after=D` keeps records whose
  latest possible date is on or after D, `occurred_before=D` those whose earliest possible date is on or before D.
  An open or unknown end (`2015-09/..`, `../2016-03-27`) is unbounded on that side, so it matches; a record with no
  date at all (both bounds unknown) matches no date filter.
- Quantities match on their bounds in the same way, as "may be": `quantity_gte=N` keeps records whose largest
  possible number is N or more, `quantity_lte=N` those whose smallest is N or less; together they keep the ranges
  that overlap [gte, lte]. An open end (`at least 150`) is unbounded on that side; no quantity matches nothing.

A value that does not parse (a date that is not YYYY-MM-DD, an unknown choice or slug, a malformed bbox) makes the
filterset's form invalid, and the DRF backend answers 400 with the parameter's name and the problem. Custom filters
therefore check their input in their form field, never in the filtering method (where an error would be a 500).

The browsable API's filter form renders foreign-key filters as text inputs (`FilterBackend`): django-filter's
default was a <select> of every record of the related table (10,000 sites in the benchmark's data) on each page.
"""

import django_filters
from django import forms
from django.db.models import Q
from django.template import loader
from django_filters.rest_framework import DjangoFilterBackend, FilterSet
from drf_spectacular.drainage import set_override

from heritage.search.query import MAX_SEARCH_LENGTH

from ...models.base import MAX_QUANTITY
from ..fast.filters import ChoiceKeysMixin, FilterSetCopyMixin
from .filter_fields import (
    MAX_YEAR,
    MIN_YEAR,
    BBoxField,
    IdChoiceField,
    IdListField,
    SlugChoiceField,
    SlugListField,
    StrictBooleanField,
    YearField,
    YearRangeField,
)
from .search import SearchFilter
from .timestamps import TimestampField

# --- Filters ------------------------------------------------------------------------------------------------------


class DescribedSchemaMixin:
    """
    Gives a filter an explicit OpenAPI schema (`openapi_schema`) that keeps its help_text as the description.

    drf-spectacular cannot infer the type of these filters; a class-level @extend_schema_field would fix the type
    but drop each filter's own help_text.
    """

    openapi_schema = {"type": "string"}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        set_override(self, "field", {**self.openapi_schema, "description": self.extra.get("help_text", "")})


class BooleanFilter(django_filters.BooleanFilter):
    field_class = StrictBooleanField

    def filter(self, qs, value):
        if value is None or self.lookup_expr != "exact":
            return super().filter(qs, value)
        # `column IN (true)` rather than Django's rendering of an exact boolean match, the bare column (`WHERE
        # is_permanent`), which SQLite cannot look up in the column's index: it reads the whole index instead.
        return self.get_method(qs)(**{f"{self.field_name}__in": [value]})


class IdFilter(DescribedSchemaMixin, django_filters.ModelMultipleChoiceFilter):
    openapi_schema = {"type": "integer", "minimum": 1}
    field_class = IdChoiceField


class SlugFilter(DescribedSchemaMixin, django_filters.ModelMultipleChoiceFilter):
    openapi_schema = {"type": "string", "pattern": "^[-a-zA-Z0-9_]+$"}
    field_class = SlugChoiceField


class SlugListFilter(django_filters.MultipleChoiceFilter):
    field_class = SlugListField


class ChoiceListField(ChoiceKeysMixin, django_filters.fields.MultipleChoiceField):
    """Any number of a fixed list's keys."""


class ChoiceFilter(django_filters.MultipleChoiceFilter):
    """Any of a fixed list of choices (`severity=destroyed&severity=severely_damaged`); an unknown one is a 400."""

    field_class = ChoiceListField


class IdListFilter(DescribedSchemaMixin, django_filters.Filter):
    openapi_schema = {"type": "string", "pattern": r"^\d+(,\d+)*$"}
    field_class = IdListField

    def filter(self, qs, value):
        return qs if not value else qs.filter(pk__in=value)


class TimestampFilter(DescribedSchemaMixin, django_filters.Filter):
    """Records whose `field_name` (a datetime) is at or after the timestamp."""

    openapi_schema = {"type": "string", "format": "date-time", "example": "2026-03-01T10:00:00Z"}
    field_class = TimestampField

    def __init__(self, **kwargs):
        kwargs.setdefault("lookup_expr", "gte")
        super().__init__(**kwargs)


class YearFilter(DescribedSchemaMixin, django_filters.Filter):
    openapi_schema = {
        "oneOf": [
            {"type": "integer", "minimum": MIN_YEAR, "maximum": MAX_YEAR},
            {"type": "string", "example": "1800 BCE"},
        ]
    }
    field_class = YearField


class YearRangeFilter(DescribedSchemaMixin, django_filters.Filter):
    openapi_schema = {"type": "string", "example": "2001 BCE,1501 BCE"}
    field_class = YearRangeField


class BBoxFilter(DescribedSchemaMixin, django_filters.Filter):
    openapi_schema = {"type": "string", "example": "38.2,34.5,38.3,34.6"}
    field_class = BBoxField


class UncertainDateFilter(django_filters.DateFilter):
    """
    `<name>_after` / `<name>_before` on an EDTF date's derived bounds, as "may have happened on or after/before".

    `bounds` names the (earliest, latest) columns. See the module docstring for how open and unknown ends match.
    """

    def __init__(self, *, bounds, side, **kwargs):
        self.earliest, self.latest = bounds
        self.side = side
        super().__init__(**kwargs)

    def filter(self, qs, value):
        if value in (None, ""):
            return qs
        if self.side == "after":
            condition = Q(**{f"{self.latest}__gte": value}) | Q(
                **{f"{self.latest}__isnull": True, f"{self.earliest}__isnull": False}
            )
        else:
            condition = Q(**{f"{self.earliest}__lte": value}) | Q(
                **{f"{self.earliest}__isnull": True, f"{self.latest}__isnull": False}
            )
        return qs.filter(condition)


def date_filters(bounds, what):
    """The pair (`<name>_after`, `<name>_before`) for an EDTF date whose derived bound columns are `bounds`."""
    return (
        UncertainDateFilter(
            bounds=bounds,
            side="after",
            help_text=f"{what} possibly on or after this date (YYYY-MM-DD): its latest possible date is not earlier. "
            "An open end matches; records with no date do not.",
        ),
        UncertainDateFilter(
            bounds=bounds,
            side="before",
            help_text=f"{what} possibly on or before this date (YYYY-MM-DD): its earliest possible date is not later. "
            "An open start matches; records with no date do not.",
        ),
    )


class QuantityFilter(DescribedSchemaMixin, django_filters.Filter):
    """
    `<name>_gte` / `<name>_lte` on a quantity's bounds, as "may be at least / at most" (see the module docstring).

    `bounds` names the (min, max) columns.
    """

    openapi_schema = {"type": "integer", "minimum": 0, "maximum": MAX_QUANTITY}
    field_class = forms.IntegerField

    def __init__(self, *, bounds, side, **kwargs):
        self.low, self.high = bounds
        self.side = side
        kwargs.setdefault("min_value", 0)
        kwargs.setdefault("max_value", MAX_QUANTITY)
        super().__init__(**kwargs)

    def filter(self, qs, value):
        if value is None:
            return qs
        if self.side == "gte":
            condition = Q(**{f"{self.high}__gte": value}) | Q(
                **{f"{self.high}__isnull": True, f"{self.low}__isnull": False}
            )
        else:
            condition = Q(**{f"{self.low}__lte": value}) | Q(
                **{f"{self.low}__isnull": True, f"{self.high}__isnull": False}
            )
        return qs.filter(condition)


def quantity_filters(what, bounds=("quantity_min", "quantity_max")):
    """The pair (`<name>_gte`, `<name>_lte`) for a quantity whose bound columns are `bounds`."""
    return (
        QuantityFilter(
            bounds=bounds,
            side="gte",
            help_text=f"{what} possibly this number or more: its largest possible number is not smaller. An open "
            "end matches; records without one do not.",
        ),
        QuantityFilter(
            bounds=bounds,
            side="lte",
            help_text=f"{what} possibly this number or less: its smallest possible number is not larger. An open "
            "start matches; records without one do not.",
        ),
    )


class StableOrderingFilter(django_filters.OrderingFilter):
    """
    django-filter's OrderingFilter, with the id as the last key so that equal values keep a fixed order. The id
    goes the way the last key goes (`-occurred` lists the newest first, and among reports of one date the latest
    made): one index (field, id) then gives the rows in order read forwards or backwards, where a mixed direction
    (date descending, id ascending) made the database sort every matching row for the first page.
    """

    def filter(self, qs, value):
        # `ordering=,` names no field, as `ordering=` does: the list keeps its own order.
        value = [name for name in value or () if name]
        qs = super().filter(qs, value)
        if value:
            descending = qs.query.order_by[-1].startswith("-")  # the filter orders by names ("-occurred_earliest")
            qs = qs.order_by(*qs.query.order_by, "-pk" if descending else "pk")
        return qs


def ordering(*fields, **renamed):
    # django-filter wants (model field, parameter name) pairs; `renamed` is given as parameter=model_field.
    names = {field: field for field in fields} | {model_field: param for param, model_field in renamed.items()}
    return StableOrderingFilter(
        fields=tuple(names.items()),
        help_text="Sort by these fields, in order; prefix with - for descending. Ties are broken by id.",
    )


def fk_filters(name, model, *, field_name=None, label=None, distinct=False):
    """
    NetBox's pair for a foreign key, as (`<name>_id`, `<name>`): by primary key and by slug, each taking several
    values. Declare them together: `site_id, site = fk_filters("site", Site)`.
    """
    field_name = field_name or name
    label = label or model._meta.verbose_name
    by_id = IdFilter(
        field_name=field_name,
        queryset=model.objects.all(),
        distinct=distinct,
        help_text=f"{label.capitalize()} id; repeat for any of several.",
    )
    by_slug = SlugFilter(
        field_name=f"{field_name}__slug",
        queryset=model.objects.all(),
        to_field_name="slug",
        distinct=distinct,
        help_text=f"{label.capitalize()} slug; repeat for any of several.",
    )
    return by_id, by_slug


def term_filter(model, help_text, field_name=None):
    """A managed vocabulary's terms by slug (`kind=capture&kind=air_campaign`); an unknown slug is a 400."""
    return SlugFilter(
        field_name=field_name, queryset=model.objects.all(), to_field_name="slug", distinct=False, help_text=help_text
    )


def choice_filter(choices, help_text, field_name=None, *, distinct=False):
    # django-filter's MultipleChoiceFilter defaults to distinct=True, which makes every list query (and its count)
    # a SELECT DISTINCT over all columns: ask for it only where the filter follows a to-many relation.
    return ChoiceFilter(choices=choices, field_name=field_name, help_text=help_text, distinct=distinct)


def text_filter(model, field_name, help_text, **kwargs):
    """
    A filter on a text column of `model`, taking no more characters than the column holds: a longer value could
    match nothing, and is a 400 (on SQLite a case-insensitive match of 50,000 bytes or more would be a 500).
    """
    max_length = model._meta.get_field(field_name).max_length
    text = django_filters.CharFilter(field_name=field_name, max_length=max_length, help_text=help_text, **kwargs)
    set_override(text, "field", {"type": "string", "maxLength": max_length, "description": help_text})
    return text


def search_filter(help_text):
    # Bounded as `search` is: SQLite refuses a LIKE pattern of 50,000 bytes or more (a 500 it would otherwise be).
    search = django_filters.CharFilter(
        method="filter_q", label="Substring search", help_text=help_text, max_length=MAX_SEARCH_LENGTH
    )
    set_override(search, "field", {"type": "string", "maxLength": MAX_SEARCH_LENGTH, "description": help_text})
    return search


class BaseFilterSet(FilterSetCopyMixin, FilterSet):
    """Common to every resource: `id` (comma-separated ids) and `search`; subclasses add `q` and their own filters."""

    id = IdListFilter(help_text="Record ids, comma-separated (e.g. 3,5,8).")
    # Declared before every subclass's filters, so that `ordering`, when given, replaces the ranking.
    search = SearchFilter(
        label="Search",
        help_text="Words to find, all of them, in the names (other names and aliases too), titles, descriptions and "
        "cited quotes; Arabic letter variants, vowel marks, accents and case do not matter. Best match first unless "
        "`ordering` is given; each JSON result then has `search_match`, the passage it matched.",
    )
    updated_since = TimestampFilter(
        field_name="last_updated",
        help_text="Records created or changed at or after this time (ISO 8601 with a time zone, e.g. "
        "2026-03-01T10:00:00Z), a change to an item of their lists included: with /api/v1/deletions/, how to keep a "
        "copy current.",
    )

    @property
    def user(self):
        """The requesting user (None without a request: then filters take the public view of the record)."""
        return getattr(self.request, "user", None)

    def filter_q(self, queryset, name, value):
        """Override: the records whose text contains `value` (called for `q`)."""
        raise NotImplementedError(f"{type(self).__name__} declares q but does not implement filter_q().")


def slug_filter():
    return SlugListFilter(field_name="slug", distinct=False, help_text="Exact slug; repeat for any of several.")


# --- The backend ---------------------------------------------------------------------------------------------


class FilterBackend(DjangoFilterBackend):
    def to_html(self, request, queryset, view):
        filterset = self.get_filterset(request, queryset, view)
        if filterset is None:
            return None
        for field in filterset.form.fields.values():
            if isinstance(field, forms.ModelChoiceField):  # ModelMultipleChoiceField included
                field.widget = forms.TextInput(attrs={"placeholder": "slug or id"})
        return loader.get_template(self.template).render({"filter": filterset}, request)
