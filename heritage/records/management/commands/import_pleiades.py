"""manage.py import_pleiades: a Pleiades place record into the record (importers/pleiades.py does the work)."""

import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from ...importers.pleiades import ImportRefused, import_place
from ..prompts import ask


def dataset_path(directory, place_id):
    """Where isawnyu/pleiades.datasets keeps a place: data/json/, a folder per digit but the last two, <id>.json."""
    if not place_id.isdigit():
        raise CommandError(f"--id is a Pleiades place number, e.g. 668331; not {place_id!r}.")
    return Path(directory, "data", "json", *place_id[:-2], f"{place_id}.json")


class Command(BaseCommand):
    help = (
        "Import a Pleiades place (its JSON record) into the site it describes: identifiers, location, bounding box, "
        "World Heritage List number, names, each cited to the file, held as a source. A dry run unless --commit."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", nargs="?", help="The place's JSON file, e.g. 668331.json.")
        parser.add_argument("--id", help="A Pleiades place number, read from --directory.")
        parser.add_argument("--directory", help="A copy of isawnyu/pleiades.datasets (with data/json/...).")
        parser.add_argument(
            "--site", help="The slug of the site the place is: confirms a match by name without a prompt."
        )
        parser.add_argument("--commit", action="store_true", help="Write the import (default: report only).")
        parser.add_argument("--no-input", action="store_true", help="Never prompt (a match by name needs --site).")

    def handle(self, *args, file, id, directory, site, commit, no_input, **options):
        if bool(file) == bool(id):
            raise CommandError("Give a file, or --id with --directory.")
        if id and not directory:
            raise CommandError("--id reads from a copy of pleiades.datasets: give --directory.")
        path = Path(file) if file else dataset_path(directory, id)
        try:
            data = path.read_bytes()
        except OSError as error:
            raise CommandError(f"{path}: {error.strerror or error}.") from None
        interactive = not no_input and sys.stdin.isatty()
        try:
            outcome = import_place(
                data=data, filename=path.name, site=site, confirm=self.confirm if interactive else None, commit=commit
            )
        except ImportRefused as refused:
            self.stdout.write(refused.summary.table())
            for problem in refused.problems:
                self.stderr.write(f"refused: {problem}")
            raise CommandError(f"{path}: refused; nothing was written.") from None
        if options["verbosity"] == 0:  # quiet: the exit status says it all
            return
        self.stdout.write(f"{path} is the site {outcome.site.slug!r} (matched by {outcome.matched_by}).")
        self.stdout.write(outcome.summary.table())
        for note in outcome.summary.notes:
            self.stdout.write(f"note: {note}")
        if commit:
            self.stdout.write(self.style.SUCCESS(f"Written; the source is {outcome.source.slug!r}."))
        else:
            self.stdout.write("Dry run: nothing was written. Run again with --commit to write it.")

    def confirm(self, site):
        answer = ask(
            f"Is this place the site {site.name!r} ({site.slug})? [y/N] ",
            without_asking=f"Give --site {site.slug} if it is, or --no-input.",
        )
        return answer.strip().lower() in ("y", "yes")
