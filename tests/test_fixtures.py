"""The article's fixtures: they load, reload without change, round-trip through dumpdata, and validate."""

import hashlib
import io
import json
from pathlib import Path

import pytest
from django.apps import apps
from django.core.management import call_command

from heritage.records.models import (
    Actor,
    Citation,
    Designation,
    Occupation,
    Site,
    Source,
)
from heritage.records.models.base import CitedRecord
from heritage.records.texts import sha256

from .conftest import FIXTURES, empty_records, load_article, record_models

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parent.parent


def dump_records():
    out = io.StringIO()
    call_command("dumpdata", "records", natural_foreign=True, natural_primary=True, indent=1, stdout=out, verbosity=0)
    records = json.loads(out.getvalue())
    for record in records:
        # Timestamps say when a row was written, not what it says.
        record["fields"].pop("created", None)
        record["fields"].pop("last_updated", None)
    return sorted(records, key=lambda record: json.dumps(record, sort_keys=True))


def row_counts():
    return {model._meta.label: model.objects.count() for model in record_models()}


# SHA-256 of ../shared/seeds/palmyra-recapture-2016.txt as it was handed over.
ARTICLE_SHA256 = "6e0fbcc8db9d09dd6e6273e077b75479840fcf5b9bc08b7625b0bb1224ec2ca3"


def test_seed_text_is_the_shared_article_byte_for_byte():
    """seeds/ holds the article exactly as it was handed over (and as the shared copy still is, where present)."""
    ours = (ROOT / "seeds" / "palmyra-recapture-2016.txt").read_bytes()
    assert hashlib.sha256(ours).hexdigest() == ARTICLE_SHA256
    shared = ROOT.parent / "shared" / "seeds" / "palmyra-recapture-2016.txt"
    if shared.exists():
        assert ours == shared.read_bytes()


def test_fixtures_write_no_integer_primary_keys():
    """Every fixture record, and every reference in it, is a natural key (or a term's slug), never an integer pk."""
    for path in FIXTURES:
        for record in json.loads((ROOT / path).read_text(encoding="utf-8")):
            assert "pk" not in record, f"{path}: {record['model']} has a pk"
            model = apps.get_model(record["model"])
            for name, value in record["fields"].items():
                field = model._meta.get_field(name)
                if field.many_to_many:
                    assert all(isinstance(key, list) for key in value), f"{path}: {record['model']}.{name}"
                elif field.is_relation:
                    # A term is named by its slug, the value its key column holds (ForeignKey to_field="slug").
                    by_slug = field.target_field.name == "slug" and isinstance(value, str)
                    assert value is None or isinstance(value, list) or by_slug, (
                        f"{path}: {record['model']}.{name} = {value!r}"
                    )


def test_loading_twice_changes_nothing():
    """loaddata of the article is idempotent: the second load leaves every table as the first left it."""
    load_article()
    first, counts = dump_records(), row_counts()
    load_article()
    assert row_counts() == counts
    assert dump_records() == first


def test_dumpdata_round_trips_into_an_empty_database(tmp_path):
    """dumpdata --natural-foreign --natural-primary loads back into an empty database with the same content."""
    load_article()
    before, counts = dump_records(), row_counts()
    dump = tmp_path / "dump.json"
    call_command("dumpdata", "records", natural_foreign=True, natural_primary=True, output=str(dump), verbosity=0)
    empty_records()
    assert sum(row_counts().values()) == 0
    call_command("loaddata", str(dump), verbosity=0)
    assert row_counts() == counts
    assert dump_records() == before


def test_every_record_passes_full_clean(palmyra):
    """loaddata skips validation, so every loaded record is validated here as a form would."""
    checked = 0
    for model in record_models():
        if model._meta.auto_created:
            continue
        for obj in model.objects.all():
            obj.full_clean()
            checked += 1
    assert checked > 90


def test_every_quote_stands_at_its_offsets_in_the_seed_text(palmyra):
    """The record holds the article's text exactly as seeds/ received it (same SHA-256), and every quote stands in
    it at its offsets."""
    source = Source.objects.get(slug="palmyra-recapture-2016")
    received = (ROOT / "seeds" / "palmyra-recapture-2016.txt").read_bytes()
    text = received.decode("utf-8")
    assert source.text == text
    assert source.text_sha256 == hashlib.sha256(received).hexdigest() == sha256(text)
    assert source.text_length == len(text)
    assert (source.language, source.get_direction()) == ("en", "ltr")
    citations = list(Citation.objects.all())
    assert citations
    for citation in citations:
        assert text[citation.char_start : citation.char_end] == citation.quote, citation.quote


def test_every_seeded_record_has_a_citation(palmyra):
    for model in record_models():
        if not issubclass(model, CitedRecord):
            continue
        uncited = model.objects.filter(citations__isnull=True)
        assert not uncited.exists(), f"{model._meta.label} without a citation: {list(uncited)}"


def test_attributed_claims_name_who_made_them(palmyra):
    """A claim the article relays carries both the attributing words and the actor."""
    for citation in Citation.objects.exclude(attribution=""):
        assert citation.attributed_to is not None
        assert citation.attribution in citation.source.text


def test_facts_from_outside_the_article_are_left_out(palmyra):
    """Coordinates, the UNESCO reference number and the In Danger listing are not in the article: none is stored."""
    site = Site.objects.get(slug="palmyra")
    assert site.latitude is None and site.longitude is None
    designation = Designation.objects.get(site=site)
    assert designation.reference == ""
    assert designation.kind == "unesco_world_heritage"
    assert not Designation.objects.filter(kind="unesco_in_danger").exists()
    assert not Actor.objects.filter(aliases__name__in=["ISIL", "Daesh", "Islamic State"]).exists()
    assert Source.objects.count() == 1


def test_the_occupation_records_that_its_year_is_inferred(palmyra):
    occupation = Occupation.objects.get(site=palmyra)
    assert occupation.ended_inferred and occupation.started_inferred
    assert "no year" in occupation.dating_note
