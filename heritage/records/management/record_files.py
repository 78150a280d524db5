"""What `manage.py import` and `manage.py export` share: which records travel as files, in what, who runs them."""

from pathlib import PurePath

from django.contrib.auth import get_user_model
from django.core.management.base import CommandError
from import_export.formats.base_formats import CSV, JSON, TSV

from ..resources import RESOURCES
from ..spreadsheets import XLSX


def records_named():
    """The records that travel as files, by the labels the commands take: "records.Site, …"."""
    return ", ".join(model._meta.label for model in RESOURCES)


def resource_named(name):
    """The resource of the records `name` stands for: a model's label (records.Site) or a resource's path."""
    for model, resource in RESOURCES.items():
        if name.lower() in (model._meta.label_lower, f"{resource.__module__}.{resource.__qualname__}".lower()):
            return resource
    raise CommandError(
        f"{name!r} is not something that imports from or exports to a file: give one of {records_named()}."
    )


# The admin's two, and the plain text formats tablib reads and writes with what the project installs: not XLS or
# ODS (packages it does not install), nor YAML (which cannot represent a decimal).
FORMATS = {"csv": CSV, "xlsx": XLSX, "tsv": TSV, "json": JSON}


def format_named(name, file_name=None, encoding=None):
    """The file format `name` stands for or, without one, `file_name`'s extension (sites.csv: CSV)."""
    key = (name or PurePath(file_name or "").suffix.removeprefix(".")).lower()
    if key in FORMATS:
        return FORMATS[key](encoding=encoding)
    formats = ", ".join(FORMATS)
    if name:
        raise CommandError(f"{name!r} is not one of the formats the records travel in: {formats}.")
    if file_name in (None, "-"):
        raise CommandError(f"Standard input has no name to tell its format: give --format ({formats}).")
    raise CommandError(f"{file_name} is not named as a file of one of the formats {formats}: give --format.")


def operator():
    """Whoever runs manage.py: they see every record, as loaddata and import_eamena do (drafts, exact locations)."""
    return get_user_model()(is_active=True, is_superuser=True)
