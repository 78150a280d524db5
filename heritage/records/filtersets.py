"""
Query-string filters for the API, one FilterSet per resource (django-filter), in NetBox's manner.

Conventions:
- A foreign key filters by id (`site_id=3`) and by slug (`site=palmyra`); both take several values, meaning OR.
- Choice fields take several values, meaning OR (`severity=destroyed&severity=severely_damaged`).
- `q` searches names, titles and descriptions (case-insensitive substring), including other names and aliases.
- `ordering` sorts by the listed fields (prefix `-` for descending); ties are always broken by id, so pages are
  stable.
- Uncertain dates match on their derived bounds, as "may have happened then": `occurred_after=D` keeps records whose
  latest possible date is on or after D, `occurred_before=D` those whose earliest possible date is on or before D.
  An open or unknown end (`2015-09/..`, `../2016-03-27`) is unbounded on that side, so it matches; a record with no
  date at all (both bounds unknown) matches no date filter.

A value that does not parse (a date that is not YYYY-MM-DD, an unknown choice or slug, a malformed bbox) makes the
filterset's form invalid, and the DRF backend answers 400 with the parameter's name and the problem. Custom filters
therefore check their input in their form field, never in the filtering method (where an error would be a 500).
"""

import copy
import re
from decimal import Decimal, InvalidOperation

import django_filters
from django import forms
from django.db.models import Exists, OuterRef, Q
from django_countries import countries
from django_filters.rest_framework import FilterSet
from drf_spectacular.drainage import set_override

from .choices import (
    ActorKind,
    Certainty,
    CurationStatus,
    DesignationKind,
    DisturbanceCategory,
    EventKind,
    Extent,
    LocationCertainty,
    OccupationEnd,
    ParticipantRole,
    Severity,
    SiteKind,
    SourceKind,
    ThreatTarget,
)
from .models import (
    Actor,
    ActorAlias,
    Citation,
    DamageReport,
    Designation,
    DisturbanceCause,
    Event,
    Occupation,
    Period,
    Site,
    SiteName,
    Source,
    Structure,
    Threat,
)

MAX_PK = 2**63 - 1
# Years the period filters accept: far wider than any period, narrow enough for any database integer.
MIN_YEAR, MAX_YEAR = -1_000_000, 1_000_000


# --- Form fields that validate what the custom filters receive ---------------------------------------------------


class EmptyAsListMixin:
    """
    An absent filter cleans to [] rather than Django's `queryset.none()`: django-filter then tests the value's
    truth, which for a QuerySet means building and "running" an empty query, once per foreign-key filter per request.
    """

    def clean(self, value):
        if not self.required and not value:
            return []
        return super().clean(value)


class IdChoiceField(EmptyAsListMixin, django_filters.fields.ModelMultipleChoiceField):
    """Record ids: whole numbers the database can hold (a larger one would crash the query, not just miss)."""

    def _check_values(self, value):
        for pk in value:
            try:
                number = int(str(pk))
            except ValueError:
                number = None
            if number is None or not 1 <= number <= MAX_PK:
                raise forms.ValidationError(
                    "%(value)r is not a record id (a whole number from 1).", code="invalid_pk", params={"value": pk}
                )
        return super()._check_values(value)


SLUG_RE = re.compile(r"^[-a-zA-Z0-9_]+$")


def check_slug(value):
    # Anything else cannot be a slug; refusing it here also keeps NUL characters away from PostgreSQL.
    if not SLUG_RE.match(str(value)):
        raise forms.ValidationError(
            "%(value)r is not a slug (letters, digits, hyphens, underscores).",
            code="invalid_slug",
            params={"value": value},
        )


class SlugChoiceField(EmptyAsListMixin, django_filters.fields.ModelMultipleChoiceField):
    """Records named by slug: each value must be a slug of an existing record."""

    def _check_values(self, value):
        for slug in value:
            check_slug(slug)
        return super()._check_values(value)


class SlugListField(forms.MultipleChoiceField):
    """Any number of slugs, not checked against the table: an unknown one simply matches nothing."""

    def valid_value(self, value):
        check_slug(value)
        return True


class IdListField(forms.CharField):
    """Comma-separated record ids, e.g. `3,5,8`."""

    def clean(self, value):
        value = super().clean(value)
        if value in self.empty_values:
            return None
        ids = []
        for part in value.split(","):
            try:
                number = int(part.strip())
            except ValueError:
                number = None
            if number is None or not 1 <= number <= MAX_PK:
                raise forms.ValidationError(
                    "%(value)r is not a record id (a whole number from 1).",
                    code="invalid_pk",
                    params={"value": part.strip()},
                )
            ids.append(number)
        return ids


class StrictBooleanField(forms.NullBooleanField):
    """true/false (or 1/0): anything else is an error, not silently ignored as DRF's BooleanWidget would."""

    widget = forms.TextInput

    def to_python(self, value):
        text = str(value).strip().lower() if value is not None else ""
        if text in ("", "none"):
            return None
        if text in ("true", "1"):
            return True
        if text in ("false", "0"):
            return False
        raise forms.ValidationError("Expected true or false, not %(value)r.", code="invalid", params={"value": value})

    def validate(self, value):
        pass


class YearField(forms.IntegerField):
    def __init__(self, **kwargs):
        kwargs.setdefault("min_value", MIN_YEAR)
        kwargs.setdefault("max_value", MAX_YEAR)
        super().__init__(**kwargs)


class YearRangeField(forms.CharField):
    """Two astronomical years `start,stop` with start <= stop, e.g. `-2000,-1500`."""

    def clean(self, value):
        value = super().clean(value)
        if value in self.empty_values:
            return None
        parts = [part.strip() for part in value.split(",")]
        try:
            if len(parts) != 2:
                raise ValueError
            start, stop = (int(part) for part in parts)
        except ValueError:
            raise forms.ValidationError(
                "Expected two years separated by a comma, start first, e.g. -2000,-1500.", code="invalid"
            ) from None
        if not (MIN_YEAR <= start <= MAX_YEAR and MIN_YEAR <= stop <= MAX_YEAR):
            raise forms.ValidationError(f"Years must lie between {MIN_YEAR} and {MAX_YEAR}.", code="out_of_range")
        if start > stop:
            raise forms.ValidationError("The first year must not be after the second.", code="reversed")
        return (start, stop)


class BBoxField(forms.CharField):
    """`min_lon,min_lat,max_lon,max_lat` in WGS84 degrees (RFC 7946 order); min_lon > max_lon crosses 180°."""

    def clean(self, value):
        value = super().clean(value)
        if value in self.empty_values:
            return None
        parts = [part.strip() for part in value.split(",")]
        try:
            if len(parts) != 4:
                raise InvalidOperation
            min_lon, min_lat, max_lon, max_lat = (Decimal(part) for part in parts)
            if not all(number.is_finite() for number in (min_lon, min_lat, max_lon, max_lat)):
                raise InvalidOperation
        except InvalidOperation:
            raise forms.ValidationError(
                "Expected four numbers min_lon,min_lat,max_lon,max_lat, e.g. 38.2,34.5,38.3,34.6.", code="invalid"
            ) from None
        if not (-180 <= min_lon <= 180 and -180 <= max_lon <= 180):
            raise forms.ValidationError("Longitudes must lie between -180 and 180.", code="out_of_range")
        if not (-90 <= min_lat <= 90 and -90 <= max_lat <= 90):
            raise forms.ValidationError("Latitudes must lie between -90 and 90.", code="out_of_range")
        if min_lat > max_lat:
            raise forms.ValidationError("min_lat must not be greater than max_lat.", code="reversed")
        return (min_lon, min_lat, max_lon, max_lat)


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


class IdListFilter(DescribedSchemaMixin, django_filters.Filter):
    openapi_schema = {"type": "string", "pattern": r"^\d+(,\d+)*$"}
    field_class = IdListField

    def filter(self, qs, value):
        return qs if not value else qs.filter(pk__in=value)


class YearFilter(DescribedSchemaMixin, django_filters.Filter):
    openapi_schema = {"type": "integer", "minimum": MIN_YEAR, "maximum": MAX_YEAR}
    field_class = YearField


class YearRangeFilter(DescribedSchemaMixin, django_filters.Filter):
    openapi_schema = {"type": "string", "example": "-2000,-1500"}
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


class StableOrderingFilter(django_filters.OrderingFilter):
    """django-filter's OrderingFilter, with the id as the last key so that equal values keep a fixed order."""

    def filter(self, qs, value):
        qs = super().filter(qs, value)
        if value:
            qs = qs.order_by(*qs.query.order_by, "pk")
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


def choice_filter(choices, help_text, field_name=None, *, distinct=False):
    # django-filter's MultipleChoiceFilter defaults to distinct=True, which makes every list query (and its count)
    # a SELECT DISTINCT over all columns: ask for it only where the filter follows a to-many relation.
    return django_filters.MultipleChoiceFilter(
        choices=choices, field_name=field_name, help_text=help_text, distinct=distinct
    )


def search_filter(help_text):
    return django_filters.CharFilter(method="search", label="Search", help_text=help_text)


class CopiedShallowly(dict):
    """
    A FilterSet's `base_filters`, which every FilterSet instance (one per request) copies to set itself as their
    `parent`: django-filter deep-copies them, choices, labels and querysets included, though a filter keeps no other
    per-request state. A shallow copy of each filter is enough, and costs a small fraction.
    """

    def __deepcopy__(self, memo):
        copies = {}
        for name, filter_ in self.items():
            clone = copies[name] = copy.copy(filter_)
            if clone.method is not None:
                clone.method = filter_.method  # re-binds django-filter's FilterMethod to the copy (and its parent)
        return copies


class FieldsSharingWidgets(dict):
    """
    A filter form's `base_fields`, which Django deep-copies for every form (one per request): widgets, their choices
    and the fields' querysets included. Filter values are only read through the widgets (and a browsable-API form
    that swaps a widget swaps it on its own copy of the field), so each form gets its own copy of each field, as
    Django makes it, but shares the widgets.
    """

    def __deepcopy__(self, memo):
        copies = {}
        for name, field in self.items():
            clone = copies[name] = copy.copy(field)
            clone.error_messages = field.error_messages.copy()
            clone.validators = field.validators[:]
        return copies


class BaseFilterSet(FilterSet):
    """Common to every resource: `id` (comma-separated ids); subclasses add `q` and their own filters."""

    id = IdListFilter(help_text="Record ids, comma-separated (e.g. 3,5,8).")

    @classmethod
    def get_filters(cls):
        return CopiedShallowly(super().get_filters())

    def get_form_class(self):
        # django-filter builds the form class (a form field per filter) on every request. The fields depend only on
        # the filters' declarations, as no filter here takes its queryset or choices from the request, so the class
        # is built once per FilterSet class; each form still works on its own copy of the fields, as Django's do.
        form_class = type(self).__dict__.get("_form_class")
        if form_class is None:
            form_class = super().get_form_class()
            form_class.base_fields = FieldsSharingWidgets(form_class.base_fields)
            type(self)._form_class = form_class
        return form_class

    @property
    def user(self):
        """The requesting user (None without a request: then filters take the public view of the record)."""
        return getattr(self.request, "user", None)

    def search(self, queryset, name, value):
        """Override: the records whose text matches `value` (called for `q`)."""
        raise NotImplementedError(f"{type(self).__name__} declares q but does not implement search().")


def slug_filter():
    return SlugListFilter(field_name="slug", distinct=False, help_text="Exact slug; repeat for any of several.")


# --- One FilterSet per resource ----------------------------------------------------------------------------------


class SiteFilterSet(BaseFilterSet):
    q = search_filter("Case-insensitive search in the name, the other names (e.g. epithets) and the description.")
    slug = slug_filter()
    kind = choice_filter(SiteKind.choices, "Kind of site; repeat for any of several.")
    country = django_filters.MultipleChoiceFilter(
        choices=list(countries),
        distinct=False,
        help_text="ISO 3166-1 alpha-2 country code (e.g. SY); repeat for several.",
    )
    location_certainty = choice_filter(LocationCertainty.choices, "How well the coordinates locate the site.")
    has_location = BooleanFilter(
        method="filter_has_location", help_text="true: sites with coordinates; false: sites without."
    )
    designation = choice_filter(
        DesignationKind.choices,
        "Sites that hold or held a protected status of this kind; repeat for any of several.",
        field_name="designations__kind",
        distinct=True,
    )
    in_danger = BooleanFilter(
        method="filter_in_danger",
        help_text="true: sites currently on the List of World Heritage in Danger (a designation with no end date).",
    )
    period_id, period = fk_filters("period", Period, field_name="periods", distinct=True)
    occupied_by_id, occupied_by = fk_filters(
        "occupied_by", Actor, field_name="occupations__occupier", label="occupier (actor)", distinct=True
    )
    has_damage = BooleanFilter(
        method="filter_has_damage", help_text="true: sites with at least one damage report; false: sites with none."
    )
    bbox = BBoxFilter(
        method="filter_bbox",
        help_text="min_lon,min_lat,max_lon,max_lat (WGS84, RFC 7946 order): sites located inside the box, edges "
        "included. min_lon greater than max_lon means a box crossing the antimeridian. Unlocated sites never match.",
    )
    ordering = ordering("name", "slug", "kind", "country", "created", "last_updated")

    class Meta:
        model = Site
        fields = []

    def search(self, queryset, name, value):
        other_names = SiteName.objects.filter(site=OuterRef("pk"), name__icontains=value)
        return queryset.filter(Q(name__icontains=value) | Q(description__icontains=value) | Exists(other_names))

    def filter_has_location(self, queryset, name, value):
        if value is None:
            return queryset
        located = Q(latitude__isnull=False, longitude__isnull=False)
        return queryset.filter(located) if value else queryset.exclude(located)

    def filter_in_danger(self, queryset, name, value):
        if value is None:
            return queryset
        current = Designation.objects.filter(
            site=OuterRef("pk"), kind=DesignationKind.WORLD_HERITAGE_IN_DANGER, valid_to=""
        )
        return queryset.filter(Exists(current)) if value else queryset.exclude(Exists(current))

    def filter_has_damage(self, queryset, name, value):
        if value is None:
            return queryset
        # Only the reports this user may read: a draft must not show through as "this site has damage".
        damaged = DamageReport.objects.visible_to(self.user).filter(site=OuterRef("pk"))
        return queryset.filter(Exists(damaged)) if value else queryset.exclude(Exists(damaged))

    def filter_bbox(self, queryset, name, value):
        if not value:
            return queryset
        # On the coordinates this user may see: a sensitive site matches by its public point (models/sites.py).
        return queryset.located_within(*value, user=self.user)


class PeriodFilterSet(BaseFilterSet):
    q = search_filter("Case-insensitive search in the name, the display label and the description.")
    slug = slug_filter()
    year = YearFilter(
        method="filter_year",
        help_text="Periods that may include this astronomical year (1 BCE is 0, 1800 BCE is -1799), using their "
        "widest bounds: start_earliest <= year <= stop_latest.",
    )
    overlaps = YearRangeFilter(
        method="filter_overlaps",
        help_text="start,stop (astronomical years, start <= stop): periods that may overlap that span, using their "
        "widest bounds.",
    )
    site_id, site = fk_filters("site", Site, field_name="sites", distinct=True)
    ordering = ordering("name", "slug", "start_earliest", "start_latest", "stop_earliest", "stop_latest")

    class Meta:
        model = Period
        fields = []

    def search(self, queryset, name, value):
        return queryset.filter(Q(name__icontains=value) | Q(label__icontains=value) | Q(description__icontains=value))

    def filter_year(self, queryset, name, value):
        return queryset if value is None else queryset.overlapping(value)

    def filter_overlaps(self, queryset, name, value):
        return queryset if not value else queryset.overlapping(*value)


class ActorFilterSet(BaseFilterSet):
    q = search_filter("Case-insensitive search in the name, the aliases (e.g. ISIL, Daesh) and the description.")
    slug = slug_filter()
    kind = choice_filter(ActorKind.choices, "Kind of party; repeat for any of several.")
    country = django_filters.MultipleChoiceFilter(
        choices=list(countries), distinct=False, help_text="ISO 3166-1 alpha-2 code of the state it belongs to."
    )
    parent_id, parent = fk_filters("parent", Actor, label="parent actor (part of)")
    ordering = ordering("name", "slug", "kind", "country", "created", "last_updated")

    class Meta:
        model = Actor
        fields = []

    def search(self, queryset, name, value):
        aliases = ActorAlias.objects.filter(actor=OuterRef("pk"), name__icontains=value)
        return queryset.filter(Q(name__icontains=value) | Q(description__icontains=value) | Exists(aliases))


class OccupationFilterSet(BaseFilterSet):
    q = search_filter("Case-insensitive search in the description and the dating note.")
    slug = slug_filter()
    site_id, site = fk_filters("site", Site)
    occupier_id, occupier = fk_filters("occupier", Actor, label="occupier (actor)")
    ending_event_id, ending_event = fk_filters("ending_event", Event, label="ending event")
    end_kind = choice_filter(OccupationEnd.choices, "How it ended; repeat for any of several.")
    active_on = django_filters.DateFilter(
        method="filter_active_on",
        help_text="YYYY-MM-DD: occupations that may have been in force that day (started by then, as far as known, "
        "and not certainly over). An unknown start or an ongoing occupation counts as possibly in force.",
    )
    started_inferred = BooleanFilter(help_text="Whether the start was worked out, not stated.")
    ended_inferred = BooleanFilter(help_text="Whether the end was worked out, not stated.")
    is_ongoing = BooleanFilter(
        field_name="ended", lookup_expr="exact", method="filter_is_ongoing", help_text="true: no end date yet."
    )
    started_after, started_before = date_filters(("started_earliest", "started_latest"), "Started")
    ended_after, ended_before = date_filters(("ended_earliest", "ended_latest"), "Ended")
    ordering = ordering(
        "slug",
        "created",
        "last_updated",
        site="site__name",
        started="started_earliest",
        ended="ended_latest",
    )

    class Meta:
        model = Occupation
        fields = []

    def search(self, queryset, name, value):
        return queryset.filter(Q(description__icontains=value) | Q(dating_note__icontains=value))

    def filter_active_on(self, queryset, name, value):
        return queryset if value is None else queryset.active_on(value)

    def filter_is_ongoing(self, queryset, name, value):
        if value is None:
            return queryset
        return queryset.filter(ended="") if value else queryset.exclude(ended="")


class EventFilterSet(BaseFilterSet):
    q = search_filter("Case-insensitive search in the title, the description and the statement.")
    slug = slug_filter()
    kind = choice_filter(EventKind.choices, "Kind of event; repeat for any of several.")
    site_id, site = fk_filters("site", Site)
    part_of_id, part_of = fk_filters("part_of", Event, label="larger event (part of)")
    actor_id, actor = fk_filters("actor", Actor, field_name="actors", label="participant (actor)", distinct=True)
    role = choice_filter(
        ParticipantRole.choices,
        "Events in which someone played this role (combine with actor for that actor's role).",
        field_name="participants__role",
        distinct=True,
    )
    occurred_inferred = BooleanFilter(help_text="Whether the date was worked out, not stated.")
    occurred_after, occurred_before = date_filters(("occurred_earliest", "occurred_latest"), "Happened")
    ordering = ordering("title", "slug", "kind", "created", "last_updated", occurred="occurred_earliest")

    class Meta:
        model = Event
        fields = []

    def search(self, queryset, name, value):
        return queryset.filter(
            Q(title__icontains=value) | Q(description__icontains=value) | Q(statement__icontains=value)
        )

    def filter_queryset(self, queryset):
        # actor and role filter the same participant row when both are given ("ISIS as agent").
        actors = self.form.cleaned_data.get("actor") or self.form.cleaned_data.get("actor_id")
        roles = self.form.cleaned_data.get("role")
        if actors and roles:
            queryset = queryset.filter(participants__actor__in=actors, participants__role__in=roles).distinct()
        return super().filter_queryset(queryset)


class DamageReportFilterSet(BaseFilterSet):
    q = search_filter("Case-insensitive search in the description, the site's name and the cause's name.")
    slug = slug_filter()
    site_id, site = fk_filters("site", Site)
    structure_id, structure = fk_filters("structure", Structure, label="structure within the site")
    cause_id, cause = fk_filters("cause", DisturbanceCause, label="damage type (disturbance cause)")
    cause_category = choice_filter(
        DisturbanceCategory.choices, "Category of the damage type; repeat for any of several.", "cause__category"
    )
    occupation_id, occupation = fk_filters("occupation", Occupation, label="occupation it happened during")
    perpetrator_id, perpetrator = fk_filters("perpetrator", Actor, label="perpetrator (actor)")
    severity = choice_filter(Severity.choices, "UNOSAT severity; repeat for any of several.")
    extent = choice_filter(Extent.choices, "How much of the site or structure; repeat for any of several.")
    certainty = choice_filter(Certainty.choices, "Confidence that it is true; repeat for any of several.")
    status = choice_filter(CurationStatus.choices, "Curation status; repeat for any of several.")
    is_permanent = BooleanFilter(help_text="Whether the loss is known to be permanent.")
    occurred_after, occurred_before = date_filters(("occurred_earliest", "occurred_latest"), "Happened")
    ordering = ordering(
        "slug",
        "severity",
        "certainty",
        "status",
        "created",
        "last_updated",
        site="site__name",
        occurred="occurred_earliest",
    )

    class Meta:
        model = DamageReport
        fields = []

    def search(self, queryset, name, value):
        return queryset.filter(
            Q(description__icontains=value) | Q(site__name__icontains=value) | Q(cause__name__icontains=value)
        )


class ThreatFilterSet(BaseFilterSet):
    q = search_filter("Case-insensitive search in the description, the consequence and the site's name.")
    slug = slug_filter()
    site_id, site = fk_filters("site", Site)
    cause_id, cause = fk_filters("cause", DisturbanceCause, label="hazard type (disturbance cause)")
    endangers = choice_filter(ThreatTarget.choices, "What it endangers; repeat for any of several.")
    certainty = choice_filter(Certainty.choices, "Confidence that it is true; repeat for any of several.")
    status = choice_filter(CurationStatus.choices, "Curation status; repeat for any of several.")
    observed_after, observed_before = date_filters(("observed_earliest", "observed_latest"), "Reported")
    ordering = ordering(
        "slug", "certainty", "status", "created", "last_updated", site="site__name", observed="observed_earliest"
    )

    class Meta:
        model = Threat
        fields = []

    def search(self, queryset, name, value):
        return queryset.filter(
            Q(description__icontains=value) | Q(consequence__icontains=value) | Q(site__name__icontains=value)
        )


class SourceFilterSet(BaseFilterSet):
    q = search_filter("Case-insensitive search in the title, the publisher and the notes.")
    slug = slug_filter()
    kind = choice_filter(SourceKind.choices, "Kind of source; repeat for any of several.")
    publisher = django_filters.CharFilter(lookup_expr="iexact", help_text="Publisher, exactly (case-insensitive).")
    ordering = ordering("title", "slug", "kind", "publisher", "created", "last_updated")

    class Meta:
        model = Source
        fields = []

    def search(self, queryset, name, value):
        return queryset.filter(Q(title__icontains=value) | Q(publisher__icontains=value) | Q(notes__icontains=value))


class CitationFilterSet(BaseFilterSet):
    q = search_filter("Case-insensitive search in the quoted words and the attribution.")
    source_id, source = fk_filters("source", Source)
    attributed_to_id, attributed_to = fk_filters("attributed_to", Actor, label="who made the claim (actor)")
    attributed = BooleanFilter(
        field_name="attributed_to",
        lookup_expr="isnull",
        exclude=True,
        help_text="true: passages relaying someone else's claim (attributed_to set); false: the source's own words.",
    )
    ordering = ordering(
        "char_start", "char_end", "created", "last_updated", source="source__title", attributed_to="attributed_to__name"
    )

    class Meta:
        model = Citation
        fields = []

    def search(self, queryset, name, value):
        return queryset.filter(Q(quote__icontains=value) | Q(attribution__icontains=value))


class DisturbanceCauseFilterSet(BaseFilterSet):
    q = search_filter("Case-insensitive search in the name and the scope note.")
    slug = slug_filter()
    category = choice_filter(DisturbanceCategory.choices, "EAMENA category; repeat for any of several.")
    scheme = django_filters.CharFilter(lookup_expr="iexact", help_text="Thesaurus, e.g. EAMENA (case-insensitive).")
    ordering = ordering("name", "slug", "category", "scheme")

    class Meta:
        model = DisturbanceCause
        fields = []

    def search(self, queryset, name, value):
        return queryset.filter(Q(name__icontains=value) | Q(scope_note__icontains=value))


__all__ = [
    "ActorFilterSet",
    "CitationFilterSet",
    "DamageReportFilterSet",
    "DisturbanceCauseFilterSet",
    "EventFilterSet",
    "OccupationFilterSet",
    "PeriodFilterSet",
    "SiteFilterSet",
    "SourceFilterSet",
    "ThreatFilterSet",
]
