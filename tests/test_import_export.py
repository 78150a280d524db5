"""Import/export of sites, damage reports and occupations: CSV and XLSX, slugs for links, all-or-nothing."""

import datetime
import io
import os
import re
import time
import zipfile

import pytest
import tablib
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command, get_commands
from django.core.management.base import CommandError
from django.urls import reverse
from django.utils.html import escape
from import_export.formats.base_formats import CSV

from heritage.records.models import Actor, DamageReport, DisturbanceCause, Occupation, Site, SiteIdentifier
from heritage.records.resources import DamageReportResource, OccupationResource, SiteResource, import_problems
from heritage.records.spreadsheets import XLSX, UncomputedFormula

from .admin_helpers import make_user
from .conftest import stored_files, table_counts

pytestmark = pytest.mark.django_db

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


def test_exported_columns_use_slugs_and_round_trip_without_changes(palmyra):
    """Damage reports export with site/cause/perpetrator as slugs, and re-importing the export changes nothing."""
    for fmt in (CSV(), XLSX()):
        exported = fmt.export_data(DamageReportResource().export())
        dataset = fmt.create_dataset(exported)
        row = dict(zip(dataset.headers, dataset[dataset["slug"].index("palmyra-defaced-by-isis")], strict=True))
        assert (row["site"], row["cause"], row["perpetrator"], row["occupation"]) == (
            "palmyra",
            "vandalism",
            "isis",
            "isis-palmyra-2015",
        )
        assert str(row["occurred_earliest"]).startswith("2015-05-01")
        result = DamageReportResource().import_data(dataset, dry_run=False)
        assert not result.has_errors() and not result.has_validation_errors()
        assert {r.import_type for r in result.rows} == {"skip"}


def test_importing_sites_creates_them(palmyra):
    """A valid row creates its site, country and all."""
    result = SiteResource().import_data(tablib.Dataset().load(sites_csv(GOOD_SITE), format="csv"), dry_run=False)
    assert not result.has_validation_errors()
    assert Site.objects.get(slug="hatra").country.code == "IQ"


def test_one_bad_row_writes_nothing_and_names_row_and_field(palmyra):
    """A file with a good and a bad row: nothing is written; the error gives the bad row's number and its column."""
    before = Site.objects.count()
    dataset = tablib.Dataset().load(sites_csv(GOOD_SITE, BAD_SITE), format="csv")
    result = SiteResource().import_data(dataset, dry_run=False)
    assert result.has_validation_errors()
    (invalid,) = result.invalid_rows
    assert invalid.number == 2
    assert list(invalid.field_specific_errors) == ["kind"]
    assert "'castle' is not a valid choice" in invalid.field_specific_errors["kind"][0]
    assert Site.objects.count() == before


def test_an_unknown_slug_is_a_row_error_naming_it(palmyra):
    """A link to a slug that does not exist is an error of that column, quoting the slug."""
    dataset = tablib.Dataset(headers=["slug", "site", "occupier", "started", "ended"])
    dataset.append(["hatra-2015", "hatra", "isis", "2015", ""])
    result = OccupationResource().import_data(dataset, dry_run=False)
    (invalid,) = result.invalid_rows
    assert invalid.field_specific_errors["site"] == ["No site has the slug 'hatra'."]
    assert not Occupation.objects.filter(slug="hatra-2015").exists()


def test_an_import_keeps_a_retired_cause_but_cannot_newly_choose_one(palmyra):
    """A row may keep the retired cause its report has; naming one for another report is an error of the column."""
    DisturbanceCause.objects.filter(slug__in=["vandalism", "looting"]).update(is_active=False)
    dataset = tablib.Dataset(headers=["slug", "site", "cause", "severity", "certainty"])
    dataset.append(["palmyra-defaced-by-isis", "palmyra", "vandalism", "severely_damaged", "medium"])
    dataset.append(["new-report", "palmyra", "looting", "possibly_damaged", "low"])
    result = DamageReportResource().import_data(dataset, dry_run=False)
    (invalid,) = result.invalid_rows
    assert invalid.number == 2
    assert invalid.field_specific_errors["cause"] == [
        "The disturbance cause 'looting' is retired: choose a current one."
    ]
    assert not DamageReport.objects.filter(slug="new-report").exists()


def test_a_malformed_edtf_date_in_an_import_is_refused(palmyra):
    """Imported dates are checked as EDTF, like the form's."""
    dataset = tablib.Dataset(headers=["slug", "site", "occupier", "started", "ended"])
    dataset.append(["palmyra-2017", "palmyra", "isis", "December 2016", ""])
    result = OccupationResource().import_data(dataset, dry_run=False)
    (invalid,) = result.invalid_rows
    assert "is not a valid EDTF date" in invalid.field_specific_errors["started"][0]


def test_imported_status_is_ignored(palmyra):
    """The status column is export-only: an import cannot verify a report; new reports start as drafts."""
    dataset = tablib.Dataset(headers=["slug", "site", "cause", "severity", "certainty", "status"])
    dataset.append(["new-report", "palmyra", "looting", "possibly_damaged", "low", "verified"])
    result = DamageReportResource().import_data(dataset, dry_run=False)
    assert not result.has_validation_errors(), [r.error_dict for r in result.invalid_rows]
    assert DamageReport.objects.get(slug="new-report").status == "draft"


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


@pytest.mark.parametrize("format", ADMIN_FORMATS)
def test_admin_import_previews_then_confirms(client, palmyra, originals, django_capture_on_commit_callbacks, format):
    """
    Through the admin: the upload shows a preview and writes nothing (its file waits for the confirmation, with the
    other uploads); confirming writes the rows, and the file goes.
    """
    client.force_login(make_user("cora", group="Curator"))
    response = preview(client, GOOD_SITE, format=format)
    assert response.status_code == 200
    assert "Preview" in response.content.decode()
    assert not Site.objects.filter(slug="hatra").exists()
    (name,) = waiting(originals)
    confirm = response.context["confirm_form"]
    assert name == f"pending/{confirm.initial['import_file_name']}"
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("admin:records_site_process_import"), {**confirm.initial})
    assert response.status_code == 302
    assert Site.objects.get(slug="hatra").location_certainty == "high"
    assert waiting(originals) == []


def test_a_refused_admin_import_leaves_no_file_behind(client, palmyra, originals, django_capture_on_commit_callbacks):
    """An upload that can never be confirmed (a row in error, a file that is not what its format says) is not kept."""
    client.force_login(make_user("cora", group="Curator"))
    refusals = [
        ("sites.csv", sites_csv(GOOD_SITE, BAD_SITE).encode(), "0", lambda context: context["result"].invalid_rows),
        ("sites.xlsx", sites_csv(GOOD_SITE).encode(), "1", lambda context: context["form"].errors["import_file"]),
    ]
    for name, content, fmt, reason in refusals:
        upload = SimpleUploadedFile(name, content)
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(reverse("admin:records_site_import"), {"import_file": upload, "format": fmt})
        assert response.status_code == 200 and response.context.get("confirm_form") is None
        assert reason(response.context)
        assert waiting(originals) == []
    assert not Site.objects.filter(slug="hatra").exists()


@pytest.mark.parametrize(
    ("name", "content", "fmt", "message"),
    [
        ("sites.csv", sites_csv(NAMED_SITE_1252).encode("cp1252"), "0", "The file is not in UTF-8"),
        ("sites.xlsx", sites_csv(GOOD_SITE).encode(), "1", "The file cannot be read in the format chosen"),
    ],
    ids=["windows-1252 text", "csv sent as xlsx"],
)
def test_an_admin_import_that_cannot_be_read_says_what_to_do(client, palmyra, originals, name, content, fmt, message):
    """A file in another text encoding, or not in the format chosen: the curator is told how to send it again."""
    client.force_login(make_user("cora", group="Curator"))
    upload = SimpleUploadedFile(name, content)
    response = client.post(reverse("admin:records_site_import"), {"import_file": upload, "format": fmt})
    assert response.status_code == 200
    assert message in response.context["form"].errors["import_file"][0]
    assert not Site.objects.filter(slug="hatra").exists()


def test_an_export_of_named_records_holds_those_and_no_others(client, palmyra, recwarn):
    """
    A selection posted to the export page exports the records it names and no others; a name no record has is
    refused on the form; and the selection is checked without django-import-export's deprecated method (every key of
    the table, on each request).
    """
    client.force_login(make_user("rhea", group="Researcher"))
    first = DamageReport.objects.order_by("pk").first()
    url = reverse("admin:records_damagereport_export")
    form = {"format": "0", "resource": "0", "damagereportresource_slug": "on"}  # the file's one column: slug
    response = client.post(url, {**form, "export_items": [first.pk]})
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    assert tablib.Dataset().load(response.content.decode(), format="csv")["slug"] == [first.slug]
    for named in (["x"], [str(2**64)], [first.pk, 10**9]):
        response = client.post(url, {**form, "export_items": named})
        assert response.status_code == 200 and "export_items" in response.context["form"].errors
    assert not [w for w in recwarn if issubclass(w.category, DeprecationWarning) and "export_item" in str(w.message)]


def test_an_unconfirmed_import_goes_after_a_day(client, palmyra, originals):
    """A preview nobody confirms does not keep its file for good: the next upload sweeps files over a day old."""
    client.force_login(make_user("cora", group="Curator"))
    preview(client, GOOD_SITE)
    (old,) = waiting(originals)
    day_and_a_minute_ago = time.time() - 24 * 3600 - 60
    os.utime(originals.path(old), (day_and_a_minute_ago, day_and_a_minute_ago))
    preview(client, GOOD_SITE)
    (new,) = waiting(originals)
    assert new != old


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        ({}, "the file is no longer waiting (imported already, or over a day old)"),
        ({"import_file_name": "0" * 32}, "the file is no longer waiting"),
        ({"import_file_name": "../../../etc/passwd"}, "import_file_name: not a file waiting for an import"),
        ({"import_file_name": "sites.csv\x00"}, "import_file_name: "),
        ({"format": "2"}, "format: Select a valid choice. 2 is not one of the available choices."),
        ({"format": "-1"}, "format: Select a valid choice."),
        ({"format": "csv"}, "format: Select a valid choice."),
        ({"resource": "1"}, "resource: Select a valid choice."),
    ],
)
def test_a_confirmation_that_cannot_be_followed_imports_nothing_and_says_why(
    client, palmyra, originals, django_capture_on_commit_callbacks, change, reason
):
    """
    A confirmation sent again (a double click), naming no waiting file, naming a format or resource the admin does
    not offer, or a format the file is not in, imports nothing: the curator is sent back to the import page with the
    reason, never a 500.
    """
    client.force_login(make_user("cora", group="Curator"))
    confirm = {**preview(client, GOOD_SITE).context["confirm_form"].initial}
    if not change:  # the confirmation itself, sent twice
        with django_capture_on_commit_callbacks(execute=True):
            client.post(reverse("admin:records_site_process_import"), confirm, follow=True)  # its message shown
        Site.objects.filter(slug="hatra").delete()
    before = table_counts()
    response = client.post(reverse("admin:records_site_process_import"), {**confirm, **change}, follow=True)
    assert response.redirect_chain == [(reverse("admin:records_site_import"), 302)]
    (message,) = [str(message) for message in response.context["messages"]]
    assert message.startswith("The import was not confirmed (") and reason in message
    assert message.endswith("upload the file again.")
    assert table_counts() == before


@pytest.mark.parametrize(("format", "other"), [("csv", "XLSX"), ("xlsx", "CSV")])
def test_a_confirmation_naming_a_format_the_file_is_not_in_imports_nothing_and_says_why(
    client, palmyra, originals, django_capture_on_commit_callbacks, format, other
):
    """The file previewed as CSV, confirmed as XLSX (or the other way): refused, and the file does not wait on."""
    client.force_login(make_user("cora", group="Curator"))
    confirm = {**preview(client, GOOD_SITE, format=format).context["confirm_form"].initial}
    confirm["format"] = {"csv": "1", "xlsx": "0"}[format]
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("admin:records_site_process_import"), confirm, follow=True)
    (message,) = [str(message) for message in response.context["messages"]]
    assert f"(the file cannot be read as {other}): upload the file again." in message
    assert not Site.objects.filter(slug="hatra").exists()
    assert waiting(originals) == []


def test_a_confirmation_whose_rows_became_invalid_imports_nothing_and_names_them(
    client, palmyra, django_capture_on_commit_callbacks
):
    """
    A row valid in the preview that is not by the confirmation (the actor it names was renamed meanwhile): nothing is
    imported, and the curator is told which row, which column and why, not "Import finished".
    """
    client.force_login(make_user("cora", group="Curator"))
    headers = ["slug", "site", "occupier", "started", "ended"]
    rows = tablib.Dataset(["isis-2015", "palmyra", "isis", "2015", ""], headers=headers)
    upload = SimpleUploadedFile("occupations.csv", rows.export("csv").encode())
    response = client.post(reverse("admin:records_occupation_import"), {"import_file": upload, "format": "0"})
    confirm = {**response.context["confirm_form"].initial}
    Actor.objects.filter(slug="isis").update(slug="islamic-state")
    before = table_counts()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("admin:records_occupation_process_import"), confirm, follow=True)
    assert response.redirect_chain == [(reverse("admin:records_occupation_import"), 302)]
    assert [str(message) for message in response.context["messages"]] == [
        "The import was not confirmed (row 1, occupier: No actor has the slug 'isis'; nothing was imported): "
        "upload the file again."
    ]
    assert table_counts() == before


def test_confirming_an_import_needs_the_import_permission(client, palmyra, originals):
    """A user who may not import gets 403 from the confirmation, whatever it names; nothing is written."""
    client.force_login(make_user("cora", group="Curator"))
    confirm = {**preview(client, GOOD_SITE).context["confirm_form"].initial}
    client.force_login(make_user("rhea", group="Researcher"))
    before = table_counts()
    for change in ({}, {"format": "9"}):
        response = client.post(reverse("admin:records_site_process_import"), {**confirm, **change})
        assert response.status_code == 403
    assert table_counts() == before
    assert len(waiting(originals)) == 1


def csv_file(*rows):
    """A CSV file of `rows`, the first naming the columns, as text."""
    dataset = tablib.Dataset(headers=rows[0])
    for row in rows[1:]:
        dataset.append(row)
    return dataset.export("csv")


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        ("", "The file is empty: its first row names the columns, one of them slug"),
        (csv_file(["name", "kind", "country"], ["No slug", "monument", "SY"]), "The file has no slug column: each row"),
        (
            csv_file([*SITE_HEADERS[:5], "lattitude", "longitude"], GOOD_SITE[:5] + GOOD_SITE[5:7]),
            "Unknown column 'lattitude': the columns are condition, condition_assessed, country, damage_extent, ",
        ),
        (csv_file(["slug", "name", "name"], ["hatra", "Hatra", "al-Hadr"]), "The column 'name' is given twice"),
        (csv_file(["slug", "name", ""], ["hatra", "Hatra", "x"]), "Column 3 has no name but holds values"),
        (
            csv_file(SITE_HEADERS, GOOD_SITE, ["nimrud", *GOOD_SITE[1:]], ["hatra", "Second", *GOOD_SITE[2:]]),
            "The slug 'hatra' is on rows 1, 3: a file gives each record once",
        ),
    ],
)
def test_a_file_whose_columns_or_slugs_cannot_be_followed_is_refused_whole(client, palmyra, content, problem):
    """
    Not read as the library would (an unknown column ignored, the last of two rows with one slug winning): refused,
    saying why, in the admin without a Python traceback, on the command line as an error; nothing written.
    """
    before = table_counts()
    result = SiteResource().import_data(tablib.Dataset().load(content, format="csv") if content else tablib.Dataset())
    assert problem in import_problems(result)
    if content:  # an empty upload is refused before it is read ("The submitted file is empty.")
        client.force_login(make_user("cora", group="Curator"))
        upload = SimpleUploadedFile("sites.csv", content.encode(), content_type="text/csv")
        page = client.post(reverse("admin:records_site_import"), {"import_file": upload, "format": "0"})
        assert problem.replace("'", "&#x27;") in page.content.decode() and "Traceback" not in page.content.decode()
        assert page.context.get("confirm_form") is None
    assert table_counts() == before


def test_columns_and_rows_a_spreadsheet_leaves_empty_are_left_out(palmyra):
    """Cells formatted but empty: a column with neither a name nor a value, a row without a value, are no problem."""
    dataset = tablib.Dataset(headers=[*SITE_HEADERS, None])
    dataset.append([*GOOD_SITE, None])
    dataset.append([None] * (len(SITE_HEADERS) + 1))
    xlsx = XLSX()
    result = SiteResource().import_data(xlsx.create_dataset(xlsx.export_data(dataset)), dry_run=False)
    assert import_problems(result) == ""
    assert Site.objects.get(slug="hatra").name == "Hatra"


@pytest.mark.parametrize(
    ("column", "value", "problem"),
    [
        ("latitude", "abc", "latitude: 'abc' is not a number"),
        ("quantity_min", "abc", "quantity_min: 'abc' is not a whole number"),
        ("quantity_max", "inf", "quantity_max: 'inf' is not a whole number"),
        ("quantity_max", "1.5", "quantity_max: '1.5' is not a whole number"),
        ("description", "a\x00b", "description: Null characters are not allowed"),
    ],
)
def test_a_cell_that_is_not_what_its_column_holds_is_an_error_naming_the_column(palmyra, column, value, problem):
    """Not "[<class 'decimal.ConversionSyntax'>]", and not 1.5 cut to 1: the row and column, and what is wrong."""
    before = table_counts()
    if column == "latitude":
        resource, content = SiteResource(), csv_file(SITE_HEADERS, [*GOOD_SITE[:5], value, *GOOD_SITE[6:]])
    else:
        headers = ["slug", "site", "occupier", "started", "quantity_qualifier", "quantity_min", "quantity_max"]
        row = {"slug": "held", "site": "palmyra", "occupier": "isis", "started": "2015"}
        row |= {"quantity_qualifier": "exactly", "quantity_min": "10", "quantity_max": "10", column: value}
        resource, content = OccupationResource(), csv_file([*headers, "description"], [*map(row.get, headers), "x"])
        content = content.replace(",x", f",{value}") if column == "description" else content
    result = resource.import_data(tablib.Dataset().load(content.replace("\\x00", "\x00"), format="csv"))
    assert f"row 1, {problem}" in import_problems(result)
    assert table_counts() == before


@pytest.mark.parametrize(
    ("column", "cell", "problem"),
    [
        (
            "started",
            datetime.datetime(2015, 5, 1),
            "started: The spreadsheet made this cell a date or time (2015-05-01",
        ),
        ("description", 1.2345678901234567e19, "description: The spreadsheet kept this number only to 15 digits"),
    ],
)
def test_an_xlsx_cell_the_spreadsheet_changed_is_refused_not_stored_as_it_reads(palmyra, column, cell, problem):
    """Excel reads `2015-05` typed in a cell as the date 1 May 2015, and keeps 15 digits of a long number."""
    row = {"slug": "held", "site": "palmyra", "occupier": "isis", "started": "2015", "description": "", column: cell}
    dataset = tablib.Dataset(list(row.values()), headers=list(row))
    xlsx = XLSX()
    result = OccupationResource().import_data(xlsx.create_dataset(xlsx.export_data(dataset)))
    assert f"row 1, {problem}" in import_problems(result)
    assert not Occupation.objects.filter(slug="held").exists()


def xlsx_with_formula(formula, computed=None):
    """An XLSX file of GOOD_SITE with `formula` as its description, as openpyxl writes it: `computed` kept, or none."""
    import openpyxl

    book = openpyxl.Workbook()
    book.active.append(SITE_HEADERS)
    book.active.append([*GOOD_SITE[:4], formula, *GOOD_SITE[5:]])
    content = io.BytesIO()
    book.save(content)
    if computed is None:
        return content.getvalue()
    # What a spreadsheet saves beside the formula: the value it computed (openpyxl writes none).
    with zipfile.ZipFile(content) as source:
        members = {name: source.read(name) for name in source.namelist()}
    sheet = "xl/worksheets/sheet1.xml"
    members[sheet] = (
        members[sheet]
        .replace(b'<c r="E2"><f>', b'<c r="E2" t="str"><f>')
        .replace(b"<v></v>", f"<v>{computed}</v>".encode())
    )
    saved = io.BytesIO()
    with zipfile.ZipFile(saved, "w") as target:
        for name, data in members.items():
            target.writestr(name, data)
    return saved.getvalue()


def test_an_xlsx_formula_without_its_value_is_refused_not_read_as_empty(client, palmyra):
    """
    A file a program wrote (openpyxl, pandas) can hold a formula with no value computed for it: refused, naming the
    row, the column and the formula (the first five), not imported with the cell empty; a formula whose value the
    file keeps is read as that value, empty text included.
    """
    before = table_counts()
    problem = (
        "Formulas without their values (the program that wrote the file did not compute them): row 1, column "
        """'description' (=CONCAT("Walls ", "down")). Open the file in a spreadsheet and save it, or type the values"""
    )
    uncomputed = xlsx_with_formula('=CONCAT("Walls ", "down")')
    assert problem in import_problems(SiteResource().import_data(XLSX().create_dataset(uncomputed)))
    client.force_login(make_user("cora", group="Curator"))
    upload = SimpleUploadedFile("sites.xlsx", uncomputed)
    page = client.post(reverse("admin:records_site_import"), {"import_file": upload, "format": ADMIN_FORMATS["xlsx"]})
    assert escape(problem) in page.content.decode() and page.context.get("confirm_form") is None
    many = tablib.Dataset(*[[f"site-{n}", UncomputedFormula("=A1")] for n in range(7)], headers=["slug", "name"])
    assert "row 5, column 'name' (=A1) and 2 more. Open" in import_problems(SiteResource().import_data(many))
    assert table_counts() == before
    computed = xlsx_with_formula('=CONCAT("Walls ", "down")', computed="Walls down")
    SiteResource().import_data(XLSX().create_dataset(computed), dry_run=False)
    assert Site.objects.get(slug="hatra").description == "Walls down"
    computed_empty = xlsx_with_formula('=IF(1, "", "x")', computed="")
    SiteResource().import_data(XLSX().create_dataset(computed_empty), dry_run=False)
    assert Site.objects.get(slug="hatra").description == ""


def test_admin_import_with_a_bad_row_shows_row_and_field_and_offers_no_confirm(client, palmyra):
    """The preview of a file with a bad row names row 2 and its column, and offers no confirm."""
    client.force_login(make_user("cora", group="Curator"))
    before = Site.objects.count()
    upload = SimpleUploadedFile("sites.csv", sites_csv(GOOD_SITE, BAD_SITE).encode(), content_type="text/csv")
    response = client.post(reverse("admin:records_site_import"), {"import_file": upload, "format": "0"})
    page = response.content.decode()
    assert "Some rows failed to validate" in page
    assert "Value &#x27;castle&#x27; is not a valid choice." in page
    row = response.context["result"].invalid_rows[0]
    assert (row.number, list(row.field_specific_errors)) == (2, ["kind"])
    assert response.context.get("confirm_form") is None
    assert Site.objects.count() == before


def export_page_csv(client, address):
    """The CSV the admin's export page at `address` (with the list's filters) gives, as its form posts it."""
    form = client.get(address).context["form"]
    data = {name: field.initial for name, field in form.fields.items() if field.initial not in (None, False)}
    response = client.post(address, {**data, "format": "0", "resource": "0"})
    return tablib.Dataset().load(response.content.decode("utf-8-sig"), format="csv")


def test_an_admin_export_holds_the_lists_filtered_rows(client, palmyra):
    """The export page reached from a filtered list exports the rows the list shows, no others."""
    client.force_login(make_user("cora", group="Curator"))
    SiteResource().import_data(tablib.Dataset().load(sites_csv(GOOD_SITE), format="csv"), dry_run=False)
    export = reverse("admin:records_site_export")
    assert sorted(export_page_csv(client, export)["slug"]) == ["hatra", "palmyra"]
    assert export_page_csv(client, f"{export}?slug=palmyra")["slug"] == ["palmyra"]


def test_the_admin_exports_at_most_its_number_of_records(client, palmyra, settings):
    """A list longer than ADMIN_EXPORT_MAX_ROWS is not exported (a request has only so long): filtered, it is."""
    client.force_login(make_user("cora", group="Curator"))
    SiteResource().import_data(tablib.Dataset().load(sites_csv(GOOD_SITE), format="csv"), dry_run=False)
    settings.ADMIN_EXPORT_MAX_ROWS = 1
    export = reverse("admin:records_site_export")
    form = client.get(export).context["form"]
    data = {name: field.initial for name, field in form.fields.items() if field.initial not in (None, False)}
    response = client.post(export, {**data, "format": "0", "resource": "0"})
    assert "Content-Disposition" not in response
    (message,) = [str(message) for message in response.context["messages"]]
    assert message == (
        "Nothing was exported: the list holds 2 sites, more than the 1 an export here writes. Filter the list, or "
        "export on the server with manage.py export."
    )
    assert export_page_csv(client, f"{export}?slug=palmyra")["slug"] == ["palmyra"]


@pytest.mark.parametrize("model", ["site", "damagereport", "occupation"])
@pytest.mark.parametrize("query", ["format=x", "id__in=x", "no_such_field=1", "created__year=0"])
def test_an_admin_export_given_filters_the_list_refuses_says_why(client, palmyra, model, query):
    """
    Filters in the export page's address that the list would refuse (no such field, a value of the wrong type)
    export nothing: the curator is sent back to the list with the reason, whether the page is shown or posted.
    """
    client.force_login(make_user("cora", group="Curator"))
    address = f"{reverse(f'admin:records_{model}_export')}?{query}"
    for response in (client.get(address, follow=True), client.post(address, {"format": "0"}, follow=True)):
        assert response.redirect_chain == [(reverse(f"admin:records_{model}_changelist"), 302)]
        (message,) = [str(message) for message in response.context["messages"]]
        assert message.startswith("Nothing was exported: the list's filters were not understood (")
        assert "Content-Disposition" not in response


def test_admin_offers_csv_and_xlsx(client, palmyra):
    """The formats offered are CSV and XLSX."""
    client.force_login(make_user("cora", group="Curator"))
    page = client.get(reverse("admin:records_occupation_export")).content.decode()
    assert ">csv<" in page and ">xlsx<" in page


def test_a_damage_reports_inferred_date_and_dating_note_export_and_import(palmyra):
    """Both formats carry the flag and the note, and an edited file changes them."""
    for fmt in (CSV(), XLSX()):
        DamageReport.objects.filter(slug="palmyra-defaced-by-isis").update(
            occurred_inferred=True, dating_note="Inferred."
        )
        dataset = fmt.create_dataset(fmt.export_data(DamageReportResource().export()))
        index = dataset["slug"].index("palmyra-defaced-by-isis")
        row = dict(zip(dataset.headers, dataset[index], strict=True))
        assert str(row["occurred_inferred"]) in {"1", "True"} and row["dating_note"] == "Inferred."
        edited = list(dataset[index])
        edited[dataset.headers.index("dating_note")] = f"Worked out ({fmt.get_title()})."
        dataset[index] = edited
        result = DamageReportResource().import_data(dataset, dry_run=False)
        assert not result.has_errors() and not result.has_validation_errors()
        assert (
            DamageReport.objects.get(slug="palmyra-defaced-by-isis").dating_note == f"Worked out ({fmt.get_title()})."
        )


def sites_dataset(fmt):
    return fmt.create_dataset(fmt.export_data(SiteResource().export()))


def palmyra_row(dataset):
    return dataset["slug"].index("palmyra")


def with_cell(dataset, index, column, value):
    edited = list(dataset[index])
    edited[dataset.headers.index(column)] = value
    dataset[index] = edited
    return dataset


def test_site_identifiers_export_as_one_column_and_import_back_unchanged(palmyra):
    """`pleiades:668331; whl:23` in one cell; the file, CSV or XLSX, imports back with every row skipped."""
    SiteIdentifier.objects.create(site=palmyra, scheme="whl", value="23")
    SiteIdentifier.objects.create(site=palmyra, scheme="pleiades", value="668331")
    for fmt in (CSV(), XLSX()):
        dataset = sites_dataset(fmt)
        assert dataset["identifiers"][palmyra_row(dataset)] == "pleiades:668331; whl:23"
        result = SiteResource().import_data(dataset, dry_run=False)
        assert not result.has_errors() and not result.has_validation_errors()
        assert {row.import_type for row in result.rows} == {"skip"}
        assert sorted(palmyra.identifiers.values_list("scheme", "value")) == [("pleiades", "668331"), ("whl", "23")]


def test_an_edited_identifiers_cell_replaces_the_sites_identifiers(palmyra):
    """Identifiers added and left out of the cell are added and deleted, each in its history; an empty cell empties."""
    kept = SiteIdentifier.objects.create(site=palmyra, scheme="pleiades", value="668331")
    SiteIdentifier.objects.create(site=palmyra, scheme="whl", value="23")
    dataset = sites_dataset(CSV())
    with_cell(dataset, palmyra_row(dataset), "identifiers", "pleiades:668331; wikidata:Q5747")
    result = SiteResource().import_data(dataset, dry_run=False)
    assert not result.has_validation_errors(), [row.error_dict for row in result.invalid_rows]
    assert sorted(palmyra.identifiers.values_list("scheme", "value")) == [("pleiades", "668331"), ("wikidata", "Q5747")]
    assert palmyra.identifiers.get(scheme="pleiades").pk == kept.pk
    assert SiteIdentifier.history.filter(value="23", history_type="-").exists()
    dataset = with_cell(sites_dataset(CSV()), palmyra_row(dataset), "identifiers", "")
    SiteResource().import_data(dataset, dry_run=False)
    assert not palmyra.identifiers.exists()


@pytest.mark.parametrize(
    ("cell", "message"),
    [
        ("pleiades:Q1", "pleiades:Q1: 'Q1' is not a Pleiades place number, e.g. 668331."),
        ("periodo:p0qhb66fhbb", "periodo:p0qhb66fhbb: A site cannot have a PeriodO identifier"),
        ("668331", "Give an identifier as scheme:value"),
        ("mapillary:1", "Unknown identifier scheme 'mapillary'"),
        ("whl:23; whl:23", "whl:23 is given twice."),
        ("whl:277", "whl:277: whl:277 already identifies the site “Hatra” (hatra)."),
    ],
)
def test_a_bad_identifiers_cell_writes_nothing_and_names_row_and_column(palmyra, cell, message):
    """Each identifier is checked as the API checks it; one bad cell rolls back every row."""
    hatra = Site.objects.create(slug="hatra", name="Hatra", kind="archaeological_site", country="IQ")
    SiteIdentifier.objects.create(site=hatra, scheme="whl", value="277")
    dataset = sites_dataset(CSV())
    with_cell(dataset, dataset["slug"].index("hatra"), "name", "Hatra (renamed)")
    with_cell(dataset, palmyra_row(dataset), "identifiers", cell)
    result = SiteResource().import_data(dataset, dry_run=False)
    (invalid,) = result.invalid_rows
    assert invalid.number == palmyra_row(dataset) + 1
    assert list(invalid.field_specific_errors) == ["identifiers"]
    assert message in invalid.field_specific_errors["identifiers"][0]
    assert not palmyra.identifiers.exists()
    assert Site.objects.get(slug="hatra").name == "Hatra"


# --- manage.py import ---------------------------------------------------------------------------------------------


def import_command(*args):
    """`manage.py import --noinput *args`: its output, or the CommandError that refused it."""
    out = io.StringIO()
    call_command("import", *args, interactive=False, stdout=out)
    return out.getvalue()


def test_manage_py_import_is_the_projects_own():
    """`manage.py import` is the records app's, not django-import-export's (which checks nothing and says so badly)."""
    assert get_commands()["import"] == "heritage.records"


@pytest.mark.parametrize(
    ("file", "answer", "message"),
    [
        ("sites.csv", "no\n", "Import cancelled."),
        ("sites.csv", "", "Nobody answered: standard input is closed. Give --no-input to import without asking."),
        ("-", "yes\n", "The file comes on standard input, which cannot also answer: give --no-input."),
    ],
    ids=["no", "nobody at the terminal", "the file on standard input"],
)
def test_manage_py_import_asks_first_and_imports_nothing_without_a_yes(
    palmyra, tmp_path, monkeypatch, file, answer, message
):
    """Asked, it imports only after a yes; where nobody can answer (cron, `< /dev/null`), an error says what to give."""
    (tmp_path / "sites.csv").write_text(sites_csv(GOOD_SITE))
    monkeypatch.setattr("sys.stdin", io.StringIO(answer))
    before = table_counts()
    with pytest.raises(CommandError, match=re.escape(message)):
        call_command("import", "records.Site", file if file == "-" else str(tmp_path / file), stdout=io.StringIO())
    assert table_counts() == before
    monkeypatch.setattr("sys.stdin", io.StringIO("yes\n"))
    call_command("import", "records.Site", str(tmp_path / "sites.csv"), stdout=io.StringIO())
    assert Site.objects.filter(slug="hatra").exists()


def test_manage_py_import_imports_a_file_as_the_admin_does(palmyra, tmp_path):
    """A good file is imported, saying what it did; importing it again changes nothing; a dry run writes nothing."""
    path = tmp_path / "sites.csv"
    path.write_text(sites_csv(GOOD_SITE))
    assert (
        import_command("records.Site", str(path), "--dry-run") == "Would import sites: 1 new, 0 updated, 0 unchanged.\n"
    )
    assert not Site.objects.filter(slug="hatra").exists()
    assert import_command("records.Site", str(path)) == "Imported sites: 1 new, 0 updated, 0 unchanged.\n"
    assert Site.objects.get(slug="hatra").location_certainty == "high"
    assert import_command("heritage.records.resources.SiteResource", str(path)).endswith(
        "0 new, 0 updated, 1 unchanged.\n"
    )


def test_manage_py_import_sees_drafts(palmyra, tmp_path):
    """Whoever runs it sees every record: a row naming a draft report updates it, not a second report's slug."""
    DamageReportResource().import_data(
        tablib.Dataset(["draft-report", "palmyra", "looting", "possibly_damaged", "low"], headers=REPORT_HEADERS),
        dry_run=False,
    )
    path = tmp_path / "reports.csv"
    rows = tablib.Dataset(["draft-report", "palmyra", "looting", "destroyed", "low"], headers=REPORT_HEADERS)
    path.write_text(rows.export("csv"))
    assert import_command("records.DamageReport", str(path)).endswith("0 new, 1 updated, 0 unchanged.\n")
    assert DamageReport.objects.get(slug="draft-report").severity == "destroyed"


REPORT_HEADERS = ["slug", "site", "cause", "severity", "certainty"]


@pytest.mark.parametrize(
    ("site", "content", "options"),
    [
        (NAMED_SITE, b"\xef\xbb\xbf" + sites_csv(NAMED_SITE).encode(), []),  # UTF-8 with a byte order mark (Excel's)
        (NAMED_SITE, sites_csv(NAMED_SITE).encode("utf-16"), ["--encoding", "utf-16"]),
        (NAMED_SITE_1252, sites_csv(NAMED_SITE_1252).encode("cp1252"), ["--encoding", "cp1252"]),
    ],
    ids=["utf-8 with a bom", "utf-16", "windows-1252"],
)
@pytest.mark.parametrize("from_stdin", [False, True], ids=["file", "stdin"])
def test_manage_py_import_reads_text_as_the_admin_does(
    palmyra, tmp_path, monkeypatch, site, content, options, from_stdin
):
    """UTF-8 unless --encoding says otherwise, a byte order mark left out; from a file or from standard input."""
    path = tmp_path / "sites.csv"
    path.write_bytes(content)
    if from_stdin:
        monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(content)))
    name = "-" if from_stdin else str(path)
    assert import_command("records.Site", name, "--format", "csv", *options).startswith("Imported sites: 1 new")
    assert Site.objects.get(slug="hatra").name == site[1]


@pytest.mark.parametrize(
    ("model", "content", "message"),
    [
        ("records.Site", sites_csv(GOOD_SITE, BAD_SITE), "Nothing was imported: row 2, kind: Value 'castle' is not"),
        ("records.Actor", sites_csv(GOOD_SITE), "'records.Actor' is not something that imports from or exports to a"),
        ("auth.User", sites_csv(GOOD_SITE), "'auth.User' is not something that imports from or exports to a file"),
        ("records.Site", "\ufffd".encode("utf-16"), "cannot be read as csv"),
        ("records.Site", sites_csv(GOOD_SITE).encode("utf-16"), "cannot be read as csv: 'utf-8' codec"),
    ],
)
def test_manage_py_import_refuses_with_the_reason_and_writes_nothing(palmyra, tmp_path, model, content, message):
    """A bad row, a model that does not import from files, a file its format cannot read: an error, nothing written."""
    path = tmp_path / "records.csv"
    path.write_bytes(content if isinstance(content, bytes) else content.encode())
    before = table_counts()
    with pytest.raises(CommandError, match=re.escape(message)):
        import_command(model, str(path))
    assert table_counts() == before


@pytest.mark.parametrize(
    ("name", "encoding", "message"),
    [
        ("sites.csv", "bogus", "sites.csv cannot be read as csv: unknown encoding: bogus"),
        ("sites.xlsx", "latin-1", "--encoding is for text files: XLSX is binary"),
    ],
)
def test_manage_py_import_refuses_an_encoding_it_cannot_use(palmyra, tmp_path, name, encoding, message):
    """An encoding Python does not know, or one given for a binary format, is refused rather than ignored."""
    path = tmp_path / name
    path.write_text(sites_csv(GOOD_SITE))
    with pytest.raises(CommandError, match=re.escape(message)):
        import_command("records.Site", str(path), "--encoding", encoding)
    assert not Site.objects.filter(slug="hatra").exists()


# --- manage.py export ---------------------------------------------------------------------------------------------


class Terminal(io.TextIOWrapper):
    def isatty(self):
        return True


def export_command(*args, stdout_class=io.TextIOWrapper):
    """`manage.py export *args`: the bytes it writes."""
    out = stdout_class(io.BytesIO(), encoding="utf-8")
    call_command("export", *args, stdout=out)
    out.flush()
    return out.buffer.getvalue()


@pytest.mark.parametrize(
    ("name", "options", "message"),
    [
        (
            "sites.yaml",
            [],
            "sites.yaml is not named as a file of one of the formats csv, xlsx, tsv, json: give --format",
        ),
        ("sites", [], "is not named as a file of one of the formats"),
        ("-", [], "Standard input has no name to tell its format: give --format (csv, xlsx, tsv, json)."),
        ("sites.csv", ["--format", "xls"], "'xls' is not one of the formats the records travel in"),
    ],
)
def test_manage_py_import_refuses_a_format_the_records_do_not_travel_in(palmyra, tmp_path, name, options, message):
    path = tmp_path / name
    path.write_text(sites_csv(GOOD_SITE))
    before = table_counts()
    with pytest.raises(CommandError, match=re.escape(message)):
        import_command("records.Site", "-" if name == "-" else str(path), *options)
    assert table_counts() == before


def test_a_control_character_xlsx_cannot_hold_does_not_stop_an_xlsx_export(client, palmyra):
    """Word's line break (a vertical tab) pasted into a description: U+FFFD in the XLSX, kept in the CSV."""
    Site.objects.filter(slug="palmyra").update(description="Temple of Bel\x0bcella")
    client.force_login(make_user("cora", group="Curator"))
    address = reverse("admin:records_site_export")
    form = client.get(address).context["form"]
    ticked = {name: field.initial for name, field in form.fields.items() if field.initial not in (None, False)}
    page = client.post(address, {**ticked, "format": "1", "resource": "0"})
    assert page.status_code == 200 and page["Content-Type"].startswith("application/vnd.openxmlformats")
    for data in (export_command("xlsx", "records.Site"), page.content):
        dataset = XLSX().create_dataset(data)
        assert dataset["description"][dataset["slug"].index("palmyra")] == "Temple of Bel\ufffdcella"
    dataset = tablib.Dataset().load(export_command("csv", "records.Site").decode(), format="csv")
    assert dataset["description"][dataset["slug"].index("palmyra")] == "Temple of Bel\x0bcella"


def test_manage_py_export_is_the_projects_own():
    """`manage.py export` is the records app's, not django-import-export's (which exports any model, keys and all)."""
    assert get_commands()["export"] == "heritage.records"


def test_manage_py_export_writes_every_record_in_the_columns_import_reads_back(palmyra, tmp_path):
    """
    Whoever runs it sees every record (a draft report, a sensitive site's exact location), in the admin's columns:
    the file, CSV or XLSX, imports back unchanged.
    """
    DamageReportResource().import_data(
        tablib.Dataset(["draft-report", "palmyra", "looting", "possibly_damaged", "low"], headers=REPORT_HEADERS),
        dry_run=False,
    )
    Site.objects.filter(slug="palmyra").update(
        latitude=34.5553, longitude=38.2675, location_certainty="high", is_sensitive=True
    )
    reports = tablib.Dataset().load(export_command("csv", "records.DamageReport").decode(), format="csv")
    assert "draft-report" in reports["slug"] and set(reports["site"]) == {"palmyra"}
    sites = tablib.Dataset().load(export_command("csv", "records.Site").decode(), format="csv")
    palmyra_row = dict(zip(sites.headers, sites[sites["slug"].index("palmyra")], strict=True))
    assert (float(palmyra_row["latitude"]), float(palmyra_row["longitude"])) == (34.5553, 38.2675)
    for format_name in ("csv", "xlsx"):
        path = tmp_path / f"reports.{format_name}"
        path.write_bytes(export_command(format_name, "records.DamageReport"))
        count = DamageReport.objects.count()
        assert import_command("records.DamageReport", str(path)) == (
            f"Imported damage reports: 0 new, 0 updated, {count} unchanged.\n"
        )


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["csv", "auth.User"], "'auth.User' is not something that imports from or exports to a file: give one of"),
        (["csv", "records.Actor"], "'records.Actor' is not something that imports from or exports to a file"),
        (["nope", "records.Site"], "'nope' is not one of the formats the records travel in: csv, xlsx, tsv, json."),
        (["yaml", "records.Site"], "'yaml' is not one of the formats"),  # a decimal is more than YAML can write
        (["xls", "records.Site"], "'xls' is not one of the formats"),  # tablib would need packages not installed
        (["os.system", "records.Site"], "'os.system' is not one of the formats"),  # a name, not a Python path
        (["csv", "records.Site", "--encoding", "bogus"], "The export cannot be written as 'bogus': unknown encoding"),
        (["csv", "records.Site", "--encoding", "ascii"], "The export cannot be written as 'ascii'"),
        (["xlsx", "records.Site", "--encoding", "latin-1"], "--encoding is for text formats: XLSX is binary"),
    ],
)
def test_manage_py_export_refuses_with_the_reason(palmyra, args, message):
    """Records that do not travel as files, a format it does not know, an encoding that cannot hold the records."""
    Site.objects.filter(slug="palmyra").update(name="Tadmur تدمر")
    with pytest.raises(CommandError, match=re.escape(message)):
        export_command(*args)


def test_manage_py_export_writes_no_xlsx_to_a_terminal(palmyra):
    """A binary format is written only to a file or a pipe."""
    with pytest.raises(CommandError, match="XLSX is a binary format: redirect the output to a file"):
        export_command("xlsx", "records.Site", stdout_class=Terminal)
