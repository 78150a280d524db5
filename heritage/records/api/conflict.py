"""
The API of occupations (`/api/v1/occupations/`) and events (`/api/v1/events/`): armed control of sites over
spans of time, and the dated happenings around it, with their participants and reported figures.
"""

import django_filters
from django.db.models import Q
from rest_framework import serializers

from .. import selectors
from ..choices import OccupationEnd, ParticipantRole
from ..models import Actor, Event, EventFigure, EventParticipant, EventType, Occupation, Site
from ..models.base import describe_quantity
from .common.fields import BriefRelatedField, DerivedField, QuantityField, TermField, UncertainDateField, api_url
from .common.filters import (
    BaseFilterSet,
    BooleanFilter,
    choice_filter,
    date_filters,
    fk_filters,
    ordering,
    quantity_filters,
    search_filter,
    slug_filter,
    term_filter,
)
from .common.nested import NestedItemSerializer
from .common.serializers import RecordSerializer, citations_field
from .common.views import LocatedRecordViewSet, RecordViewSet, document


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
    reported_duration_gte, reported_duration_lte = quantity_filters("The reported duration is")
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

    def filter_q(self, queryset, name, value):
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
    kind = term_filter(EventType, "Event type (/api/v1/event-types/); repeat for any of several.")
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
    ordering = ordering("title", "slug", "created", "last_updated", kind="kind_id", occurred="occurred_earliest")

    class Meta:
        model = Event
        fields = []

    def filter_q(self, queryset, name, value):
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


class OccupationSerializer(RecordSerializer):
    """Armed control of a site over a span of time; `reported_duration` is the length the source gave."""

    url = api_url("occupation")
    display = DerivedField(
        Occupation.describe,
        ["occupier__name", "site__name", "started", "ended"],
        help_text="Who held which site, when, e.g. 'ISIS at Palmyra (2015-05-21 – 2016-03-27)'.",
    )
    site = BriefRelatedField(queryset=Site.objects.all())
    occupier = BriefRelatedField(queryset=Actor.objects.all())
    started = UncertainDateField("started", help_text="When it started (EDTF), with the derived bounds.")
    ended = UncertainDateField("ended", help_text="When it ended (EDTF; empty while ongoing), with the bounds.")
    is_ongoing = serializers.BooleanField(read_only=True)
    ending_event = BriefRelatedField(queryset=Event.objects.all(), allow_null=True, required=False)
    ended_by = BriefRelatedField(
        model=Actor, many=True, read_only=True, help_text="Who ended it: the agents of its ending event."
    )
    reported_duration = QuantityField(help_text="The duration as the source reported it, e.g. about ten months.")
    citations = citations_field()

    class Meta:
        brief_fields = ["id", "url", "slug", "display"]
        model = Occupation
        fields = [
            "id",
            "url",
            "slug",
            "display",
            "site",
            "occupier",
            "started",
            "started_inferred",
            "ended",
            "ended_inferred",
            "is_ongoing",
            "dating_note",
            "end_kind",
            "ending_event",
            "ended_by",
            "reported_duration",
            "description",
            "citations",
            "created",
            "last_updated",
        ]


class EventParticipantSerializer(NestedItemSerializer):
    """The part an actor played in an event."""

    actor = BriefRelatedField(queryset=Actor.objects.all())
    citations = citations_field()

    class Meta:
        model = EventParticipant
        fields = ["actor", "role", "description", "citations"]

    @staticmethod
    def csv_label(item):
        """In CSV: `isis (agent)`."""
        return f"{item['actor']['slug']} ({item['role']})"


class EventFigureSerializer(NestedItemSerializer):
    """A number reported about an event."""

    quantity = QuantityField(help_text="The number as reported, with its qualifier and unit.")
    citations = citations_field()

    class Meta:
        model = EventFigure
        fields = ["measure", "quantity", "citations"]

    @staticmethod
    def csv_label(item):
        """In CSV: `ISIS targets hit: more than 2,000 targets`, the number as the source worded it."""
        quantity = item.get("quantity") or {}
        number = describe_quantity(
            quantity.get("min"), quantity.get("max"), quantity.get("qualifier"), quantity.get("unit")
        )
        return f"{item['measure']}: {number}"


class EventSerializer(RecordSerializer):
    """A dated happening. Its `participants` and `figures` are written with it: a list sent replaces the event's."""

    url = api_url("event")
    site = BriefRelatedField(queryset=Site.objects.all(), allow_null=True, required=False)
    kind = TermField(queryset=EventType.objects.all(), help_text="An event type's slug (/api/v1/event-types/).")
    part_of = BriefRelatedField(queryset=Event.objects.all(), allow_null=True, required=False)
    occurred = UncertainDateField("occurred", help_text="When (EDTF; empty if undated), with the derived bounds.")
    participants = EventParticipantSerializer(many=True, required=False, help_text="Who took part, and how.")
    figures = EventFigureSerializer(many=True, required=False, help_text="Numbers reported about it.")
    citations = citations_field()

    class Meta:
        brief_fields = ["id", "url", "slug", "title"]
        model = Event
        fields = [
            "id",
            "url",
            "slug",
            "title",
            "kind",
            "site",
            "part_of",
            "occurred",
            "occurred_inferred",
            "dating_note",
            "description",
            "statement",
            "participants",
            "figures",
            "citations",
            "created",
            "last_updated",
        ]


# An occupation's properties in GeoJSON: {property: path in the record's JSON}.
OCCUPATION_PROPERTIES = {
    "slug": "slug",
    "url": "url",
    "display": "display",
    "site": "site.slug",
    "site_name": "site.name",
    "occupier": "occupier.slug",
    "occupier_name": "occupier.name",
    "started": "started.edtf",
    "started_earliest": "started.earliest",
    "started_latest": "started.latest",
    "ended": "ended.edtf",
    "ended_earliest": "ended.earliest",
    "ended_latest": "ended.latest",
    "is_ongoing": "is_ongoing",
    "end_kind": "end_kind",
    "ending_event": "ending_event.slug",
    "description": "description",
}


@document(OccupationSerializer, geojson_properties=OCCUPATION_PROPERTIES)
class OccupationViewSet(LocatedRecordViewSet):
    """Armed control of sites over spans of time, with how and by whom it ended."""

    geojson_properties = OCCUPATION_PROPERTIES

    selector = staticmethod(selectors.occupations)
    serializer_class = OccupationSerializer
    filterset_class = OccupationFilterSet


@document(EventSerializer)
class EventViewSet(RecordViewSet):
    """Dated happenings: captures, air campaigns, declarations, statements, discoveries."""

    selector = staticmethod(selectors.events)
    serializer_class = EventSerializer
    filterset_class = EventFilterSet
