"""Representations and export formats: nested summaries, uncertain dates, quantities, GeoJSON, streamed CSV."""

import json

import pytest
from django.db import connection
from django.db.models.query import QuerySet
from django.test.utils import CaptureQueriesContext
from rest_framework.renderers import JSONRenderer

from heritage.records.api.fast.renderers import ORJSONRenderer
from heritage.records.models import SiteName

from .base import content_of, csv_rows


def test_the_readmes_questions(world, anonymous):
    """The README's API examples: who occupied Palmyra and when; which periods it dates from."""
    occupations = anonymous.get("/api/v1/occupations/", {"site": "palmyra"}).json()["results"]
    assert [(o["occupier"]["name"], o["started"]["edtf"], o["ended"]["edtf"]) for o in occupations] == [
        ("ISIS", "2015-05~", "2016-03-27")
    ]
    assert [actor["name"] for actor in occupations[0]["ended_by"]] == [
        "Pro-regime forces",
        "Russian armed forces",
        "Syrian Army",
    ]
    periods = anonymous.get("/api/v1/periods/", {"site": "palmyra"}).json()["results"]
    assert [(p["name"], p["years_display"]) for p in periods] == [
        ("Early second millennium BCE", "2000 BCE – 1600 BCE")
    ]


def test_damage_report_shows_site_cause_perpetrator_occupation_and_citations(world, anonymous):
    """A damage report nests its site, cause, perpetrator and occupation as summaries, and its cited passages."""
    report = anonymous.get("/api/v1/damage-reports/palmyra-defaced-by-isis/").json()
    assert report["site"]["slug"] == "palmyra" and report["site"]["name"] == "Palmyra"
    assert report["site"]["url"] == "http://testserver/api/v1/sites/palmyra/"
    assert report["cause"]["slug"] == "vandalism"
    assert report["perpetrator"]["slug"] == "isis"
    assert report["occupation"]["slug"] == "isis-palmyra-2015"
    # Dated only "during the occupation": no EDTF of its own, the occupation's bounds.
    assert report["occurred"] == {"edtf": "", "earliest": "2015-05-01", "latest": "2016-03-27"}
    assert report["citations"] and {"quote", "attribution", "attributed_to", "source"} <= set(report["citations"][0])


def test_citation_shows_quote_attribution_and_source(world, anonymous):
    """A relayed claim shows the exact words, who made the claim, the source's attribution and the source."""
    rows = anonymous.get("/api/v1/citations/", {"attributed_to": "russian-defense-ministry"}).json()["results"]
    sorties = next(row for row in rows if row["quote"] == "around 500 sorties")
    assert sorties["attribution"] == "According to the Russian Defense Ministry"
    assert sorties["attributed_to"]["slug"] == "russian-defense-ministry"
    assert sorties["source"]["slug"] == "palmyra-recapture-2016"


def test_quantities_and_period_years(world, anonymous):
    """Quantities are min + max + qualifier + unit; period years are signed, with the display label."""
    event = anonymous.get("/api/v1/events/russian-air-campaign-palmyra/").json()
    figures = {figure["measure"]: figure["quantity"] for figure in event["figures"]}
    assert figures["sorties flown"] == {"min": 500, "max": 500, "qualifier": "approximately", "unit": "sorties"}
    assert figures["ISIS targets hit"] == {"min": 2001, "max": None, "qualifier": "more_than", "unit": "targets"}
    occupation = anonymous.get("/api/v1/occupations/isis-palmyra-2015/").json()
    assert occupation["reported_duration"] == {"min": 10, "max": 10, "qualifier": "approximately", "unit": "months"}
    period = anonymous.get("/api/v1/periods/early-second-millennium-bce/").json()
    assert period["start_earliest"] == -1999 and period["stop_latest"] == -1599
    assert period["label"] == "c. 2000 – c. 1700 BCE"
    assert period["years_display"] == "2000 BCE – 1600 BCE"


def test_geojson_feature_collection(world, anonymous):
    """?format=geojson is an RFC 7946 FeatureCollection: [lon, lat] points, null geometry when unlocated."""
    response = anonymous.get("/api/v1/sites/", {"format": "geojson"})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/geo+json"
    collection = json.loads(content_of(response))
    assert collection["type"] == "FeatureCollection"
    features = {feature["properties"]["slug"]: feature for feature in collection["features"]}
    assert features["hatra"]["geometry"] == {"type": "Point", "coordinates": [42.7183, 35.5883]}
    assert features["palmyra"]["geometry"] is None
    assert features["hatra"]["type"] == "Feature" and features["hatra"]["id"] == world["hatra"].pk


def test_geojson_honours_filters_and_single_feature(world, anonymous):
    """The GeoJSON export takes the list's filters; a site's own URL gives one Feature."""
    collection = json.loads(content_of(anonymous.get("/api/v1/sites/", {"format": "geojson", "country": "SY"})))
    assert [feature["properties"]["slug"] for feature in collection["features"]] == ["palmyra"]
    feature = anonymous.get("/api/v1/sites/hatra/", {"format": "geojson"}).json()
    assert feature["type"] == "Feature" and feature["geometry"]["coordinates"] == [42.7183, 35.5883]


def test_csv_is_utf8_flat_and_filtered(world, anonymous):
    """CSV cells are UTF-8 text; nested records are flattened to columns; the export honours the filters."""
    SiteName.objects.create(site=world["hatra"], name="الحضر", kind="local", language="ar")
    response = anonymous.get("/api/v1/sites/", {"format": "csv", "country": "IQ"})
    rows = csv_rows(response)
    header, hatra = rows[0], dict(zip(rows[0], rows[1], strict=True))
    assert len(rows) == 2
    assert "الحضر" in hatra["names"]
    assert hatra["in_danger"] == "true"
    assert "periods" in header and hatra["periods"] == "parthian"
    reports = csv_rows(anonymous.get("/api/v1/damage-reports/", {"format": "csv", "site": "hatra"}))
    report = dict(zip(reports[0], reports[1], strict=True))
    assert report["site.slug"] == "hatra" and report["occurred.earliest"] == "2015-03-01"
    assert report["perpetrator.name"] == "ISIS"


def test_csv_export_streams_from_an_iterator(world, anonymous, monkeypatch):
    """The export reads the rows with QuerySet.iterator(chunk_size=...): never the whole result at once."""
    calls = []
    original = QuerySet.iterator

    def spy(self, chunk_size=None):
        calls.append(chunk_size)
        return original(self, chunk_size=chunk_size)

    monkeypatch.setattr(QuerySet, "iterator", spy)
    with CaptureQueriesContext(connection) as queries:
        response = anonymous.get("/api/v1/events/", {"format": "csv"})
    assert response.streaming
    assert calls == [500]
    # The view only set the iterator up: the events are read while the body is sent.
    assert not [query for query in queries if 'FROM "records_event"' in query["sql"]]
    assert len(csv_rows(response)) > 1


def test_export_errors_are_json(world, anonymous):
    """A bad filter on an export is a JSON 400, not a CSV or GeoJSON body."""
    response = anonymous.get("/api/v1/sites/", {"format": "geojson", "bbox": "x"})
    assert response.status_code == 400 and response["Content-Type"] == "application/json"


@pytest.mark.parametrize(
    "text",
    [
        "Palmyra",
        "a\u2028line\u2029break",
        "a paragraph\u2029separator alone",
        "\u2013" * 50 + "\u2029",  # after many other E2 bytes, at the very end
        "the Lion of Al-L\u0101t \u2019destroyed\u2019, caf\u00e9\u2028and more",  # separators among E2 and A9 bytes
        "\u2018caf\u00e9\u2019 \u2013 \u0628\u0629",  # E2, A8 and A9 bytes, but no separator
    ],
)
def test_json_escapes_the_line_separators_as_drf_does(text):
    """U+2028 and U+2029 end a line in JavaScript: the API's JSON escapes them, byte for byte as DRF's renderer."""
    data = {"quote": text, "citations": [{"quote": text}]}
    assert ORJSONRenderer().render(data) == JSONRenderer().render(data)
    assert json.loads(ORJSONRenderer().render(data)) == data
