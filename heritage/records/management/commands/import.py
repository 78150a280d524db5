"""
manage.py import: a file of sites, damage reports or occupations, as the admin imports it (resources.py).

It stands in for django-import-export's own `import` command (heritage.records comes before import_export in
INSTALLED_APPS for that), which would import any model through a resource that checks nothing, and which reported a
file refused for a bad row as "Import finished" with its good rows counted, exiting 0.
"""

import importlib
import sys

from django.contrib.auth import get_user_model
from django.core.management.base import CommandError
from import_export.command_utils import get_format_class
from import_export.results import RowResult

from ...resources import RESOURCES, import_problems

LibraryCommand = importlib.import_module("import_export.management.commands.import").Command


def resource_named(name):
    """The resource importing the records `name` stands for: a model's label (records.Site) or a resource's path."""
    for model, resource in RESOURCES.items():
        if name.lower() in (model._meta.label_lower, f"{resource.__module__}.{resource.__qualname__}".lower()):
            return resource
    labels = ", ".join(model._meta.label for model in RESOURCES)
    raise CommandError(f"{name!r} is not something that imports from a file: give one of {labels}.")


class Command(LibraryCommand):
    help = (
        "Import a CSV or XLSX file of sites, damage reports or occupations (records.Site, records.DamageReport, "
        "records.Occupation), all or nothing, as the admin's import does: any bad row refuses the whole file."
    )

    def handle(self, *args, resource, import_file_name, interactive, dry_run, raise_errors, **options):
        resource = resource_named(resource)
        if interactive and input("Are you sure you want to import the data? [yes/no]: ") != "yes":
            raise CommandError("Import cancelled.")
        file_format = get_format_class(options["format"], import_file_name, options["encoding"])
        try:
            if import_file_name == "-":
                data = (sys.stdin.buffer if file_format.is_binary() else sys.stdin).read()
            else:
                with open(import_file_name, file_format.get_read_mode()) as file:
                    data = file.read()
            dataset = file_format.create_dataset(data)
        except Exception as exc:  # noqa: BLE001  (whatever a format's reader raises, as the admin's import catches)
            raise CommandError(f"{import_file_name} cannot be read as {file_format.get_title()}: {exc}") from exc
        # Whoever runs manage.py sees every record, as loaddata and import_eamena do: drafts, exact locations.
        operator = get_user_model()(is_active=True, is_superuser=True)
        result = resource(user=operator).import_data(dataset, dry_run=dry_run, raise_errors=raise_errors)
        if problems := import_problems(result):
            raise CommandError(f"Nothing was imported: {problems}.")
        totals = result.totals
        self.stdout.write(
            f"{'Would import' if dry_run else 'Imported'} {resource._meta.model._meta.verbose_name_plural}: "
            f"{totals[RowResult.IMPORT_TYPE_NEW]} new, {totals[RowResult.IMPORT_TYPE_UPDATE]} updated, "
            f"{totals[RowResult.IMPORT_TYPE_SKIP]} unchanged."
        )
