"""Named spans of history, with fuzzy start and stop years in the manner of PeriodO."""

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q

from ..years import format_year
from .base import (
    CitedRecord,
    RecordQuerySet,
    SlugManager,
    SlugNaturalKeyMixin,
    ordering_indexes,
    search_entries,
    updated_index,
)

YEAR_FIELDS = ["start_earliest", "start_latest", "stop_earliest", "stop_latest"]


class PeriodQuerySet(RecordQuerySet):
    def overlapping(self, start_year, stop_year=None):
        """Periods that may touch the years start_year..stop_year (astronomical), using their widest bounds."""
        stop_year = start_year if stop_year is None else stop_year
        return self.filter(start_earliest__lte=stop_year, stop_latest__gte=start_year)


class PeriodManager(SlugManager.from_queryset(PeriodQuerySet)):
    pass


class Period(SlugNaturalKeyMixin, CitedRecord):
    """
    A named span of history that a site's remains can date from ("early second millennium BCE", "Roman").

    Years are signed integers in astronomical numbering, as in ISO 8601 and EDTF: 1 CE is 1, 1 BCE is 0, 2000 BCE is
    -1999. Like PeriodO, both ends may be fuzzy: the period starts somewhere in start_earliest..start_latest and stops
    somewhere in stop_earliest..stop_latest. "Which periods touch 1800 BCE?" is
    `start_earliest <= -1799 <= stop_latest` (`Period.objects.overlapping(-1799)`). Forms and the API take and show
    the years in their historical form, "300 BCE" (years.py).
    """

    slug = models.SlugField(verbose_name="slug", max_length=100, unique=True)
    name = models.CharField(verbose_name="name", max_length=200)
    label = models.CharField(
        verbose_name="display label", max_length=100, blank=True, help_text='How to show its dates, e.g. "c. 2000 BCE".'
    )
    start_earliest = models.IntegerField(verbose_name="start, earliest year", db_index=True)
    start_latest = models.IntegerField(verbose_name="start, latest year")
    stop_earliest = models.IntegerField(verbose_name="stop, earliest year")
    stop_latest = models.IntegerField(verbose_name="stop, latest year", db_index=True)
    spatial_coverage = models.CharField(
        verbose_name="spatial coverage", max_length=200, blank=True, help_text="Where this periodisation applies."
    )
    description = models.TextField(verbose_name="description", blank=True)

    objects = PeriodManager()

    search_entries = search_entries()

    class Meta:
        ordering = ["start_earliest", "stop_latest", "name"]
        indexes = [updated_index("period"), *ordering_indexes("period", "name", "start_latest", "stop_earliest")]
        verbose_name = "period"
        verbose_name_plural = "periods"
        constraints = [
            models.CheckConstraint(
                condition=Q(start_latest__gte=F("start_earliest")),
                name="records_period_start_bounds_in_order",
                violation_error_message="The start's latest year must not be before its earliest year.",
            ),
            models.CheckConstraint(
                condition=Q(stop_latest__gte=F("stop_earliest")),
                name="records_period_stop_bounds_in_order",
                violation_error_message="The stop's latest year must not be before its earliest year.",
            ),
            models.CheckConstraint(
                condition=Q(stop_latest__gte=F("start_earliest")) & Q(stop_earliest__gte=F("start_earliest")),
                name="records_period_stop_not_before_start",
                violation_error_message="A period cannot stop before it starts.",
            ),
        ]

    def __str__(self):
        return self.name

    def clean(self):
        # The constraints below hold in the database too; here each broken one names the year that breaks it (and
        # full_clean() then skips the constraint, which would only repeat it for the whole record).
        super().clean()
        if any(getattr(self, name) is None for name in YEAR_FIELDS):
            return
        errors = {}
        if self.start_latest < self.start_earliest:
            errors["start_latest"] = (
                f"The start's latest year ({format_year(self.start_latest)}) is before its earliest year "
                f"({format_year(self.start_earliest)})."
            )
        if self.stop_latest < self.stop_earliest:
            errors["stop_latest"] = (
                f"The stop's latest year ({format_year(self.stop_latest)}) is before its earliest year "
                f"({format_year(self.stop_earliest)})."
            )
        if self.stop_earliest < self.start_earliest:
            errors["stop_earliest"] = (
                f"A period cannot stop ({format_year(self.stop_earliest)}) before it starts "
                f"({format_year(self.start_earliest)})."
            )
        if errors:
            raise ValidationError(errors)

    @property
    def years_display(self):
        return self.display_years(self.start_earliest, self.stop_latest)

    @staticmethod
    def display_years(start_earliest, stop_latest):
        """The widest span as historical years: "2000 BCE – 1600 BCE"."""
        return f"{format_year(start_earliest)} – {format_year(stop_latest)}"
