"""Periods: named spans of history with fuzzy bounds in astronomical years."""

from django.contrib import admin

from ..models import Period
from .base import RecordAdmin


@admin.register(Period)
class PeriodAdmin(RecordAdmin):
    list_display = ["name", "label", "years", "start_earliest", "stop_latest", "spatial_coverage"]
    search_fields = ["name", "slug", "label", "spatial_coverage"]
    list_filter = ["spatial_coverage"]
    prepopulated_fields = {"slug": ["name"]}
    fieldsets = [
        (None, {"fields": ["name", "slug", "label", "spatial_coverage", "description"]}),
        (
            "Bounds (astronomical years: 1 CE = 1, 1 BCE = 0, 2000 BCE = -1999)",
            {"fields": [("start_earliest", "start_latest"), ("stop_earliest", "stop_latest")]},
        ),
        ("Sources", {"fields": ["citations"]}),
        ("Record", {"fields": ["created", "last_updated"], "classes": ["collapse"]}),
    ]

    @admin.display(description="years", ordering="start_earliest")
    def years(self, period):
        return period.years_display
