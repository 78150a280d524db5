"""
The Atom feed of damage reports newly verified or retracted (`/api/v1/feeds/damage-reports.atom`): valid Atom as a
feed reader parses it (feedparser, `bozo == 0`), newest status move first, each entry linking to the report in the
API with its `updated` the time of the move; the damage reports' filters apply; drafts never appear.
"""

import feedparser
import pytest
from django.contrib.auth.models import AnonymousUser
from django.utils.dateparse import parse_datetime

from heritage.records import services
from heritage.records.models import DamageReport, DisturbanceCause, Site

from ..admin_helpers import make_user

FEED = "/api/v1/feeds/damage-reports.atom"


@pytest.fixture
def moves(world):
    """Three of Hatra's and Palmyra's reports moved through the workflow (in this order), and a draft."""
    boss = make_user("boss", superuser=True)
    cause = DisturbanceCause.objects.get(slug="looting")

    def report(**fields):
        return DamageReport.objects.create(certainty="medium", **fields)

    citation = world["citation"]
    first = report(slug="first", site=world["hatra"], cause=cause, severity="destroyed", status="reported")
    second = report(slug="second", site=world["hatra"], cause=cause, severity="possibly_damaged", status="reported")
    third = report(slug="palmyra-looted", site=Site.objects.get(slug="palmyra"), cause=cause, severity="destroyed")
    report(slug="still-a-draft", site=world["hatra"], cause=cause, severity="destroyed")
    for record in (first, second):
        record.citations.add(citation)
    services.change_status(record=first, status="verified", user=boss)
    services.change_status(record=third, status="retracted", user=boss, reason="Misread the source.")
    services.change_status(record=second, status="verified", user=boss)
    return [DamageReport.objects.get(pk=r.pk) for r in (second, third, first)]  # newest move first


def parse(response):
    assert response.status_code == 200, response.content
    assert response["Content-Type"] == "application/atom+xml; charset=utf-8"
    feed = feedparser.parse(response.content)
    assert feed.bozo == 0, feed.get("bozo_exception")
    assert feed.version == "atom10"
    return feed


def test_the_feed_is_valid_atom_with_the_latest_moves_first(moves, anonymous):
    """Entries: newest status change first, titled with the site, cause and status, linking to the API record."""
    feed = parse(anonymous.get(FEED))
    assert feed.feed.title == "Damage reports verified or retracted"
    assert feed.feed.link.endswith("/api/v1/damage-reports/")
    listed = [(entry.link.rsplit("/", 2)[-2], entry.title) for entry in feed.entries[:3]]
    assert listed == [
        ("second", "Hatra: Looting, verified"),
        ("palmyra-looted", f"{moves[1].site.name}: Looting, retracted"),
        ("first", "Hatra: Looting, verified"),
    ]
    second = feed.entries[0]
    assert second.link == "http://testserver/api/v1/damage-reports/second/" == second.id
    assert parse_datetime(second.updated) == moves[0].status_changed_at
    assert {tag.term for tag in second.tags} == {"verified", "possibly_damaged"}


def test_the_feed_holds_only_verified_and_retracted_reports_never_drafts(moves, anonymous, researcher):
    """Reported and draft reports are not entries, for the public and for researchers alike."""
    for client in (anonymous, researcher):
        slugs = {entry.link.rsplit("/", 2)[-2] for entry in parse(client.get(FEED)).entries}
        statuses = set(DamageReport.objects.filter(slug__in=slugs).values_list("status", flat=True))
        assert statuses <= {"verified", "retracted"} and "still-a-draft" not in slugs
        assert {"first", "second", "palmyra-looted"} <= slugs
    assert not DamageReport.objects.visible_to(AnonymousUser()).filter(slug="still-a-draft").exists()


def test_the_feed_takes_the_lists_filters(moves, anonymous):
    """?site=hatra keeps Hatra's entries; ?status=retracted the retractions."""
    hatra = {entry.link.rsplit("/", 2)[-2] for entry in parse(anonymous.get(FEED, {"site": "hatra"})).entries}
    assert hatra == {"first", "second"}
    retracted = parse(anonymous.get(FEED, {"status": "retracted"})).entries
    assert [entry.link.rsplit("/", 2)[-2] for entry in retracted] == ["palmyra-looted"]
    empty = parse(anonymous.get(FEED, {"site": "hatra", "status": "retracted"}))
    assert empty.entries == [] and empty.feed.updated


@pytest.mark.parametrize(
    ("params", "field"),
    [({"severity": "gone"}, "severity"), ({"site": "no such"}, "site"), ({"updated_since": "2016"}, "updated_since")],
)
def test_a_bad_filter_is_a_400_in_json_naming_it(moves, anonymous, params, field):
    """A feed reader asking for Atom still gets the error as JSON, naming the parameter."""
    response = anonymous.get(FEED, params, HTTP_ACCEPT="application/atom+xml")
    assert response.status_code == 400
    assert response["Content-Type"] == "application/json" and field in response.json()


def test_a_reader_asking_for_atom_gets_atom(moves, anonymous):
    """Feed readers send Accept: application/atom+xml (or anything): the answer is the feed, never a 406."""
    for accept in ("application/atom+xml", "application/xml, */*;q=0.1", "text/html"):
        parse(anonymous.get(FEED, HTTP_ACCEPT=accept))
