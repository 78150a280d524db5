"""
manage.py release: a data package of the public record that validates as a Frictionless Data Package, re-makes to
the same bytes, holds no draft and no sensitive site's exact location, and is refused while another is written.
"""

import contextlib
import csv
import datetime
import fcntl
import hashlib
import io
import zipfile
from pathlib import Path

import frictionless
import psycopg
import pytest
import yaml
from django.core.management import CommandError, call_command
from django.db import connection
from django.utils import timezone

from heritage.records.models import DamageReport, DisturbanceCause, Release, SiteExtent
from heritage.records.releases import making
from heritage.records.releases.making import package_bytes

from .conftest import stored_files

EXACT = ("34.551389", "38.268611")
OUTLINE = {
    "type": "Polygon",
    "coordinates": [
        [[38.2612, 34.5501], [38.2755, 34.5501], [38.2755, 34.5592], [38.2612, 34.5592], [38.2612, 34.5501]]
    ],
}


@pytest.fixture
def record(palmyra):
    """Palmyra made sensitive, with an exact point and outline; a draft damage report; a formula in a description."""
    palmyra.latitude, palmyra.longitude, palmyra.is_sensitive = EXACT[0], EXACT[1], True
    palmyra.location_certainty = "high"
    palmyra.description = '=HYPERLINK("http://example.org")'
    palmyra.save()
    SiteExtent.objects.create(site=palmyra, position=1, geometry=OUTLINE, qualifier="perimeter")
    DamageReport.objects.create(
        slug="unreviewed-claim",
        site=palmyra,
        cause=DisturbanceCause.objects.get(slug="looting"),
        severity="destroyed",
        extent="major",
        certainty="low",
        status="draft",
        description="An unreviewed claim.",
    )
    return palmyra


def release_files(release):
    """{path inside the package folder: bytes} of a stored release."""
    with release.file.open("rb") as handle, zipfile.ZipFile(io.BytesIO(handle.read())) as archive:
        return {name.split("/", 1)[1]: archive.read(name) for name in archive.namelist()}


def table(files, name):
    return list(csv.DictReader(io.StringIO(files[f"data/{name}.csv"].decode("utf-8"))))


def test_a_release_validates_as_a_data_package(record, releases, tmp_path):
    """The Frictionless validator finds every table valid against its schema, keys, links, sizes and checksums."""
    call_command("release", stdout=io.StringIO())
    release = Release.objects.get()
    folder = tmp_path / "package"
    for path, data in release_files(release).items():
        (folder / path).parent.mkdir(parents=True, exist_ok=True)
        (folder / path).write_bytes(data)
    report = frictionless.validate(str(folder / "datapackage.json"))
    assert report.valid, report.flatten(["resourcePath", "rowNumber", "fieldName", "type", "note"])
    assert len(report.tasks) == len(release.counts) == 27

    # The validator reads the checksums: a changed row is caught.
    sites = folder / "data" / "sites.csv"
    sites.write_bytes(sites.read_bytes().replace(b"Palmyra", b"Tadmur"))
    assert not frictionless.validate(str(folder / "datapackage.json")).valid


def test_every_file_has_its_checksum_and_the_metadata_to_cite_it(record, releases):
    call_command("release", "--date", timezone.now().date().isoformat(), stdout=io.StringIO())
    release = Release.objects.get()
    files = release_files(release)
    sums = dict(line.split("  ")[::-1] for line in files["SHA256SUMS"].decode().splitlines())
    assert set(sums) == set(files) - {"SHA256SUMS"}
    assert all(hashlib.sha256(files[path]).hexdigest() == digest for path, digest in sums.items())

    cff = yaml.safe_load(files["CITATION.cff"])
    assert cff["cff-version"] == "1.2.0" and cff["type"] == "dataset"
    assert cff["version"] == "1" and cff["date-released"] == release.date
    readme = files["README.md"].decode()
    assert "## How to cite" in readme and "CC-BY-4.0" in readme and "includes drafts" not in readme
    assert release.sha256 == hashlib.sha256(release.file.open("rb").read()).hexdigest()
    assert release.size == release.file.size


def test_a_release_remade_from_the_same_state_is_byte_identical(record, releases):
    """Re-made with its number and date from the same database, release 1 is the very file that was stored."""
    call_command("release", stdout=io.StringIO())
    release = Release.objects.get()
    again = package_bytes(release.number, release.date)
    assert hashlib.sha256(again).hexdigest() == release.sha256
    assert again == package_bytes(release.number, release.date)
    # Dated by the record's latest change (the edits above), not by the clock.
    assert release.date == DamageReport.objects.get(slug="unreviewed-claim").last_updated.date()


def test_no_draft_and_no_exact_location_of_a_sensitive_site(record, releases):
    call_command("release", stdout=io.StringIO())
    files = release_files(Release.objects.get())
    everything = b"".join(files.values())
    assert b"unreviewed-claim" not in everything
    assert not any(coordinate.encode() in everything for coordinate in (*EXACT, "38.2612", "34.5501", "38.2755"))
    assert b"is_sensitive" not in everything  # which sites are sensitive is not said either
    (site,) = table(files, "sites")
    assert (site["latitude"], site["longitude"]) == ("34.6", "38.3")
    (extent,) = table(files, "site_extents")
    assert extent["geometry"] == "POLYGON ((38.2 34.5, 38.3 34.5, 38.3 34.6, 38.2 34.6, 38.2 34.5))"
    assert {row["slug"] for row in table(files, "damage_reports")} == set(
        DamageReport.objects.exclude(status="draft").values_list("slug", flat=True)
    )


def test_a_release_with_drafts_says_so_and_still_hides_exact_locations(record, releases):
    call_command("release", "--include-drafts", stdout=io.StringIO())
    release = Release.objects.get()
    files = release_files(release)
    assert release.include_drafts
    assert "unreviewed-claim" in {row["slug"] for row in table(files, "damage_reports")}
    assert "**This release includes drafts**" in files["README.md"].decode()
    assert not any(coordinate.encode() in b"".join(files.values()) for coordinate in EXACT)


def test_cells_are_spreadsheet_safe_and_hold_no_json(record, releases):
    call_command("release", stdout=io.StringIO())
    files = release_files(Release.objects.get())
    (site,) = table(files, "sites")
    assert site["description"] == '\'=HYPERLINK("http://example.org")'
    for path in (p for p in files if p.endswith(".csv")):
        for row in csv.reader(io.StringIO(files[path].decode())):
            assert not any(cell[:1] in "{[" and cell for cell in row), (path, row)


def test_citation_links_name_released_records(record, releases):
    call_command("release", stdout=io.StringIO())
    files = release_files(Release.objects.get())
    links = table(files, "citation_links")
    damage = {row["slug"] for row in table(files, "damage_reports")}
    linked = {link["record"] for link in links if link["table"] == "damage_reports"}
    assert linked and linked <= damage
    assert {link["citation"] for link in links} <= {row["id"] for row in table(files, "citations")}


@contextlib.contextmanager
def release_in_progress():
    """Another process's release, holding the lock as making.release_lock() takes it."""
    if connection.vendor == "postgresql":
        params = connection.get_connection_params()
        params.pop("cursor_factory", None)
        with psycopg.connect(**params, autocommit=True) as other:
            other.execute("SELECT pg_advisory_lock(%s)", [making.ADVISORY_LOCK_KEY])
            yield
            # A release that finishes lets go of its lock (making.release_lock). Closing the connection lets go of it
            # too, but only once the server has ended the session, which the test's next release may ask before.
            other.execute("SELECT pg_advisory_unlock(%s)", [making.ADVISORY_LOCK_KEY])
    else:
        with Path(f"{connection.settings_dict['NAME']}.release-lock").open("a") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)
            yield


def test_a_release_asked_for_while_another_is_written_is_refused(record, releases):
    with release_in_progress(), pytest.raises(CommandError, match="Another release is being written"):
        call_command("release", stdout=io.StringIO())
    assert not Release.objects.exists() and stored_files(releases) == {}
    call_command("release", stdout=io.StringIO())  # once it has finished
    assert Release.objects.get().number == 1


def test_releases_are_numbered_in_turn(record, releases):
    for _ in range(2):
        call_command("release", stdout=io.StringIO())
    assert list(Release.objects.values_list("number", flat=True)) == [2, 1]
    assert set(stored_files(releases)) == {"heritage-release-1.zip", "heritage-release-2.zip"}


@pytest.mark.parametrize(
    ("date", "message"),
    [
        ("2016-13-01", "is not a date"),
        ("yesterday", "is not a date"),
        ((timezone.now() + datetime.timedelta(days=2)).date().isoformat(), "is in the future"),
        ("2016-03-27", "cannot be dated before what it holds"),
    ],
)
def test_a_bad_date_is_refused_and_nothing_written(record, releases, date, message):
    with pytest.raises(CommandError, match=message):
        call_command("release", "--date", date, stdout=io.StringIO())
    assert not Release.objects.exists() and stored_files(releases) == {}


def test_a_failure_leaves_no_partial_release(record, releases, monkeypatch):
    def fail(**kwargs):
        raise RuntimeError("the database went away")

    monkeypatch.setattr(Release.objects, "create", fail)
    with pytest.raises(RuntimeError):
        call_command("release", stdout=io.StringIO())
    assert not Release.objects.exists() and stored_files(releases) == {}
