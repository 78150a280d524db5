"""
The Palmyra article, fact by fact, asserted as queries over the loaded fixtures.

Each test names the sentence it checks; together they show that no fact of the article is lost. Where a fact is
a claim the article relays, the test checks who made it too.
"""

import datetime

import pytest

from heritage.records.choices import (
    ActorKind,
    Certainty,
    DesignationKind,
    Extent,
    NameKind,
    OccupationEnd,
    ParticipantRole,
    Qualifier,
    Severity,
)
from heritage.records.models import (
    Actor,
    Citation,
    DamageReport,
    Designation,
    Event,
    EventFigure,
    Occupation,
    Period,
    Site,
    Source,
    Threat,
)

pytestmark = pytest.mark.django_db


def cited_in(record, *fragments):
    """The record cites passages containing each fragment."""
    quotes = [c.quote for c in record.citations.all()]
    for fragment in fragments:
        assert any(fragment in quote for quote in quotes), f"{record!r} does not cite {fragment!r}: {quotes}"


def test_title_russian_forces_help_to_recapture_palmyra(palmyra):
    """ "Russian Forces Help to Recapture Palmyra"."""
    source = Source.objects.get()
    assert source.title == "Russian Forces Help to Recapture Palmyra"
    assert source.kind_id == "news_article"
    recapture = Event.objects.get(kind="capture", site=palmyra)
    assert recapture.participants.filter(actor__slug="russian-armed-forces", role=ParticipantRole.AGENT).exists()


def test_syrian_and_russian_forces_recaptured_palmyra_from_isis_on_march_27(palmyra):
    """ "Syrian and Russian forces scored a major victory in the fight against ISIS on March 27 when they recaptured
    the desert city of Palmyra." The year is not in the article: 2016 is inferred, and the record says so."""
    recapture = Event.objects.get(slug="recapture-of-palmyra")
    assert recapture.occurred_earliest == recapture.occurred_latest == datetime.date(2016, 3, 27)
    assert recapture.occurred_inferred
    agents = set(recapture.participants.filter(role=ParticipantRole.AGENT).values_list("actor__slug", flat=True))
    assert {"syrian-army", "russian-armed-forces"} <= agents
    assert recapture.participants.get(role=ParticipantRole.OPPONENT).actor.name == "ISIS"
    cited_in(recapture, "recaptured the desert city of Palmyra")


def test_palmyra_is_a_desert_city_in_syria(palmyra):
    assert palmyra.name == "Palmyra"
    assert palmyra.kind == "historic_city"
    assert "desert city" in palmyra.description
    assert palmyra.country.code == "SY"
    cited_in(palmyra, "the desert city of Palmyra")


def test_isis_held_palmyra_about_ten_months_until_the_recapture(palmyra):
    """ "during the group's ten month occupation": ends 2016-03-27 by recapture, lasts 9-11 months."""
    occupation = Occupation.objects.get(site=palmyra, occupier__slug="isis")
    assert occupation.ended_latest == datetime.date(2016, 3, 27)
    assert occupation.end_kind == OccupationEnd.RECAPTURED
    assert occupation.ending_event.slug == "recapture-of-palmyra"
    assert {actor.slug for actor in occupation.ended_by} >= {"syrian-army", "russian-armed-forces"}
    months = (occupation.ended_latest - occupation.started_earliest).days / 30.44
    assert 9 <= months <= 11
    bounds = (occupation.quantity_min, occupation.quantity_max)
    assert (bounds, occupation.quantity_qualifier, occupation.quantity_unit_id) == (
        (10, 10),
        Qualifier.APPROXIMATELY,
        "months",
    )
    assert occupation.quantity_display == "approximately 10 months"
    assert occupation.ended_inferred
    assert Occupation.objects.active_on(datetime.date(2015, 12, 1)).filter(pk=occupation.pk).exists()
    assert not Occupation.objects.active_on(datetime.date(2016, 4, 1)).filter(pk=occupation.pk).exists()
    cited_in(occupation, "ten month occupation")


def test_greatest_victory_since_isis_declared_its_caliphate_in_june_2014(palmyra):
    """ "Hailed as the greatest victory ... since ISIS declared its caliphate in June 2014"."""
    declaration = Event.objects.get(kind="declaration")
    assert declaration.occurred == "2014-06"
    assert (declaration.occurred_earliest, declaration.occurred_latest) == (
        datetime.date(2014, 6, 1),
        datetime.date(2014, 6, 30),
    )
    assert declaration.participants.get(role=ParticipantRole.AGENT).actor.slug == "isis"
    assert "caliphate" in declaration.title
    cited_in(Event.objects.get(slug="recapture-of-palmyra"), "Hailed as the greatest victory")


def test_pro_regime_forces_step_up_the_offensive_around_the_city(palmyra):
    offensive = Event.objects.get(slug="offensive-around-palmyra")
    assert offensive.kind_id == "military_operation"
    assert offensive.site == palmyra
    assert offensive.participants.get(role=ParticipantRole.AGENT).actor.slug == "pro-regime-forces"
    assert offensive.occurred_earliest == datetime.date(2016, 3, 27)
    cited_in(offensive, "step up the offensive in the areas immediately surrounding the city")


def test_the_victory_legitimizes_russias_presence_criticised_by_the_us_and_allies_since_september_2015(palmyra):
    campaign = Event.objects.get(slug="russian-military-campaign")
    assert campaign.occurred == "2015-09"
    assert campaign.participants.get(role=ParticipantRole.AGENT).actor.slug == "russia"
    criticism = Event.objects.get(kind="criticism")
    critics = set(criticism.participants.filter(role=ParticipantRole.CRITIC).values_list("actor__slug", flat=True))
    assert critics == {"united-states", "united-states-allies"}
    assert criticism.occurred_earliest == datetime.date(2015, 9, 1)
    assert criticism.occurred_latest is None  # "ever since": still going on
    cited_in(Event.objects.get(slug="recapture-of-palmyra"), "legitimize Russian military presence")


@pytest.mark.parametrize(
    ("measure", "bounds", "qualifier", "unit", "display", "words"),
    [
        (
            "sorties flown",
            (500, 500),
            Qualifier.APPROXIMATELY,
            "sorties",
            "approximately 500 sorties",
            "around 500 sorties",
        ),
        (
            "ISIS targets hit",
            (2001, None),
            Qualifier.MORE_THAN,
            "targets",
            "more than 2,000 targets",
            "more than 2,000 ISIS targets",
        ),
        ("duration", (None, 20), Qualifier.AT_MOST, "days", "at most 20 days", "within a span of twenty days"),
    ],
)
def test_air_campaign_figures_according_to_the_russian_defense_ministry(
    palmyra, measure, bounds, qualifier, unit, display, words
):
    """ "According to the Russian Defense Ministry ... warplanes carrying out around 500 sorties and hitting more
    than 2,000 ISIS targets within a span of twenty days": numbers with their qualifiers, attributed. The bounds are
    what the wording implies: more than 2,000 is 2,001 and up, within twenty days is at most 20."""
    figure = EventFigure.objects.get(event__kind="air_campaign", measure=measure)
    assert ((figure.quantity_min, figure.quantity_max), figure.quantity_qualifier, figure.quantity_unit_id) == (
        bounds,
        qualifier,
        unit,
    )
    assert figure.quantity_display == display
    assert figure.event.part_of.slug == "recapture-of-palmyra"
    citation = figure.citations.get()
    assert citation.quote == words
    assert citation.attributed_to.slug == "russian-defense-ministry"
    assert citation.attribution == "According to the Russian Defense Ministry"


def test_russia_played_a_key_role_according_to_the_ministry(palmyra):
    role = Event.objects.get(slug="recapture-of-palmyra").participants.get(actor__slug="russian-armed-forces")
    claim = role.citations.get(quote__contains="key role")
    assert claim.attributed_to.kind == ActorKind.MINISTRY
    assert claim.attributed_to.parent.slug == "russia"


def test_assad_praised_the_victories_and_tied_settlement_to_stability(palmyra):
    statement = Event.objects.get(kind="statement")
    speaker = statement.participants.get(role=ParticipantRole.SPEAKER).actor
    assert speaker.name == "Bashar al-Assad"
    assert speaker.kind == ActorKind.PERSON
    assert speaker.parent.slug == "syria"
    assert "speeding up of political settlement" in statement.statement
    assert statement.statement in statement.citations.get(quote__startswith="Russia's military support").quote
    assert "stability" in statement.description
    cited_in(statement, "praised the victories", "returned to stability")


def test_political_settlement_is_a_concern_of_the_west_since_the_start_of_the_civil_war(palmyra):
    west = Actor.objects.get(slug="the-west")
    assert west.participations.get(event__kind="statement").role == ParticipantRole.SUBJECT
    war = Event.objects.get(kind="conflict")
    assert war.title == "Syrian Civil War"
    assert war.occurred == ""  # the article names the war but does not date it
    cited_in(war, "beginning of the Syrian Civil War")


def test_pearl_of_the_middle_east_and_queen_of_the_syrian_desert(palmyra):
    epithets = set(palmyra.names.filter(kind=NameKind.EPITHET).values_list("name", flat=True))
    assert epithets == {"Pearl of the Middle East", "Queen of the Syrian desert"}


def test_at_least_150_mines_make_the_city_unsafe_for_civilians_to_return(palmyra):
    threat = Threat.objects.get(site=palmyra)
    assert threat.cause.slug == "landmines"
    bounds = (threat.quantity_min, threat.quantity_max)
    assert (bounds, threat.quantity_qualifier, threat.quantity_unit_id) == ((150, None), Qualifier.AT_LEAST, "mines")
    assert threat.quantity_display == "at least 150 mines"
    assert threat.endangers == "people"
    assert "civilians" in threat.consequence
    assert not DamageReport.objects.filter(cause__slug="landmines").exists()  # a threat, not observed damage
    cited_in(threat, "At least 150 mines")


def test_civilians_fled_before_the_allied_offensive(palmyra):
    flight = Event.objects.get(kind="displacement")
    assert flight.site == palmyra
    assert flight.occurred_latest == datetime.date(2016, 3, 27)
    cited_in(flight, "fled before the allied offensive began")


def test_the_irish_times_reported_a_mass_grave_of_soldiers_and_civilians(palmyra):
    grave = Event.objects.get(kind="discovery")
    assert grave.site == palmyra
    assert grave.participants.get(role=ParticipantRole.REPORTER).actor.kind == ActorKind.NEWS_MEDIA
    assert grave.participants.get(role=ParticipantRole.VICTIM).actor.slug == "syrian-army"
    assert "women and children" in grave.description
    claim = grave.citations.get(quote__contains="mass grave")
    assert claim.attributed_to.name == "The Irish Times"
    assert claim.attribution == "The Irish Times reported"


def test_much_of_palmyras_heritage_has_been_permanently_destroyed(palmyra):
    report = DamageReport.objects.get(site=palmyra, severity=Severity.DESTROYED)
    assert report.is_permanent is True
    assert report.extent == Extent.MAJOR
    assert report.cause.slug == "demolition-destruction"
    assert report.perpetrator is None  # the sentence does not say who
    cited_in(report, "permanently destroyed")


def test_declared_a_unesco_world_heritage_site_in_1980(palmyra):
    designation = Designation.objects.get(site=palmyra, kind=DesignationKind.WORLD_HERITAGE)
    assert designation.valid_from_earliest == datetime.date(1980, 1, 1)
    assert designation.valid_from_latest == datetime.date(1980, 12, 31)
    assert designation.is_current
    assert designation.granted_by.slug == "unesco"
    assert "archaeological and historical sites" in designation.justification
    cited_in(designation, "UNESCO World Heritage Site in 1980")


def test_sites_dating_back_to_the_early_second_millennium_bce(palmyra):
    period = palmyra.periods.get()
    assert period.start_earliest < -1899  # begins before 1900 BCE
    assert Period.objects.overlapping(-1799).filter(pk=period.pk).exists()  # touches 1800 BCE
    assert not Period.objects.overlapping(-999).exists()
    cited_in(palmyra.site_periods.get(), "early second millennium BCE")


def test_palmyra_was_largely_defaced_by_isis_during_its_occupation(palmyra):
    report = DamageReport.objects.get(site=palmyra, perpetrator__slug="isis")
    assert report.cause.slug == "vandalism"
    assert report.extent == Extent.MAJOR
    assert report.severity == Severity.SEVERELY_DAMAGED
    assert report.occupation.occupier.slug == "isis"
    assert report.occurred == ""  # dated only as "during the occupation" ...
    assert (report.occurred_earliest, report.occurred_latest) == (  # ... so it takes the occupation's bounds
        report.occupation.started_earliest,
        report.occupation.ended_latest,
    )
    assert report.certainty == Certainty.MEDIUM
    cited_in(report, "largely defaced by ISIS")


def test_every_actor_the_article_names_is_recorded(palmyra):
    names = set(Actor.objects.values_list("name", flat=True))
    assert {
        "ISIS",
        "Syrian Army",
        "Russian armed forces",
        "Russian Defense Ministry",
        "Russia",
        "United States",
        "Bashar al-Assad",
        "The Irish Times",
        "UNESCO",
        "The West",
        "Pro-regime forces",
    } <= names
    assert Citation.objects.filter(attributed_to__isnull=False).values("attributed_to").distinct().count() == 2
    assert Site.objects.count() == 1
