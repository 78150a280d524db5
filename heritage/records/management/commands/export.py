"""
manage.py export: sites, damage reports or occupations as a CSV or XLSX file, as the admin exports them
(resources.py), in the columns `manage.py import` reads back.

It stands in for django-import-export's own `export` command (heritage.records comes before import_export in
INSTALLED_APPS for that), which exports any model, auth.User included, through a plain resource: keys in place of
slugs, in columns no import here reads.
"""

from django.core.management.base import BaseCommand, CommandError

from ..record_files import format_named, operator, records_named, resource_named


class Command(BaseCommand):
    help = (
        "Write sites, damage reports or occupations (records.Site, records.DamageReport, records.Occupation) to "
        "standard output as CSV or XLSX, every record with the columns `manage.py import` reads back."
    )

    def add_arguments(self, parser):
        parser.add_argument("format", help="csv, xlsx, tsv or json.")
        parser.add_argument("resource", help=f"The records: {records_named()} (or their resource's path).")
        parser.add_argument("--encoding", help="A text format's character encoding (default UTF-8).")

    def handle(self, *args, format, resource, encoding, **options):
        resource = resource_named(resource)
        file_format = format_named(format, encoding=encoding)
        if file_format.is_binary() and encoding:
            raise CommandError(f"--encoding is for text formats: {file_format.get_title().upper()} is binary.")
        if file_format.is_binary() and self.stdout.isatty():
            raise CommandError(f"{file_format.get_title().upper()} is a binary format: redirect the output to a file.")
        data = file_format.export_data(resource(user=operator()).export())
        if not file_format.is_binary():
            try:
                data = data.encode(encoding or "utf-8")
            except (LookupError, UnicodeEncodeError) as exc:
                raise CommandError(f"The export cannot be written as {encoding!r}: {exc}.") from exc
        self.stdout.flush()
        self.stdout.buffer.write(data)
