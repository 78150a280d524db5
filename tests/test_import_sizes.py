"""
How much of a file an import reads: the admin's limits (ADMIN_IMPORT_MAX_ROWS rows, SOURCE_MAX_BYTES of file, packed
or unpacked), and an XLSX sheet read as its cells are, whatever its other parts claim.
"""

import io
import re
import zipfile

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management.base import CommandError
from django.template.defaultfilters import filesizeformat
from django.urls import reverse
from django.utils.html import escape
from openpyxl.styles import Font

from heritage.records.models import Site
from heritage.records.spreadsheets import XLSX

from .admin_helpers import make_user
from .conftest import table_counts
from .import_files import ADMIN_FORMATS, GOOD_SITE, SITE_HEADERS, import_command, preview, sites_csv, waiting

pytestmark = pytest.mark.django_db

SITES = [GOOD_SITE, ["nimrud", "Nimrud", *GOOD_SITE[2:]], ["ashur", "Ashur", *GOOD_SITE[2:]]]


def xlsx(*rows, formatted_below=0, sheet_xml=lambda xml: xml):
    """
    An XLSX file of site rows as a spreadsheet saves it: `formatted_below` empty rows after them that carry only
    formatting (as a column formatted down the sheet leaves), and the sheet's XML changed by `sheet_xml`.
    """
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(SITE_HEADERS)
    for row in rows:
        sheet.append(row)
    for number in range(len(rows) + 2, len(rows) + 2 + formatted_below):
        sheet.cell(row=number, column=1).font = Font(bold=True)
    saved = io.BytesIO()
    book.save(saved)
    with zipfile.ZipFile(saved) as source:
        members = {name: source.read(name) for name in source.namelist()}
    members["xl/worksheets/sheet1.xml"] = sheet_xml(members["xl/worksheets/sheet1.xml"])
    changed = io.BytesIO()
    with zipfile.ZipFile(changed, "w", zipfile.ZIP_DEFLATED) as target:
        for name, data in members.items():
            target.writestr(name, data)
    return changed.getvalue()


def upload(client, name, content):
    fmt = ADMIN_FORMATS[name.rsplit(".", 1)[1]]
    file = SimpleUploadedFile(name, content)
    return client.post(reverse("admin:records_site_import"), {"import_file": file, "format": fmt})


def refusal(response):
    assert response.status_code == 200 and response.context.get("confirm_form") is None
    return " ".join(response.context["form"].errors["import_file"])


@pytest.mark.parametrize("format", ADMIN_FORMATS)
def test_the_admin_imports_at_most_its_number_of_rows_and_the_command_any(
    client, palmyra, originals, settings, tmp_path, django_capture_on_commit_callbacks, format
):
    """
    The import page says how long a file it takes; a longer one is refused, saying how to import it, as soon as its
    rows are counted past the limit (a preview takes about 6 ms a row, and a request only so long); manage.py import
    takes it.
    """
    settings.ADMIN_IMPORT_MAX_ROWS = 2
    client.force_login(make_user("cora", group="Curator"))
    page = client.get(reverse("admin:records_site_import")).content.decode()
    assert "At most 2 rows; import a longer file on the server with manage.py import." in page
    before = table_counts()
    with django_capture_on_commit_callbacks(execute=True):
        page = preview(client, *SITES, format=format)
    problem = "The file has more than 2 rows; at most 2 are imported here at once: split it, or import it on the server"
    assert escape(problem) in page.content.decode() and page.context.get("confirm_form") is None
    assert table_counts() == before and waiting(originals) == []
    assert preview(client, *SITES[:2], format=format).context["confirm_form"] is not None
    (tmp_path / f"sites.{format}").write_bytes(xlsx(*SITES) if format == "xlsx" else sites_csv(*SITES).encode())
    assert import_command("records.Site", str(tmp_path / f"sites.{format}")).startswith("Imported sites: 3 new")


def test_rows_a_spreadsheet_only_formatted_are_not_rows(client, palmyra, settings):
    """
    A column formatted down the sheet leaves empty rows below the data: they are not counted against the limit and
    are not reported as rows left unchanged.
    """
    settings.ADMIN_IMPORT_MAX_ROWS = 3
    client.force_login(make_user("cora", group="Curator"))
    response = upload(client, "sites.xlsx", xlsx(*SITES, formatted_below=500))
    assert response.context["confirm_form"] is not None
    assert len(response.context["result"].rows) == 3
    assert len(XLSX().create_dataset(xlsx(*SITES, formatted_below=500))) == 3


def test_an_empty_row_between_rows_keeps_the_row_numbers_of_the_sheet(palmyra, tmp_path):
    """An error is named by its row in the sheet, counting an empty row above it."""
    (tmp_path / "sites.xlsx").write_bytes(xlsx(GOOD_SITE, [None] * len(SITE_HEADERS), [*SITES[1][:2], "castle"]))
    with pytest.raises(CommandError, match=re.escape("Nothing was imported: row 3, kind:")):
        import_command("records.Site", str(tmp_path / "sites.xlsx"))
    assert not Site.objects.filter(slug__in=["hatra", "nimrud"]).exists()


@pytest.mark.parametrize(
    ("sheet_xml", "rows"),
    [
        (lambda xml: re.sub(rb'<dimension ref="[^"]*"', b'<dimension ref="A1:XFD5000"', xml), 1),
        (lambda xml: xml.replace(b'<row r="2"', b'<row r="5000"').replace(b'r="A2"', b'r="A5000"'), 4999),
    ],
    ids=["a sheet claiming 5,000 rows of 16,384 columns", "a row far below the first"],
)
def test_an_xlsx_sheet_is_read_as_its_cells_are(palmyra, sheet_xml, rows):
    """
    The size a sheet claims is not read as rows (the library's reader padded every row to it and added rows up to
    it); empty rows up to a far row are read at once (tablib checked every row again for each of them).
    """
    content = xlsx(["hatra"], sheet_xml=sheet_xml)
    dataset = XLSX().create_dataset(content)
    assert (len(dataset), dataset.width) == (rows, len(SITE_HEADERS))
    assert dataset["slug"][-1] == "hatra"


def test_a_value_in_a_column_without_a_name_is_refused_naming_row_and_column(client, palmyra):
    """Not dropped: the curator is told where it is."""
    client.force_login(make_user("cora", group="Curator"))
    response = upload(client, "sites.xlsx", xlsx(GOOD_SITE, [*SITES[1], None, "a note"]))
    assert refusal(response) == "Row 2 has a value in column J, which the first row does not name."
    assert not Site.objects.filter(slug="hatra").exists()


def test_a_file_larger_than_an_upload_may_be_is_refused_packed_or_unpacked(client, palmyra, originals, settings):
    """
    At most SOURCE_MAX_BYTES, as every upload; an XLSX file is an archive whose few kilobytes may unpack to gigabytes
    of sheet, and is measured unpacked as well. Nothing is stored.
    """
    settings.SOURCE_MAX_BYTES = 65536
    client.force_login(make_user("cora", group="Curator"))
    long_csv = sites_csv(*[[f"site-{n}", *GOOD_SITE[1:]] for n in range(1200)]).encode()
    limit = filesizeformat(65536)
    assert refusal(upload(client, "sites.csv", long_csv)) == (
        f"The file is {filesizeformat(len(long_csv))}; at most {limit} is accepted."
    )
    packed = xlsx(*[GOOD_SITE] * 1000)  # many rows, alike: packed small
    assert len(packed) < 65536
    assert refusal(upload(client, "sites.xlsx", packed)).startswith("The file unpacks to ")
    assert waiting(originals) == [] and not Site.objects.filter(slug="site-1").exists()
    assert upload(client, "sites.xlsx", xlsx(GOOD_SITE)).context["confirm_form"] is not None


def test_a_damaged_archive_is_refused_not_a_server_error(
    client, palmyra, originals, django_capture_on_commit_callbacks
):
    """An XLSX file whose archive directory is damaged (here: a version of zip Python does not read) is refused."""
    damaged = bytearray(xlsx(GOOD_SITE))
    directory = damaged.find(b"PK\x01\x02")
    damaged[directory + 4 : directory + 6] = b"\x41\x41"  # the version that made it
    damaged[directory + 6 : directory + 8] = b"\x41\x41"  # the version needed to unpack it
    client.force_login(make_user("cora", group="Curator"))
    with django_capture_on_commit_callbacks(execute=True):
        response = upload(client, "sites.xlsx", bytes(damaged))
    assert "cannot be read" in refusal(response)
    assert waiting(originals) == [] and not Site.objects.filter(slug="hatra").exists()
