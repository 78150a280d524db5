"""
The API of the managed vocabularies: `/api/v1/event-types/`, `quantity-units/`, `source-types/`,
`disturbance-categories/`, `disturbance-causes/` and `site-conditions/`.

Anyone reads them (what a record's `kind`, `unit` or `cause` means, in English and Arabic); users with the model's
permissions add, change and delete terms like any record. A term records use cannot be deleted (409): retire it
(`is_active: false`) instead.
"""

from django.db.models import Q

from .. import selectors
from ..models import DisturbanceCategory, DisturbanceCause, EventType, QuantityUnit, SiteCondition, SourceType
from .common.fields import TermField, api_url
from .common.filters import (
    BaseFilterSet,
    BooleanFilter,
    ordering,
    search_filter,
    slug_filter,
    term_filter,
    text_filter,
)
from .common.serializers import RecordSerializer
from .common.views import RecordViewSet, document

TERM_FIELDS = [
    "id",
    "url",
    "slug",
    "label",
    "label_ar",
    "scope_note",
    "scope_note_ar",
    "scheme",
    "is_active",
    "created",
    "last_updated",
]
BRIEF_TERM_FIELDS = ["id", "url", "slug", "label"]


class TermFilterSet(BaseFilterSet):
    q = search_filter("Case-insensitive search in the labels (English and Arabic) and the scope note.")
    slug = slug_filter()
    scheme = text_filter(
        EventType, "scheme", "Scheme the term comes from, e.g. EAMENA (case-insensitive).", lookup_expr="iexact"
    )  # every kind of term has the same columns
    is_active = BooleanFilter(help_text="false: the retired terms only.")
    ordering = ordering("label", "slug", "scheme")

    class Meta:
        fields = []

    def filter_q(self, queryset, name, value):
        return queryset.filter(
            Q(label__icontains=value) | Q(label_ar__icontains=value) | Q(scope_note__icontains=value)
        )


class EventTypeFilterSet(TermFilterSet):
    class Meta(TermFilterSet.Meta):
        model = EventType


class QuantityUnitFilterSet(TermFilterSet):
    class Meta(TermFilterSet.Meta):
        model = QuantityUnit


class SourceTypeFilterSet(TermFilterSet):
    class Meta(TermFilterSet.Meta):
        model = SourceType


class DisturbanceCategoryFilterSet(TermFilterSet):
    class Meta(TermFilterSet.Meta):
        model = DisturbanceCategory


class DisturbanceCauseFilterSet(TermFilterSet):
    category = term_filter(DisturbanceCategory, "EAMENA category's slug; repeat for any of several.")

    class Meta(TermFilterSet.Meta):
        model = DisturbanceCause


class SiteConditionFilterSet(TermFilterSet):
    class Meta(TermFilterSet.Meta):
        model = SiteCondition


class EventTypeSerializer(RecordSerializer):
    """A kind of event (an event's `kind`)."""

    url = api_url("event-type")

    class Meta:
        model = EventType
        brief_fields = BRIEF_TERM_FIELDS
        fields = TERM_FIELDS


class QuantityUnitSerializer(RecordSerializer):
    """What a reported number counts (a quantity's `unit`)."""

    url = api_url("quantity-unit")

    class Meta:
        model = QuantityUnit
        brief_fields = BRIEF_TERM_FIELDS
        fields = TERM_FIELDS


class SourceTypeSerializer(RecordSerializer):
    """A kind of source document (a source's `kind`)."""

    url = api_url("source-type")

    class Meta:
        model = SourceType
        brief_fields = BRIEF_TERM_FIELDS
        fields = TERM_FIELDS


class DisturbanceCategorySerializer(RecordSerializer):
    """An EAMENA disturbance (and threat) category (a disturbance cause's `category`)."""

    url = api_url("disturbance-category")

    class Meta:
        model = DisturbanceCategory
        brief_fields = BRIEF_TERM_FIELDS
        fields = TERM_FIELDS


class DisturbanceCauseSerializer(RecordSerializer):
    """A term of the disturbance-cause thesaurus (a damage report's or a threat's `cause`)."""

    url = api_url("disturbance-cause")
    category = TermField(
        queryset=DisturbanceCategory.objects.all(),
        allow_null=True,
        required=False,
        help_text="The slug of its category (/api/v1/disturbance-categories/), or null.",
    )

    class Meta:
        model = DisturbanceCause
        brief_fields = [*BRIEF_TERM_FIELDS, "category"]
        fields = [*TERM_FIELDS[:8], "category", *TERM_FIELDS[8:]]


class SiteConditionSerializer(RecordSerializer):
    """EAMENA's overall condition of a site (a site's `condition`)."""

    url = api_url("site-condition")

    class Meta:
        model = SiteCondition
        brief_fields = BRIEF_TERM_FIELDS
        fields = TERM_FIELDS


@document(EventTypeSerializer)
class EventTypeViewSet(RecordViewSet):
    """The kinds of event: captures, air campaigns, statements, destructions, video releases."""

    selector = staticmethod(lambda user: selectors.terms(EventType, user))
    serializer_class = EventTypeSerializer
    filterset_class = EventTypeFilterSet


@document(QuantityUnitSerializer)
class QuantityUnitViewSet(RecordViewSet):
    """What reported numbers count: sorties, months, mines, people killed, columns."""

    selector = staticmethod(lambda user: selectors.terms(QuantityUnit, user))
    serializer_class = QuantityUnitSerializer
    filterset_class = QuantityUnitFilterSet


@document(SourceTypeSerializer)
class SourceTypeViewSet(RecordViewSet):
    """The kinds of source: news articles, reports, imagery assessments, videos."""

    selector = staticmethod(lambda user: selectors.terms(SourceType, user))
    serializer_class = SourceTypeSerializer
    filterset_class = SourceTypeFilterSet


@document(DisturbanceCategorySerializer)
class DisturbanceCategoryViewSet(RecordViewSet):
    """EAMENA's disturbance and threat categories, in English and Arabic."""

    selector = staticmethod(lambda user: selectors.terms(DisturbanceCategory, user))
    serializer_class = DisturbanceCategorySerializer
    filterset_class = DisturbanceCategoryFilterSet


@document(DisturbanceCauseSerializer)
class DisturbanceCauseViewSet(RecordViewSet):
    """The disturbance-cause thesaurus (EAMENA's, extended) that damage reports and threats use."""

    selector = staticmethod(lambda user: selectors.terms(DisturbanceCause, user))
    serializer_class = DisturbanceCauseSerializer
    filterset_class = DisturbanceCauseFilterSet


@document(SiteConditionSerializer)
class SiteConditionViewSet(RecordViewSet):
    """EAMENA's overall site conditions, in English and Arabic."""

    selector = staticmethod(lambda user: selectors.terms(SiteCondition, user))
    serializer_class = SiteConditionSerializer
    filterset_class = SiteConditionFilterSet
