"""
Files of records to import, and the ways in that tests take: a CSV of site rows, the site admin's preview of an upload,
`manage.py import`. Shared by tests/test_import_export.py, tests/test_manage_import_export.py and
tests/test_import_sizes.py.
"""

import io

import tablib
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse

from .conftest import stored_files

SITE_HEADERS = ["slug", "name", "kind", "country", "description", "latitude", "longitude", "location_certainty"]


def sites_csv(*rows):
    dataset = tablib.Dataset(headers=SITE_HEADERS)
    for row in rows:
        dataset.append(row)
    return dataset.export("csv")


GOOD_SITE = ["hatra", "Hatra", "archaeological_site", "IQ", "", "35.587500", "42.718300", "high"]
BAD_SITE = ["nimrud", "Nimrud", "castle", "IQ", "", "", "", ""]  # "castle" is not a site kind
NAMED_SITE = ["hatra", "Hatra – al-Ḥaḍr", *GOOD_SITE[2:]]
NAMED_SITE_1252 = ["hatra", "Hatra – café", *GOOD_SITE[2:]]  # what Windows-1252 can hold
REPORT_HEADERS = ["slug", "site", "cause", "severity", "certainty"]


def waiting(storage):
    """The files waiting in the originals' storage for a confirmation (admin/uploads.py)."""
    return [name for name in stored_files(storage) if name.startswith("pending/")]


def preview(client, *rows, format="csv"):
    """Upload a file of site rows (CSV or XLSX) to the site admin's import: the response, with its confirmation."""
    dataset = tablib.Dataset(*rows, headers=SITE_HEADERS)
    content = dataset.export(format)
    upload = SimpleUploadedFile(f"sites.{format}", content.encode() if isinstance(content, str) else content)
    return client.post(reverse("admin:records_site_import"), {"import_file": upload, "format": ADMIN_FORMATS[format]})


ADMIN_FORMATS = {"csv": "0", "xlsx": "1"}  # the site admin's import formats, by their place in its list


def import_command(*args):
    """`manage.py import --noinput *args`: its output, or the CommandError that refused it."""
    out = io.StringIO()
    call_command("import", *args, interactive=False, stdout=out)
    return out.getvalue()
