"""manage.py backup: the whole database and the sources' original documents, in one zip archive."""

import hashlib
import json
import os
import zipfile

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from ...backups import FORMAT, MANIFEST, RECORDS, original_member
from ...models import Source
from ...texts import sha256

# Rebuilt by `migrate` on the target, or transient: never part of a backup.
# The search index is derived from the records: restore (loaddata) rebuilds it.
EXCLUDED = ["contenttypes", "auth.permission", "sessions", "search"]


def remove_if_there(path):
    if os.path.exists(path):
        os.remove(path)


class Command(BaseCommand):
    help = (
        "Write the whole database (records with their texts, users, groups, history) and every source's original "
        "document to a zip archive, with the SHA-256 of each part. Restore it with `manage.py restore FILE.zip` "
        "into an empty, migrated database on SQLite or PostgreSQL."
    )

    def add_arguments(self, parser):
        parser.add_argument("output", help="The archive to write, e.g. backup-2026-12-03.zip.")

    def handle(self, *args, output, **options):
        if not output.endswith(".zip"):
            raise CommandError("A backup is a zip archive (records and original documents): name it FILE.zip.")
        partial = f"{output}.partial"  # renamed into place once complete: a failed backup leaves no archive behind
        try:
            count = self.write(partial)
            os.replace(partial, output)
        except OSError as exc:  # a folder that is not there, a full disk, an original gone from storage
            remove_if_there(partial)
            raise CommandError(f"The backup was not written: {exc}.") from exc
        except BaseException:
            remove_if_there(partial)
            raise
        self.stdout.write(f"Wrote {output}: the records and {count} original document(s).")

    def write(self, output):
        checksums = {}
        with zipfile.ZipFile(output, "w", compression=zipfile.ZIP_DEFLATED) as archive:
            with archive.open(RECORDS, "w") as member, _TextWriter(member) as stream:
                # Natural foreign keys also order the models so that a record follows those it names (loaddata
                # validates each record as it goes).
                call_command(
                    "dumpdata",
                    format="backup",
                    exclude=EXCLUDED,
                    natural_foreign=True,
                    stdout=stream,
                    verbosity=0,
                )
            checksums[RECORDS] = stream.sha256()
            # Sources may share an original (stored once, by its checksum: the parts of one EAMENA export).
            originals = Source.objects.exclude(original="").order_by().values_list("original", "original_sha256")
            originals = originals.distinct()
            for name, expected in originals.iterator():
                try:
                    with Source.original.field.storage.open(name, "rb") as handle:
                        data = handle.read()
                except OSError as exc:
                    raise CommandError(f"The original {name} is missing from storage ({exc}).") from exc
                if sha256(data) != expected:
                    raise CommandError(f"The original {name} does not match its SHA-256: it was changed or damaged.")
                archive.writestr(original_member(name), data)
                checksums[original_member(name)] = expected
            manifest = {"format": FORMAT, "written": timezone.now().isoformat(), "sha256": checksums}
            archive.writestr(MANIFEST, json.dumps(manifest, indent=2))
        return len(checksums) - 1


class _TextWriter:
    """A text stream over a zip member that also computes the SHA-256 of what goes through it."""

    def __init__(self, member):
        self.member = member
        self.digest = hashlib.sha256()

    def write(self, text):
        data = text.encode("utf-8")
        self.digest.update(data)
        self.member.write(data)
        return len(text)

    def flush(self):
        pass

    def sha256(self):
        return self.digest.hexdigest()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False
