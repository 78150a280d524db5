"""The full-text search index: one entry a searchable record."""

from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models


class SearchEntry(models.Model):
    """
    What the search finds a record by: its names and its other text, as written (for the matched passage shown in a
    result) and folded (what the database indexes: SQLite's FTS5 table `search_fts` over the folded
    columns, PostgreSQL's GIN index on their tsvector). Derived from the record; never edited by hand.
    """

    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, verbose_name="kind of record")
    record_id = models.PositiveBigIntegerField(verbose_name="record id")
    record = GenericForeignKey("content_type", "record_id")
    names = models.TextField(verbose_name="names", blank=True, help_text="Its name, other names and aliases.")
    text = models.TextField(verbose_name="text", blank=True, help_text="Descriptions, notes and cited quotes.")
    names_folded = models.TextField(verbose_name="names, folded", blank=True)
    text_folded = models.TextField(verbose_name="text, folded", blank=True)

    class Meta:
        verbose_name = "search entry"
        verbose_name_plural = "search entries"
        constraints = [
            models.UniqueConstraint(
                fields=["content_type", "record_id"],
                name="search_searchentry_one_per_record",
                violation_error_message="A record has one search entry.",
            )
        ]

    def __str__(self):
        return f"{self.content_type.model} {self.record_id}"
