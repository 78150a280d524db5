"""
manage.py import_pleiades: the shipped Pleiades record of Palmyra gives the site its identifiers, a cited location
inside the record's bounding box, the bounding box as an extent, the World Heritage List number on its designation
and its attested names; the article's records and citations stay as they were; a second run changes nothing; and
every bad input is refused, naming where and why, with nothing written.
"""

import io
import json
import re
import shutil
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from heritage.records.importers.pleiades import ImportRefused, import_place
from heritage.records.models import (
    Citation,
    Period,
    PeriodIdentifier,
    Site,
    SiteExtent,
    SiteIdentifier,
    SiteName,
    Source,
)
from heritage.records.models.base import CitedRecord

from .conftest import stored_files, table_counts

RECORD = Path(__file__).resolve().parent.parent / "fixtures" / "pleiades" / "668331.json"
TEXT = RECORD.read_text(encoding="utf-8")


def run(*args, **options):
    """The command's output (stdout, stderr); CommandError when it refuses."""
    out, err = io.StringIO(), io.StringIO()
    call_command("import_pleiades", *args, stdout=out, stderr=err, no_input=True, **options)
    return out.getvalue(), err.getvalue()


def commit(path=RECORD):
    return run(str(path), "--site", "palmyra", "--commit")


def changed_record(tmp_path, change):
    """A copy of the record with `change(record)` applied, written as Pleiades writes it."""
    record = json.loads(TEXT)
    change(record)
    path = tmp_path / "668331.json"
    path.write_text(json.dumps(record, indent=4, ensure_ascii=False), encoding="utf-8")
    return path


def article_links():
    """Every link from a record to a citation of the article: (model, record id, citation id, quote)."""
    links = set()
    for relation in Citation._meta.related_objects:
        if relation.many_to_many and issubclass(relation.related_model, CitedRecord):
            through = relation.related_model.citations.through
            column = relation.related_model._meta.model_name
            rows = through.objects.filter(citation__source__slug="palmyra-recapture-2016")
            links |= {
                (column, row[0], row[1], row[2]) for row in rows.values_list(column, "citation", "citation__quote")
            }
    return links


def quote_stands(citation):
    return citation.source.text[citation.char_start : citation.char_end] == citation.quote


@pytest.mark.django_db
def test_a_dry_run_reports_and_writes_nothing(palmyra, originals):
    """Without --commit the command prints what it would do and the database and storage stay as they were."""
    before = table_counts()
    out, _ = run(str(RECORD), "--site", "palmyra")
    assert table_counts() == before
    assert stored_files(originals) == {}
    assert "Dry run: nothing was written" in out
    assert "site name" in out and "created" in out


@pytest.mark.django_db
def test_palmyra_gets_a_cited_location_inside_the_bbox_and_its_world_heritage_number(palmyra, originals):
    """The representative point becomes the location, inside the bounding box; WHL 23 goes on the designation."""
    commit()
    site = Site.objects.get(slug="palmyra")
    source = Source.objects.get(slug="pleiades-668331")
    west, south, east, north = json.loads(TEXT)["bbox"]
    assert west <= site.longitude <= east and south <= site.latitude <= north
    assert site.location_certainty == "medium"
    point = site.citations.get(source=source)
    assert point.quote.startswith('"reprPoint": [') and quote_stands(point)

    designation = site.designations.get(kind="unesco_world_heritage")
    assert designation.reference == "23"
    assert [c.quote for c in designation.citations.filter(source=source)] == ['"citationDetail": "23: Site of Palmyra"']

    extent = SiteExtent.objects.get(site=site)
    assert extent.qualifier == "bounding_box"
    assert extent.geometry["coordinates"][0][0] == [west, south]
    assert extent.citations.get().quote.startswith('"bbox": [')


@pytest.mark.django_db
def test_the_file_becomes_a_dataset_source_with_its_original(palmyra, originals):
    """The source holds the file's text and bytes (by SHA-256), titled and linked as the Pleiades place."""
    commit()
    source = Source.objects.get(slug="pleiades-668331")
    assert (source.title, source.kind_id, source.url, source.language) == (
        "Pleiades: Palmyra",
        "dataset",
        "https://pleiades.stoa.org/places/668331",
        "en",
    )
    assert source.text == TEXT
    assert source.original_sha256 == "77cb5f2dd90d10e74e71b04c69d7f6100b48e8b28b86152fad62b96a268d5937"
    assert list(stored_files(originals).values()) == [RECORD.read_bytes()]
    assert all(quote_stands(c) and len(c.quote) <= 600 for c in source.citations.all())


@pytest.mark.django_db
def test_identifiers_are_added_and_find_the_site(palmyra, originals, client):
    """
    Pleiades 668331, and the WHL, Wikidata and GeoNames entries its references link to, identify Palmyra, each
    cited; the API's ?identifier= finds it by any of them.
    """
    commit()
    identifiers = {str(i): i for i in SiteIdentifier.objects.filter(site=palmyra)}
    assert sorted(identifiers) == ["geonames:163809", "pleiades:668331", "whl:23", "wikidata:Q5747"]
    assert identifiers["pleiades:668331"].citations.get().quote == '"uri": "https://pleiades.stoa.org/places/668331"'
    assert identifiers["wikidata:Q5747"].citations.get().quote == '"citationDetail": "Q5747: Palmyra"'
    for identifier in ("pleiades:668331", "whl:23"):
        found = client.get("/api/v1/sites/", {"identifier": identifier}).json()["results"]
        assert [site["slug"] for site in found] == [palmyra.slug], identifier


@pytest.mark.django_db
def test_names_come_with_language_years_and_their_passages(palmyra, originals):
    """Attested forms keep the record's language, romanized ones are in Latin script; years become astronomical."""
    commit()
    greek = SiteName.objects.get(site=palmyra, name="Θαδάμορα")
    assert (greek.kind, greek.language, greek.attested_from, greek.attested_to) == ("historical", "grc", -29, 300)
    assert '"attested": "Θαδάμορα"' in [c.quote for c in greek.citations.all()]
    assert all(quote_stands(c) for c in greek.citations.all())
    latin = SiteName.objects.get(site=palmyra, name="Thadamora")
    assert (latin.kind, latin.language) == ("variant", "grc-Latn")
    assert SiteName.objects.get(site=palmyra, name="تدمر").language == "ar"
    assert SiteName.objects.get(site=palmyra, name="Tadmuru").language == "akk-Latn"
    # An ethnic names the people, not the place; the site's own name is not repeated as another name.
    assert not SiteName.objects.filter(site=palmyra, name__in=["Παλμυρηνός", "Palmyrenes", "Palmyra"]).exists()


@pytest.mark.django_db
def test_the_articles_records_and_citations_are_untouched(palmyra, originals):
    """Every link from a record to the article's passages stays; the article's names and site fields too."""
    links = article_links()
    names = set(SiteName.objects.filter(site=palmyra).values_list("name", "kind", "language"))
    article = Source.objects.get(slug="palmyra-recapture-2016")
    commit()
    assert article_links() == links
    assert names <= set(SiteName.objects.filter(site=palmyra).values_list("name", "kind", "language"))
    site = Site.objects.get(pk=palmyra.pk)
    assert (site.name, site.description, site.kind) == (palmyra.name, palmyra.description, palmyra.kind)
    assert Source.objects.get(pk=article.pk).text_sha256 == article.text_sha256


@pytest.mark.django_db
def test_a_second_import_changes_nothing(palmyra, originals):
    """The same file again: the same source, every record unchanged, not one row more."""
    commit()
    before = table_counts()
    outcome = import_place(data=RECORD.read_bytes(), filename=RECORD.name, commit=True)
    assert table_counts() == before
    assert outcome.matched_by == "its identifier pleiades:668331"
    for record, counts in outcome.summary.counts.items():
        assert counts["created"] == counts["updated"] == counts["refused"] == 0, record


@pytest.mark.django_db
def test_names_link_to_periods_that_have_the_pleiades_key(palmyra, originals):
    """A Pleiades time period is linked when a period here has it as an identifier; others are reported."""
    period = Period.objects.get(slug="early-second-millennium-bce")
    PeriodIdentifier.objects.create(period=period, scheme="pleiades", value="roman")
    out, _ = commit()
    assert list(SiteName.objects.get(site=palmyra, name="Θαδάμορα").periods.all()) == [period]
    assert list(SiteName.objects.get(site=palmyra, name="Tadmuru").periods.all()) == []
    unmatched = next(line for line in out.splitlines() if "time periods" in line)
    assert "achaemenid-middle-east" in unmatched and "roman," not in unmatched


@pytest.mark.django_db
def test_the_place_is_read_from_a_copy_of_the_datasets(palmyra, originals, tmp_path):
    """--id with --directory reads data/json/6/6/8/3/668331.json, as pleiades.datasets lays it out."""
    folder = tmp_path / "data" / "json" / "6" / "6" / "8" / "3"
    folder.mkdir(parents=True)
    shutil.copy(RECORD, folder / "668331.json")
    run("--id", "668331", "--directory", str(tmp_path), "--site", "palmyra", "--commit")
    assert SiteIdentifier.objects.get(scheme="pleiades", value="668331").site == palmyra


@pytest.mark.django_db
def test_a_match_by_name_needs_confirmation(palmyra, originals):
    """Palmyra matches by name, but without --site or a yes at the prompt nothing is imported."""
    before = table_counts()
    with pytest.raises(CommandError):
        run(str(RECORD))
    with pytest.raises(ImportRefused, match="confirm with --site"):
        import_place(data=RECORD.read_bytes(), filename=RECORD.name, commit=True)
    with pytest.raises(ImportRefused, match="No site matched by name was confirmed"):
        import_place(data=RECORD.read_bytes(), filename=RECORD.name, confirm=lambda site: False, commit=True)
    assert table_counts() == before
    asked = []
    outcome = import_place(
        data=RECORD.read_bytes(), filename=RECORD.name, confirm=lambda site: asked.append(site) or True, commit=True
    )
    assert asked == [palmyra] and outcome.site == palmyra


class Terminal(io.StringIO):
    def isatty(self):
        return True


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("answer", "refusal"),
    [
        ("n\n", "refused; nothing was written"),
        ("", "Nobody answered: standard input is closed. Give --site palmyra if it is, or --no-input."),
    ],
    ids=["no", "the terminal closed"],
)
def test_a_match_by_name_asked_at_a_terminal_imports_nothing_without_a_yes(
    palmyra, originals, monkeypatch, answer, refusal
):
    """No, or the terminal closed (Ctrl-D) at the question: nothing written, and an error, not a traceback."""
    monkeypatch.setattr("sys.stdin", Terminal(answer))
    before = table_counts()
    err = io.StringIO()
    with pytest.raises(CommandError, match=re.escape(refusal)):
        call_command("import_pleiades", str(RECORD), "--commit", stdout=io.StringIO(), stderr=err)
    assert ("No site matched by name was confirmed" in err.getvalue()) is bool(answer)
    assert table_counts() == before


def add_hatra():
    return Site.objects.create(slug="hatra", name="Hatra", kind="archaeological_site", country="IQ")


def not_json(tmp_path):
    path = tmp_path / "668331.json"
    path.write_text(TEXT[:-40], encoding="utf-8")
    return path


def not_utf8(tmp_path):
    path = tmp_path / "668331.json"
    path.write_bytes(TEXT.encode("utf-16"))
    return path


def written(data):
    """A file of `data` (bytes), made as it stands: what json.dumps would not write."""

    def write(tmp_path):
        path = tmp_path / "668331.json"
        path.write_bytes(data)
        return path

    return write


def change(**values):
    def apply(record):
        for key, value in values.items():
            if "." in key:
                index, field = key.split(".")
                record["names"][int(index)][field] = value
            else:
                record[key] = value

    return lambda tmp_path: changed_record(tmp_path, apply)


BAD = {
    "not-json": (not_json, "not JSON"),
    "not-utf8": (not_utf8, "not UTF-8"),
    "not-a-place": (change(**{"@type": "Feature"}), "@type: Not a Pleiades place"),
    "no-id": (change(id="Palmyra"), "id: Not a Pleiades place ID"),
    "point-out-of-range": (change(reprPoint=[38.2, 134.5]), "reprPoint: Latitude 134.5 is outside"),
    "point-not-numbers": (change(reprPoint=["38.2", 34.5]), "reprPoint: A representative point is"),
    "point-outside-bbox": (change(reprPoint=[38.3, 34.55]), "reprPoint: The point"),
    "bbox-out-of-range": (change(bbox=[38.2, 34.5, 238.3, 34.6]), "bbox: Longitude 238.3 is outside"),
    "bbox-inverted": (change(bbox=[38.3, 34.5, 38.2, 34.6]), "bbox: West is east of east"),
    "unknown-language": (change(**{"1.language": "Greek"}), "names/1/language: 'Greek' is not a BCP 47"),
    "year-zero": (change(**{"1.start": 0}), "names/1/start: Year 0"),
    "year-out-of-range": (change(**{"1.start": 10**30}), "names/1/start: A year is from -2,147,483,647"),
    "nested-deep": (written(b"[" * 5000 + b"]" * 5000), "nests arrays or objects more than 32 levels deep"),
    "number-too-long": (written(b'{"@type": "Place", "id": 1' + b"0" * 5000 + b"}"), "more than 4,300 digits"),
    "nul-in-a-name": (change(**{"1.romanized": "Pal\x00myra"}), "names/1/romanized: A name holds a NUL"),
    "lone-surrogate-in-a-name": (
        written(TEXT.replace('"romanized": "Palmyra"', '"romanized": "\\ud800Palmyra"', 1).encode()),
        "names/0/romanized: A name holds a lone surrogate",
    ),
}


@pytest.mark.django_db
@pytest.mark.parametrize("case", sorted(BAD))
def test_bad_input_is_refused_naming_where_and_why(case, palmyra, originals, tmp_path):
    """Each bad file is refused with the property at fault and the reason; nothing is written anywhere."""
    make, reason = BAD[case]
    path = make(tmp_path)
    before = table_counts()
    with pytest.raises(CommandError, match="refused; nothing was written"):
        out, err = run(str(path), "--site", "palmyra", "--commit")
    with pytest.raises(ImportRefused) as refused:
        import_place(data=path.read_bytes(), filename=path.name, site="palmyra", commit=True)
    assert reason in str(refused.value)
    assert table_counts() == before
    assert stored_files(originals) == {}


@pytest.mark.django_db
def test_an_id_that_belongs_to_another_site_is_refused(palmyra, originals):
    """Pleiades 668331 already identifying Hatra: importing it into Palmyra is refused, saying whose it is."""
    SiteIdentifier.objects.create(site=add_hatra(), scheme="pleiades", value="668331")
    before = table_counts()
    with pytest.raises(ImportRefused, match="pleiades:668331 identifies the site 'hatra', not 'palmyra'"):
        import_place(data=RECORD.read_bytes(), filename=RECORD.name, site="palmyra", commit=True)
    assert table_counts() == before


@pytest.mark.django_db
def test_a_site_that_is_another_pleiades_place_is_refused(palmyra, originals):
    """Palmyra already being Pleiades 123456: this record (668331) cannot be imported into it."""
    SiteIdentifier.objects.create(site=palmyra, scheme="pleiades", value="123456")
    before = table_counts()
    with pytest.raises(ImportRefused, match="'palmyra' is already Pleiades place 123456"):
        import_place(data=RECORD.read_bytes(), filename=RECORD.name, site="palmyra", commit=True)
    assert table_counts() == before


@pytest.mark.django_db
def test_another_sites_register_entry_is_refused(palmyra, originals):
    """Wikidata Q5747 identifying Hatra: the record's Wikidata reference contradicts it, so nothing is imported."""
    SiteIdentifier.objects.create(site=add_hatra(), scheme="wikidata", value="Q5747")
    with pytest.raises(ImportRefused, match=r"references/\d+/citationDetail: wikidata:Q5747 already identifies"):
        import_place(data=RECORD.read_bytes(), filename=RECORD.name, site="palmyra", commit=True)


@pytest.mark.django_db
def test_a_different_world_heritage_number_is_refused(palmyra, originals):
    """The designation already numbered 24: Pleiades' 23 contradicts it, and the designation keeps its number."""
    palmyra.designations.update(reference="24")
    with pytest.raises(ImportRefused, match="has the reference '24', not '23'"):
        import_place(data=RECORD.read_bytes(), filename=RECORD.name, site="palmyra", commit=True)
    assert palmyra.designations.get().reference == "24"


@pytest.mark.django_db
def test_a_site_with_a_location_keeps_it(palmyra, originals):
    """A location curators gave is not replaced by Pleiades' point; the difference is reported."""
    Site.objects.filter(pk=palmyra.pk).update(latitude="34.56", longitude="38.27", location_certainty="high")
    out, _ = commit()
    site = Site.objects.get(pk=palmyra.pk)
    assert (str(site.latitude), str(site.longitude), site.location_certainty) == ("34.560000", "38.270000", "high")
    assert "already has a location" in out
    assert not site.citations.filter(source__slug="pleiades-668331").exists()


@pytest.mark.django_db
def test_verbosity_0_is_quiet_and_still_writes(palmyra, originals):
    """-v 0: nothing printed, the record written all the same."""
    assert run(str(RECORD), "--site", "palmyra", "--commit", verbosity=0) == ("", "")
    assert SiteIdentifier.objects.get(scheme="pleiades", value="668331").site == palmyra
