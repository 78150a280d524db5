"""Sources and the passages of them that records cite."""

from functools import cached_property
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Exists, F, OuterRef, ProtectedError, Q
from django.db.models.functions import Length

from ..choices import CurationStatus, SourceKind
from ..dates import validate_edtf
from ..history import RecordHistory
from .base import RecordManager, SlugManager, SlugNaturalKeyMixin, TimestampedModel


class Source(SlugNaturalKeyMixin, TimestampedModel):
    """
    A document the record rests on: a news article, a report, an imagery assessment.

    Its full text is kept as a UTF-8 file under the seeds folder (`text_path`), so that every citation's quote can be
    checked, character for character, against the words it claims to quote.
    """

    slug = models.SlugField(verbose_name="slug", max_length=100, unique=True)
    title = models.CharField(verbose_name="title", max_length=300)
    kind = models.CharField(verbose_name="kind", max_length=30, choices=SourceKind.choices)
    publisher = models.CharField(verbose_name="publisher", max_length=200, blank=True)
    url = models.URLField(verbose_name="URL", max_length=500, blank=True)
    published = models.CharField(
        verbose_name="published",
        max_length=50,
        blank=True,
        validators=[validate_edtf],
        help_text="Publication date as EDTF, when known.",
    )
    text_path = models.CharField(
        verbose_name="text file",
        max_length=300,
        help_text="Path of the source's full text, relative to the seeds folder (e.g. palmyra-recapture-2016.txt).",
    )
    notes = models.TextField(verbose_name="notes", blank=True)

    objects = SlugManager()
    history = RecordHistory()

    class Meta:
        ordering = ["title"]
        verbose_name = "source"
        verbose_name_plural = "sources"

    def __str__(self):
        return self.title

    @property
    def text_file(self):
        return Path(settings.SEEDS_DIR) / self.text_path

    @cached_property
    def text(self):
        """The source's full text, exactly as stored (no newline translation), so offsets are stable."""
        with open(self.text_file, encoding="utf-8", newline="") as handle:
            return handle.read()

    def clean(self):
        super().clean()
        seeds = Path(settings.SEEDS_DIR).resolve()
        path = self.text_file.resolve()
        if not path.is_relative_to(seeds):
            raise ValidationError({"text_path": "The text file must lie inside the seeds folder."})
        if not path.is_file():
            raise ValidationError({"text_path": f"No text file at {self.text_path!r} in the seeds folder."})
        try:
            self.__dict__.pop("text", None)
            self.text  # noqa: B018  (reads and decodes the file)
        except UnicodeDecodeError as exc:
            raise ValidationError({"text_path": f"The text file is not UTF-8: {exc}."}) from exc


class CitationManager(RecordManager):
    def get_by_natural_key(self, source_slug, quote):
        return self.get(source__slug=source_slug, quote=quote)


class Citation(TimestampedModel):
    """
    The exact words of a source that support one or more records.

    `quote` is verbatim; `char_start`/`char_end` are Python string indices into the source's text, so that
    `source.text[char_start:char_end] == quote`. Where the source relays someone else's claim ("According to the
    Russian Defense Ministry"), `attributed_to` names who made it and `attribution` keeps the source's own words.
    Records link to citations through their `citations` field; one record cites one passage at most once.
    """

    source = models.ForeignKey(to=Source, on_delete=models.PROTECT, related_name="citations", verbose_name="source")
    quote = models.CharField(verbose_name="quote", max_length=600, help_text="The exact words, as they stand.")
    char_start = models.PositiveIntegerField(
        verbose_name="start offset", help_text="Index of the quote's first character in the source's text."
    )
    char_end = models.PositiveIntegerField(
        verbose_name="end offset", help_text="Index just past the quote's last character."
    )
    attributed_to = models.ForeignKey(
        to="records.Actor",
        on_delete=models.PROTECT,
        related_name="attributed_citations",
        null=True,
        blank=True,
        verbose_name="claim made by",
        help_text="Who made the claim the source relays, when it is not the source itself.",
    )
    attribution = models.CharField(
        verbose_name="attribution",
        max_length=300,
        blank=True,
        help_text='The source\'s words attributing the claim, e.g. "According to the Russian Defense Ministry".',
    )

    objects = CitationManager()
    history = RecordHistory()

    class Meta:
        ordering = ["source", "char_start", "char_end"]
        verbose_name = "citation"
        verbose_name_plural = "citations"
        constraints = [
            models.UniqueConstraint(
                fields=["source", "quote"],
                name="records_citation_unique_quote_per_source",
                violation_error_message="This source already has a citation with this quote.",
            ),
            models.UniqueConstraint(
                fields=["source", "char_start", "char_end"],
                name="records_citation_unique_span_per_source",
                violation_error_message="This source already has a citation of these characters.",
            ),
            models.CheckConstraint(
                condition=Q(char_end__gt=F("char_start")),
                name="records_citation_span_not_empty",
                violation_error_message="The end offset must be after the start offset.",
            ),
            models.CheckConstraint(
                condition=Q(char_end=F("char_start") + Length("quote")),
                name="records_citation_span_matches_quote_length",
                violation_error_message="The offsets must span exactly the quote's length.",
            ),
        ]

    def __str__(self):
        quote = self.quote if len(self.quote) <= 60 else f"{self.quote[:57]}..."
        return f"“{quote}” ({self.source})"

    def natural_key(self):
        return (*self.source.natural_key(), self.quote)

    natural_key.dependencies = ["records.source"]

    def locate(self):
        """Set the offsets from the quote: the quote must occur exactly once in the source's text."""
        text = self.source.text
        first = text.find(self.quote)
        if first < 0:
            raise ValidationError({"quote": "This quote does not occur in the source's text."})
        if text.find(self.quote, first + 1) >= 0:
            raise ValidationError({"quote": "This quote occurs more than once in the source; quote more words."})
        self.char_start, self.char_end = first, first + len(self.quote)

    def clean(self):
        super().clean()
        if not self.quote or self.source_id is None:
            return
        if self.char_start is None and self.char_end is None:
            self.locate()
            return
        try:
            text = self.source.text
        except OSError as exc:
            raise ValidationError({"source": f"The source's text cannot be read: {exc}."}) from exc
        if text[self.char_start : self.char_end] != self.quote:
            raise ValidationError(
                {"quote": f"The source's text at {self.char_start}..{self.char_end} is not this quote."}
            )

    def delete(self, *args, **kwargs):
        # Refused before anything is deleted, as Django refuses to delete a record others PROTECT (the API answers
        # 409 naming them; the admin lists them on its confirmation page: CitationAdmin.get_deleted_objects).
        resting = list(self.verified_reports_resting_on_it())
        if resting:
            raise ProtectedError(
                "This citation is the only one of verified damage reports; dispute or retract them first.",
                set(resting),
            )
        return super().delete(*args, **kwargs)

    def verified_reports_resting_on_it(self):
        """The verified damage reports whose only citation this is: without it they would be verified on nothing."""
        from .damage import DamageReport

        others = DamageReport.citations.through.objects.filter(damagereport=OuterRef("pk")).exclude(citation=self)
        return DamageReport.objects.filter(status=CurationStatus.VERIFIED, citations=self).exclude(Exists(others))

    @property
    def context(self):
        """(before, quote, after): the quote with up to 120 characters of its surroundings, for display."""
        text = self.source.text
        return (
            text[max(0, self.char_start - 120) : self.char_start],
            self.quote,
            text[self.char_end : self.char_end + 120],
        )
