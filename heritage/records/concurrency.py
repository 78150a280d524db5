"""
Optimistic locking: an edit is applied only to the version of the record it was based on.

The admin and the API both read a record's `version` when an editor opens it (the API as the ETag) and send it back
with the change. `claim_version()` runs inside the saving transaction and takes the row with a conditional UPDATE
(`... WHERE pk = %s AND version = %s`): on PostgreSQL a concurrent claim waits for the row lock and then finds the
version moved; on SQLite the write lock serialises them the same way. A stale edit raises StaleVersion, carrying the
record as it now is, and nothing is written; an edit of a record that was deleted meanwhile raises RecordDeleted.
"""

from django.core.exceptions import ObjectDoesNotExist
from django.db import transaction


class StaleVersion(Exception):
    """The record changed since the editor read it."""

    def __init__(self, current):
        self.current = current
        super().__init__(
            f"{current._meta.verbose_name.capitalize()} “{current}” was changed by someone else since you opened it "
            f"(it is now version {current.version}); your changes were not saved."
        )


class RecordDeleted(ObjectDoesNotExist):
    """The record was deleted since the editor read it."""

    def __init__(self, instance):
        super().__init__(
            f"{instance._meta.verbose_name.capitalize()} “{instance}” was deleted by someone else since you opened "
            "it; your changes were not saved."
        )


def claim_version(instance, expected_version):
    """
    Lock `instance`'s row if it still has `expected_version`; raise StaleVersion with the current record if not, and
    RecordDeleted if the row is gone.

    Must run inside a transaction (the request's, with ATOMIC_REQUESTS, or the caller's), which keeps the row locked
    until the edit commits.
    """
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("claim_version() must run inside a transaction.")
    model = type(instance)
    claimed = model._default_manager.filter(pk=instance.pk, version=expected_version).update(version=expected_version)
    if not claimed:
        current = model._default_manager.filter(pk=instance.pk).first()
        if current is None:
            raise RecordDeleted(instance)
        raise StaleVersion(current)
    instance.version = expected_version
