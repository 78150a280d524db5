"""`manage.py import` and `manage.py export`: the records app's own commands, reading and writing the files the admin
does, refusing with the reason and writing nothing."""

import io
import re

import pytest
import tablib
from django.core.management import call_command, get_commands
from django.core.management.base import CommandError
from django.urls import reverse

from heritage.records.models import DamageReport, Site
from heritage.records.resources import DamageReportResource
from heritage.records.spreadsheets import XLSX

from .admin_helpers import make_user
from .conftest import table_counts
from .import_files import (
    BAD_SITE,
    GOOD_SITE,
    NAMED_SITE,
    NAMED_SITE_1252,
    REPORT_HEADERS,
    SITE_HEADERS,
    import_command,
    sites_csv,
)

pytestmark = pytest.mark.django_db


# --- manage.py import ---------------------------------------------------------------------------------------------


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


@pytest.mark.parametrize("format_name", ["csv", "xlsx"])
def test_manage_py_import_counts_empty_rows_apart(palmyra, tmp_path, format_name):
    """
    An empty row between rows (kept, so that errors name the sheet's own row numbers) is said to be left out, not
    counted as a record unchanged.
    """
    rows = tablib.Dataset(
        GOOD_SITE, [None] * len(SITE_HEADERS), ["nimrud", "Nimrud", *GOOD_SITE[2:]], headers=SITE_HEADERS
    )
    path = tmp_path / f"sites.{format_name}"
    exported = rows.export(format_name)
    path.write_bytes(exported.encode() if isinstance(exported, str) else exported)
    assert import_command("records.Site", str(path), "--dry-run") == (
        "Would import sites: 2 new, 0 updated, 0 unchanged; 1 empty row left out.\n"
    )
    assert import_command("records.Site", str(path)) == (
        "Imported sites: 2 new, 0 updated, 0 unchanged; 1 empty row left out.\n"
    )
    assert import_command("records.Site", str(path)) == (
        "Imported sites: 0 new, 0 updated, 2 unchanged; 1 empty row left out.\n"
    )
    assert set(Site.objects.filter(slug__in=["hatra", "nimrud"]).values_list("slug", flat=True)) == {"hatra", "nimrud"}


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
