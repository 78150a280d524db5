"""
The change feed: `updated_since` on every list (a change to an item of a record's lists is a change of the record),
tombstones of deleted records at /api/v1/deletions/ (from the API, the admin, its bulk action and scripts; filtered
by what each user may know), and the refusals of bad timestamps and reasons.
"""

from datetime import timedelta

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.management import call_command
from django.utils import timezone

from heritage.records.api.urls import router
from heritage.records.models import (
    Actor,
    DamageReport,
    Deletion,
    DisturbanceCause,
    Site,
    SiteExtent,
    SiteIdentifier,
    SiteName,
)

from ..admin_helpers import make_user
from ..conftest import table_counts
from ..tokens import token_header
from .base import if_match

DELETIONS = "/api/v1/deletions/"
LISTS = [f"/api/v1/{prefix}/" for prefix, _, _ in router.registry]


def slugs(client, url, **params):
    response = client.get(url, {"page_size": 500, **params})
    assert response.status_code == 200, response.content
    return {row.get("slug", row.get("id")) for row in response.json()["results"]}


def moment():
    """Now, as a client would send it (ISO 8601 in UTC)."""
    return timezone.now().isoformat()


def group_client(username, group):
    """An API client acting for a user of the given role (the groups of the data migrations)."""
    from rest_framework.test import APIClient

    client = APIClient()
    client.user = make_user(username, group=group)
    client.credentials(HTTP_AUTHORIZATION=token_header(client.user))
    return client


# --- updated_since -------------------------------------------------------------------------------------------------


def test_updated_since_lists_records_changed_at_or_after_the_moment(world, curator, anonymous):
    """Only records written since the moment are listed; an edit through the API brings an old one back."""
    since = moment()
    assert slugs(anonymous, "/api/v1/sites/", updated_since=since) == set()
    url = "/api/v1/sites/hatra/"
    assert curator.patch(url, {"description": "Changed."}, format="json", **if_match(curator, url)).status_code == 200
    assert slugs(anonymous, "/api/v1/sites/", updated_since=since) == {"hatra"}
    # At or after: the record's own timestamp matches itself.
    stamp = Site.objects.get(slug="hatra").last_updated.isoformat()
    assert slugs(anonymous, "/api/v1/sites/", updated_since=stamp) == {"hatra"}


def test_a_change_to_an_item_of_a_list_is_a_change_of_its_record(world, anonymous):
    """A site's name, extent or identifier, an actor's alias, written on their own, make their record updated."""
    hatra, pmf = world["hatra"], world["pmf"]
    since = moment()
    SiteName.objects.filter(site=hatra).get().save()  # e.g. from the name's own admin page
    assert slugs(anonymous, "/api/v1/sites/", updated_since=since) == {"hatra"}

    since = moment()
    SiteExtent.objects.create(site=hatra, position=1, geometry={"type": "Point", "coordinates": [42.7, 35.6]})
    assert slugs(anonymous, "/api/v1/sites/", updated_since=since) == {"hatra"}

    since = moment()
    SiteIdentifier.objects.create(site=Site.objects.get(slug="palmyra"), scheme="wikidata", value="Q123456789")
    assert slugs(anonymous, "/api/v1/sites/", updated_since=since) == {"palmyra"}

    since = moment()
    hatra.names.get().delete()  # removing an item is a change too
    assert slugs(anonymous, "/api/v1/sites/", updated_since=since) == {"hatra"}

    since = moment()
    pmf.aliases.create(name="PMF", language="en")
    assert slugs(anonymous, "/api/v1/actors/", updated_since=since) == {"pmf"}
    assert slugs(anonymous, "/api/v1/sites/", updated_since=since) == set()


def test_a_change_of_citations_is_a_change_of_the_record(world, anonymous):
    """Citing a passage from either side (the record's citations, the passage's records) updates the record."""
    since = moment()
    world["hatra"].citations.add(world["citation"])
    assert slugs(anonymous, "/api/v1/sites/", updated_since=since) == {"hatra"}
    since = moment()
    world["citation"].actors.add(world["pmf"])
    assert slugs(anonymous, "/api/v1/actors/", updated_since=since) == {"pmf"}


def test_a_nested_write_answers_with_the_stored_timestamp(world, curator):
    """A site written with its names answers with the last_updated that updated_since compares."""
    url = "/api/v1/sites/hatra/"
    body = {
        "names": [{"name": "al-Hadr", "kind": "local", "language": "ar-Latn"}, {"name": "Hatrae", "kind": "historical"}]
    }
    response = curator.patch(url, body, format="json", **if_match(curator, url))
    assert response.status_code == 200, response.content
    assert curator.get(url).json()["last_updated"] == response.json()["last_updated"]


def test_loading_a_fixture_keeps_the_timestamps_it_carries(palmyra, tmp_path, anonymous):
    """loaddata (and so restore) is not an edit: a record reloaded as dumped is not listed as changed."""
    dump = tmp_path / "sites.json"
    call_command(
        "dumpdata", "records.site", "records.sitename", natural_foreign=True, natural_primary=True, output=dump
    )
    since = moment()
    call_command("loaddata", dump, verbosity=0)
    assert slugs(anonymous, "/api/v1/sites/", updated_since=since) == set()


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        ("yesterday", "not an ISO 8601 timestamp"),
        ("2016-03-27T10:00:00", "has no time zone"),
        ("2016-03-27", "has no time zone"),
        ("2016-02-30T10:00:00Z", "not an ISO 8601 timestamp"),
        ("2016-03-27T10:00:00+25:00", "not an ISO 8601 timestamp"),
        ("2016-03-27T10:00:00 03:00", "%2B"),
        ("0001-01-01T00:00:00+01:00", "outside the years"),
        ("9999-12-31T23:59:59Z", "in the future"),
        ("2" * 10_000, "not an ISO 8601 timestamp"),
    ],
)
def test_a_bad_updated_since_is_a_400_naming_it_and_why(world, anonymous, value, reason):
    """Malformed, zone-less, impossible, unrepresentable and future timestamps are refused on every list."""
    for url in LISTS:
        response = anonymous.get(url, {"updated_since": value})
        assert response.status_code == 400, (url, response.content)
        assert list(response.json()) == ["updated_since"]
        assert reason in response.json()["updated_since"][0]


def test_a_future_moment_a_second_away_is_refused_too(world, anonymous):
    """A client's clock running ahead asks for nothing that exists: it is told, not given an empty list."""
    ahead = (timezone.now() + timedelta(seconds=2)).isoformat()
    response = anonymous.get("/api/v1/damage-reports/", {"updated_since": ahead})
    assert response.status_code == 400 and "future" in response.json()["updated_since"][0]


def test_updated_since_keeps_drafts_hidden(world, anonymous, researcher):
    """The change feed of damage reports shows the public no drafts; a researcher sees them."""
    since = moment()
    DamageReport.objects.create(
        slug="new-draft", site=world["hatra"], cause=DisturbanceCause.objects.get(slug="looting"), severity="destroyed"
    )
    assert slugs(anonymous, "/api/v1/damage-reports/", updated_since=since) == set()
    assert slugs(researcher, "/api/v1/damage-reports/", updated_since=since) == {"new-draft"}


# --- Tombstones ----------------------------------------------------------------------------------------------------


def test_a_deletion_through_the_api_leaves_a_tombstone_with_its_reason(world, deleter, anonymous):
    """DELETE ?reason= deletes the record and lists it at /api/v1/deletions/, with when and why."""
    since = moment()
    url = "/api/v1/occupations/pmf-hatra/"
    response = deleter.delete(url + "?reason=Duplicate of isis-hatra.", **if_match(deleter, url))
    assert response.status_code == 204, response.content
    rows = anonymous.get(DELETIONS, {"since": since}).json()["results"]
    assert [(r["record_type"], r["identifier"], r["reason"], r["deleted_by"]) for r in rows] == [
        ("occupations", "pmf-hatra", "Duplicate of isis-hatra.", None)
    ]
    assert rows[0]["deleted_at"] >= since


def test_a_refused_deletion_leaves_no_tombstone(world, deleter):
    """A record others refer to (409), or a reason too long or given twice (400), deletes nothing and writes nothing."""
    before = table_counts()
    url = "/api/v1/sites/hatra/"
    assert deleter.delete(url, **if_match(deleter, url)).status_code == 409
    url = "/api/v1/occupations/pmf-hatra/"
    response = deleter.delete(url + "?reason=" + "x" * 501, **if_match(deleter, url))
    assert response.status_code == 400 and "500 characters" in response.json()["reason"][0]
    response = deleter.delete(url + "?reason=Duplicate.&reason=Wrong site.", **if_match(deleter, url))
    assert response.status_code == 400 and response.json()["reason"] == ["Give one reason: the tombstone keeps one."]
    assert table_counts() == before


def test_who_deleted_a_record_is_shown_to_curators_only(world):
    """deleted_by names the user for the Curator group; researchers and the public see null."""
    curator = group_client("cur", "Curator")
    url = "/api/v1/sites/"
    created = curator.post(url, {"slug": "gone", "name": "Gone", "kind": "monument", "country": "SY"}, format="json")
    assert created.status_code == 201, created.content
    assert curator.delete(url + "gone/", **if_match(curator, url + "gone/")).status_code == 204
    researcher = group_client("res", "Researcher")
    seen = {
        who: [r["deleted_by"] for r in client.get(DELETIONS, {"record_type": "sites"}).json()["results"]]
        for who, client in {"curator": curator, "researcher": researcher, "public": group_client("x", None)}.items()
    }
    assert seen == {"curator": ["cur"], "researcher": [None], "public": [None]}


def test_a_deleted_draft_is_no_tombstone_for_those_who_never_saw_it(world, anonymous, researcher):
    """A draft's tombstone is listed to users who may view drafts, never to the public; a reported one to all."""
    cause = DisturbanceCause.objects.get(slug="looting")
    for slug, status in (("a-draft", "draft"), ("a-reported", "reported")):
        DamageReport.objects.create(slug=slug, site=world["hatra"], cause=cause, severity="destroyed", status=status)
    since = moment()
    DamageReport.objects.filter(slug__in=["a-draft", "a-reported"]).delete()  # a script's bulk delete
    assert slugs(anonymous, DELETIONS, since=since) == {Deletion.objects.get(identifier="a-reported").pk}
    assert len(slugs(researcher, DELETIONS, since=since)) == 2
    assert Deletion.objects.visible_to(AnonymousUser()).filter(identifier="a-draft").count() == 0


def test_items_of_a_record_leave_no_tombstone_of_their_own(world, deleter):
    """Deleting a site deletes its names and extents with it: one tombstone, the site's."""
    site = Site.objects.create(slug="lone", name="Lone", kind="monument", country="SY")
    site.names.create(name="Alone", kind="variant")
    since = moment()
    url = "/api/v1/sites/lone/"
    assert deleter.delete(url, **if_match(deleter, url)).status_code == 204
    assert list(Deletion.objects.filter(deleted_at__gte=since).values_list("record_type", "identifier")) == [
        ("sites", "lone")
    ]


def test_deletions_filter_by_type_and_time_and_page_like_other_lists(world, anonymous):
    """record_type and since narrow the list; it is paginated (count, next) and takes cursors."""
    Actor.objects.create(slug="a1", name="A1", kind="person").delete()
    since = moment()
    for i in range(3):
        Site.objects.create(slug=f"s{i}", name=f"S{i}", kind="monument", country="SY").delete()
    assert slugs(anonymous, DELETIONS, record_type="actors") == {Deletion.objects.get(identifier="a1").pk}
    body = anonymous.get(DELETIONS, {"since": since, "page_size": 2}).json()
    assert body["count"] == 3 and body["next"] and [r["identifier"] for r in body["results"]] == ["s0", "s1"]
    cursor = anonymous.get(DELETIONS, {"since": since, "page_size": 2, "cursor": ""}).json()
    assert "count" not in cursor and len(cursor["results"]) == 2


@pytest.mark.parametrize(
    ("params", "field"),
    [({"since": "2016-03-27"}, "since"), ({"since": "soon"}, "since"), ({"record_type": "site"}, "record_type")],
)
def test_bad_deletion_filters_are_a_400_naming_them(world, anonymous, params, field):
    response = anonymous.get(DELETIONS, params)
    assert response.status_code == 400 and list(response.json()) == [field]
