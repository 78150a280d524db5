"""
The change feed's bookkeeping, however a record is written or deleted (the API, the admin, an import, a script):

- A record's `last_updated` moves when its own row is saved, and also when an item of its lists is added, changed
  or removed (a site's name, extent, designation, period or identifier; an actor's alias or identifier; a period's
  identifier; an event's participant or figure) and when its citations change: the record's representation
  changed, so `?updated_since=` must list it. Only the timestamp moves (not the version): nothing a client sends
  back becomes stale.
- Deleting a record of a listed kind (models/deletions.py, `TRACKED`) writes a tombstone (`Deletion`) in the same
  transaction, with who and why when the caller says so (`deleting(user=..., reason=...)`) and whether the public
  could read the record then. Raw saves (`loaddata`, `restore`) keep the timestamps they carry.
"""

import contextlib
import contextvars

from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete
from django.dispatch import receiver
from django.utils import timezone

from .models import (
    ActorAlias,
    ActorIdentifier,
    Deletion,
    Designation,
    EventFigure,
    EventParticipant,
    PeriodIdentifier,
    SiteExtent,
    SiteIdentifier,
    SiteName,
    SitePeriod,
)
from .models.base import TimestampedModel
from .models.deletions import TRACKED

# The items shown and written as part of another record, and the key naming that record.
PARTS = {
    SiteName: "site",
    SiteExtent: "site",
    SiteIdentifier: "site",
    Designation: "site",
    SitePeriod: "site",
    ActorAlias: "actor",
    ActorIdentifier: "actor",
    PeriodIdentifier: "period",
    EventParticipant: "event",
    EventFigure: "event",
}

# Who is deleting, and why: set by the API's and the admin's delete paths around the deletion.
_deleting = contextvars.ContextVar("deleting", default=(None, ""))


@contextlib.contextmanager
def deleting(*, user=None, reason=""):
    """Tombstones written inside this block name `user` (if signed in) and `reason`."""
    token = _deleting.set((user if getattr(user, "is_authenticated", False) else None, reason or ""))
    try:
        yield
    finally:
        _deleting.reset(token)


def touch(model, pks, now=None):
    """Move the `last_updated` of `model`'s rows `pks` to now, and of the records they are items of."""
    pks = [pk for pk in pks if pk is not None]
    if not pks:
        return
    now = now or timezone.now()
    model._base_manager.filter(pk__in=pks).update(last_updated=now)
    parent_key = PARTS.get(model)
    if parent_key is not None:
        field = model._meta.get_field(parent_key)
        parents = model._base_manager.filter(pk__in=pks).values_list(field.attname, flat=True)
        touch(field.related_model, list(parents), now)


def touch_parent(item, now=None):
    """The record `item` is part of has changed: move its timestamp (and the copy the caller may hold)."""
    parent_key = PARTS[type(item)]
    field = type(item)._meta.get_field(parent_key)
    now = now or timezone.now()
    touch(field.related_model, [getattr(item, field.attname)], now)
    # The writer (the API's nested lists) holds the record it answers with as the item's parent: keep it current.
    if field.is_cached(item):
        getattr(item, parent_key).last_updated = now


@receiver(post_save, dispatch_uid="records_touch_parent_on_save")
def touch_parent_on_save(sender, instance, raw=False, **kwargs):
    if sender in PARTS and not raw:
        touch_parent(instance)


@receiver(post_delete, dispatch_uid="records_touch_parent_on_delete")
def touch_parent_on_delete(sender, instance, **kwargs):
    if sender in PARTS:
        touch_parent(instance)


@receiver(m2m_changed, dispatch_uid="records_touch_on_citations")
def touch_on_citations(sender, instance, action, reverse, model, pk_set, **kwargs):
    """A record's citations changed (from either side): the record changed."""
    if action not in ("post_add", "post_remove") or getattr(instance, "_saved_raw", False):
        return
    if not reverse and isinstance(instance, TimestampedModel):
        now = timezone.now()
        type(instance)._base_manager.filter(pk=instance.pk).update(last_updated=now)
        instance.last_updated = now  # the copy the writer answers with
        if type(instance) in PARTS:
            touch_parent(instance, now)
    elif reverse and issubclass(model, TimestampedModel):
        touch(model, list(pk_set or ()))


@receiver(pre_delete, dispatch_uid="records_note_visibility")
def note_visibility(sender, instance, **kwargs):
    """Before the row goes: whether the public can read it (a draft cannot), for its tombstone."""
    if sender._meta.app_label == "records" and sender._meta.model_name in TRACKED:
        instance._public_when_deleted = sender._default_manager.visible_to(None).filter(pk=instance.pk).exists()


@receiver(post_delete, dispatch_uid="records_write_tombstone")
def write_tombstone(sender, instance, **kwargs):
    if sender._meta.app_label != "records" or sender._meta.model_name not in TRACKED:
        return
    user, reason = _deleting.get()
    Deletion.objects.create(
        record_type=TRACKED[sender._meta.model_name],
        identifier=str(getattr(instance, "slug", None) or instance.pk),
        deleted_by=user,
        reason=reason,
        public=getattr(instance, "_public_when_deleted", True),
    )
