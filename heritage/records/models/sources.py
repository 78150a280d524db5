"""Sources and the passages of them that records cite."""

from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.files.storage import storages
from django.db import models
from django.db.models import Exists, F, OuterRef, ProtectedError, Q
from django.db.models.functions import Length
from django.db.models.lookups import Exact

from ..choices import CurationStatus, TextDirection
from ..dates import validate_edtf
from ..history import RecordHistory
from ..languages import LanguageTagField, direction_of
from ..texts import check_text, closest_passage, fingerprint, normalise, sha256
from .base import (
    RecordManager,
    RecordQuerySet,
    SlugManager,
    SlugNaturalKeyMixin,
    TermForeignKey,
    TimestampedModel,
    ordering_indexes,
    search_entries,
    updated_index,
)


def original_path(source, filename):
    """Where an original is stored: by its checksum, so the same document is never stored twice."""
    suffix = Path(filename).suffix.lower()[:10]
    return f"originals/{source.original_sha256[:2]}/{source.original_sha256}{suffix}"


def originals_storage():
    return storages["originals"]


class SourceQuerySet(RecordQuerySet):
    def without_text(self):
        """The sources without their texts, for lists: a text can run to millions of characters."""
        return self.defer("text")


class SourceManager(SlugManager.from_queryset(SourceQuerySet)):
    pass


class Source(SlugNaturalKeyMixin, TimestampedModel):
    """
    A document the record rests on: a news article, a report, an imagery assessment.

    Its words are data: `text` holds them (line endings normalised to `\\n` once, at intake), with their SHA-256,
    their length in characters, their language (BCP 47) and the direction they are written in. Every citation's
    quote is checked, character for character, against this text, so once a citation relies on it the text can no
    longer change: a correction is a new source that `supersedes` this one. The document the text was taken from
    (an uploaded HTML page or PDF) is kept beside it as `original`, with its own checksum, media type and size, and
    with when and where it was retrieved.
    """

    slug = models.SlugField(verbose_name="slug", max_length=100, unique=True)
    title = models.CharField(verbose_name="title", max_length=300)
    kind = TermForeignKey(
        "records.SourceType",
        related_name="sources",
        verbose_name="kind",
    )
    publisher = models.CharField(verbose_name="publisher", max_length=200, blank=True)
    url = models.URLField(
        verbose_name="URL", max_length=500, blank=True, help_text="Where the document is published, or was found."
    )
    published = models.CharField(
        verbose_name="published",
        max_length=50,
        blank=True,
        validators=[validate_edtf],
        help_text="Publication date as EDTF, when known.",
    )
    text = models.TextField(
        verbose_name="text",
        help_text="The document's words, exactly as they stand: what citations quote. Fixed once a citation "
        "relies on it.",
    )
    text_sha256 = models.CharField(
        verbose_name="text SHA-256", max_length=64, editable=False, help_text="Of the text's UTF-8 bytes."
    )
    text_length = models.PositiveIntegerField(
        verbose_name="text length", editable=False, help_text="In characters (what citations' offsets count)."
    )
    language = LanguageTagField(verbose_name="language")
    direction = models.CharField(
        verbose_name="direction",
        max_length=3,
        choices=TextDirection.choices,
        blank=True,
        help_text="How the text is written; left empty, it follows the language (Arabic, Persian: right to left).",
    )
    original = models.FileField(
        verbose_name="original document",
        upload_to=original_path,
        storage=originals_storage,
        max_length=200,
        blank=True,
        editable=False,
    )
    original_name = models.CharField(verbose_name="original's file name", max_length=255, blank=True, editable=False)
    original_media_type = models.CharField(
        verbose_name="original's media type", max_length=100, blank=True, editable=False
    )
    original_size = models.PositiveBigIntegerField(
        verbose_name="original's size", null=True, blank=True, editable=False, help_text="In bytes."
    )
    original_sha256 = models.CharField(verbose_name="original's SHA-256", max_length=64, blank=True, editable=False)
    retrieved = models.DateTimeField(
        verbose_name="retrieved", null=True, blank=True, help_text="When the copy held here was taken."
    )
    archive_url = models.URLField(
        verbose_name="archive URL",
        max_length=500,
        blank=True,
        help_text="A lasting copy, e.g. in the Internet Archive's Wayback Machine.",
    )
    supersedes = models.ForeignKey(
        to="self",
        on_delete=models.PROTECT,
        related_name="superseded_by",
        null=True,
        blank=True,
        verbose_name="supersedes",
        help_text="The source this one corrects (its text can no longer change once cited).",
    )
    notes = models.TextField(verbose_name="notes", blank=True)

    objects = SourceManager()
    history = RecordHistory(excluded_fields=["text"])

    search_entries = search_entries()

    class Meta:
        ordering = ["title"]
        indexes = [
            updated_index("source"),
            *ordering_indexes("source", "title", "publisher", "language", "text_length", "created"),
        ]
        verbose_name = "source"
        verbose_name_plural = "sources"
        constraints = [
            models.UniqueConstraint(
                fields=["text_sha256"],
                name="records_source_unique_text",
                violation_error_message="Another source already holds this text (the same SHA-256).",
            ),
            models.CheckConstraint(
                condition=~Q(text=""),
                name="records_source_text_not_empty",
                violation_error_message="A source must hold its text.",
            ),
            models.CheckConstraint(
                condition=Q(Exact(Length("text_sha256"), 64), text_length=Length("text")),
                name="records_source_text_fingerprinted",
                violation_error_message="The text's length and SHA-256 must be those of its text.",
            ),
            models.CheckConstraint(
                condition=Q(original="", original_size__isnull=True, original_sha256="", original_media_type="")
                | (
                    ~Q(original="")
                    & Q(original_size__isnull=False)
                    & Q(Exact(Length("original_sha256"), 64))
                    & ~Q(original_media_type="")
                ),
                name="records_source_original_described",
                violation_error_message="An original document needs its size, SHA-256 and media type; they need it.",
            ),
            models.CheckConstraint(
                condition=~Q(supersedes=F("pk")),
                name="records_source_does_not_supersede_itself",
                violation_error_message="A source cannot supersede itself.",
            ),
        ]

    def __str__(self):
        return self.title

    def get_direction(self):
        """The direction the text is shown in: as stored, else as its language is written."""
        return self.direction or direction_of(self.language)

    @property
    def stored_text(self):
        """The text as the database holds it now (None for a source not yet saved)."""
        if self.pk is None:
            return None
        return Source.objects.filter(pk=self.pk).values_list("text", flat=True).first()

    def is_cited(self):
        return self.pk is not None and self.citations.exists()

    def fix_text(self, utf8=None):
        """
        Normalise the text's line endings (see texts.normalise), record its SHA-256 and length, and its direction
        when none was given (as its language is written). `utf8`: the text's UTF-8 encoding, when the caller holds
        it (the bytes of a file that decoded to this text): fingerprinted as it is, rather than encoded again.
        """
        if not self.fingerprints_text():
            # A fingerprinted text was normalised before it was hashed: it is not scanned again.
            text = normalise(self.text or "")
            if text is not self.text:
                utf8 = None  # it was the encoding of the text before normalising
            self.text = text
            self.text_sha256, size = fingerprint(text if utf8 is None else utf8)
            self.text_length = len(text)
            # Kept with the string they were taken of: saving it unchanged does not hash it again, nor does clean()
            # encode it again to measure it (a text can run to hundreds of megabytes, and clean() and save() both
            # fix it).
            self._fingerprinted = (self.text, self.text_sha256, self.text_length, size)
        if not self.direction and self.language:
            self.direction = direction_of(self.language)

    def fingerprints_text(self):
        """Whether text_sha256 and text_length were taken of this text by fix_text (so still hold)."""
        # The same string object compares equal at once; another with the same words is compared, not hashed.
        fixed = self.__dict__.get("_fingerprinted")
        return fixed is not None and fixed[:3] == (self.text, self.text_sha256, self.text_length)

    def clean(self):
        super().clean()
        if self.text is None:
            return
        if self.fingerprints_text():
            text = self.text
            check_text(text, size=self._fingerprinted[3])
        else:
            text = normalise(self.text)
            check_text(text)
        stored = self.stored_text
        if stored is not None and text != stored:
            # An edit of the text: allowed only while nothing quotes it.
            if self.is_cited():
                raise ValidationError(
                    {
                        "text": "This source's text is cited, so it is fixed: citations point at its characters. "
                        "To correct it, add a new source that supersedes this one."
                    }
                )
            self.fix_text()
        elif self.text_sha256 and stored is None:
            # A new source that states its checksum (a backup being restored, an export): it must hold.
            fingerprinted = self.fingerprints_text() or (
                self.text_sha256 == sha256(self.text) and self.text_length in (None, len(self.text))
            )
            if not fingerprinted:
                raise ValidationError(
                    {"text": f"The text does not match its SHA-256 ({self.text_sha256}): it was changed or damaged."}
                )
        else:
            self.fix_text()
        holder = Source.objects.filter(text_sha256=self.text_sha256).exclude(pk=self.pk).only("slug", "title").first()
        if holder is not None:
            raise ValidationError(
                {
                    "text": f"This text is already held by the source “{holder.title}” ({holder.slug}), the same "
                    "SHA-256: cite that source rather than adding a copy."
                }
            )
        if self.supersedes_id is not None and self.pk is not None:
            ancestor, seen = self.supersedes, {self.pk}
            while ancestor is not None:
                if ancestor.pk in seen:
                    raise ValidationError({"supersedes": "A source cannot supersede one that supersedes it."})
                seen.add(ancestor.pk)
                ancestor = ancestor.supersedes

    def save(self, *args, **kwargs):
        if not kwargs.get("raw", False) and not getattr(self, "_saved_raw", False):
            stored = self.stored_text
            if stored is not None and normalise(self.text) != stored and self.is_cited():
                raise ValidationError({"text": "This source's text is cited, so it is fixed."})
            self.fix_text()
        super().save(*args, **kwargs)


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

    search_entries = search_entries()

    class Meta:
        ordering = ["source", "char_start", "char_end"]
        indexes = [updated_index("citation"), *ordering_indexes("citation", "char_start", "char_end", "created")]
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
        """
        Set the offsets from the quote: the quote (its line endings normalised, as the text's were) must occur
        exactly once in the source's text. When it does not occur, the error shows the closest passage and how the
        two differ.
        """
        self.quote = normalise(self.quote)
        text = self.source.text
        first = text.find(self.quote)
        if first < 0:
            closest = closest_passage(text, self.quote)
            hint = f" {closest.describe()}" if closest is not None else ""
            raise ValidationError({"quote": f"This quote does not occur in the source's text.{hint}"})
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
        self.quote = normalise(self.quote)
        text = self.source.text
        if text[self.char_start : self.char_end] != self.quote:
            raise ValidationError(
                {"quote": f"The source's text at {self.char_start}..{self.char_end} is not this quote."}
            )

    def delete(self, *args, **kwargs):
        # Refused before anything is deleted, as Django refuses to delete a record others PROTECT (the API answers
        # 409 naming them; the admin lists them on its confirmation page: CitationAdmin.get_deleted_objects).
        resting = self.verified_records_resting_on_it()
        if resting:
            raise ProtectedError(
                "This citation is the only one of verified records (damage reports, threats); dispute or retract "
                "them first.",
                set(resting),
            )
        return super().delete(*args, **kwargs)

    def verified_records_resting_on_it(self):
        """
        The verified damage reports and threats whose only citation this is: without it they would be verified on
        nothing.
        """
        from .damage import DamageReport, Threat

        resting = []
        for model in (DamageReport, Threat):
            column = model._meta.model_name
            others = model.citations.through.objects.filter(**{column: OuterRef("pk")}).exclude(citation=self)
            resting += model.objects.filter(status=CurationStatus.VERIFIED, citations=self).exclude(Exists(others))
        return resting

    @property
    def context(self):
        """(before, quote, after): the quote with up to 120 characters of its surroundings, for display."""
        return self.context_in(self.source.text)

    def context_in(self, text, width=120):
        """`context`, given the source's text (when it is already at hand)."""
        return (
            text[max(0, self.char_start - width) : self.char_start],
            self.quote,
            text[self.char_end : self.char_end + width],
        )
