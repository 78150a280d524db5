"""The article's fixtures: they load, reload without change, round-trip through dumpdata, and validate."""

import hashlib
import io
import itertools
import json

import pytest
from django.apps import apps
from django.contrib.auth.models import User
from django.core import serializers
from django.core.management import call_command
from django.db.models import Prefetch

from heritage.records.changes import deleting
from heritage.records.models import (
    Actor,
    Citation,
    DamageReport,
    Designation,
    Occupation,
    Site,
    Source,
)
from heritage.records.models.base import CitedRecord
from heritage.records.releases.making import make_release
from heritage.records.texts import sha256

from . import ROOT
from .conftest import FIXTURES, empty_records, load_article, record_models

pytestmark = pytest.mark.django_db


def natural_key_paths(model):
    """
    The relations `model.natural_key()` follows, as select_related paths: its foreign keys to the models its natural
    key declares it depends on, and theirs in turn (a citation's key is its source's and its quote).
    """
    depends_on = set(getattr(getattr(model, "natural_key", None), "dependencies", ()))
    return [
        path
        for field in model._meta.concrete_fields
        if field.is_relation and field.related_model._meta.label_lower in depends_on
        for path in through(field)
    ]


def through(field):
    """A relation, and the relations its model's natural key follows beyond it."""
    return [field.name, *(f"{field.name}__{path}" for path in natural_key_paths(field.related_model))]


def records_with_their_relations(model):
    """
    What `dumpdata records` reads of `model` (its default manager, by key), with the records that natural keys name
    read in the same query or one more for each many-to-many field: dumpdata itself reads each one apart.
    """
    related = [
        path
        for field in model._meta.concrete_fields
        if field.is_relation and hasattr(field.related_model, "natural_key")
        for path in through(field)
    ]
    prefetched = []
    for field in model._meta.many_to_many:
        if field.remote_field.through._meta.auto_created and hasattr(field.related_model, "natural_key"):
            named = field.related_model._default_manager.select_related(*natural_key_paths(field.related_model))
            prefetched.append(Prefetch(field.name, queryset=named))
    return model._default_manager.order_by(model._meta.pk.name).select_related(*related).prefetch_related(*prefetched)


def dump_records():
    """
    Every record of the records app as `dumpdata records --natural-foreign --natural-primary` writes it (the same
    serializer and options; `test_dump_records_is_what_dumpdata_writes` compares the two), without its timestamps,
    in an order of its own.
    """
    models = [model for model in apps.get_app_config("records").get_models() if not model._meta.proxy]
    out = serializers.serialize(
        "json",
        itertools.chain.from_iterable(records_with_their_relations(model) for model in models),
        use_natural_foreign_keys=True,
        use_natural_primary_keys=True,
    )
    return comparable(json.loads(out))


def comparable(records):
    """Serialized records without their timestamps (they say when a row was written, not what it says), sorted."""
    for record in records:
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


def dumpdata_records():
    out = io.StringIO()
    call_command("dumpdata", "records", natural_foreign=True, natural_primary=True, stdout=out, verbosity=0)
    return comparable(json.loads(out.getvalue()))


def test_dump_records_is_what_dumpdata_writes(django_assert_max_num_queries, releases):
    """
    The tests' dump of the records (a query or two a model) is dumpdata's (a query or more a record), with a row in
    every table: the article, a little synthetic data, an edit of a record of each kind (their history), a deletion
    (its tombstone, by a user) and a release.
    """
    load_article()
    call_command("generate_synthetic", sites=3, reports=10, seed=1, force=True, verbosity=0)
    models = list(apps.get_app_config("records").get_models())
    for model in models:
        if hasattr(model, "history") and (record := model._default_manager.order_by("pk").last()):
            record.save()
    # One whose history is empty: a history row naming a deleted record stops dumpdata (DoesNotExist).
    with deleting(user=User.objects.create_user("ana"), reason="a duplicate"):
        DamageReport.objects.order_by("pk").first().delete()
    make_release()
    assert [model.__name__ for model in models if not model._default_manager.exists()] == []
    with django_assert_max_num_queries(2 * len(models)):
        dumped = dump_records()
    assert dumped == dumpdata_records()


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
