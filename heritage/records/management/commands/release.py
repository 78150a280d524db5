"""manage.py release: the next numbered, dated release of the public record (docs/releases.md)."""

import datetime

from django.core.management.base import BaseCommand, CommandError

from ...releases.making import ReleaseRefused, make_release


def iso_date(value):
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"--date {value!r} is not a date: give it as YYYY-MM-DD.") from None


class Command(BaseCommand):
    help = (
        "Write the next release of the public record: a zip holding a Frictionless Data Package (a CSV a table, "
        "their schemas, a README with the licence and how to cite, CITATION.cff, SHA-256 of every file), kept in "
        "the releases storage and listed at /api/v1/releases/."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--date",
            help="The release's date, YYYY-MM-DD (default: the day of the record's latest change). Not in the "
            "future, nor before the latest change.",
        )
        parser.add_argument(
            "--include-drafts",
            action="store_true",
            help="Include unreviewed damage reports and threats (the README says so; only users who may read "
            "drafts see such a release).",
        )

    def handle(self, *args, date=None, include_drafts=False, **options):
        try:
            release = make_release(date=iso_date(date) if date else None, include_drafts=include_drafts)
        except ReleaseRefused as exc:
            raise CommandError(str(exc)) from None
        rows = sum(release.counts.values())
        self.stdout.write(
            f"Release {release.number} of {release.date.isoformat()}: {release.file.name}, {release.size:,} bytes, "
            f"{rows:,} rows, SHA-256 {release.sha256}."
        )
