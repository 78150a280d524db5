"""Observed damage to sites, and the present dangers to them, kept apart."""

from django.core.exceptions import ValidationError
from django.db import models

from ..choices import Certainty, Extent, Severity, ThreatProbability, ThreatTarget
from ..dates import validate_edtf
from .base import (
    CuratedRecord,
    QuantityModel,
    SlugNaturalKeyMixin,
    UncertainDatesMixin,
    date_bound_constraints,
    ordering_indexes,
    search_entries,
    updated_index,
)
from .vocabularies import DisturbanceCause

DAMAGE_DATES = {"occurred": ("occurred_earliest", "occurred_latest")}


class DamageReport(UncertainDatesMixin, SlugNaturalKeyMixin, CuratedRecord):
    """
    An observation that a site, or a named structure within it, was damaged: what happened, how badly, when, by
    whom, how sure we are, and how far the claim has been checked.

    `occurred` is EDTF. When the source dates the damage only as "during the occupation", leave `occurred` empty and
    set `occupation`: the date bounds are then the occupation's, and follow it when it changes
    (`Occupation.save()`). A date worked out rather than stated is marked `occurred_inferred`, with how in
    `dating_note`, as on events and occupations. Threats (dangers that have not yet done harm) are a
    separate record, `Threat`.
    """

    slug = models.SlugField(verbose_name="slug", max_length=100, unique=True)
    site = models.ForeignKey(
        to="records.Site", on_delete=models.PROTECT, related_name="damage_reports", verbose_name="site"
    )
    structure = models.ForeignKey(
        to="records.Structure",
        on_delete=models.PROTECT,
        related_name="damage_reports",
        null=True,
        blank=True,
        verbose_name="structure",
        help_text="The named structure within the site, if the report is about one.",
    )
    cause = models.ForeignKey(
        to=DisturbanceCause, on_delete=models.PROTECT, related_name="damage_reports", verbose_name="damage type"
    )
    severity = models.CharField(
        verbose_name="severity", max_length=20, choices=Severity.choices, help_text="UNOSAT scale."
    )
    extent = models.CharField(verbose_name="extent", max_length=20, choices=Extent.choices, default=Extent.UNKNOWN)
    is_permanent = models.BooleanField(
        verbose_name="permanent loss",
        null=True,
        blank=True,
        help_text="Whether the loss cannot be undone; empty if unknown.",
    )
    occurred = models.CharField(
        verbose_name="when (EDTF)",
        max_length=100,
        blank=True,
        validators=[validate_edtf],
        help_text="EDTF date or interval; leave empty and set the occupation for 'during the occupation'.",
    )
    occurred_earliest = models.DateField(verbose_name="when, earliest", null=True, blank=True, editable=False)
    occurred_latest = models.DateField(verbose_name="when, latest", null=True, blank=True, editable=False)
    occupation = models.ForeignKey(
        to="records.Occupation",
        on_delete=models.PROTECT,
        related_name="damage_reports",
        null=True,
        blank=True,
        verbose_name="during occupation",
    )
    occurred_inferred = models.BooleanField(
        verbose_name="date inferred",
        default=False,
        help_text="The source does not fully state the date (e.g. gives no year); it was worked out.",
    )
    dating_note = models.TextField(verbose_name="dating note", blank=True, help_text="How the date was arrived at.")
    perpetrator = models.ForeignKey(
        to="records.Actor",
        on_delete=models.PROTECT,
        related_name="damage_reports",
        null=True,
        blank=True,
        verbose_name="perpetrator",
    )
    certainty = models.CharField(verbose_name="certainty", max_length=20, choices=Certainty.choices)
    description = models.TextField(verbose_name="description", blank=True)

    edtf_fields = DAMAGE_DATES

    search_entries = search_entries()

    class Meta:
        ordering = ["site", "occurred_earliest", "slug"]
        verbose_name = "damage report"
        verbose_name_plural = "damage reports"
        constraints = date_bound_constraints("damagereport", DAMAGE_DATES)
        # Every API filter is served by an index (tests/test_query_plans.py). The site-first composites serve the
        # API's default order (site name, date, slug) after the commonest filters: the database walks sites by name
        # and reads each site's matching reports in date order, so the first page stops after 100 rows instead of
        # sorting every match. Every other filter's index ends with the status, because the public's lists leave
        # drafts out (CuratedQuerySet.visible_to): a page's count then reads the index alone, as it did before
        # drafts were hidden, instead of looking up every matching report's row for its status (a count of the
        # 30,000 destroyed reports took 25 ms that way, against under 1 ms from the index).
        indexes = [
            models.Index(fields=["site", "severity", "occurred_earliest", "slug"], name="records_dr_site_severity_idx"),
            models.Index(fields=["site", "status", "occurred_earliest", "slug"], name="records_dr_site_status_idx"),
            models.Index(
                fields=["site", "certainty", "occurred_earliest", "slug"], name="records_dr_site_certainty_idx"
            ),
            *(
                models.Index(fields=[field, "status"], name=f"records_dr_{short}_st_idx")
                for field, short in [
                    ("severity", "severity"),
                    ("certainty", "certainty"),
                    ("extent", "extent"),
                    ("is_permanent", "permanent"),
                    ("occurred_inferred", "inferred"),
                    ("occurred_earliest", "earliest"),
                    ("occurred_latest", "latest"),
                    ("cause", "cause"),
                    ("occupation", "occupation"),
                    ("perpetrator", "perpetr"),
                    ("structure", "structure"),
                ]
            ),
            *ordering_indexes("dr", "occurred_earliest", "severity", "certainty", "created", "last_updated"),
            updated_index("dr", curated=True),
            # The Atom feed: the latest status moves first, read backwards from the newest.
            models.Index(fields=["status_changed_at"], name="records_dr_status_at_idx"),
        ]
        permissions = [("change_status_damagereport", "Can move damage reports through the verification workflow")]

    def __str__(self):
        where = f"{self.structure.name}, {self.site}" if self.structure_id else str(self.site)
        return f"{self.get_severity_display()}: {where} ({self.cause})"

    def derive_date_bounds(self):
        super().derive_date_bounds()
        if not self.occurred and self.occupation_id is not None:
            occupation = self.occupation
            self.occurred_earliest = occupation.started_earliest
            self.occurred_latest = occupation.ended_latest

    def clean(self):
        super().clean()
        errors = {}
        if self.structure_id and self.site_id and self.structure.site_id != self.site_id:
            errors["structure"] = "The structure must belong to the report's site."
        if self.occupation_id and self.site_id and self.occupation.site_id != self.site_id:
            errors["occupation"] = "The occupation must be of the report's site."
        if errors:
            raise ValidationError(errors)


THREAT_DATES = {"observed": ("observed_earliest", "observed_latest")}


class Threat(UncertainDatesMixin, SlugNaturalKeyMixin, QuantityModel, CuratedRecord):
    """
    A present danger to a site or its people that has not (yet) been recorded as damage: mines hidden around a
    city, unexploded ordnance, a looting risk. `observed` is when the danger was reported to exist. Like a damage
    report, a threat is checked through the verification workflow before it is vouched for.
    """

    slug = models.SlugField(verbose_name="slug", max_length=100, unique=True)
    site = models.ForeignKey(to="records.Site", on_delete=models.PROTECT, related_name="threats", verbose_name="site")
    cause = models.ForeignKey(
        to=DisturbanceCause, on_delete=models.PROTECT, related_name="threats", verbose_name="hazard type"
    )
    endangers = models.CharField(verbose_name="endangers", max_length=20, choices=ThreatTarget.choices)
    consequence = models.CharField(
        verbose_name="consequence",
        max_length=300,
        blank=True,
        help_text='What the danger prevents or risks, e.g. "unsafe for civilians to return".',
    )
    observed = models.CharField(verbose_name="observed (EDTF)", max_length=100, blank=True, validators=[validate_edtf])
    observed_earliest = models.DateField(verbose_name="observed, earliest", null=True, blank=True, editable=False)
    observed_latest = models.DateField(verbose_name="observed, latest", null=True, blank=True, editable=False)
    certainty = models.CharField(
        verbose_name="certainty",
        max_length=20,
        choices=Certainty.choices,
        blank=True,
        help_text="How sure the source is that the danger exists; empty where it does not say (EAMENA's threats).",
    )
    probability = models.CharField(
        verbose_name="probability",
        max_length=10,
        choices=ThreatProbability.choices,
        blank=True,
        help_text="How likely the danger is to do harm, where the source says (EAMENA's threat probability).",
    )
    description = models.TextField(verbose_name="description", blank=True)

    edtf_fields = THREAT_DATES

    search_entries = search_entries()

    class Meta:
        ordering = ["site", "observed_earliest", "slug"]
        indexes = [
            updated_index("threat", curated=True),
            *ordering_indexes("threat", "certainty", "observed_earliest", "created", "last_updated"),
        ]
        verbose_name = "threat"
        verbose_name_plural = "threats"
        constraints = [*QuantityModel.Meta.constraints, *date_bound_constraints("threat", THREAT_DATES)]
        permissions = [("change_status_threat", "Can move threats through the verification workflow")]

    def __str__(self):
        return f"{self.cause} at {self.site}"
