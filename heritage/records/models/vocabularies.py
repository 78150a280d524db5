"""
The record's managed vocabularies: terms curators add, correct and retire in the admin or the API, no release needed.

Each table holds the terms of one vocabulary, in English and, where the source vocabulary has them, Arabic, with a
scope note saying what the term covers and the scheme it comes from (EAMENA's, or this project's own). Records refer
to a term by its slug (`ForeignKey(to_field="slug")`), so the value stored in a record, in a fixture and in the API is
the same word ("air_campaign", "sorties", "looting"). A term in use cannot be deleted (PROTECT); one no longer to be
chosen is retired (`is_active` off) and keeps its meaning for the records that use it.

Fixed scales (severity, certainty, extent) stay choices in choices.py: they are scales, not open lists.
"""

from django.core.exceptions import ValidationError
from django.db import models

from ..history import RecordHistory
from .base import (
    RecordQuerySet,
    SlugManager,
    SlugNaturalKeyMixin,
    TermForeignKey,
    TimestampedModel,
    ordering_indexes,
    search_entries,
)


class TermQuerySet(RecordQuerySet):
    def active(self):
        """The terms that may be chosen for a new record (retired terms stay only for the records using them)."""
        return self.filter(is_active=True)


class TermManager(SlugManager.from_queryset(TermQuerySet)):
    pass


class Term(SlugNaturalKeyMixin, TimestampedModel):
    """A term of a controlled vocabulary: its slug (what records store), labels and scope notes, and its scheme."""

    slug = models.SlugField(
        verbose_name="slug",
        max_length=100,
        unique=True,
        help_text="What records store and the API shows; cannot change once records use it.",
    )
    label = models.CharField(verbose_name="label", max_length=100, unique=True)
    label_ar = models.CharField(verbose_name="Arabic label", max_length=200, blank=True)
    scope_note = models.TextField(verbose_name="scope note", blank=True, help_text="What the term covers.")
    scope_note_ar = models.TextField(verbose_name="Arabic scope note", blank=True)
    scheme = models.CharField(
        verbose_name="scheme",
        max_length=50,
        default="heritage",
        help_text='The vocabulary the term comes from: "EAMENA", "UNOSAT", or "heritage" (this project\'s own).',
    )
    is_active = models.BooleanField(
        verbose_name="active",
        default=True,
        help_text="Untick to retire the term: new records cannot choose it, records that use it keep it.",
    )

    objects = TermManager()
    history = RecordHistory(inherit=True)

    search_entries = search_entries()

    class Meta:
        abstract = True
        ordering = ["label"]
        # One per vocabulary table, named after it (an index name is at most 30 characters).
        indexes = [
            models.Index(fields=["last_updated"], name="%(class)s_upd_idx"),
            *ordering_indexes("%(class)s", "scheme"),
        ]

    def __str__(self):
        return self.label

    def retired_refusal(self):
        """
        Why a record cannot newly choose this term, or "" while it is current. Every write path (the API, the admin's
        forms, the CSV import) asks it only of a term the record does not have already: the records using a retired
        term keep it, and stay saveable.
        """
        if self.is_active:
            return ""
        return f"The {self._meta.verbose_name} '{self.slug}' is retired: choose a current one."

    def clean(self):
        super().clean()
        if self.pk is None:
            return
        stored = type(self)._base_manager.filter(pk=self.pk).values_list("slug", flat=True).first()
        if stored not in (None, self.slug) and self.used_as(stored):
            raise ValidationError(
                {"slug": f"Records use this term as '{stored}', so its slug cannot change. Add a new term instead."}
            )

    @classmethod
    def used_as(cls, slug):
        """
        Whether any record uses the term of this vocabulary whose slug is `slug`, by any foreign key: those holding the
        slug (an event's kind) and those holding the id (a damage report's cause), since filters, exports and other
        databases name the term by its slug either way.
        """
        return any(
            relation.related_model._base_manager.filter(**{f"{relation.field.name}__slug": slug}).exists()
            for relation in cls._meta.related_objects
            if relation.one_to_many or relation.one_to_one
        )


class EventType(Term):
    """A kind of event: a capture, an air campaign, a statement, a destruction, the release of a video."""

    class Meta(Term.Meta):
        verbose_name = "event type"
        verbose_name_plural = "event types"


class QuantityUnit(Term):
    """What a reported number counts: sorties, months, mines, people killed, columns, buildings."""

    class Meta(Term.Meta):
        verbose_name = "quantity unit"
        verbose_name_plural = "quantity units"


class SourceType(Term):
    """A kind of source document: a news article, a report, a satellite imagery assessment."""

    class Meta(Term.Meta):
        verbose_name = "source type"
        verbose_name_plural = "source types"


class DisturbanceCategory(Term):
    """
    An EAMENA disturbance (and threat) category: the broad activity behind a cause, such as "Military/Armed
    Conflict" or "Looting/Illegal Activities". EAMENA uses the same list for the categories of threats.
    """

    class Meta(Term.Meta):
        verbose_name = "disturbance category"
        verbose_name_plural = "disturbance categories"


class DisturbanceCause(Term):
    """
    A term of the disturbance-cause thesaurus (EAMENA's, extended where it has no term): what did or may do harm.

    Damage reports and threats name their cause from this vocabulary, so that "looting" means the same thing in
    every record.
    """

    category = TermForeignKey(
        DisturbanceCategory,
        related_name="causes",
        null=True,
        blank=True,
        verbose_name="category",
        help_text="EAMENA's files do not link cause types to categories; empty where none was assigned.",
    )

    class Meta(Term.Meta):
        verbose_name = "disturbance cause"
        verbose_name_plural = "disturbance causes"


class SiteCondition(Term):
    """EAMENA's overall condition of a site as last assessed: good, fair, poor, very bad, destroyed, unknown."""

    class Meta(Term.Meta):
        verbose_name = "site condition"
        verbose_name_plural = "site conditions"


# Every managed vocabulary (a category before the causes that name it, as the fixtures load them).
TERM_MODELS = [EventType, QuantityUnit, SourceType, DisturbanceCategory, DisturbanceCause, SiteCondition]
