"""
The synthetic-data generator (`manage.py generate_synthetic`): deterministic, complete, valid, and never mixed into
curated data by accident. Small sizes here; the timing at full size is measured by hand (the README's Synthetic data
section).
"""

import io
import re
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.management import CommandError, call_command

from heritage.records.dates import parse_edtf_bounds
from heritage.records.models import (
    Citation,
    DamageReport,
    Deletion,
    Designation,
    DisturbanceCause,
    Event,
    EventFigure,
    Occupation,
    Release,
    Site,
    Source,
    Threat,
)
from heritage.records.models.base import CitedRecord, UncertainDatesMixin
from heritage.records.texts import sha256
from heritage.synthetic.marks import SLUGGED_RECORD_MODELS, SYNTHETIC_PREFIX
from heritage.synthetic.rows import DAMAGE_REPORT_COLUMNS, RowWriter

from .conftest import empty_records, load_article, record_models
from .test_fixtures import dump_records

pytestmark = pytest.mark.django_db

SITES, REPORTS = 20, 200


@pytest.fixture(autouse=True)
def empty(empty_database):
    """Each test generates into an empty database."""


def generate(seed=1, **options):
    call_command("generate_synthetic", sites=SITES, reports=REPORTS, seed=seed, verbosity=0, **options)


def generated_models():
    """The tables synthetic data fills: every table of the record (not tombstones of deletes, nor releases)."""
    return [model for model in record_models(history=False) if model not in (Deletion, Release)]


def source_texts():
    return {source.slug: source.text for source in Source.objects.order_by("slug")}


def test_counts_are_as_asked_and_every_model_is_populated():
    """Exactly the sites and reports asked for, and at least one row in every table of the app (but history's)."""
    generate()
    assert Site.objects.count() == SITES
    assert DamageReport.objects.count() == REPORTS
    empty = [model._meta.label for model in generated_models() if not model.objects.exists()]
    assert not empty, f"no synthetic rows in {empty}"


def test_everything_it_writes_is_marked_synthetic(settings):
    """Every slug starts with syn-, every source says it is synthetic in its title, notes and text, and no file is
    written anywhere (the texts are in the database)."""
    seeds_before = sorted(Path(settings.SEEDS_DIR).rglob("*"))
    generate()
    for model in SLUGGED_RECORD_MODELS:
        assert not model.objects.exclude(slug__startswith=SYNTHETIC_PREFIX).exists(), model._meta.label
    for source in Source.objects.all():
        assert "Synthetic" in source.title and "Not a real source" in source.notes
        assert source.text.startswith(f"{source.title}\n\n{source.notes}")
        assert (source.text_sha256, source.text_length) == (sha256(source.text), len(source.text))
        assert not source.original
    assert sorted(Path(settings.SEEDS_DIR).rglob("*")) == seeds_before


def test_the_same_seed_gives_the_same_content_and_another_seed_does_not():
    """Two runs with one seed into emptied databases dump identically (texts too); another seed differs."""
    generate(seed=1)
    first, first_texts = dump_records(), source_texts()
    first_reports = list(DamageReport.objects.order_by("slug").values_list("severity", "occurred", "cause__slug"))
    empty_records()
    generate(seed=1)
    assert dump_records() == first
    assert source_texts() == first_texts
    empty_records()
    generate(seed=2)
    assert DamageReport.objects.count() == REPORTS
    # Not just other texts: other severities, dates and causes for the same report slugs.
    assert list(DamageReport.objects.order_by("slug").values_list("severity", "occurred", "cause__slug")) != (
        first_reports
    )
    assert dump_records() != first


def test_a_sample_of_every_model_passes_full_clean():
    """bulk inserts skip validation, so a sample of each model is validated here as a form would."""
    generate()
    checked = {}
    for model in generated_models():
        if model._meta.auto_created:
            continue
        rows = list(model.objects.order_by("pk"))
        for obj in rows[:: max(1, len(rows) // 15)]:
            obj.full_clean()
            checked[model._meta.label] = checked.get(model._meta.label, 0) + 1
    assert checked["records.DamageReport"] >= 15 and checked["records.Citation"] >= 15
    assert len(checked) == len([m for m in generated_models() if not m._meta.auto_created])


def test_every_quote_stands_at_its_offsets():
    """Each citation's quote is the source text's characters char_start..char_end (Arabic names included)."""
    generate()
    texts = source_texts()
    citations = list(Citation.objects.select_related("source"))
    assert len(citations) > REPORTS
    for citation in citations:
        assert texts[citation.source.slug][citation.char_start : citation.char_end] == citation.quote
        if citation.attribution:
            assert citation.attributed_to_id is not None
            before = texts[citation.source.slug][: citation.char_start]
            assert before.endswith(f"{citation.attribution}, ")
    assert any(re.search("[\u0600-\u06ff]", text) for text in texts.values())


def test_every_cited_record_has_a_citation():
    """Every damage report, and every other cited record, is linked to at least one passage."""
    generate()
    for model in record_models():
        if issubclass(model, CitedRecord):
            assert not model.objects.filter(citations__isnull=True).exists(), model._meta.label
    assert DamageReport.citations.through.objects.count() >= REPORTS


def test_date_bounds_are_what_parse_edtf_bounds_gives():
    """bulk_create sends no pre_save, so the generator derives the bounds; they equal the parser's for each row."""
    generate()
    parsed = {}  # The parser is slow (pyparsing); each distinct string is parsed once.
    for model in (DamageReport, Occupation, Event, Designation, Threat):
        assert issubclass(model, UncertainDatesMixin)
        for obj in model.objects.all():
            for text_field, (earliest, latest) in model.edtf_fields.items():
                text = getattr(obj, text_field)
                if text:
                    expected = parsed[text] if text in parsed else parsed.setdefault(text, parse_edtf_bounds(text))
                elif model is DamageReport and obj.occupation_id:
                    expected = (obj.occupation.started_earliest, obj.occupation.ended_latest)
                else:
                    expected = (None, None)
                assert (getattr(obj, earliest), getattr(obj, latest)) == expected, (obj.slug, text_field, text)


def test_damage_dates_come_in_every_shape():
    """Exact days, months, years, approximate, uncertain, intervals, open ends, undated, and 'during occupation'."""
    generate()
    occurred = list(DamageReport.objects.values_list("occurred", flat=True))
    shapes = {
        "day": r"\d{4}-\d\d-\d\d",
        "month": r"\d{4}-\d\d",
        "year": r"\d{4}",
        "approximate": r".*~",
        "uncertain": r".*\?",
        "interval": r"[^.]+/[^.]+",
        "open": r".*/\.\.|\.\./.*",
    }
    for shape, pattern in shapes.items():
        assert any(re.fullmatch(pattern, text) for text in occurred), shape
    during = DamageReport.objects.filter(occurred="", occupation__isnull=False)
    assert during.exists()
    assert all(report.perpetrator_id == report.occupation.occupier_id for report in during)
    assert DamageReport.objects.filter(occurred="", occupation__isnull=True).exists()


def test_reported_numbers_come_as_single_values_ranges_and_open_ends():
    """Occupations' durations as one number or a range (where their dates are vague), figures and threats open-ended."""
    generate()
    qualifiers = {
        model.__name__: set(model.objects.exclude(quantity_qualifier="").values_list("quantity_qualifier", flat=True))
        for model in (Occupation, EventFigure, Threat)
    }
    assert qualifiers["Occupation"] == {"approximately", "between"}
    assert qualifiers["EventFigure"] == {"approximately", "more_than"}
    assert qualifiers["Threat"] == {"at_least"}
    ranged = Occupation.objects.filter(quantity_qualifier="between").first()
    words = f"between {ranged.quantity_min} and {ranged.quantity_max} months"
    assert any(words in citation.quote for citation in ranged.citations.all())


def test_refuses_a_database_with_curated_data_unless_forced():
    """The Palmyra fixtures are curated: the generator refuses, writes nothing, and adds alongside with --force."""
    load_article()  # into the database this module empties
    with pytest.raises(CommandError, match=r"curated \(non-synthetic\) data: 1 site, 2 damage reports.*--force"):
        generate()
    assert Site.objects.count() == 1 and not Source.objects.filter(slug__startswith=SYNTHETIC_PREFIX).exists()
    generate(force=True)
    assert Site.objects.count() == SITES + 1
    assert Site.objects.filter(slug="palmyra").exists()
    assert DamageReport.objects.filter(slug__startswith=SYNTHETIC_PREFIX).count() == REPORTS


def test_refuses_to_run_twice_into_the_same_database():
    """A second run would repeat the first one's slugs: it is refused with a message saying what to do."""
    generate()
    with pytest.raises(CommandError, match="already holds synthetic data"):
        generate(seed=2, force=True)
    assert Site.objects.count() == SITES


def test_loads_the_vocabularies_when_their_tables_are_empty():
    """Causes, event types, units and source types come from their tables; empty tables are filled from the
    vocabulary fixtures (EAMENA's and the project's)."""
    generate()
    assert DamageReport.objects.values("cause").distinct().count() > 3
    assert DisturbanceCause.objects.filter(scheme="EAMENA", label_ar="ألغام أرضية", slug="landmines").exists()
    assert set(Event.objects.values_list("kind", flat=True)) >= {"capture", "air_campaign", "statement"}
    assert set(EventFigure.objects.values_list("quantity_unit", flat=True)) >= {"sorties", "targets"}


def test_rows_added_afterwards_get_fresh_ids():
    """The report phase gives primary keys itself; ordinary inserts afterwards still get unused ones (PostgreSQL's
    sequences are moved past them)."""
    generate()
    report = DamageReport.objects.order_by("-pk").first()
    citation = Citation.objects.create(source=Source.objects.first(), quote="added later", char_start=0, char_end=11)
    assert citation.pk > Citation.objects.exclude(pk=citation.pk).order_by("-pk").first().pk
    report.citations.add(citation)
    report.pk, report.slug = None, "syn-added-later"
    report.save()
    assert report.pk > DamageReport.objects.exclude(pk=report.pk).order_by("-pk").first().pk


def test_row_writer_refuses_columns_that_leave_a_field_unset():
    """A field added to DamageReport later must fail loudly, not be left empty by the fast insert path."""
    with pytest.raises(ImproperlyConfigured, match=r"columns not set \['description'\]"):
        RowWriter(DamageReport, [c for c in DAMAGE_REPORT_COLUMNS if c != "description"])


def test_the_command_reports_what_it_did():
    out = io.StringIO()
    call_command("generate_synthetic", sites=3, reports=10, seed=5, verbosity=2, stdout=out, stderr=io.StringIO())
    assert "records.DamageReport" in out.getvalue()
    assert re.search(r"Generated [\d,]+ synthetic rows \(seed 5\)", out.getvalue())


@pytest.mark.parametrize(
    ("option", "message"),
    [
        ({"sites": 0}, "--sites must be from 1 to 1,000,000"),
        ({"sites": 10**20}, "--sites must be from 1 to 1,000,000"),
        ({"reports": -1}, "--reports must be from 0 to 10,000,000"),
        ({"reports": 10**20}, "--reports must be from 0 to 10,000,000"),
    ],
)
def test_the_command_refuses_impossible_sizes(option, message):
    with pytest.raises(CommandError, match=message):
        call_command("generate_synthetic", **{"sites": 1, "reports": 1, **option}, verbosity=0)
