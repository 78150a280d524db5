"""
The managed vocabularies through the API: records name terms by slug, curators add terms and retire them, and the
refusals (an unknown term, a retired one newly chosen, the slug of a term in use changed, a term in use deleted).
"""

import json

import pytest

from heritage.records.models import DamageReport, DisturbanceCause, Event, EventType, QuantityUnit, Site, Threat

from ..conftest import table_counts
from .base import if_match

pytestmark = pytest.mark.django_db


def event_body(**changes):
    return {"slug": "hatra-video", "title": "ISIS releases a video of Hatra", "kind": "video_release", **changes}


def test_a_record_names_a_term_by_slug(curator):
    """An event is written and read with its kind's slug, a new kind ("video_release") included."""
    response = curator.post("/api/v1/events/", event_body(), format="json")
    assert response.status_code == 201, response.content
    assert response.json()["kind"] == "video_release"
    assert Event.objects.get(slug="hatra-video").kind.label == "Release of a video"


@pytest.mark.parametrize(
    ("url", "body", "field", "message"),
    [
        ("/api/v1/events/", event_body(kind="parade"), "kind", "Unknown event type 'parade'."),
        ("/api/v1/events/", event_body(kind=7), "kind", "Expected the event type's slug, a string."),
        # Not a slug at all: refused before the database sees it (PostgreSQL cannot compare a NUL).
        ("/api/v1/events/", event_body(kind="cap\x00ture"), "kind", "Unknown event type 'cap\x00ture'."),
        (
            "/api/v1/sources/",
            {"slug": "s", "title": "S", "kind": "rumour", "language": "en", "text": "Words."},
            "kind",
            "Unknown source type 'rumour'.",
        ),
        (
            "/api/v1/threats/",
            {
                "slug": "t",
                "site": "palmyra",
                "cause": "landmines",
                "endangers": "people",
                "certainty": "medium",
                "quantity": {"min": 3, "max": 3, "qualifier": "exactly", "unit": "furlongs"},
            },
            "quantity",
            {"unit": ["Unknown quantity unit 'furlongs'."]},
        ),
        (
            "/api/v1/disturbance-causes/",
            {"slug": "x", "label": "X", "category": "weather"},
            "category",
            "Unknown disturbance category 'weather'.",
        ),
    ],
)
def test_an_unknown_term_is_a_400_naming_the_field(curator, palmyra, url, body, field, message):
    """A write naming a term that does not exist is refused, naming the field and the slug; nothing is written."""
    before = table_counts()
    response = curator.post(url, body, format="json")
    assert response.status_code == 400, response.content
    errors = response.json()[field]
    assert errors == message or errors == [message]
    assert table_counts() == before


def test_a_retired_term_stays_on_its_records_but_cannot_be_chosen_again(curator, palmyra):
    """Retiring a term keeps the records that use it valid (they save unchanged), but a new record cannot pick it."""
    EventType.objects.filter(slug="capture").update(is_active=False)
    url = "/api/v1/events/recapture-of-palmyra/"
    read = curator.get(url)
    assert read.json()["kind"] == "capture"
    assert curator.put(url, read.json(), format="json", HTTP_IF_MATCH=read["ETag"]).status_code == 200
    before = table_counts()
    response = curator.post("/api/v1/events/", event_body(kind="capture"), format="json")
    assert response.status_code == 400
    assert response.json() == {"kind": ["The event type 'capture' is retired: choose a current one."]}
    assert table_counts() == before


@pytest.mark.parametrize(
    ("url", "model", "slug", "body"),
    [
        ("/api/v1/damage-reports/", DamageReport, "palmyra-defaced-by-isis", {"severity": "destroyed"}),
        ("/api/v1/threats/", Threat, "palmyra-landmines-2016", {"endangers": "people"}),
    ],
)
def test_a_retired_cause_stays_on_its_records_but_cannot_be_chosen_again(curator, palmyra, url, model, slug, body):
    """As an event type: a report or threat saves unchanged with its retired cause, but no write newly chooses one."""
    record = model.objects.get(slug=slug)
    DisturbanceCause.objects.filter(slug__in=[record.cause.slug, "looting"]).update(is_active=False)
    detail = f"{url}{slug}/"
    read = curator.get(detail)
    assert curator.put(detail, read.json(), format="json", HTTP_IF_MATCH=read["ETag"]).status_code == 200
    before = table_counts()
    moved = curator.patch(detail, {"cause": "looting"}, format="json", **if_match(curator, detail))
    assert moved.status_code == 400
    assert moved.json() == {"cause": ["The disturbance cause 'looting' is retired: choose a current one."]}
    new = {"slug": "new-record", "site": "palmyra", "cause": "looting", "certainty": "low", **body}
    created = curator.post(url, new, format="json")
    assert created.status_code == 400
    assert created.json() == {"cause": ["The disturbance cause 'looting' is retired: choose a current one."]}
    assert table_counts() == before
    assert model.objects.get(slug=slug).cause_id == record.cause_id


def test_a_term_in_use_keeps_its_slug(curator, palmyra):
    """Records store the slug: changing the slug of a term in use is refused (400 on `slug`), an unused one's is not."""
    url = "/api/v1/quantity-units/sorties/"
    response = curator.patch(url, {"slug": "air-sorties"}, format="json", **if_match(curator, url))
    assert response.status_code == 400
    assert "cannot change" in response.json()["slug"][0]
    assert QuantityUnit.objects.filter(slug="sorties").exists()
    url = "/api/v1/quantity-units/tombs/"
    response = curator.patch(url, {"slug": "graves"}, format="json", **if_match(curator, url))
    assert response.status_code == 200, response.content
    assert QuantityUnit.objects.filter(slug="graves").exists()


def test_a_cause_in_use_keeps_its_slug(curator, palmyra):
    """Damage reports and threats hold their cause by id, but name it by slug (`cause=vandalism`): renaming is a 400."""
    for slug in ("vandalism", "landmines"):  # a damage report's cause, a threat's
        url = f"/api/v1/disturbance-causes/{slug}/"
        response = curator.patch(url, {"slug": f"{slug}2"}, format="json", **if_match(curator, url))
        assert response.status_code == 400
        assert "cannot change" in response.json()["slug"][0]
        assert DisturbanceCause.objects.filter(slug=slug).exists()


def test_a_term_in_use_cannot_be_deleted(deleter, palmyra):
    """Deleting a term that records use is a 409 naming them; the term stays."""
    url = "/api/v1/event-types/capture/"
    response = deleter.delete(url, **if_match(deleter, url))
    assert response.status_code == 409
    assert any("Recapture" in name for name in response.json()["referenced_by"])
    assert EventType.objects.filter(slug="capture").exists()


def test_a_site_has_an_overall_condition(curator, anonymous, palmyra):
    """A site's EAMENA condition and when it was assessed are written and read by slug, and sites filter on it."""
    url = "/api/v1/sites/palmyra/"
    body = {"condition": "poor", "condition_assessed": "2016-04-01"}
    response = curator.patch(url, body, format="json", **if_match(curator, url))
    assert response.status_code == 200, response.content
    assert Site.objects.get(slug="palmyra").condition.label_ar == "ضعيف"
    found = anonymous.get("/api/v1/sites/", {"condition": "poor"}).json()["results"]
    assert [site["slug"] for site in found] == ["palmyra"]
    assert anonymous.get("/api/v1/sites/", {"condition": "good"}).json()["count"] == 0
    assert anonymous.get("/api/v1/sites/", {"condition": "splendid"}).status_code == 400


def test_an_assessment_date_needs_a_condition(curator, palmyra):
    """A date without the condition it dates is refused."""
    url = "/api/v1/sites/palmyra/"
    response = curator.patch(url, {"condition_assessed": "2016-04-01"}, format="json", **if_match(curator, url))
    assert response.status_code == 400
    assert "condition" in json.dumps(response.json())


def test_the_severity_and_certainty_scales_have_their_new_values(curator, palmyra):
    """UNOSAT's "no visible damage", "not assessed", and EAMENA's "not applicable" certainty are accepted."""
    body = {
        "slug": "palmyra-museum-assessed",
        "site": "palmyra",
        "cause": "no-visible-known",
        "severity": "no_visible_damage",
        "certainty": "not_applicable",
    }
    response = curator.post("/api/v1/damage-reports/", body, format="json")
    assert response.status_code == 201, response.content
    assert (response.json()["severity"], response.json()["certainty"]) == ("no_visible_damage", "not_applicable")
