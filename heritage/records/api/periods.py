"""The API of periods (`/api/v1/periods/`): named spans of history with fuzzy start and stop years."""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Q
from drf_spectacular.extensions import OpenApiSerializerFieldExtension
from drf_spectacular.plumbing import build_object_type
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from .. import selectors
from ..models import Period, PeriodIdentifier, Site
from ..models.periods import YEAR_FIELDS
from ..years import MAX_YEAR, MIN_YEAR, format_year, parse_year
from .common.fields import ComputedField, DerivedField, api_url
from .common.filters import BaseFilterSet, YearFilter, YearRangeFilter, fk_filters, ordering, search_filter, slug_filter
from .common.identifiers import IdentifierFilter, IdentifierSerializer, identifiers_field
from .common.serializers import RecordSerializer, citations_field
from .common.views import RecordViewSet, document


class PeriodFilterSet(BaseFilterSet):
    q = search_filter("Case-insensitive search in the name, the display label and the description.")
    slug = slug_filter()
    year = YearFilter(
        method="filter_year",
        help_text="Periods that may include this year, using their widest bounds: start_earliest <= year <= "
        "stop_latest. A historical year (1800 BCE, AD 241) or an astronomical one (1 BCE is 0, 1800 BCE is -1799).",
    )
    overlaps = YearRangeFilter(
        method="filter_overlaps",
        help_text="start,stop (start <= stop; historical years such as 2001 BCE,1501 BCE or astronomical ones such "
        "as -2000,-1500): periods that may overlap that span, using their widest bounds.",
    )
    site_id, site = fk_filters("site", Site, field_name="sites", distinct=True)
    identifier = IdentifierFilter()
    ordering = ordering("name", "slug", "start_earliest", "start_latest", "stop_earliest", "stop_latest")

    class Meta:
        model = Period
        fields = []

    def filter_q(self, queryset, name, value):
        return queryset.filter(Q(name__icontains=value) | Q(label__icontains=value) | Q(description__icontains=value))

    def filter_year(self, queryset, name, value):
        return queryset if value is None else queryset.overlapping(value)

    def filter_overlaps(self, queryset, name, value):
        return queryset if not value else queryset.overlapping(*value)


class YearField(serializers.IntegerField):
    """
    A year: read as its astronomical number (1 BCE is 0, 300 BCE is -299); written as that number, or as text in
    the historical form ("300 BCE", "AD 241") or the astronomical one ("-299"), see years.parse_year.
    """

    def __init__(self, **kwargs):
        kwargs.setdefault("min_value", MIN_YEAR)
        kwargs.setdefault("max_value", MAX_YEAR)
        super().__init__(**kwargs)

    def to_internal_value(self, data):
        if isinstance(data, str):
            try:
                data = parse_year(data, astronomical=True)
            except DjangoValidationError as exc:
                raise serializers.ValidationError(exc.messages) from exc
        return super().to_internal_value(data)


class YearFieldExtension(OpenApiSerializerFieldExtension):
    """A year: an integer in responses; an integer or text such as "300 BCE" in requests."""

    target_class = YearField

    def map_serializer_field(self, auto_schema, direction):
        astronomical = {"type": "integer", "minimum": MIN_YEAR, "maximum": MAX_YEAR}
        if direction == "response":
            return {**astronomical, "description": "Astronomical year: 1 CE is 1, 1 BCE is 0, 300 BCE is -299."}
        return {
            "oneOf": [astronomical, {"type": "string", "example": "300 BCE"}],
            "description": 'An astronomical year (-299), or text: "300 BCE", "300 BC", "241 CE", "AD 241", "241", '
            '"-299" (a signed number is astronomical). There is no year 0 BCE or CE.',
        }


@extend_schema_field(
    build_object_type(
        properties={name: {"type": "string", "example": "300 BCE"} for name in YEAR_FIELDS},
        required=YEAR_FIELDS,
    )
)
class HistoricalYearsField(ComputedField):
    """The four years in their historical form: {"start_earliest": "300 BCE", ...}."""

    csv_subfields = YEAR_FIELDS

    def __init__(self, **kwargs):
        kwargs["source"] = "*"
        kwargs["read_only"] = True
        super().__init__(**kwargs)

    def value_columns(self, model):
        return YEAR_FIELDS

    def from_values(self, *years):
        return {name: format_year(year) for name, year in zip(YEAR_FIELDS, years, strict=True)}


def year_field(what):
    return YearField(help_text=f"{what}: an astronomical year (1 BCE is 0); written also as text, e.g. 300 BCE.")


class PeriodIdentifierSerializer(IdentifierSerializer):
    """A period's identifier in another register: its PeriodO definition, Pleiades time period, Wikidata item."""

    class Meta(IdentifierSerializer.Meta):
        model = PeriodIdentifier


class PeriodSerializer(RecordSerializer):
    """
    A named span of history; years are astronomical (1 BCE is 0, 2000 BCE is -1999), and may be written "300 BCE".
    Its `identifiers` are written with it (common/nested.py).
    """

    url = api_url("period")
    start_earliest = year_field("The earliest year it may start")
    start_latest = year_field("The latest year it may start")
    stop_earliest = year_field("The earliest year it may stop")
    stop_latest = year_field("The latest year it may stop")
    historical_years = HistoricalYearsField(help_text='The same four years as historical years, e.g. "300 BCE".')
    years_display = DerivedField(
        Period.display_years,
        ["start_earliest", "stop_latest"],
        help_text="The widest span as historical years, e.g. '2000 BCE – 1600 BCE'.",
    )
    identifiers = identifiers_field(PeriodIdentifierSerializer)
    citations = citations_field()

    class Meta:
        brief_fields = ["id", "url", "slug", "name", "label", "years_display"]
        model = Period
        fields = [
            "id",
            "url",
            "slug",
            "name",
            "label",
            "start_earliest",
            "start_latest",
            "stop_earliest",
            "stop_latest",
            "historical_years",
            "years_display",
            "spatial_coverage",
            "description",
            "identifiers",
            "citations",
            "created",
            "last_updated",
        ]


@document(PeriodSerializer)
class PeriodViewSet(RecordViewSet):
    """Named spans of history with fuzzy start and stop years (astronomical: 1 BCE is 0)."""

    selector = staticmethod(selectors.periods)
    serializer_class = PeriodSerializer
    filterset_class = PeriodFilterSet
