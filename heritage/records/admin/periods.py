"""Periods: named spans of history, their years entered and shown as "300 BCE" and stored astronomically."""

from django import forms
from django.contrib import admin
from django.contrib.admin.widgets import AdminTextInputWidget

from ..models import Period
from ..models.periods import YEAR_FIELDS
from ..years import YEAR_HELP, format_year, parse_year
from .base import RecordAdmin
from .identifiers import PeriodIdentifierInline


class HistoricalYearField(forms.CharField):
    """A year typed and shown in its historical form ("300 BCE", "AD 241"), cleaned to its astronomical number."""

    def prepare_value(self, value):
        return format_year(value) if isinstance(value, int) else value

    def to_python(self, value):
        value = super().to_python(value)
        return None if value in self.empty_values else parse_year(value)


@admin.register(Period)
class PeriodAdmin(RecordAdmin):
    list_display = ["name", "label", "years", "spatial_coverage"]
    search_fields = ["name", "slug", "label", "spatial_coverage"]
    list_filter = ["spatial_coverage"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [PeriodIdentifierInline]
    fieldsets = [
        (None, {"fields": ["name", "slug", "label", "spatial_coverage", "description"]}),
        (
            "Years",
            {
                "fields": [("start_earliest", "start_latest"), ("stop_earliest", "stop_latest")],
                "description": f"{YEAR_HELP} Each end may be fuzzy: the period starts somewhere between the start's "
                "earliest and latest years, and stops somewhere between the stop's.",
            },
        ),
        ("Sources", {"fields": ["citations"]}),
        ("Record", {"fields": ["created", "last_updated"], "classes": ["collapse"]}),
    ]

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name in YEAR_FIELDS:
            kwargs.update(form_class=HistoricalYearField, widget=AdminTextInputWidget(attrs={"size": 12}))
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    @admin.display(description="years", ordering="start_earliest")
    def years(self, period):
        return period.years_display
