"""
Fixtures for the API tests: clients for each kind of user, and a second site beside Palmyra so that every filter has
rows it should keep and rows it should drop.

Users get explicit model permissions here (the Curator and Researcher groups come from a data migration in another
branch, which these tests must not depend on).
"""

import pytest
from django.contrib.auth.models import Permission, User
from django.core.cache import cache
from django.db import connection
from rest_framework.test import APIClient

from heritage.records.models import (
    Actor,
    ActorIdentifier,
    Citation,
    DamageReport,
    Designation,
    DisturbanceCause,
    Event,
    EventFigure,
    EventParticipant,
    Occupation,
    Period,
    PeriodIdentifier,
    Site,
    SiteIdentifier,
    SiteName,
    SitePeriod,
    Source,
    Structure,
    Threat,
)

from ..recorded import replayed
from ..tokens import token_header


@pytest.fixture(autouse=True)
def fresh_throttle_counts():
    """Throttle counts live in the cache; each test starts with none, whatever ran before it."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def unthrottled(monkeypatch):
    """For tests that send many requests from one client: the throttles still run, at rates no test reaches."""
    from rest_framework.throttling import SimpleRateThrottle

    rates = {"anon": "1000000/minute", "user": "1000000/minute", "failed_login": "1000000/minute"}
    monkeypatch.setattr(SimpleRateThrottle, "THROTTLE_RATES", rates)


def permissions(*actions):
    return Permission.objects.filter(content_type__app_label="records", codename__regex=rf"^({'|'.join(actions)})_")


def grant(user, permissions):
    """
    Give a new user `permissions` (a queryset) in one statement: `user_permissions.set()` makes a model of each of
    the 200-odd permissions and of each row, some 15 ms a user, and hundreds of tests make one.
    """
    quote = connection.ops.quote_name
    links, all_permissions = quote(User.user_permissions.through._meta.db_table), quote(Permission._meta.db_table)
    chosen, params = permissions.values("pk").query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {links} (user_id, permission_id) SELECT %s, id FROM {all_permissions} WHERE id IN ({chosen})",
            [user.pk, *params],
        )


def token_client(username, *actions):
    user = User.objects.create_user(username=username, password=None)
    grant(user, permissions(*actions))
    header = token_header(user)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=header)
    client.user = user
    # For clients other than Django's (schemathesis' WSGI calls).
    client.credentials_header = {"Authorization": header}
    return client


@pytest.fixture
def anonymous(db):
    return APIClient()


@pytest.fixture
def researcher(db):
    """A token whose user may only view, like the Researcher group."""
    return token_client("researcher", "view")


@pytest.fixture
def curator(db):
    """A token whose user may add, change and view, but not delete, like the Curator group."""
    return token_client("curator", "add", "change", "view")


@pytest.fixture
def deleter(db):
    """A token whose user may also delete."""
    return token_client("deleter", "add", "change", "view", "delete")


@pytest.fixture
def world(palmyra):
    """
    Palmyra's article, plus Hatra: located, in danger, Parthian, occupied twice, damaged, threatened. Returns a dict
    of the added records by short name (written once per session, then replayed: tests/recorded.py).
    """
    return replayed(build_world)


def build_world():
    isis = Actor.objects.get(slug="isis")
    unesco = Actor.objects.get(slug="unesco")
    pmf = Actor.objects.create(
        slug="pmf", name="Popular Mobilization Forces", kind="armed_group", country="IQ", parent=None
    )
    pmf.aliases.create(name="al-Hashd al-Shaabi", language="ar-Latn")
    hatra = Site.objects.create(
        slug="hatra",
        name="Hatra",
        kind="archaeological_site",
        country="IQ",
        description="A fortified Parthian city in the Jazira.",
        latitude="35.588300",
        longitude="42.718300",
        location_certainty="high",
    )
    SiteName.objects.create(site=hatra, name="al-Hadr", kind="local", language="ar-Latn")
    Designation.objects.create(site=hatra, kind="unesco_world_heritage", valid_from="1985", granted_by=unesco)
    Designation.objects.create(site=hatra, kind="unesco_in_danger", valid_from="2015", granted_by=unesco)
    parthian = Period.objects.create(
        slug="parthian",
        name="Parthian",
        label="c. 247 BCE – 224 CE",
        start_earliest=-246,
        start_latest=-246,
        stop_earliest=224,
        stop_latest=224,
    )
    SitePeriod.objects.create(site=hatra, period=parthian)
    temple = Structure.objects.create(site=hatra, slug="great-temple", name="Great Temple")
    recapture = Event.objects.create(
        slug="hatra-recapture", title="Recapture of Hatra", kind="capture", site=hatra, occurred="2017-04-26"
    )
    EventParticipant.objects.create(event=recapture, actor=pmf, role="agent")
    EventFigure.objects.create(
        event=recapture,
        measure="fighters",
        quantity_min=3000,
        quantity_max=3000,
        quantity_qualifier="approximately",
        quantity_unit="people",
    )
    held = Occupation.objects.create(
        slug="isis-hatra",
        site=hatra,
        occupier=isis,
        started="2014-06",
        ended="2017-04-26",
        end_kind="recaptured",
        ending_event=recapture,
        quantity_max=35,  # "fewer than three years"
        quantity_qualifier="fewer_than",
        quantity_unit="months",
    )
    after = Occupation.objects.create(slug="pmf-hatra", site=hatra, occupier=pmf, started="2017-04-26")
    smashed = DamageReport.objects.create(
        slug="hatra-statues-smashed",
        site=hatra,
        structure=temple,
        cause=DisturbanceCause.objects.get(slug="breaking-smashing"),
        severity="moderately_damaged",
        extent="partial",
        is_permanent=False,
        occurred="2015-03",
        occupation=held,
        perpetrator=isis,
        certainty="high",
        status="verified",
        description="Statues smashed with hammers.",
    )
    looting = Threat.objects.create(
        slug="hatra-looting",
        site=hatra,
        cause=DisturbanceCause.objects.get(slug="looting"),
        endangers="site",
        certainty="low",
        status="draft",
        observed="2017",
        quantity_min=30,  # "between 30 and 40 objects"
        quantity_max=40,
        quantity_qualifier="between",
        quantity_unit="objects",
        description="Unguarded after the recapture.",
    )
    source = Source.objects.create(
        slug="hatra-report",
        title="Hatra field report",
        kind="report",
        publisher="Test Press",
        language="en",
        text=Source.objects.get(slug="palmyra-recapture-2016").text + "\n(Hatra's copy.)",
    )
    citation = Citation(source=source, quote="recaptured the desert city of Palmyra")
    citation.locate()
    citation.save()
    smashed.citations.add(citation)
    # Identifiers in other registers, so that every format and both read paths show them.
    SiteIdentifier.objects.create(site=hatra, scheme="whl", value="277").citations.add(citation)
    SiteIdentifier.objects.create(site=Site.objects.get(slug="palmyra"), scheme="pleiades", value="668331")
    ActorIdentifier.objects.create(actor=isis, scheme="wikidata", value="Q2429253")
    PeriodIdentifier.objects.create(period=parthian, scheme="periodo", value="p0qhb66fhbb")
    return {
        "hatra": hatra,
        "pmf": pmf,
        "parthian": parthian,
        "temple": temple,
        "recapture": recapture,
        "held": held,
        "after": after,
        "smashed": smashed,
        "looting": looting,
        "source": source,
        "citation": citation,
    }
