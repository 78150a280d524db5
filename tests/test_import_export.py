"""Records to and from files through their resources, the rules the admin and `manage.py` share: CSV and XLSX, slugs
for links, cells read as their columns hold, all-or-nothing."""

import datetime
import io
import zipfile

import pytest
import tablib
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils.html import escape
from import_export.formats.base_formats import CSV

from heritage.records.models import DamageReport, DisturbanceCause, Occupation, Site, SiteIdentifier
from heritage.records.resources import DamageReportResource, OccupationResource, SiteResource, import_problems
from heritage.records.spreadsheets import XLSX, UncomputedFormula

from .admin_helpers import make_user
from .conftest import table_counts
from .import_files import (
    ADMIN_FORMATS,
    BAD_SITE,
    GOOD_SITE,
    SITE_HEADERS,
    sites_csv,
)

pytestmark = pytest.mark.django_db


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
