"""Armed control of sites and the dated happenings around it."""

from django.db import models, transaction
from django.db.models import Q

from ..choices import OccupationEnd, ParticipantRole
from ..dates import validate_edtf
from .base import (
    CitedRecord,
    QuantityModel,
    RecordManager,
    RecordQuerySet,
    SlugManager,
    SlugNaturalKeyMixin,
    TermForeignKey,
    UncertainDatesMixin,
    bounds_in_order,
    date_bound_constraints,
    ordering_indexes,
    search_entries,
    updated_index,
)

OCCUPATION_DATES = {
    "started": ("started_earliest", "started_latest"),
    "ended": ("ended_earliest", "ended_latest"),
}


class OccupationQuerySet(RecordQuerySet):
    def active_on(self, day):
        """Occupations that may have been in force on `day`: started by then and not certainly over."""
        return self.filter(
            Q(started_earliest__isnull=True) | Q(started_earliest__lte=day),
            Q(ended__exact="") | Q(ended_latest__isnull=True) | Q(ended_latest__gte=day),
        )


class Occupation(UncertainDatesMixin, SlugNaturalKeyMixin, QuantityModel, CitedRecord):
    """
    Control of a site by an armed party over a span of time (ISIS's hold on Palmyra, 2015-2016).

    `started` and `ended` are EDTF; an empty `ended` means the occupation is ongoing. The quantity fields keep the
    duration as the source reported it ("ten month occupation"), beside the dates, which may be inferred from it.
    How it ended is data: `end_kind`, and the `ending_event` whose participants ended it. A site can be occupied
    several times, by the same party or others. Damage reports dated "during the occupation" take its bounds, and
    saving it gives them its new ones.
    """

    slug = models.SlugField(verbose_name="slug", max_length=100, unique=True)
    site = models.ForeignKey(
        to="records.Site", on_delete=models.PROTECT, related_name="occupations", verbose_name="site"
    )
    occupier = models.ForeignKey(
        to="records.Actor", on_delete=models.PROTECT, related_name="occupations", verbose_name="occupier"
    )
    started = models.CharField(verbose_name="started (EDTF)", max_length=100, blank=True, validators=[validate_edtf])
    started_earliest = models.DateField(verbose_name="started, earliest", null=True, blank=True, editable=False)
    started_latest = models.DateField(verbose_name="started, latest", null=True, blank=True, editable=False)
    started_inferred = models.BooleanField(
        verbose_name="start inferred",
        default=False,
        help_text="The source does not state the start; it was worked out (see the dating note).",
    )
    ended = models.CharField(
        verbose_name="ended (EDTF)",
        max_length=100,
        blank=True,
        validators=[validate_edtf],
        help_text="Empty if ongoing.",
    )
    ended_earliest = models.DateField(verbose_name="ended, earliest", null=True, blank=True, editable=False)
    ended_latest = models.DateField(verbose_name="ended, latest", null=True, blank=True, editable=False, db_index=True)
    ended_inferred = models.BooleanField(
        verbose_name="end inferred",
        default=False,
        help_text="The source does not fully state the end (e.g. gives no year); it was worked out.",
    )
    dating_note = models.TextField(
        verbose_name="dating note",
        blank=True,
        help_text="How the dates were arrived at, e.g. which parts are inferred rather than stated.",
    )
    end_kind = models.CharField(verbose_name="how it ended", max_length=20, choices=OccupationEnd.choices, blank=True)
    ending_event = models.ForeignKey(
        to="records.Event",
        on_delete=models.PROTECT,
        related_name="occupations_ended",
        null=True,
        blank=True,
        verbose_name="ending event",
        help_text="The event that ended it, e.g. the recapture; its participants are who ended it.",
    )
    description = models.TextField(verbose_name="description", blank=True)

    edtf_fields = OCCUPATION_DATES

    objects = SlugManager.from_queryset(OccupationQuerySet)()

    search_entries = search_entries()

    class Meta:
        ordering = ["site", "started_earliest"]
        indexes = [updated_index("occupation"), *ordering_indexes("occ", "started_earliest", "created")]
        verbose_name = "occupation"
        verbose_name_plural = "occupations"
        constraints = [
            *QuantityModel.Meta.constraints,
            *date_bound_constraints("occupation", OCCUPATION_DATES),
            bounds_in_order(
                "occupation",
                "span",
                "started_earliest",
                "ended_latest",
                "The occupation's end (ended) must not be before its start (started).",
            ),
            models.CheckConstraint(
                condition=Q(ended="", end_kind="", ending_event__isnull=True) | ~Q(ended=""),
                name="records_occupation_end_details_need_end",
                violation_error_message="How and by what event it ended can only be given with an end date (ended).",
            ),
        ]

    def __str__(self):
        return self.describe(self.occupier.name, self.site.name, self.started, self.ended)

    def save(self, *args, **kwargs):
        # The reports dated by this occupation follow it in the same transaction: a failure leaves both unchanged.
        with transaction.atomic(using=kwargs.get("using")):
            super().save(*args, **kwargs)
            self.redate_damage_reports()

    def redate_damage_reports(self):
        """
        Give the damage reports dated only "during the occupation" (no `occurred` of their own) this occupation's
        current bounds. Each changed report is saved, so its history says why and its version rises (an edit of it
        based on the old bounds is then refused as stale); reports whose bounds already agree are left alone.
        """
        bounds = (self.started_earliest, self.ended_latest)
        reports = self.damage_reports.filter(occurred="").select_for_update().order_by("pk")
        for report in reports:
            if (report.occurred_earliest, report.occurred_latest) == bounds:
                continue
            report.occupation = self  # its bounds are derived from this instance on save
            report._change_reason = f"Dates follow the occupation {self.slug}."
            report.save()

    @staticmethod
    def describe(occupier, site, started, ended):
        """The occupation as lists name it, from its columns: "ISIS at Palmyra (2015-05-21 – 2016-03-27)"."""
        return f"{occupier} at {site} ({started or '?'} – {ended or 'ongoing'})"

    @property
    def is_ongoing(self):
        return not self.ended

    @property
    def ended_by(self):
        """The actors who ended it: the agents of its ending event."""
        if self.ending_event_id is None:
            return []
        return [p.actor for p in self.ending_event.participants.all() if p.role == ParticipantRole.AGENT]


EVENT_DATES = {"occurred": ("occurred_earliest", "occurred_latest")}


class Event(UncertainDatesMixin, SlugNaturalKeyMixin, CitedRecord):
    """
    A dated happening the record needs: a capture, an air campaign, a declaration, a statement, a discovery.

    Events can be part of a larger one (the air campaign within the recapture). Who took part, and how, is in
    `participants`; the numbers reported about it are in `figures`.
    """

    slug = models.SlugField(verbose_name="slug", max_length=100, unique=True)
    title = models.CharField(verbose_name="title", max_length=300)
    kind = TermForeignKey(
        "records.EventType",
        related_name="events",
        verbose_name="kind",
    )
    site = models.ForeignKey(
        to="records.Site",
        on_delete=models.PROTECT,
        related_name="events",
        null=True,
        blank=True,
        verbose_name="site",
        help_text="The site it happened at or concerns, if any.",
    )
    part_of = models.ForeignKey(
        to="self", on_delete=models.PROTECT, related_name="parts", null=True, blank=True, verbose_name="part of"
    )
    occurred = models.CharField(
        verbose_name="when (EDTF)",
        max_length=100,
        blank=True,
        validators=[validate_edtf],
        help_text="Empty when the source gives no date.",
    )
    occurred_earliest = models.DateField(
        verbose_name="when, earliest", null=True, blank=True, editable=False, db_index=True
    )
    occurred_latest = models.DateField(
        verbose_name="when, latest", null=True, blank=True, editable=False, db_index=True
    )
    occurred_inferred = models.BooleanField(
        verbose_name="date inferred",
        default=False,
        help_text="The source does not fully state the date (e.g. gives no year); it was worked out.",
    )
    dating_note = models.TextField(verbose_name="dating note", blank=True, help_text="How the date was arrived at.")
    description = models.TextField(verbose_name="description", blank=True)
    statement = models.TextField(
        verbose_name="statement", blank=True, help_text="For a statement: the words spoken, as the source quotes them."
    )
    actors = models.ManyToManyField(
        to="records.Actor",
        through="records.EventParticipant",
        related_name="events",
        blank=True,
        verbose_name="actors",
    )

    edtf_fields = EVENT_DATES

    objects = SlugManager()

    search_entries = search_entries()

    class Meta:
        ordering = ["occurred_earliest", "title"]
        indexes = [updated_index("event"), *ordering_indexes("event", "title", "created")]
        verbose_name = "event"
        verbose_name_plural = "events"
        constraints = date_bound_constraints("event", EVENT_DATES)

    def __str__(self):
        return self.title


class EventParticipantManager(RecordManager):
    def get_by_natural_key(self, event_slug, actor_slug, role):
        return self.get(event__slug=event_slug, actor__slug=actor_slug, role=role)


class EventParticipant(CitedRecord):
    """The part an actor played in an event: carried it out, supported it, was its target, spoke, reported."""

    event = models.ForeignKey(to=Event, on_delete=models.CASCADE, related_name="participants", verbose_name="event")
    actor = models.ForeignKey(
        to="records.Actor", on_delete=models.PROTECT, related_name="participations", verbose_name="actor"
    )
    role = models.CharField(verbose_name="role", max_length=20, choices=ParticipantRole.choices)
    description = models.CharField(
        verbose_name="description", max_length=300, blank=True, help_text='E.g. "played a key role".'
    )

    objects = EventParticipantManager()

    class Meta:
        ordering = ["event", "role", "actor"]
        verbose_name = "event participant"
        verbose_name_plural = "event participants"
        constraints = [
            models.UniqueConstraint(
                fields=["event", "actor", "role"],
                name="records_eventparticipant_unique",
                violation_error_message="This actor already has this role in this event.",
            ),
        ]

    def __str__(self):
        return f"{self.actor} ({self.get_role_display().lower()}) in {self.event}"

    def natural_key(self):
        return (*self.event.natural_key(), *self.actor.natural_key(), self.role)

    natural_key.dependencies = ["records.event", "records.actor"]


class EventFigureManager(RecordManager):
    def get_by_natural_key(self, event_slug, measure):
        return self.get(event__slug=event_slug, measure=measure)


class EventFigure(QuantityModel, CitedRecord):
    """A number reported about an event ("around 500 sorties"), with its qualifier and unit."""

    event = models.ForeignKey(to=Event, on_delete=models.CASCADE, related_name="figures", verbose_name="event")
    measure = models.CharField(
        verbose_name="measure", max_length=200, help_text='What was counted, e.g. "sorties flown", "targets hit".'
    )

    objects = EventFigureManager()

    class Meta:
        ordering = ["event", "measure"]
        verbose_name = "event figure"
        verbose_name_plural = "event figures"
        constraints = [
            *QuantityModel.Meta.constraints,
            models.UniqueConstraint(
                fields=["event", "measure"],
                name="records_eventfigure_unique_measure_per_event",
                violation_error_message="This event already has a figure for this measure.",
            ),
            models.CheckConstraint(
                condition=Q(quantity_min__isnull=False) | Q(quantity_max__isnull=False),
                name="records_eventfigure_has_quantity",
                violation_error_message="A figure needs its quantity.",
            ),
        ]

    def __str__(self):
        return f"{self.measure}: {self.quantity_display}"

    def natural_key(self):
        return (*self.event.natural_key(), self.measure)

    natural_key.dependencies = ["records.event"]
