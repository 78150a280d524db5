"""manage.py import_eamena FILE.geojson: EAMENA heritage places into the record; a dry run unless --commit."""

import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from ...choices import CurationStatus
from ...importers.eamena import import_eamena


class Command(BaseCommand):
    help = (
        "Import an EAMENA GeoJSON export (heritage places): sites, names, identifiers, extents, damage reports, "
        "threats, each citing the file. Prints what would change; writes only with --commit, and only when "
        "nothing is refused (all or nothing). Exits 1 when anything is refused."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="The GeoJSON file (a FeatureCollection exported from EAMENA).")
        parser.add_argument("--commit", action="store_true", help="Write the import (default: a dry run).")
        parser.add_argument(
            "--status",
            choices=[CurationStatus.DRAFT, CurationStatus.REPORTED],
            default=CurationStatus.DRAFT,
            help="The curation status of new damage reports and threats (default: draft).",
        )
        parser.add_argument("--sensitive", action="store_true", help="Mark new sites' locations as sensitive.")

    def handle(self, *args, file, commit, status, sensitive, verbosity, **options):
        path = Path(file)
        try:
            opened = path.open("rb")
        except OSError as exc:
            raise CommandError(f"Cannot read {file}: {exc.strerror}.") from None
        bar = tqdm(total=None, unit=" places", disable=verbosity == 0 or not sys.stderr.isatty(), file=sys.stderr)
        with opened, bar:
            report = import_eamena(
                file=opened, name=path.name, commit=commit, status=status, sensitive=sensitive, progress=bar.update
            )
        if verbosity:
            self.stdout.write(f"{path.name}: {report.features:,} features, {report.places:,} places.")
            self.stdout.write(report.table())
        for problem in report.problems:
            self.stderr.write(f"refused: {problem}")
        if report.problems:
            self.stderr.write(f"{len(report.problems)} problems: nothing was written.")
            sys.exit(1)
        if report.committed and verbosity:
            self.stdout.write(self.style.SUCCESS("Imported."))
        elif verbosity:
            self.stdout.write("Dry run: nothing was written. Run again with --commit to import.")
