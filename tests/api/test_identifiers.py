"""
External identifiers through the API: sites, actors and periods carry `identifiers` (scheme, value, the register's
address, citations), written with the record and checked per scheme; a value identifies one record; the lists
filter by `identifier=scheme:value`; CSV shows them as `scheme:value` cells and GeoJSON among a site's properties;
a sensitive site's identifiers, which lead to its exact location, only to those who may see it.
"""

import json

import pytest

from heritage.records.models import ActorIdentifier, PeriodIdentifier, Site, SiteIdentifier

from ..conftest import table_counts
from .base import content_of, csv_rows, if_match
from .conftest import token_client

PALMYRA = "/api/v1/sites/palmyra/"
HATRA = "/api/v1/sites/hatra/"


def nimrud(**extra):
    return {"slug": "nimrud", "name": "Nimrud", "kind": "archaeological_site", "country": "IQ", **extra}


def patch(client, url, body):
    return client.patch(url, body, format="json", **if_match(client, url))


def identifiers_of(client, url):
    response = client.get(url)
    assert response.status_code == 200, response.content
    return [(item["scheme"], item["value"]) for item in response.json()["identifiers"]]


@pytest.fixture
def sensitive(world):
    Site.objects.filter(slug="hatra").update(is_sensitive=True)
    return world


@pytest.fixture
def writer(db):
    """An account that may add and change records but not view them: it is not shown sensitive sites' locations."""
    return token_client("writer", "add", "change")


# --- Reading ------------------------------------------------------------------------------------------------------


def test_a_record_shows_its_identifiers_with_their_registers_addresses(world, anonymous):
    """Each identifier reads as scheme, value, the record's address in its register, and its citations."""
    hatra = anonymous.get(HATRA).json()
    (whl,) = hatra["identifiers"]
    assert list(whl) == ["scheme", "value", "url", "citations"]
    assert (whl["scheme"], whl["value"], whl["url"]) == ("whl", "277", "https://whc.unesco.org/en/list/277")
    assert [citation["id"] for citation in whl["citations"]] == [world["citation"].pk]
    assert anonymous.get("/api/v1/actors/isis/").json()["identifiers"] == [
        {"scheme": "wikidata", "value": "Q2429253", "url": "https://www.wikidata.org/wiki/Q2429253", "citations": []}
    ]
    period = anonymous.get("/api/v1/periods/parthian/").json()
    assert period["identifiers"][0]["url"] == "http://n2t.net/ark:/99152/p0qhb66fhbb"
    listed = anonymous.get("/api/v1/sites/").json()["results"]
    assert {row["slug"] for row in listed if row["identifiers"]} == {"hatra", "palmyra"}


def test_an_eamena_identifier_has_no_address(world, curator):
    """EAMENA's records have no public address: the url is null."""
    response = patch(curator, HATRA, {"identifiers": [{"scheme": "eamena", "value": "EAMENA-0182033"}]})
    assert response.status_code == 200, response.content
    assert response.json()["identifiers"] == [
        {"scheme": "eamena", "value": "EAMENA-0182033", "url": None, "citations": []}
    ]


def test_csv_shows_identifiers_as_scheme_value_cells(world, anonymous, curator):
    """One spreadsheet-friendly column, `pleiades:668331; whl:23`, never JSON; in a record's CSV and the export."""
    response = patch(
        curator, PALMYRA, {"identifiers": [{"scheme": "whl", "value": "23"}, {"scheme": "pleiades", "value": "668331"}]}
    )
    assert response.status_code == 200, response.content
    for url in (PALMYRA, "/api/v1/sites/"):
        header, *rows = csv_rows(anonymous.get(url, {"format": "csv"}))
        cells = {row[header.index("slug")]: row[header.index("identifiers")] for row in rows}
        assert cells["palmyra"] == "pleiades:668331; whl:23"
    header, *rows = csv_rows(anonymous.get("/api/v1/actors/", {"format": "csv", "slug": "isis"}))
    assert rows[0][header.index("identifiers")] == "wikidata:Q2429253"


def test_geojson_carries_identifiers_among_a_sites_properties(world, anonymous):
    body = json.loads(content_of(anonymous.get("/api/v1/sites/", {"format": "geojson"})))
    hatra = next(feature for feature in body["features"] if feature["properties"]["slug"] == "hatra")
    assert [(i["scheme"], i["value"]) for i in hatra["properties"]["identifiers"]] == [("whl", "277")]
    feature = json.loads(content_of(anonymous.get(HATRA, {"format": "geojson"})))
    assert feature["properties"]["identifiers"][0]["url"] == "https://whc.unesco.org/en/list/277"


# --- Writing ------------------------------------------------------------------------------------------------------


def test_a_site_is_created_with_its_identifiers(world, curator):
    """One POST writes the site and its identifiers, with their citations; the answer is what reads back."""
    citation = world["citation"].pk
    body = nimrud(
        identifiers=[
            {"scheme": "pleiades", "value": "912910", "citations": [citation]},
            {"scheme": "wikidata", "value": "Q202047"},
        ]
    )
    response = curator.post("/api/v1/sites/", body, format="json")
    assert response.status_code == 201, response.content
    site = Site.objects.get(slug="nimrud")
    assert sorted(site.identifiers.values_list("scheme", "value")) == [("pleiades", "912910"), ("wikidata", "Q202047")]
    assert list(site.identifiers.get(scheme="pleiades").citations.values_list("pk", flat=True)) == [citation]
    assert response.json() == curator.get("/api/v1/sites/nimrud/").json()
    assert response.json()["identifiers"][0]["url"] == "https://pleiades.stoa.org/places/912910"


def test_a_list_sent_replaces_the_identifiers_matching_by_scheme_and_value(world, curator):
    """A kept identifier keeps its row and citations; a new one is added; one left out is deleted."""
    kept = SiteIdentifier.objects.get(site=world["hatra"], scheme="whl")
    response = patch(
        curator, HATRA, {"identifiers": [{"scheme": "whl", "value": "277"}, {"scheme": "geonames", "value": "99063"}]}
    )
    assert response.status_code == 200, response.content
    assert identifiers_of(curator, HATRA) == [("geonames", "99063"), ("whl", "277")]
    assert SiteIdentifier.objects.get(pk=kept.pk).citations.get() == world["citation"]
    response = patch(curator, HATRA, {"identifiers": [{"scheme": "geonames", "value": "99063"}]})
    assert response.status_code == 200
    assert not SiteIdentifier.objects.filter(pk=kept.pk).exists()
    assert patch(curator, HATRA, {"identifiers": []}).json()["identifiers"] == []
    assert not world["hatra"].identifiers.exists()


def test_a_record_put_back_as_read_changes_no_identifier(world, curator):
    """The JSON read (url included), PUT back, is accepted and writes no new version of any identifier."""
    before = list(SiteIdentifier.history.values_list("history_id", flat=True))
    body = curator.get(HATRA).json()
    response = curator.put(HATRA, body, format="json", **if_match(curator, HATRA))
    assert response.status_code == 200, response.content
    assert list(SiteIdentifier.history.values_list("history_id", flat=True)) == before


def test_actor_and_period_identifiers_are_written_with_them(world, curator):
    response = patch(
        curator, "/api/v1/actors/isis/", {"identifiers": [{"scheme": "other", "value": "https://example.org/isis"}]}
    )
    assert response.status_code == 200, response.content
    assert identifiers_of(curator, "/api/v1/actors/isis/") == [("other", "https://example.org/isis")]
    # Periods take Pleiades' time-period keys, not place numbers.
    response = patch(curator, "/api/v1/periods/parthian/", {"identifiers": [{"scheme": "pleiades", "value": "roman"}]})
    assert response.status_code == 200, response.content
    assert response.json()["identifiers"][0]["url"] == "https://pleiades.stoa.org/vocabularies/time-periods/roman"
    assert PeriodIdentifier.objects.filter(period=world["parthian"]).count() == 1


@pytest.mark.parametrize(
    ("url", "item", "field", "message"),
    [
        (PALMYRA, {"scheme": "wikidata", "value": "5747"}, "value", "'5747' is not a Wikidata item, e.g. Q5747."),
        (PALMYRA, {"scheme": "pleiades", "value": "Q1"}, "value", "'Q1' is not a Pleiades place number"),
        (PALMYRA, {"scheme": "geonames", "value": "0"}, "value", "'0' is not a GeoNames feature number"),
        (PALMYRA, {"scheme": "whl", "value": "23x"}, "value", "'23x' is not a World Heritage List number"),
        (PALMYRA, {"scheme": "eamena", "value": "EAMENA-1"}, "value", "'EAMENA-1' is not an EAMENA ID"),
        (PALMYRA, {"scheme": "other", "value": "ftp://x.org/1"}, "value", "is the URL of its record"),
        (PALMYRA, {"scheme": "pleiades", "value": ""}, "value", "This field may not be blank."),
        (PALMYRA, {"scheme": "periodo", "value": "p0qhb66fhbb"}, "value", "cannot have a PeriodO identifier"),
        (PALMYRA, {"scheme": "mapillary", "value": "1"}, "scheme", '"mapillary" is not a valid choice.'),
        (PALMYRA, {"scheme": "pleiades"}, "value", "This field cannot be blank."),
        (PALMYRA, {"scheme": "pleiades", "value": "1", "url": "https://x.org/"}, "url", "This field is not writable"),
        (PALMYRA, {"scheme": "pleiades", "value": "1", "colour": "red"}, "colour", "Unknown field."),
        ("/api/v1/actors/isis/", {"scheme": "whl", "value": "23"}, "value", "cannot have a World Heritage List"),
        ("/api/v1/periods/parthian/", {"scheme": "pleiades", "value": "Roman"}, "value", "Pleiades time period key"),
        ("/api/v1/periods/parthian/", {"scheme": "periodo", "value": "q0qhb66fhbb"}, "value", "a PeriodO period"),
    ],
)
def test_a_bad_identifier_is_a_400_naming_its_position_and_field(world, curator, url, item, field, message):
    """Each scheme's malformed value, a scheme the record cannot have, a read-only or unknown key: nothing written."""
    good = {"scheme": "wikidata", "value": "Q1"}
    before = table_counts()
    response = patch(curator, url, {"identifiers": [good, item]})
    assert response.status_code == 400, response.content
    errors = response.json()["identifiers"]
    assert list(errors) == ["1"] and list(errors["1"]) == [field]
    assert message in errors["1"][field][0]
    assert table_counts() == before


def test_an_identifier_given_twice_is_refused(world, curator):
    item = {"scheme": "pleiades", "value": "912910"}
    response = curator.post("/api/v1/sites/", nimrud(identifiers=[item, item]), format="json")
    assert response.status_code == 400
    assert response.json() == {
        "identifiers": {
            "1": {"non_field_errors": ["Another record already has this identifier. (item 0 has the same.)"]}
        }
    }


def test_an_identifier_another_record_holds_is_refused_naming_it(world, curator):
    """Pleiades 668331 is Palmyra's: giving it to another site names Palmyra; nothing is written."""
    before = table_counts()
    response = curator.post(
        "/api/v1/sites/", nimrud(identifiers=[{"scheme": "pleiades", "value": "668331"}]), format="json"
    )
    assert response.status_code == 400
    assert response.json() == {
        "identifiers": {"0": {"value": ["pleiades:668331 already identifies the site “Palmyra” (palmyra)."]}}
    }
    assert table_counts() == before
    # In a batch, a record is checked against those before it.
    batch = [
        nimrud(identifiers=[{"scheme": "whl", "value": "1"}]),
        {**nimrud(identifiers=[{"scheme": "whl", "value": "1"}]), "slug": "kalhu"},
    ]
    response = curator.post("/api/v1/sites/", batch, format="json")
    assert response.status_code == 400
    assert response.json()["errors"]["1"]["identifiers"]["0"]["value"] == [
        "whl:1 already identifies the site “Nimrud” (nimrud)."
    ]
    assert table_counts() == before


def test_the_holder_is_not_named_to_a_user_who_may_not_see_its_identifiers(sensitive, writer):
    """Hatra is sensitive: a user who may not see its location learns only that the identifier is taken."""
    response = writer.post("/api/v1/sites/", nimrud(identifiers=[{"scheme": "whl", "value": "277"}]), format="json")
    assert response.status_code == 400
    assert response.json() == {"identifiers": {"0": {"value": ["whl:277 already identifies another record."]}}}


# --- Permissions and sensitive sites ------------------------------------------------------------------------------


def test_a_researcher_cannot_write_identifiers(world, researcher, anonymous):
    before = table_counts()
    body = {"identifiers": [{"scheme": "wikidata", "value": "Q1"}]}
    assert researcher.patch(HATRA, body, format="json", **if_match(researcher, HATRA)).status_code == 403
    assert anonymous.patch(HATRA, body, format="json").status_code in (401, 403)
    assert table_counts() == before


@pytest.mark.parametrize(("who", "shown"), [("anonymous", []), ("researcher", [("whl", "277")])])
def test_a_sensitive_sites_identifiers_only_for_those_who_may_see_its_location(sensitive, request, who, shown):
    """They lead to its exact location: hidden in JSON, CSV and GeoJSON, and the filter does not find it."""
    client = request.getfixturevalue(who)
    assert identifiers_of(client, HATRA) == shown
    header, row = csv_rows(client.get(HATRA, {"format": "csv"}))
    assert row[header.index("identifiers")] == "; ".join(f"{scheme}:{value}" for scheme, value in shown)
    feature = json.loads(content_of(client.get(HATRA, {"format": "geojson"})))
    assert feature["properties"]["identifiers"] == client.get(HATRA).json()["identifiers"]
    found = client.get("/api/v1/sites/", {"identifier": "whl:277"}).json()["results"]
    assert [site["slug"] for site in found] == (["hatra"] if shown else [])


def test_hidden_identifiers_cannot_be_changed_but_sent_back_change_nothing(sensitive, writer):
    """A user shown an empty list may send it back (nothing changes), but not replace what it cannot see."""
    url = HATRA
    response = writer.patch(url, {"identifiers": []}, format="json", **if_match(writer, url))
    assert response.status_code == 200, response.content
    assert sensitive["hatra"].identifiers.count() == 1
    response = writer.patch(
        url, {"identifiers": [{"scheme": "wikidata", "value": "Q1"}]}, format="json", **if_match(writer, url)
    )
    assert response.status_code == 400
    assert "hidden from you" in response.json()["identifiers"][0]
    assert list(sensitive["hatra"].identifiers.values_list("value", flat=True)) == ["277"]


def test_history_records_who_added_and_removed_an_identifier(world, curator):
    patch(curator, HATRA, {"identifiers": [{"scheme": "whl", "value": "277"}, {"scheme": "wikidata", "value": "Q1"}]})
    added = SiteIdentifier.history.get(value="Q1", history_type="+")
    assert added.history_user == curator.user and added.site_id == world["hatra"].pk
    patch(curator, HATRA, {"identifiers": [{"scheme": "whl", "value": "277"}]})
    removed = SiteIdentifier.history.get(value="Q1", history_type="-")
    assert removed.history_user == curator.user


# --- The filter ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "values", "found"),
    [
        ("/api/v1/sites/", ["pleiades:668331"], {"palmyra"}),
        ("/api/v1/sites/", ["whl:277", "pleiades:668331"], {"palmyra", "hatra"}),
        ("/api/v1/sites/", ["whl:278"], set()),
        ("/api/v1/sites/", ["wikidata:Q2429253"], set()),  # an actor's, not a site's
        ("/api/v1/sites/", ["other:https://whc.unesco.org/en/list/23"], set()),
        ("/api/v1/actors/", ["wikidata:Q2429253"], {"isis"}),
        ("/api/v1/actors/", ["wikidata:Q1"], set()),
        ("/api/v1/periods/", ["periodo:p0qhb66fhbb", "pleiades:roman"], {"parthian"}),
    ],
)
def test_the_identifier_filter(world, anonymous, url, values, found):
    """Found, not found, several (any of them)."""
    response = anonymous.get(url, {"identifier": values})
    assert response.status_code == 200, response.content
    assert {row["slug"] for row in response.json()["results"]} == found


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        ("668331", "Give an identifier as scheme:value"),
        ("pleiades:", "Give an identifier as scheme:value"),
        ("mapillary:1", "Unknown identifier scheme 'mapillary'"),
    ],
)
@pytest.mark.parametrize("url", ["/api/v1/sites/", "/api/v1/actors/", "/api/v1/periods/"])
def test_a_malformed_identifier_filter_is_a_400_naming_it(world, anonymous, url, value, reason):
    response = anonymous.get(url, {"identifier": ["pleiades:668331", value]})
    assert response.status_code == 400
    assert list(response.json()) == ["identifier"]
    assert reason in response.json()["identifier"][0]


def test_the_filter_finds_a_site_once_whatever_the_number_of_its_identifiers_matched(world, anonymous):
    SiteIdentifier.objects.create(site=world["hatra"], scheme="wikidata", value="Q209129")
    response = anonymous.get("/api/v1/sites/", {"identifier": ["whl:277", "wikidata:Q209129"]})
    assert response.json()["count"] == 1


def test_identifier_tables_hold_what_the_fixture_made(world):
    """The comparison of read paths (test_fast_path) means something only if identifiers exist to show."""
    assert SiteIdentifier.objects.count() == 2
    assert ActorIdentifier.objects.count() == PeriodIdentifier.objects.count() == 1
