"""Releases: numbered, dated data packages of the public record, made by `manage.py release` (records/releases/)."""

from django.core.files.storage import storages
from django.db import models
from django.db.models import Q

from .base import may_view


def releases_storage():
    return storages["releases"]


class ReleaseQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Every release, except those that hold drafts, which only users who may read drafts see."""
        from .damage import DamageReport, Threat

        if may_view(user, DamageReport) and may_view(user, Threat):
            return self.all()
        return self.filter(include_drafts=False)


class Release(models.Model):
    """
    A fixed state of the public record that a paper can cite: release N of a date, a zip holding a Frictionless Data
    Package (one CSV a table, their schemas, a README with the licence and how to cite, CITATION.cff, the SHA-256 of
    every file). Made from the same database state, a release is the same bytes, so its checksum identifies it.
    """

    number = models.PositiveIntegerField(verbose_name="number", unique=True)
    date = models.DateField(
        verbose_name="date", help_text="The state of the record it holds: the day of its latest change, or as given."
    )
    include_drafts = models.BooleanField(
        verbose_name="includes drafts",
        default=False,
        help_text="Holds unreviewed damage reports and threats: shown only to those who may read drafts.",
    )
    file = models.FileField(verbose_name="file", storage=releases_storage, max_length=200, editable=False)
    sha256 = models.CharField(verbose_name="SHA-256", max_length=64, editable=False)
    size = models.PositiveBigIntegerField(verbose_name="size (bytes)", editable=False)
    counts = models.JSONField(verbose_name="rows per table", default=dict, editable=False)
    created = models.DateTimeField(verbose_name="made at", auto_now_add=True)

    objects = ReleaseQuerySet.as_manager()

    class Meta:
        ordering = ["-number"]
        constraints = [
            models.CheckConstraint(
                condition=Q(number__gte=1),
                name="records_release_number_positive",
                violation_error_message="Releases are numbered from 1.",
            )
        ]

    def __str__(self):
        return f"Release {self.number} ({self.date.isoformat()})"

    @property
    def file_name(self):
        return f"heritage-release-{self.number}.zip"
