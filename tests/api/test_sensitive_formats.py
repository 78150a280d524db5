"""
A sensitive site's coordinates in every API representation: exact for signed-in users who may view sites
(researchers, curators), rounded to 0.1 degree for anonymous clients and for accounts without that permission.
JSON (detail, list), CSV (detail, streamed list), GeoJSON (detail, streamed list) and the schema's example.
"""

import json
from decimal import Decimal

import pytest

from heritage.records.models import Site, Threat

from .base import content_of, csv_rows, yaml_of
from .conftest import token_client

EXACT = ("35.588300", "42.718300")  # Hatra, as the `world` fixture stores it
COARSE = ("35.600000", "42.700000")
DETAIL = "/api/v1/sites/hatra/"
LIST = "/api/v1/sites/"


@pytest.fixture
def sensitive(world):
    Site.objects.filter(slug="hatra").update(is_sensitive=True)
    return world


@pytest.fixture
def stranger(db):
    """A signed-in account without permission to view sites (it has no model permission at all)."""
    return token_client("stranger")


def seen(who, request):
    return request.getfixturevalue(who)


def json_coordinates(body):
    return body["latitude"], body["longitude"]


def hatra_of(rows):
    return next(row for row in rows if row["slug"] == "hatra")


CASES = [("anonymous", COARSE), ("stranger", COARSE), ("researcher", EXACT), ("curator", EXACT)]


@pytest.mark.parametrize(("who", "expected"), CASES)
def test_json(sensitive, request, who, expected):
    """JSON detail and list."""
    client = seen(who, request)
    assert json_coordinates(client.get(DETAIL).json()) == expected
    assert json_coordinates(hatra_of(client.get(LIST).json()["results"])) == expected


@pytest.mark.parametrize(("who", "expected"), CASES)
def test_csv(sensitive, request, who, expected):
    """CSV detail and the streamed CSV export of the list."""
    client = seen(who, request)
    for response in (client.get(DETAIL, {"format": "csv"}), client.get(LIST, {"format": "csv"})):
        header, *rows = csv_rows(response)
        row = next(row for row in rows if row[header.index("slug")] == "hatra")
        assert (row[header.index("latitude")], row[header.index("longitude")]) == expected


@pytest.mark.parametrize(("who", "expected"), CASES)
def test_geojson(sensitive, request, who, expected):
    """GeoJSON Feature (detail) and the streamed FeatureCollection: both the geometry and the properties."""
    client = seen(who, request)
    feature = json.loads(content_of(client.get(DETAIL, {"format": "geojson"})))
    collection = json.loads(content_of(client.get(LIST, {"format": "geojson"})))
    listed = next(f for f in collection["features"] if f["properties"]["slug"] == "hatra")
    lat, lon = (float(value) for value in expected)
    for item in (feature, listed):
        assert item["geometry"]["coordinates"] == [lon, lat]
        assert json_coordinates(item["properties"]) == expected


def test_sites_that_are_not_sensitive_are_exact_for_everyone(world, anonymous):
    """The coarsening applies to sensitive sites only."""
    assert json_coordinates(anonymous.get(DETAIL).json()) == EXACT


def test_the_schema_example_shows_no_precise_coordinates(sensitive, anonymous):
    """The Site example in the OpenAPI schema has coordinates to 0.1 degree at most, none of a real site."""
    schema = yaml_of(anonymous.get("/api/v1/schema/").content)
    examples = [
        example["value"]
        for path in schema["paths"].values()
        for operation in path.values()
        for response in operation.get("responses", {}).values()
        for example in response.get("content", {}).get("application/json", {}).get("examples", {}).values()
        if isinstance(example.get("value"), dict) and "latitude" in example["value"]
    ]
    assert examples, "the sites' operations show an example"
    exact = {(str(site.latitude), str(site.longitude)) for site in Site.objects.exclude(latitude=None)}
    for example in examples:
        latitude, longitude = Decimal(example["latitude"]), Decimal(example["longitude"])
        assert latitude == round(latitude, 1) and longitude == round(longitude, 1)
        assert (example["latitude"], example["longitude"]) not in exact


RECORDS_OF_HATRA = [
    ("/api/v1/damage-reports/", "hatra-statues-smashed"),
    ("/api/v1/occupations/", "isis-hatra"),
    ("/api/v1/threats/", "hatra-looting"),
]


@pytest.mark.parametrize(("who", "expected"), CASES)
@pytest.mark.parametrize(("url", "slug"), RECORDS_OF_HATRA)
def test_geojson_of_records_of_a_sensitive_site(sensitive, request, who, expected, url, slug):
    """Damage reports, occupations and threats as GeoJSON stand at their site's point as the user may see it."""
    client = seen(who, request)
    if slug == "hatra-looting":  # a draft: give the public a threat of its own to see
        Threat.objects.filter(slug=slug).update(status="reported")
    lat, lon = (float(value) for value in expected)
    collection = json.loads(content_of(client.get(url, {"format": "geojson", "site": "hatra"})))
    feature = json.loads(content_of(client.get(f"{url}{slug}/", {"format": "geojson"})))
    listed = next(f for f in collection["features"] if f["properties"]["slug"] == slug)
    for item in (feature, listed):
        assert item["geometry"]["coordinates"] == [lon, lat]
        assert not {"latitude", "longitude"} & set(item["properties"])
