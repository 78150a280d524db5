"""
An EAMENA export larger than one source may hold (SOURCE_MAX_BYTES) becomes several sources, parts of one file, each a
run of whole features, read one at a time (importers/eamena_parts.py): the parts together are the file's text, every
record cites the part holding its feature, the whole file is each part's original, and importing it again changes
nothing. Data: tests/data/eamena/ (CC BY 4.0, see its README).
"""

import io
import zipfile

import pytest
from django.core.management import call_command

from heritage.records.importers import eamena_parts
from heritage.records.importers.eamena import import_eamena
from heritage.records.importers.eamena_parts import check_file, cut_in, normalised
from heritage.records.integrity import run_checks
from heritage.records.models import Citation, Site, SiteIdentifier, Source
from heritage.records.texts import normalise, sha256

from .conftest import stored_files, table_counts
from .eamena_files import TRIMMED, WHOLE, edited

# A part of at most 400 kB: the shipped file (2.4 MB) in several.
PART = 400_000
pytestmark = pytest.mark.django_db

RECORDS = ["sites", "site names", "identifiers", "extents", "damage reports", "threats"]


def import_in_parts(settings, data=WHOLE, limit=PART, commit=True):
    settings.SOURCE_MAX_BYTES = limit
    return import_eamena(data=data, name="caravanserail.geojson", commit=commit)


def test_a_file_larger_than_a_source_becomes_parts_that_together_are_its_text(
    settings, originals, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        report = import_in_parts(settings)
    assert report.committed, report.problems[:5]
    parts = Source.objects.filter(pk__in=[source.pk for source in report.sources]).order_by("pk")
    assert len(parts) == report.counts["sources"]["created"] >= -(-len(WHOLE) // PART) > 1
    assert "".join(part.text for part in parts) == WHOLE.decode()
    assert all(len(part.text.encode()) <= PART for part in parts)
    # Each part: whole features, named by their range, with the whole file as its original, stored once.
    assert [part.text.count('"EAMENA ID"') for part in parts] == [
        int(part.title.split("–")[1].replace(",", "")) - int(part.title.split("features ")[1].split("–")[0]) + 1
        for part in parts
    ]
    assert parts[0].title.startswith("EAMENA heritage places: caravanserail.geojson, features 1–")
    assert {(part.original.name, part.original_sha256, part.original_size) for part in parts} == {
        (parts[0].original.name, sha256(WHOLE), len(WHOLE))
    }
    assert stored_files(originals) == {parts[0].original.name: WHOLE}
    assert not [(result.title, result.problems[:3]) for result in run_checks() if not result.ok]


def test_a_backup_holds_the_original_the_parts_share_once(
    settings, originals, tmp_path, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        report = import_in_parts(settings)
    call_command("backup", str(tmp_path / "backup.zip"), verbosity=0)
    with zipfile.ZipFile(tmp_path / "backup.zip") as archive:
        names = archive.namelist()
    assert len(names) == len(set(names))
    assert [name for name in names if name.startswith("originals/")] == [f"originals/{report.source.original.name}"]


def test_every_record_cites_the_part_holding_its_feature(settings):
    report = import_in_parts(settings)
    assert report.committed, report.problems[:5]
    for identifier in SiteIdentifier.objects.filter(scheme="eamena").prefetch_related("citations__source"):
        (citation,) = identifier.citations.all()
        assert citation.quote == f'"EAMENA ID": "{identifier.value}"'
        text = citation.source.text
        assert text[citation.char_start : citation.char_end] == citation.quote
        assert citation.source_id in {source.pk for source in report.sources}
    cited = set(Citation.objects.filter(source__in=report.sources).values_list("source", flat=True))
    assert cited == {source.pk for source in report.sources}


def test_parts_give_the_records_one_source_gives(settings):
    whole = import_eamena(data=WHOLE, name="caravanserail.geojson")
    parts = import_in_parts(settings, commit=False)
    assert whole.ok and parts.ok and len(parts.sources) > 1 == len(whole.sources)
    assert [whole.counts[kind] for kind in RECORDS] == [parts.counts[kind] for kind in RECORDS]
    assert not Site.objects.filter(identifiers__scheme="eamena").exists()  # dry runs


def test_a_file_in_parts_imported_again_changes_nothing(settings):
    first = import_in_parts(settings)
    before = table_counts()
    again = import_in_parts(settings)
    assert again.ok and again.counts["sources"]["unchanged"] == len(first.sources) > 1
    assert all(created == updated == 0 for _, created, updated, *_ in again.rows())
    assert table_counts() == before


def another_assessor(features):
    """The last place (two features, in the last part) assessed by another name (a property the import leaves)."""
    for feature in features[-2:]:
        feature["properties"]["Assessment Investigator - Actor"] = "B. Rouhani"


def test_a_newer_file_sharing_its_first_parts_with_an_older_one_stores_its_own_original(
    settings, originals, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        first = import_in_parts(settings)
    newer = edited(another_assessor, data=WHOLE)
    assert newer[: len(WHOLE) - PART] == WHOLE[: len(WHOLE) - PART]  # the same but in the last part
    with django_capture_on_commit_callbacks(execute=True):
        second = import_in_parts(settings, data=newer)
    assert second.committed, second.problems[:5]
    assert second.sources[:-1] == first.sources[:-1] and second.sources[-1] != first.sources[-1]
    assert (second.counts["sources"]["unchanged"], second.counts["sources"]["created"]) == (len(first.sources) - 1, 1)
    assert second.sources[-1].original_sha256 == sha256(newer)
    assert stored_files(originals) == {first.source.original.name: WHOLE, second.sources[-1].original.name: newer}


def test_a_feature_larger_than_a_source_may_hold_is_refused_and_nothing_is_written(settings):
    before = table_counts()
    report = import_in_parts(settings, data=TRIMMED, limit=2_000)
    assert not report.committed and table_counts() == before
    (problem,) = report.problems
    assert problem.feature == 0 and problem.message.startswith("The part of the file from features 1 to 1: ")
    assert "at most 2.0\xa0KB is accepted" in problem.message


def test_parts_are_cut_between_features_and_carry_a_byte_order_mark_and_line_endings_as_every_source(
    settings, monkeypatch
):
    """A carriage return at the end of a piece read waits for the next (it may be half of a \r\n)."""
    monkeypatch.setattr(eamena_parts, "READ_AT_ONCE", 4_097)
    data = b"\xef\xbb\xbf" + WHOLE.replace(b"\n", b"\r\n")
    assert b"".join(normalised(io.BytesIO(data))) == WHOLE
    report = import_in_parts(settings, data=data)
    assert report.committed, report.problems[:5]
    texts = [Source.objects.get(pk=source.pk).text for source in report.sources]
    assert "".join(texts) == normalise(data.decode())
    assert all(text.startswith("{") for text in texts[1:])
    assert all(text.rstrip().endswith("},") for text in texts[:-1])


def test_the_check_reads_the_file_once_and_finds_a_bad_byte_across_pieces(monkeypatch):
    data = "{'Kārvānsarā': 1}".encode()
    lead = data.index("ā".encode())  # a two-byte character's first byte
    monkeypatch.setattr(eamena_parts, "READ_AT_ONCE", lead + 1)  # the first piece read ends with it
    check = check_file(io.BytesIO(data))
    assert (check.sha256, check.size, check.invalid_byte, check.has_nul) == (sha256(data), len(data), None, False)
    for at in (lead, lead + 1):
        broken = data[:at] + b"\xff" + data[at + 1 :]
        assert check_file(io.BytesIO(broken)).invalid_byte == lead
    assert check_file(io.BytesIO(data[: lead + 1])).invalid_byte == lead  # cut short after it
    assert check_file(io.BytesIO(b'{"a": "\x00"}')).has_nul


@pytest.mark.parametrize(
    ("buffer", "limit", "cut"),
    [
        (b'{"EAMENA ID": "a"}, {"EAMENA ID": "b"}, {"EAMENA ID": "c"}', 40, 20),
        (b'{"EAMENA ID": "a"}, {"EAMENA ID": "b"}, {"EAMENA ID": "c"}', 60, 40),
        # The first feature alone is larger than a part: it is cut after it.
        (b'{"EAMENA ID": "a"}, {"EAMENA ID": "b"}', 10, 20),
        # No boundary after an EAMENA ID yet: read on.
        (b'{"x": {}, {"EAMENA ID": "a"}', 10, None),
        (b'{"geometry": {"type": "Point"}', 10, None),
    ],
)
def test_a_part_ends_after_the_last_boundary_between_features_that_fits(buffer, limit, cut):
    assert cut_in(bytearray(buffer), limit) == cut
