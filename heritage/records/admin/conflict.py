"""Occupations of sites and the events around them, with their participants and reported figures."""

from django.contrib import admin

from ..models import Event, EventFigure, EventParticipant, Occupation
from ..resources import OccupationResource
from .base import ImportExportRecordAdmin, RecordAdmin, TabularInline


@admin.register(Occupation)
class OccupationAdmin(ImportExportRecordAdmin):
    resource_classes = [OccupationResource]
    list_display = ["__str__", "site", "occupier", "started", "ended", "started_earliest", "ended_latest", "end_kind"]
    list_filter = [
        "site__country",
        ("occupier", admin.RelatedOnlyFieldListFilter),
        "end_kind",
        ("site", admin.RelatedOnlyFieldListFilter),
    ]
    search_fields = ["slug", "site__name", "site__names__name", "occupier__name", "occupier__aliases__name"]
    list_select_related = ["site", "occupier"]
    autocomplete_fields = ["site", "occupier", "ending_event", "quantity_unit"]
    date_hierarchy = "started_earliest"
    prepopulated_fields = {"slug": ["description"]}
    fieldsets = [
        (None, {"fields": ["site", "occupier", "description", "slug"]}),
        (
            "When",
            {
                "fields": [
                    ("started", "started_earliest", "started_latest"),
                    "started_inferred",
                    ("ended", "ended_earliest", "ended_latest"),
                    "ended_inferred",
                    "dating_note",
                ]
            },
        ),
        ("Duration as reported", {"fields": [("quantity_min", "quantity_max", "quantity_qualifier", "quantity_unit")]}),
        ("How it ended", {"fields": ["end_kind", "ending_event"]}),
        ("Sources", {"fields": ["citations"]}),
        ("Record", {"fields": ["created", "last_updated"], "classes": ["collapse"]}),
    ]


class EventParticipantInline(TabularInline):
    model = EventParticipant
    autocomplete_fields = ["actor"]


class EventFigureInline(TabularInline):
    model = EventFigure
    autocomplete_fields = ["quantity_unit"]


@admin.register(Event)
class EventAdmin(RecordAdmin):
    list_display = ["title", "kind", "site", "occurred", "occurred_earliest", "occurred_latest", "part_of"]
    list_filter = ["kind", "site__country", ("site", admin.RelatedOnlyFieldListFilter), "occurred_inferred"]
    search_fields = ["title", "slug", "description", "statement", "participants__actor__name"]
    list_select_related = ["site", "part_of", "kind"]
    autocomplete_fields = ["kind", "site", "part_of"]
    date_hierarchy = "occurred_earliest"
    prepopulated_fields = {"slug": ["title"]}
    inlines = [EventParticipantInline, EventFigureInline]
    fieldsets = [
        (None, {"fields": ["title", "slug", "kind", "site", "part_of", "description", "statement"]}),
        (
            "When",
            {"fields": [("occurred", "occurred_earliest", "occurred_latest"), "occurred_inferred", "dating_note"]},
        ),
        ("Sources", {"fields": ["citations"]}),
        ("Record", {"fields": ["created", "last_updated"], "classes": ["collapse"]}),
    ]


@admin.register(EventParticipant)
class EventParticipantAdmin(RecordAdmin):
    list_display = ["actor", "role", "event", "description"]
    list_filter = ["role", ("actor", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["actor__name", "actor__aliases__name", "event__title", "description"]
    list_select_related = ["actor", "event"]
    autocomplete_fields = ["event", "actor"]


@admin.register(EventFigure)
class EventFigureAdmin(RecordAdmin):
    list_display = ["measure", "quantity_display", "event"]
    list_filter = ["quantity_unit", "quantity_qualifier"]
    search_fields = ["measure", "event__title"]
    list_select_related = ["event", "quantity_unit"]
    autocomplete_fields = ["event", "quantity_unit"]
    fields = [
        "event",
        "measure",
        ("quantity_min", "quantity_max", "quantity_qualifier", "quantity_unit"),
        "citations",
        ("created", "last_updated"),
    ]
