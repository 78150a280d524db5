"""
POST of a JSON list creates every record or none: each is checked as a single create is (full_clean), and any
refused record makes the whole batch a 400 naming it by position and field, with the database unchanged.
"""

import pytest
from django.apps import apps

from heritage.records.models import DamageReport

URL = "/api/v1/damage-reports/"


def report(slug, **extra):
    return {"slug": slug, "site": "palmyra", "cause": "looting", "severity": "destroyed", "certainty": "low", **extra}


def row_counts():
    return {model._meta.label: model.objects.count() for model in apps.get_app_config("records").get_models()}


def test_a_valid_batch_is_created_whole(world, curator):
    """Three valid records: 201 with the three representations, in order."""
    response = curator.post(URL, [report("b-1"), report("b-2", occurred="2016-03~"), report("b-3")], format="json")
    assert response.status_code == 201, response.content
    assert [row["slug"] for row in response.json()] == ["b-1", "b-2", "b-3"]
    assert response.json()[1]["occurred"]["earliest"] == "2016-03-01"
    assert DamageReport.objects.filter(slug__startswith="b-").count() == 3


@pytest.mark.parametrize(
    ("bad", "field"),
    [
        (report("b-bad", occurred="spring 2016"), "occurred"),  # not EDTF
        (report("b-bad", site="atlantis"), "site"),  # unknown natural key
        (report("b-bad", occurred="2016/2015"), "occurred"),  # end before start
        (report("b-bad", severity="obliterated"), "severity"),  # unknown vocabulary term
        (report("b-2"), "slug"),  # the same slug as record 1 of the batch
        (report("palmyra-defaced-by-isis"), "slug"),  # a slug already in the database
    ],
)
def test_one_bad_record_refuses_the_whole_batch(world, curator, bad, field):
    """A batch with one bad record (here the third): 400 naming record 2 and the field; no table changes."""
    before = row_counts()
    response = curator.post(URL, [report("b-1"), report("b-2"), bad, report("b-4")], format="json")
    assert response.status_code == 400, response.content
    body = response.json()
    assert set(body["errors"]) == {"2"}
    assert field in body["errors"]["2"]
    assert body["detail"] == "No record was saved: 1 of 4 records is invalid."
    assert row_counts() == before


def test_every_bad_record_is_reported(world, curator):
    """Errors for several records, each under its own position."""
    response = curator.post(URL, [report("b-1", severity="x"), report("b-2"), report("b-3", site=None)], format="json")
    assert response.status_code == 400
    assert set(response.json()["errors"]) == {"0", "2"}
    assert response.json()["detail"] == "No record was saved: 2 of 3 records are invalid."


@pytest.mark.parametrize("body", [[], ["not an object"], [1, 2]])
def test_malformed_batches_are_400s(world, curator, body):
    """An empty list, or items that are not objects, are refused with a 400, never a 500."""
    before = row_counts()
    assert curator.post(URL, body, format="json").status_code == 400
    assert row_counts() == before


def test_batches_need_the_add_permission(world, researcher):
    """A read-only token cannot create records in a batch either."""
    assert researcher.post(URL, [report("b-1")], format="json").status_code == 403
    assert not DamageReport.objects.filter(slug="b-1").exists()


def test_other_resources_take_batches_too(world, curator):
    """The batch is generic: any writable resource, e.g. actors."""
    body = [{"slug": "a-1", "name": "A one", "kind": "news_media"}, {"slug": "a-2", "name": "A two", "kind": "x"}]
    response = curator.post("/api/v1/actors/", body, format="json")
    assert response.status_code == 400 and set(response.json()["errors"]) == {"1"}
    body[1]["kind"] = "news_media"
    assert curator.post("/api/v1/actors/", body, format="json").status_code == 201
