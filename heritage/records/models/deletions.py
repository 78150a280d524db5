"""Tombstones: what was deleted from the record, so that a copy kept elsewhere can delete it too."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from ..choices import RecordType


def may_view_model(user, model_name):
    """Whether `user` may view the records app's model `model_name` (as base.may_view, by the model's name)."""
    return user is not None and user.has_perm(f"records.view_{model_name}")


# The models whose deletions leave a tombstone (by model name), with their record type. The items of a record's
# lists (a site's names, an event's figures) have none: removing one is a change of their record (changes.py).
TRACKED = {
    "site": RecordType.SITES,
    "period": RecordType.PERIODS,
    "actor": RecordType.ACTORS,
    "occupation": RecordType.OCCUPATIONS,
    "event": RecordType.EVENTS,
    "damagereport": RecordType.DAMAGE_REPORTS,
    "threat": RecordType.THREATS,
    "source": RecordType.SOURCES,
    "citation": RecordType.CITATIONS,
    "eventtype": RecordType.EVENT_TYPES,
    "quantityunit": RecordType.QUANTITY_UNITS,
    "sourcetype": RecordType.SOURCE_TYPES,
    "disturbancecategory": RecordType.DISTURBANCE_CATEGORIES,
    "disturbancecause": RecordType.DISTURBANCE_CAUSES,
    "sitecondition": RecordType.SITE_CONDITIONS,
}


class DeletionQuerySet(models.QuerySet):
    def visible_to(self, user):
        """
        The tombstones `user` may read: those of records the public could read when they were deleted, and every
        tombstone of a kind of record the user may view (a deleted draft is shown only to those who saw drafts).
        """
        types = [record_type for model_name, record_type in TRACKED.items() if may_view_model(user, model_name)]
        return self.filter(Q(public=True) | Q(record_type__in=types))


class Deletion(models.Model):
    """
    A tombstone: a record of the given type and identifier was deleted, when, by whom, and why if they said. Written
    in the transaction that deletes the record, whatever deletes it (the API, the admin, a bulk action, a script).
    """

    record_type = models.CharField(verbose_name="record type", max_length=30, choices=RecordType.choices)
    identifier = models.CharField(
        verbose_name="identifier",
        max_length=200,
        help_text="What the API named the record by: its slug (a cited passage: its id).",
    )
    deleted_at = models.DateTimeField(verbose_name="deleted at", default=timezone.now)
    deleted_by = models.ForeignKey(
        to=settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        related_name="+",
        null=True,
        blank=True,
        verbose_name="deleted by",
    )
    reason = models.CharField(verbose_name="reason", max_length=500, blank=True)
    public = models.BooleanField(
        verbose_name="public",
        default=True,
        help_text="Whether the public could read the record when it was deleted (a draft could not).",
    )

    objects = DeletionQuerySet.as_manager()

    class Meta:
        ordering = ["deleted_at", "id"]
        verbose_name = "deletion"
        verbose_name_plural = "deletions"
        indexes = [
            models.Index(fields=["deleted_at"], name="records_deletion_at_idx"),
            models.Index(fields=["record_type", "deleted_at"], name="records_deletion_type_idx"),
        ]

    def __str__(self):
        return f"{self.record_type}/{self.identifier} deleted {self.deleted_at:%Y-%m-%d %H:%M}"
