"""
manage.py import: a file of sites, damage reports or occupations, as the admin imports it (resources.py).

It stands in for django-import-export's own `import` command (heritage.records comes before import_export in
INSTALLED_APPS for that), which would import any model through a resource that checks nothing, and which reported a
file refused for a bad row as "Import finished" with its good rows counted, exiting 0. Its options are kept.
"""

import sys

from django.core.management.base import BaseCommand, CommandError
from django.template.defaultfilters import pluralize
from import_export.results import RowResult

from ...resources import import_problems
from ..prompts import ask
from ..record_files import format_named, operator, records_named, resource_named

WITHOUT_ASKING = "Give --no-input to import without asking."


class Command(BaseCommand):
    help = (
        "Import a CSV or XLSX file of sites, damage reports or occupations (records.Site, records.DamageReport, "
        "records.Occupation), all or nothing, as the admin's import does: any bad row refuses the whole file."
    )

    def add_arguments(self, parser):
        parser.add_argument("resource", help=f"What the file holds: {records_named()} (or their resource's path).")
        parser.add_argument("import_file_name", metavar="file", help='The file ("-" for standard input).')
        parser.add_argument(
            "--noinput", "--no-input", action="store_false", dest="interactive", help="Import without asking first."
        )
        parser.add_argument("-n", "--dry-run", action="store_true", help="Say what the file would do; write nothing.")
        parser.add_argument("--raise-errors", action="store_true", help="Stop at the first error, with its traceback.")
        parser.add_argument("--format", help="csv, xlsx, tsv or json, where the file's name does not say it.")
        parser.add_argument(
            "--encoding", help="A text file's character encoding (default UTF-8, with or without a byte order mark)."
        )

    def handle(self, *args, resource, import_file_name, interactive, dry_run, raise_errors, **options):
        resource = resource_named(resource)
        if interactive:
            if import_file_name == "-":
                raise CommandError("The file comes on standard input, which cannot also answer: give --no-input.")
            if ask("Are you sure you want to import the data? [yes/no]: ", without_asking=WITHOUT_ASKING) != "yes":
                raise CommandError("Import cancelled.")
        file_format = format_named(options["format"], import_file_name, options["encoding"])
        if file_format.is_binary() and options["encoding"]:
            raise CommandError(f"--encoding is for text files: {file_format.get_title().upper()} is binary.")
        try:
            if import_file_name == "-":
                data = sys.stdin.buffer.read()
            else:
                with open(import_file_name, "rb") as file:
                    data = file.read()
            if not file_format.is_binary():
                # As the admin reads an upload: UTF-8 unless told otherwise, a byte order mark (Excel's) left out.
                data = data.decode(options["encoding"] or "utf-8-sig")
            dataset = file_format.create_dataset(data)
        except Exception as exc:  # noqa: BLE001  (whatever a format's reader raises, as the admin's import catches)
            raise CommandError(f"{import_file_name} cannot be read as {file_format.get_title()}: {exc}") from exc
        result = resource(user=operator()).import_data(dataset, dry_run=dry_run, raise_errors=raise_errors)
        if problems := import_problems(result):
            raise CommandError(f"Nothing was imported: {problems}.")
        totals = result.totals
        empty = empty_rows(dataset, result)
        self.stdout.write(
            f"{'Would import' if dry_run else 'Imported'} {resource._meta.model._meta.verbose_name_plural}: "
            f"{totals[RowResult.IMPORT_TYPE_NEW]} new, {totals[RowResult.IMPORT_TYPE_UPDATE]} updated, "
            f"{totals[RowResult.IMPORT_TYPE_SKIP] - empty} unchanged"
            + (f"; {empty} empty row{pluralize(empty)} left out." if empty else ".")
        )


def empty_rows(dataset, result):
    """
    The rows with no value, which the import skips as it skips a row that changes nothing (the library compares them
    with a new, empty record). A sheet keeps those between rows so that errors name its own row numbers.
    """
    # The resources report skipped rows (Meta.report_skipped), so there is a result for each row, in order.
    return sum(
        1
        for row, row_result in zip(dataset, result.rows, strict=True)
        if row_result.import_type == RowResult.IMPORT_TYPE_SKIP and all(cell in (None, "") for cell in row)
    )
