"""manage.py restore: load a `backup` archive into an empty, migrated database, with its originals, all or nothing."""

import json
import re
import tempfile
import zipfile
import zlib
from pathlib import Path, PurePosixPath

from django.apps import apps
from django.contrib.auth.models import Group
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.core.serializers.base import DeserializationError
from django.db import DatabaseError, transaction

from ...backups import MANIFEST, READS, RECORDS, original_member
from ...models import Source
from ...texts import sha256

# What loaddata raises for a record it cannot load (the fixture's path before the reason): the record's validation
# (ValueError, records/signals.py), a value or reference the database refuses, a row the deserializer cannot read.
NOT_LOADED = (DeserializationError, DatabaseError, ValueError, OverflowError)


def tables_with_rows():
    """Record and user tables that already hold rows. (Groups and other rows made by migrations are expected.)"""
    models = [*apps.get_app_config("records").get_models(), apps.get_model("auth", "User")]
    return [model._meta.label for model in models if model._default_manager.exists()]


class Command(BaseCommand):
    help = (
        "Restore an archive written by `manage.py backup` into this database, which must be migrated and empty. "
        "Every part's SHA-256 is checked, every record validated (texts against their checksums), and every "
        "original against its source's; any error restores nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("input", help="The backup archive (.zip).")

    def handle(self, *args, input, **options):
        occupied = tables_with_rows()
        if occupied:
            raise CommandError(
                "The database is not empty (rows in " + ", ".join(sorted(occupied)) + "). "
                "Restore into a freshly migrated database."
            )
        try:
            archive = zipfile.ZipFile(input)
        except (OSError, zipfile.BadZipFile) as exc:
            raise CommandError(f"{input} is not a backup archive ({exc}).") from exc
        with archive, tempfile.TemporaryDirectory() as folder:
            records, originals, groups = self.verified_parts(archive, Path(folder))
            written = []
            try:
                with transaction.atomic():
                    # The groups `migrate` made (the roles) give way to the archive's, which keep their keys; an
                    # archive without groups (its database's were all deleted) leaves them.
                    if groups:
                        Group.objects.all().delete()
                    load(records)
                    storage = Source.original.field.storage
                    for name, data in originals.items():
                        if not storage.exists(name):
                            storage.save(name, ContentFile(data))
                            written.append(name)
            except Exception:
                for name in written:  # the database rolled back: so does storage
                    Source.original.field.storage.delete(name)
                raise
        self.stdout.write(f"Restored {input}: the records and {len(originals)} original(s), checksums verified.")

    def verified_parts(self, archive, folder):
        """
        The records' fixture (extracted into `folder`), {storage name: bytes} of the originals, all checked, and
        whether the records hold groups.
        """
        try:
            manifest = parsed(MANIFEST, member_bytes(archive, MANIFEST))
        except KeyError:
            raise CommandError(f"The archive has no {MANIFEST}: not a backup.") from None
        if not isinstance(manifest, dict):
            raise CommandError(f"{MANIFEST} is not a backup's: it is not a JSON object.")
        if manifest.get("format") not in READS:
            raise CommandError(
                f"The archive's format is {manifest.get('format')!r}; this version reads " + " and ".join(READS) + "."
            )
        checksums = manifest.get("sha256")
        if not isinstance(checksums, dict) or not all(isinstance(value, str) for value in checksums.values()):
            raise CommandError(f"{MANIFEST} is not a backup's: its sha256 is not an object of members and checksums.")
        parts = {}
        for member, expected in checksums.items():
            try:
                data = member_bytes(archive, member)
            except KeyError:
                raise CommandError(f"The archive lacks {member}, which its manifest lists.") from None
            if sha256(data) != expected:
                raise CommandError(f"{member} does not match its SHA-256 in the manifest: the archive is damaged.")
            parts[member] = data
        if RECORDS not in parts:
            raise CommandError(f"The archive holds no {RECORDS}.")
        originals, rows = {}, rows_of(parts[RECORDS])
        for record in rows:
            if record["model"] != "records.source" or not record["fields"].get("original"):
                continue
            name, expected = record["fields"]["original"], record["fields"].get("original_sha256")
            if not isinstance(name, str) or PurePosixPath(name).is_absolute() or ".." in PurePosixPath(name).parts:
                raise CommandError(f"Source {record['fields'].get('slug')}: its original's name {name!r} is not one.")
            data = parts.get(original_member(name))
            if data is None:
                raise CommandError(f"Source {record['fields'].get('slug')}: its original {name} is not in the archive.")
            if sha256(data) != expected:
                raise CommandError(f"Source {record['fields'].get('slug')}: its original does not match its SHA-256.")
            originals[name] = data
        records = folder / RECORDS
        records.write_bytes(parts[RECORDS])
        return records, originals, any(row["model"] == "auth.group" for row in rows)


def member_bytes(archive, member):
    """The bytes of the archive's `member` (KeyError if it has none); a member that does not unpack is damage."""
    try:
        return archive.read(member)
    except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError) as exc:
        raise CommandError(f"{member} cannot be unpacked ({exc}): the archive is damaged.") from exc


def parsed(member, data):
    """The JSON of the archive's `member`; JSON that Python cannot read is a CommandError saying why."""
    try:
        return json.loads(data)
    except ValueError as exc:  # not UTF-8, not JSON, or an integer of more digits than Python converts
        raise CommandError(f"{member} is not a backup's: it cannot be read as JSON ({exc}).") from exc
    except RecursionError:
        raise CommandError(f"{member} is not a backup's: it is nested too deep to be read as JSON.") from None


def rows_of(data):
    """
    The rows of records.json, each an object with a model and its fields. Anything else is not what `backup` writes,
    and is refused before restore deletes this database's groups to take the archive's.
    """
    rows = parsed(RECORDS, data)
    if not isinstance(rows, list):
        raise CommandError(f"{RECORDS} is not a backup's: it is not a list of records.")
    if not rows:
        raise CommandError(f"{RECORDS} is not a backup's: it holds no records.")
    for number, row in enumerate(rows, 1):
        if not (isinstance(row, dict) and isinstance(row.get("model"), str) and isinstance(row.get("fields"), dict)):
            raise CommandError(
                f"{RECORDS} is not a backup's: record {number} is not an object with a model and its fields."
            )
    return rows


def load(records):
    """loaddata of the records' fixture; a record it cannot load is a CommandError naming the record and why."""
    try:
        call_command("loaddata", str(records), verbosity=0)
    except NOT_LOADED as exc:
        # loaddata names the fixture by its temporary path, which means nothing once restore has ended
        reason = re.sub(r"^Problem installing fixtures?(?: '.*?')?: ", "", str(exc))
        raise CommandError(f"{RECORDS} does not load, so nothing was restored: {reason}") from exc
