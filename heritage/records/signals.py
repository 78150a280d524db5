"""
Derivations that must hold however a record is saved.

`loaddata` saves with raw=True and skips Model.save(), so the EDTF date bounds are derived here, on pre_save, for
fixtures, the admin, the API and imports alike. A fixture with a malformed date therefore fails to load (and, inside
loaddata's transaction, loads nothing) instead of storing a date without bounds.
"""

from django.core.exceptions import ValidationError
from django.db.models.signals import pre_save
from django.dispatch import receiver

from .models.base import UncertainDatesMixin


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
    except ValidationError as exc:
        if not raw:
            raise
        # loaddata reports ValueErrors with the record they came from ("Could not load records.Event(pk=...)").
        raise ValueError("; ".join(exc.messages)) from exc
