"""
Integrity lives in the database: each constraint refuses a bad row even when no form or clean() runs.

Every case writes straight to the database (`QuerySet.update()` or `create()`, which skip validation) and expects
the database itself to refuse. The same cases run on SQLite and PostgreSQL (CI runs both).
"""

import datetime
from unittest import mock

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, models, transaction
from django.db.models import ProtectedError
from django.test.utils import CaptureQueriesContext

from heritage.records.models import (
    Actor,
    ActorAlias,
    Citation,
    DamageReport,
    Designation,
    Event,
    EventFigure,
    EventParticipant,
    Occupation,
    Period,
    Site,
    SiteName,
    SitePeriod,
    Source,
    Structure,
    Threat,
)
from heritage.records.models.base import CountryField

pytestmark = pytest.mark.django_db


def refused(action):
    with pytest.raises(IntegrityError), transaction.atomic():
        action()


def test_every_constraint_is_named_and_explains_itself():
    """A refused row tells the curator why: each constraint has a records_ name and a violation message."""
    for model in apps.get_app_config("records").get_models():
        for constraint in model._meta.constraints:
            assert constraint.name.startswith(f"records_{model._meta.model_name}_"), constraint.name
            assert constraint.violation_error_message != constraint.default_violation_error_message, constraint.name


# Rows that break a check constraint: a record (the model, and a lookup finding it in the article) and values for it.
BREAKING_A_CHECK = (
    ("model", "lookup", "bad"),
    [
        (Period, {"slug": "early-second-millennium-bce"}, {"start_latest": -2500}),
        (Period, {"slug": "early-second-millennium-bce"}, {"stop_earliest": -1500, "stop_latest": -1550}),
        (Period, {"slug": "early-second-millennium-bce"}, {"stop_earliest": -3000, "stop_latest": -3000}),
        (Site, {"slug": "palmyra"}, {"latitude": 91, "longitude": 38, "location_certainty": "high"}),
        (Site, {"slug": "palmyra"}, {"latitude": 34, "longitude": -181, "location_certainty": "high"}),
        (Site, {"slug": "palmyra"}, {"latitude": 34.55}),
        (Site, {"slug": "palmyra"}, {"location_certainty": "high"}),
        (Designation, {"kind": "unesco_world_heritage"}, {"valid_to_latest": datetime.date(1979, 1, 1)}),
        (Designation, {"kind": "unesco_world_heritage"}, {"valid_from_latest": datetime.date(1979, 1, 1)}),
        (Occupation, {"slug": "isis-palmyra-2015"}, {"ended_latest": datetime.date(2015, 1, 1)}),
        (Occupation, {"slug": "isis-palmyra-2015"}, {"started_latest": datetime.date(2015, 1, 1)}),
        (Occupation, {"slug": "isis-palmyra-2015"}, {"ended": ""}),
        (Occupation, {"slug": "isis-palmyra-2015"}, {"quantity_min": -1}),
        (Occupation, {"slug": "isis-palmyra-2015"}, {"quantity_qualifier": ""}),
        (Occupation, {"slug": "isis-palmyra-2015"}, {"quantity_min": None, "quantity_max": None}),
        (Occupation, {"slug": "isis-palmyra-2015"}, {"quantity_min": 11, "quantity_qualifier": "between"}),
        (Occupation, {"slug": "isis-palmyra-2015"}, {"quantity_max": None}),
        (Event, {"slug": "recapture-of-palmyra"}, {"occurred_latest": datetime.date(2016, 3, 1)}),
        (EventFigure, {"measure": "sorties flown"}, {"quantity_max": -500}),
        (
            EventFigure,
            {"measure": "sorties flown"},
            {"quantity_min": None, "quantity_max": None, "quantity_qualifier": "", "quantity_unit": None},
        ),
        (EventFigure, {"measure": "sorties flown"}, {"quantity_qualifier": "between"}),
        (EventFigure, {"measure": "sorties flown"}, {"quantity_qualifier": "exactly", "quantity_max": 600}),
        (EventFigure, {"measure": "ISIS targets hit"}, {"quantity_max": 3000}),
        (EventFigure, {"measure": "ISIS targets hit"}, {"quantity_min": 0}),  # "more than -1"
        (EventFigure, {"measure": "duration"}, {"quantity_min": 5}),
        (DamageReport, {"slug": "palmyra-defaced-by-isis"}, {"occurred_latest": datetime.date(2014, 1, 1)}),
        (Threat, {"slug": "palmyra-landmines-2016"}, {"quantity_min": -150}),
        (Threat, {"slug": "palmyra-landmines-2016"}, {"quantity_unit": None}),
        (Threat, {"slug": "palmyra-landmines-2016"}, {"quantity_min": None, "quantity_max": 150}),
        (Citation, {"quote": "around 500 sorties"}, {"char_end": models.F("char_start")}),
        (Citation, {"quote": "around 500 sorties"}, {"char_end": models.F("char_end") + 1}),
        (Citation, {"quote": "around 500 sorties"}, {"char_start": -1, "char_end": 17}),
    ],
)
MODEL_NAMES = {"ids": lambda value: getattr(value, "__name__", None) if isinstance(value, type) else None}


@pytest.mark.parametrize(*BREAKING_A_CHECK, **MODEL_NAMES)
def test_the_database_refuses_a_row_breaking_a_check(palmyra, model, lookup, bad):
    refused(lambda: model.objects.filter(**lookup).update(**bad))


@pytest.mark.parametrize(*BREAKING_A_CHECK, **MODEL_NAMES)
def test_validation_refuses_a_record_breaking_a_check_as_django_does(palmyra, model, lookup, bad):
    """
    The record's check constraints, validated together in one query (models/checks.py), refuse what Django's own
    validation of each constraint refuses, with the same messages in the same order. (A negative offset breaks no
    constraint of the model's but its field's own, which `clean_fields` reports.)
    """
    record = model.objects.get(**lookup)
    for name, value in bad.items():
        if hasattr(value, "resolve_expression"):  # F("char_start"): the value it has in the row
            value = model.objects.filter(pk=record.pk).annotate(value=value).values_list("value", flat=True).get()
        setattr(record, name, value)
    together = refusal(record.validate_constraints)
    assert together == refusal(lambda: models.Model.validate_constraints(record))
    assert together is not None or bad.get("char_start", 0) < 0


def refusal(validate):
    """What `validate()` refuses ({field: messages}, or the messages of a field's check), or None."""
    try:
        validate()
    except ValidationError as error:
        return error.message_dict if hasattr(error, "error_dict") else error.messages
    return None


def test_a_records_check_constraints_are_validated_in_one_query(palmyra):
    """A site's four check constraints: one query (and its savepoint), where Django's validation takes four."""
    assert len([c for c in Site._meta.constraints if isinstance(c, models.CheckConstraint)]) == 4
    with CaptureQueriesContext(connection) as together:
        palmyra.validate_constraints()
    with CaptureQueriesContext(connection) as by_django:
        models.Model.validate_constraints(palmyra)
    queries = [[q["sql"] for q in run if "SAVEPOINT" not in q["sql"]] for run in (together, by_django)]
    assert [len(sqls) for sqls in queries] == [1, 4]


@pytest.mark.parametrize(
    ("model", "copy_of", "same"),
    [
        (Site, {"slug": "palmyra"}, ["slug"]),
        (Period, {"slug": "early-second-millennium-bce"}, ["slug"]),
        (Actor, {"slug": "isis"}, ["slug"]),
        (Occupation, {"slug": "isis-palmyra-2015"}, ["slug"]),
        (DamageReport, {"slug": "palmyra-defaced-by-isis"}, ["slug"]),
        (Event, {"slug": "recapture-of-palmyra"}, ["slug"]),
        (Threat, {"slug": "palmyra-landmines-2016"}, ["slug"]),
        (Source, {"slug": "palmyra-recapture-2016"}, ["slug"]),
        (SiteName, {"name": "Pearl of the Middle East"}, ["site", "name"]),
        (SitePeriod, {"site__slug": "palmyra"}, ["site", "period"]),
        (Designation, {"kind": "unesco_world_heritage"}, ["site", "kind", "valid_from"]),
        (EventFigure, {"measure": "sorties flown"}, ["event", "measure"]),
        (EventParticipant, {"role": "speaker"}, ["event", "actor", "role"]),
        (Citation, {"quote": "around 500 sorties"}, ["source", "quote"]),
    ],
    ids=lambda value: value.__name__ if isinstance(value, type) else None,
)
def test_the_database_refuses_a_duplicate_natural_key(palmyra, model, copy_of, same):
    """Slugs and natural keys are unique in the database; a copy keeping them is refused."""
    original = model.objects.get(**copy_of)
    copy = model.objects.get(pk=original.pk)
    copy.pk = copy.id = None
    copy._state.adding = True
    for field in model._meta.concrete_fields:
        if field.unique and field.name not in same and not field.primary_key:
            setattr(copy, field.attname, f"other-{getattr(copy, field.attname)}")
    if model is Citation:
        copy.char_start, copy.char_end = 0, len(copy.quote)  # another span, same quote
    refused(lambda: model.objects.bulk_create([copy]))  # bulk_create skips validation and signals


def test_one_citation_per_record_and_quote(palmyra):
    """A record cites a given passage once: the link table refuses a second link."""
    report = DamageReport.objects.get(slug="palmyra-defaced-by-isis")
    citation = report.citations.get()
    link = DamageReport.citations.through
    refused(lambda: link.objects.create(damagereport=report, citation=citation))


def test_the_same_span_cannot_be_two_citations(palmyra):
    citation = Citation.objects.get(quote="around 500 sorties")
    refused(
        lambda: Citation.objects.create(
            source=citation.source, quote="x" * 18, char_start=citation.char_start, char_end=citation.char_end
        )
    )


def test_deleting_a_cited_source_is_refused(palmyra):
    with pytest.raises(ProtectedError):
        Source.objects.get().delete()
    assert Citation.objects.count() > 0


@pytest.mark.parametrize("slug", ["isis", "russian-defense-ministry", "unesco", "syria", "irish-times"])
def test_deleting_an_actor_that_records_name_is_refused(palmyra, slug):
    """Occupier, perpetrator, participant, claimant, granting body, parent: none cascades away."""
    with pytest.raises(ProtectedError):
        Actor.objects.get(slug=slug).delete()
    assert Actor.objects.filter(slug=slug).exists()


def test_deleting_a_site_with_a_record_is_refused(palmyra):
    with pytest.raises(ProtectedError):
        palmyra.delete()


def test_full_clean_names_the_field_and_reason_for_bad_input(palmyra):
    """The same rules, met in a form or API, come back as messages a curator can act on."""
    report = DamageReport.objects.get(slug="palmyra-defaced-by-isis")
    report.occurred = "2016-13-45"
    with pytest.raises(ValidationError) as caught:
        report.full_clean()
    assert "is not a valid EDTF date" in caught.value.message_dict["occurred"][0]

    occupation = Occupation.objects.get()
    occupation.ended = "2014"
    with pytest.raises(ValidationError) as caught:
        occupation.full_clean()
    assert "must not be before its start" in " ".join(caught.value.messages)

    citation = Citation(source=Source.objects.get(), quote="Palmyra was rebuilt")
    with pytest.raises(ValidationError) as caught:
        citation.full_clean()
    assert "does not occur in the source" in caught.value.message_dict["quote"][0]

    threat = Threat.objects.get()
    threat.quantity_min = -3
    with pytest.raises(ValidationError) as caught:
        threat.full_clean()
    assert "quantity_min" in caught.value.message_dict


def test_the_database_keeps_a_range_and_a_single_number(palmyra):
    """The shapes the wording gives are stored as they are: a range, an approximate range, one number, open ends."""
    figures = EventFigure.objects.filter(measure="sorties flown")
    for bounds in [
        {"quantity_qualifier": "between", "quantity_min": 400, "quantity_max": 600},
        {"quantity_qualifier": "approximately", "quantity_min": 400, "quantity_max": 600},
        {"quantity_qualifier": "exactly", "quantity_min": 0, "quantity_max": 0},
        {"quantity_qualifier": "more_than", "quantity_min": 2**31 - 1, "quantity_max": None},
        {"quantity_qualifier": "fewer_than", "quantity_min": None, "quantity_max": 0},
    ]:
        assert figures.update(**bounds) == 1
        assert figures.values(*bounds).get() == bounds


@pytest.mark.parametrize(
    ("bounds", "field", "words"),
    [
        ({"quantity_min": 40, "quantity_max": 30, "quantity_qualifier": "between"}, "quantity_max", "smaller than"),
        ({"quantity_min": 30, "quantity_max": 30, "quantity_qualifier": "between"}, "quantity_max", "above"),
        ({"quantity_min": 30, "quantity_max": None, "quantity_qualifier": "between"}, "quantity_max", "largest"),
        ({"quantity_min": 30, "quantity_max": 40, "quantity_qualifier": "exactly"}, "quantity_max", "one number"),
        ({"quantity_min": 30, "quantity_max": 40, "quantity_qualifier": "at_least"}, "quantity_max", "leave"),
        ({"quantity_min": None, "quantity_max": 40, "quantity_qualifier": "more_than"}, "quantity_min", "smallest"),
        ({"quantity_min": 30, "quantity_max": 40, "quantity_qualifier": "fewer_than"}, "quantity_min", "leave"),
        ({"quantity_min": 30, "quantity_max": None, "quantity_qualifier": "at_most"}, "quantity_max", "largest"),
        ({"quantity_min": 0, "quantity_max": None, "quantity_qualifier": "more_than"}, "quantity_min", "at least 1"),
        ({"quantity_min": 2**31, "quantity_max": None, "quantity_qualifier": "at_least"}, "quantity_min", "less than"),
    ],
)
def test_full_clean_names_the_bound_that_is_wrong(palmyra, bounds, field, words):
    """A curator's form reports a bad range against the field to correct, with a reason, not as a whole-record error."""
    threat = Threat.objects.get()
    for name, value in bounds.items():
        setattr(threat, name, value)
    with pytest.raises(ValidationError) as caught:
        threat.full_clean()
    assert list(caught.value.message_dict) == [field]
    assert words in caught.value.message_dict[field][0]


def test_a_structure_of_another_site_is_refused(palmyra):
    other = Site.objects.create(slug="bosra", name="Bosra", kind="historic_city", country="SY")
    theatre = Structure.objects.create(site=other, slug="theatre", name="Roman theatre")
    report = DamageReport.objects.get(slug="palmyra-defaced-by-isis")
    report.structure = theatre
    with pytest.raises(ValidationError) as caught:
        report.full_clean()
    assert "structure" in caught.value.message_dict


def test_alias_is_unique_per_actor(palmyra):
    alias = ActorAlias.objects.first()
    refused(lambda: ActorAlias.objects.create(actor=alias.actor, name=alias.name))


@pytest.mark.parametrize("code", ["SY", "sy", "SYR", "760", "XX", "EU", "Syria"])
@pytest.mark.parametrize("model", [Site, Actor])
def test_a_country_is_refused_as_django_refuses_it_without_walking_the_list(palmyra, model, code):
    """
    A site's or an actor's country is checked by looking its code up (models/base.py, CountryField), with the refusal
    Django's check of a choice gives; the 250 countries are not gone through one by one for it.
    """
    field = model._meta.get_field("country")
    record = model(country=code)
    value = field.to_python(record.country)
    with mock.patch.object(type(field.countries), "__iter__", side_effect=AssertionError("walked the countries")):
        ours = refusal(lambda: field.validate(value, record))
    assert ours == refusal(lambda: super(CountryField, field).validate(value, record))
    assert (ours is None) == (code in ("SY", "sy", "SYR", "760"))
