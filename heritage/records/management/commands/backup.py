"""manage.py backup: the whole database as one natural-key JSON fixture, restorable on any engine."""

from django.core.management import call_command
from django.core.management.base import BaseCommand

# Rebuilt by `migrate` on the target, or transient: never part of a backup.
EXCLUDED = ["contenttypes", "auth.permission", "sessions"]


class Command(BaseCommand):
    help = (
        "Export the whole database (records, users, groups, history) to a JSON fixture with natural keys. "
        "Restore it with `manage.py restore FILE` into an empty, migrated database on SQLite or PostgreSQL. "
        "A name ending in .gz, .bz2, .xz or .lzma is compressed."
    )

    def add_arguments(self, parser):
        parser.add_argument("output", help="File to write, e.g. backup-2026-11-25.json.gz.")

    def handle(self, *args, output, **options):
        call_command(
            "dumpdata",
            exclude=EXCLUDED,
            natural_foreign=True,
            natural_primary=True,
            output=output,
            verbosity=0,
        )
        self.stdout.write(f"Wrote {output}.")
