"""The API of periods (`/api/v1/periods/`): named spans of history with fuzzy start and stop years."""

from django.db.models import Q
from rest_framework import serializers

from .. import selectors
from ..models import Period, Site
from .common.fields import api_url
from .common.filters import BaseFilterSet, YearFilter, YearRangeFilter, fk_filters, ordering, search_filter, slug_filter
from .common.serializers import RecordSerializer, citations_field
from .common.views import RecordViewSet, document


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


class PeriodSerializer(RecordSerializer):
    """A named span of history; years are astronomical (1 BCE is 0, 2000 BCE is -1999)."""

    url = api_url("period")
    years_display = serializers.CharField(
        read_only=True, help_text="The widest span as historical years, e.g. '2000 BCE – 1600 BCE'."
    )
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
            "years_display",
            "spatial_coverage",
            "description",
            "citations",
            "created",
            "last_updated",
        ]
        extra_kwargs = {
            name: {
                "help_text": "Astronomical year: 1 CE is 1, 1 BCE is 0, 2000 BCE is -1999.",
                "min_value": -(2**31) + 1,
                "max_value": 2**31 - 1,
            }
            for name in ["start_earliest", "start_latest", "stop_earliest", "stop_latest"]
        }


@document(PeriodSerializer)
class PeriodViewSet(RecordViewSet):
    """Named spans of history with fuzzy start and stop years (astronomical: 1 BCE is 0)."""

    selector = staticmethod(selectors.periods)
    serializer_class = PeriodSerializer
    filterset_class = PeriodFilterSet
