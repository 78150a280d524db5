"""
Making a release: one at a time (a lock), from one consistent state of the database (a snapshot), stored whole or
not at all.

The lock is held by the database connection on PostgreSQL (an advisory lock, so it works across machines) and by
the operating system on a file beside the database on SQLite (`flock`); both are let go when the process ends, so a
crashed release never blocks the next one.
"""

import contextlib
import datetime
import fcntl
import hashlib
import tempfile
from pathlib import Path

from django.contrib.auth.models import AnonymousUser
from django.core.files import File
from django.db import connection, transaction
from django.db.models import Max
from django.utils import timezone

from ..models import Release
from .package import write_package
from .tables import TABLES

# pg_try_advisory_lock's key for releases: any number no other part of the project uses.
ADVISORY_LOCK_KEY = 0x4E1EA5E


class ReleaseRefused(Exception):
    """A release that cannot be made now or as asked; the message says why. Nothing was written."""


class DraftReader(AnonymousUser):
    """The public, who in a release that includes drafts also reads drafts, and nothing more (no exact locations)."""

    def has_perm(self, perm, obj=None):
        return perm in {"records.view_damagereport", "records.view_threat"}


BUSY = "Another release is being written; try again when it has finished."


@contextlib.contextmanager
def release_lock():
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_try_advisory_lock(%s)", [ADVISORY_LOCK_KEY])
            if not cursor.fetchone()[0]:
                raise ReleaseRefused(BUSY)
        try:
            yield
        finally:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_unlock(%s)", [ADVISORY_LOCK_KEY])
        return
    path = Path(f"{connection.settings_dict['NAME']}.release-lock")
    with path.open("a") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise ReleaseRefused(BUSY) from None
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


@contextlib.contextmanager
def snapshot():
    """
    Reads that all see the database as it was at their start, without holding back writers: a read-only repeatable
    read on PostgreSQL, a deferred transaction on SQLite (whose atomic() begins IMMEDIATE, settings.py, and would
    stop every curator's save until the release is written). Inside a caller's transaction, that one.
    """
    if connection.in_atomic_block:
        yield
    elif connection.vendor == "postgresql":
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            yield
    else:
        with connection.cursor() as cursor:
            cursor.execute("BEGIN DEFERRED")
            try:
                yield
            finally:
                cursor.execute("ROLLBACK")


def latest_change(user):
    """When the record `user` may read last changed (the latest `last_updated` of its tables), or None if empty."""
    times = [table.records(user).aggregate(latest=Max("last_updated"))["latest"] for table in TABLES]
    times = [time for time in times if time is not None]
    return max(times) if times else None


def checked_date(date, latest):
    today = timezone.now().date()
    latest_day = latest.astimezone(datetime.UTC).date() if latest else None
    if date is None:
        # Records loaded from fixtures carry no change time: such a record is released as of today.
        return latest_day or today
    if date > today:
        raise ReleaseRefused(f"The date {date.isoformat()} is in the future: a release holds the record as it is.")
    if latest_day and date < latest_day:
        raise ReleaseRefused(
            f"The record changed on {latest_day.isoformat()}, after {date.isoformat()}: a release cannot be dated "
            "before what it holds."
        )
    return date


def make_release(*, date=None, include_drafts=False):
    """
    Write, store and record the next release (see the module docstring): dated `date`, or the day of the record's
    latest change (today if no record says when it changed). Raises ReleaseRefused, naming the reason, when another
    is being written or the date is wrong.
    """
    user = DraftReader() if include_drafts else AnonymousUser()
    storage = Release.file.field.storage
    with release_lock(), tempfile.TemporaryFile() as spool:
        with snapshot():
            date = checked_date(date, latest_change(user))
            number = (Release.objects.aggregate(last=Max("number"))["last"] or 0) + 1
            counts = write_package(spool, number=number, date=date, user=user, include_drafts=include_drafts)
        size = spool.tell()
        spool.seek(0)
        sha256 = hashlib.file_digest(spool, "sha256").hexdigest()
        spool.seek(0)
        name = storage.save(f"heritage-release-{number}.zip", File(spool))
        try:
            with transaction.atomic():
                return Release.objects.create(
                    number=number,
                    date=date,
                    include_drafts=include_drafts,
                    file=name,
                    sha256=sha256,
                    size=size,
                    counts=counts,
                )
        except BaseException:
            storage.delete(name)
            raise


def package_bytes(release_number, date, *, include_drafts=False):
    """The bytes release `release_number` of `date` has when made from the database as it is now."""
    user = DraftReader() if include_drafts else AnonymousUser()
    with tempfile.TemporaryFile() as spool:
        write_package(spool, number=release_number, date=date, user=user, include_drafts=include_drafts)
        spool.seek(0)
        return spool.read()
