"""Named spans of history, with fuzzy start and stop years in the manner of PeriodO."""

from django.db import models
from django.db.models import F, Q

from .base import CitedRecord, RecordQuerySet, SlugManager, SlugNaturalKeyMixin


def format_year(year):
    """Astronomical year -> historical label: 1980 -> '1980 CE', 0 -> '1 BCE', -1999 -> '2000 BCE'."""
    return f"{year} CE" if year > 0 else f"{1 - year} BCE"


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
    `start_earliest <= -1799 <= stop_latest` (`Period.objects.overlapping(-1799)`).
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

    class Meta:
        ordering = ["start_earliest", "stop_latest", "name"]
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

    @property
    def years_display(self):
        return f"{format_year(self.start_earliest)} – {format_year(self.stop_latest)}"
