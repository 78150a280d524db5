"""Reported numbers as ranges: written and read as {min, max, qualifier, unit}, checked as the model checks them."""

import pytest

from heritage.records.models import Threat

from .base import csv_rows, if_match

NEW_THREAT = {
    "slug": "hatra-uxo",
    "site": "hatra",
    "cause": "explosion-heavy-weaponry",
    "endangers": "people",
    "certainty": "medium",
}


def test_a_range_is_written_and_read_back(world, curator):
    """ "Between 30 and 40 unexploded shells": both ends are stored and come back as written."""
    quantity = {"min": 30, "max": 40, "qualifier": "between", "unit": "objects"}
    response = curator.post("/api/v1/threats/", {**NEW_THREAT, "quantity": quantity}, format="json")
    assert response.status_code == 201, response.content
    assert response.json()["quantity"] == quantity
    threat = Threat.objects.get(slug="hatra-uxo")
    assert (threat.quantity_min, threat.quantity_max, threat.quantity_display) == (30, 40, "between 30 and 40 objects")
    assert curator.get("/api/v1/threats/hatra-uxo/").json()["quantity"] == quantity


def test_an_open_end_may_be_left_out_and_reads_as_null(world, curator):
    """ "At least 12 months": the largest number is open; left out or null, it reads back as null."""
    url = "/api/v1/occupations/isis-hatra/"
    for sent in ({"min": 12, "qualifier": "at_least", "unit": "months"}, {"min": 12, "max": None, "qualifier":
                 "at_least", "unit": "months"}):  # fmt: skip
        response = curator.patch(url, {"reported_duration": sent}, format="json", **if_match(curator, url))
        assert response.status_code == 200, response.content
        assert response.json()["reported_duration"] == {
            "min": 12,
            "max": None,
            "qualifier": "at_least",
            "unit": "months",
        }


def test_null_clears_the_quantity(world, curator):
    url = "/api/v1/threats/palmyra-landmines-2016/"
    cleared = curator.patch(url, {"quantity": None}, format="json", **if_match(curator, url))
    assert cleared.status_code == 200 and cleared.json()["quantity"] is None
    threat = Threat.objects.get(slug="palmyra-landmines-2016")
    assert (threat.quantity_min, threat.quantity_max, threat.quantity_qualifier, threat.quantity_unit_id) == (
        None,
        None,
        "",
        None,
    )


BAD_QUANTITIES = [
    # (quantity sent, keys of the error under "quantity", words in the first message)
    ({"min": 40, "max": 30, "qualifier": "between", "unit": "objects"}, ["max"], "must not be smaller"),
    ({"min": -1, "max": 3, "qualifier": "between", "unit": "objects"}, ["min"], "greater than or equal to 0"),
    ({"min": 2**31, "qualifier": "at_least", "unit": "objects"}, ["min"], "less than or equal to 2147483647"),
    ({"min": 10**30, "qualifier": "at_least", "unit": "objects"}, ["min"], "integer"),
    ({"min": "many", "qualifier": "at_least", "unit": "objects"}, ["min"], "valid integer"),
    ({"min": 5, "max": 5, "qualifier": "between", "unit": "objects"}, ["max"], "above the smallest"),
    ({"min": 5, "max": 9, "qualifier": "exactly", "unit": "objects"}, ["max"], "one number"),
    ({"min": 5, "max": 9, "qualifier": "at_least", "unit": "objects"}, ["max"], "leave the largest empty"),
    ({"max": 9, "qualifier": "more_than", "unit": "objects"}, ["min"], "needs the smallest"),
    ({"min": 0, "qualifier": "more_than", "unit": "objects"}, ["min"], "at least 1"),
    ({"qualifier": "at_least", "unit": "objects"}, ["min"], "at least one bound"),
    ({"min": 3, "max": 3}, ["qualifier", "unit"], "required"),
    ({"min": 3, "max": 3, "qualifier": "exactly", "unit": ""}, ["unit"], "A quantity needs its unit"),
    ({"min": 3, "max": 3, "qualifier": "exactly", "unit": None}, ["unit"], "A quantity needs its unit"),
    ({"min": 3, "max": 3, "qualifier": "roughly", "unit": "objects"}, ["qualifier"], "not a valid choice"),
    # The shape before ranges: refused, never read as no quantity.
    ({"value": 3, "qualifier": "exactly", "unit": "objects"}, ["value"], "Not a part of a quantity"),
]


@pytest.mark.parametrize(("quantity", "keys", "words"), BAD_QUANTITIES)
def test_a_bad_quantity_is_a_400_naming_the_part_and_creates_nothing(world, curator, quantity, keys, words):
    before = Threat.objects.count()
    response = curator.post("/api/v1/threats/", {**NEW_THREAT, "quantity": quantity}, format="json")
    assert response.status_code == 400, response.content
    errors = response.json()["quantity"]
    assert sorted(errors) == sorted(keys)
    assert words in errors[keys[0]][0]
    assert Threat.objects.count() == before


@pytest.mark.parametrize(("quantity", "keys", "words"), BAD_QUANTITIES[:4])
def test_a_bad_quantity_in_a_change_leaves_the_record_as_it_was(world, curator, quantity, keys, words):
    url = "/api/v1/threats/palmyra-landmines-2016/"
    before = Threat.objects.values().get(slug="palmyra-landmines-2016")
    response = curator.patch(url, {"quantity": quantity, "certainty": "high"}, format="json", **if_match(curator, url))
    assert response.status_code == 400, response.content
    assert sorted(response.json()) == ["quantity"]
    assert Threat.objects.values().get(slug="palmyra-landmines-2016") == before


@pytest.mark.parametrize("quantity", ["30-40", 35, [30, 40]])
def test_a_quantity_that_is_not_an_object_is_a_400(world, curator, quantity):
    before = Threat.objects.count()
    response = curator.post("/api/v1/threats/", {**NEW_THREAT, "quantity": quantity}, format="json")
    assert response.status_code == 400
    assert "min" in response.json()["quantity"][0]
    assert Threat.objects.count() == before


def test_csv_gives_both_ends_in_their_own_columns(world, curator):
    rows = csv_rows(curator.get("/api/v1/threats/", {"format": "csv", "ordering": "slug"}))
    header = rows[0]
    columns = ["quantity.min", "quantity.max", "quantity.qualifier", "quantity.unit"]
    assert all(column in header for column in columns)
    by_slug = {row[header.index("slug")]: [row[header.index(column)] for column in columns] for row in rows[1:]}
    assert by_slug["hatra-looting"] == ["30", "40", "between", "objects"]
    assert by_slug["palmyra-landmines-2016"] == ["150", "", "at_least", "mines"]


def test_the_schema_describes_both_ends(anonymous):
    schema = anonymous.get("/api/v1/schema/", {"format": "json"}).json()
    threat = schema["components"]["schemas"]["Threat"]["properties"]["quantity"]
    assert {"min", "max", "qualifier", "unit"} <= set(threat["properties"])
    parameters = {p["name"] for p in schema["paths"]["/api/v1/threats/"]["get"]["parameters"]}
    assert {"quantity_gte", "quantity_lte"} <= parameters
