"""
Rules that must hold however a record is saved.

`loaddata` saves with raw=True and skips Model.save() and all validation. So that a fixture, a backup being restored
or an import is held to the same rules as the admin and the API, every raw save of a record here derives its EDTF
date bounds and runs `full_clean()`. A bad record raises ValueError naming the field and the reason; loaddata adds
the file and the record ("Problem installing fixture 'x.json': Could not load records.Citation(pk=None): quote:
...") and, inside its transaction, loads nothing.
"""

import contextlib
import contextvars
from collections import defaultdict

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db.models.signals import pre_save
from django.dispatch import Signal, receiver

from .models.base import TimestampedModel, UncertainDatesMixin


def describe(error):
    """ValidationError -> "field: message; other: message" (one line, for loaddata's error)."""
    if not hasattr(error, "error_dict"):
        return "; ".join(error.messages)
    parts = []
    for field, messages in error.message_dict.items():
        label = "record" if field == NON_FIELD_ERRORS else field
        parts.extend(f"{label}: {message}" for message in messages)
    return "; ".join(parts)


# Sent after records were written in bulk, which skips post_save and m2m_changed (an importer's batch): `written` is
# {model: ids of the records written or newly cited}, the whole batch in one signal so that what is derived from the
# records (the search index) reads each record once, whichever of the batch's models name it. Optional: `created`,
# {model: [the records inserted]}, and `cited`, {model: {id: [citations newly cited]}}, with which what a new record
# holds need not be read back.
written_in_bulk = Signal()

_together = contextvars.ContextVar("records_written_together", default=None)


@contextlib.contextmanager
def written_together():
    """
    Saves made within are derived from once, together: a post_save receiver that keeps something derived per record
    (the search index) adds the record to `together()`, {model: ids}, instead of deriving from it at once, and the
    block's owner sends written_in_bulk with them all when they are to be kept (an import's rows, when it commits).
    """
    written = defaultdict(set)
    token = _together.set(written)
    try:
        yield written
    finally:
        _together.reset(token)


def together():
    """What the innermost written_together() collects, {model: ids}; None outside one."""
    return _together.get()


@receiver(pre_save, dispatch_uid="records_mark_raw_saves")
def mark_raw_saves(sender, instance, raw=False, **kwargs):
    """Flag an instance saved raw (by loaddata), so its history skips the m2m writes that follow (history.py)."""
    if raw and sender._meta.app_label == "records":
        instance._saved_raw = True


@receiver(pre_save, dispatch_uid="records_derive_date_bounds")
def derive_date_bounds(sender, instance, raw=False, **kwargs):
    if not isinstance(instance, UncertainDatesMixin):
        return
    try:
        instance.derive_date_bounds()
    except ValidationError:
        if not raw:
            raise
        # A raw save is validated next (validate_raw_saves), which names the field that is not EDTF.


@receiver(pre_save, dispatch_uid="records_validate_raw_saves")
def validate_raw_saves(sender, instance, raw=False, **kwargs):
    if not raw or not isinstance(instance, TimestampedModel):
        return
    if instance.pk is not None:
        # loaddata found this row by its natural key: it is an update, so uniqueness checks must not count the row
        # against itself.
        instance._state.adding = not type(instance)._default_manager.filter(pk=instance.pk).exists()
    try:
        instance.full_clean()
    except ValidationError as exc:
        raise ValueError(describe(exc)) from exc
