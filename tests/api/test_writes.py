"""Writes go through the model's own validation, come back as 400s naming the field, and are all-or-nothing."""

import pytest
from django.contrib.auth.models import User
from rest_framework.test import APIClient

from heritage.records.models import Citation, DamageReport, Occupation, Site

from .base import if_match


def test_non_edtf_date_is_a_400_on_that_field(world, curator):
    """A date that is not EDTF is refused, naming the field and saying what EDTF looks like."""
    response = curator.post(
        "/api/v1/damage-reports/",
        {
            "slug": "x",
            "site": "palmyra",
            "cause": "looting",
            "severity": "destroyed",
            "certainty": "low",
            "occurred": "sometime in spring",
        },  # fmt: skip
        format="json",
    )
    assert response.status_code == 400
    assert "EDTF" in response.json()["occurred"][0]
    assert not DamageReport.objects.filter(slug="x").exists()


def test_dates_are_derived_from_the_edtf(world, curator):
    """The bounds of a written EDTF date are derived by the server, and shown beside it."""
    url = "/api/v1/occupations/pmf-hatra/"
    response = curator.patch(url, {"ended": "2018-05~/2019"}, format="json", **if_match(curator, url))
    assert response.status_code == 200, response.content
    assert response.json()["ended"] == {"edtf": "2018-05~/2019", "earliest": "2018-05-01", "latest": "2019-12-31"}
    assert Occupation.objects.get(slug="pmf-hatra").ended_latest.isoformat() == "2019-12-31"


def test_model_clean_applies(world, curator):
    """The model's clean() runs: a structure must belong to the report's own site."""
    url = "/api/v1/damage-reports/palmyra-defaced-by-isis/"
    response = curator.patch(url, {"structure": world["temple"].pk}, format="json", **if_match(curator, url))
    assert response.status_code == 400
    assert response.json() == {"structure": ["The structure must belong to the report's site."]}


def test_constraints_apply(world, curator):
    """Named check constraints apply, as whole-record errors: an occupation cannot end before it starts."""
    url = "/api/v1/occupations/isis-hatra/"
    response = curator.patch(url, {"ended": "2013"}, format="json", **if_match(curator, url))
    assert response.status_code == 400
    assert "must not be before its start" in " ".join(response.json()["non_field_errors"])
    assert Occupation.objects.get(slug="isis-hatra").ended == "2017-04-26"


def test_quote_must_be_in_the_source(world, curator):
    """A citation's quote must occur, once, in its source's text; its offsets are then found for it."""
    missing = curator.post("/api/v1/citations/", {"source": "hatra-report", "quote": "Atlantis"}, format="json")
    assert missing.status_code == 400 and "does not occur" in missing.json()["quote"][0]
    found = curator.post("/api/v1/citations/", {"source": "hatra-report", "quote": "Syrian and Russian"}, format="json")
    assert found.status_code == 201, found.content
    citation = Citation.objects.get(pk=found.json()["id"])
    assert citation.source.text[citation.char_start : citation.char_end] == "Syrian and Russian"


@pytest.mark.parametrize(
    "body",
    [
        {"site": "atlantis"},
        {"site": 99999999999999999999999},
        {"site": True},
        {"site": ["palmyra"]},
        {"citations": ["not-an-id"]},
        {"citations": [10**30]},
        {"citations": {}},
        {"citations": {"15": "x", "16": None}},
        {"citations": "15"},
        {"occurred": 12},
        {"severity": "obliterated"},
    ],
)
def test_malformed_references_are_400s(world, curator, body):
    """Unknown, out-of-range or wrongly typed values are 400s on their field, never 500s."""
    url = "/api/v1/damage-reports/palmyra-defaced-by-isis/"
    response = curator.patch(url, body, format="json", **if_match(curator, url))
    assert response.status_code == 400, response.content
    assert list(response.json()) == list(body)


def test_related_records_are_written_by_id_or_slug(world, curator):
    """A foreign key accepts the record's id, its slug, or the brief object read from the API."""
    hatra = world["hatra"]
    url = "/api/v1/damage-reports/palmyra-ancient-heritage-destroyed/"
    for value in (hatra.pk, "hatra", {"id": hatra.pk, "slug": "hatra", "name": "Hatra"}):
        response = curator.patch(url, {"site": value}, format="json", **if_match(curator, url))
        assert response.status_code == 200, response.content
        assert response.json()["site"]["slug"] == "hatra"


@pytest.mark.parametrize(
    ("summary", "message"),
    [
        ({"id": "hatra", "slug": "palmyra"}, "name different records"),
        (
            {"slug": "hatra", "colour": "red"},
            "Not a part of the related record's summary (id, url, slug, name): 'colour'",
        ),
        ({"name": "Hatra"}, "Expected an id (integer), a slug (string) or an object with one of them"),
    ],
)
def test_a_summary_naming_no_single_record_is_refused(world, curator, summary, message):
    """An id and a slug of different records, or a key a summary does not have: a 400, not one of them ignored."""
    summary = {key: world[value].pk if key == "id" else value for key, value in summary.items()}
    url = "/api/v1/damage-reports/palmyra-ancient-heritage-destroyed/"
    response = curator.patch(url, {"site": summary}, format="json", **if_match(curator, url))
    assert response.status_code == 400, response.content
    assert message in response.json()["site"][0]
    assert DamageReport.objects.get(slug="palmyra-ancient-heritage-destroyed").site.slug == "palmyra"


@pytest.mark.parametrize("raw", [b"5", b"12345678901234567890123", b"1.5", b"true"])
def test_a_text_field_sent_a_number_is_refused_not_stored_as_its_text(world, curator, raw):
    """Not stored as str(value): a whole number past 64 bits would be the float the parser made of it, 1.23e+22."""
    url = "/api/v1/damage-reports/palmyra-ancient-heritage-destroyed/"
    before = curator.get(url).json()["description"]
    body = b'{"description": ' + raw + b"}"
    response = curator.patch(url, body, content_type="application/json", **if_match(curator, url))
    assert response.status_code == 400, response.content
    assert response.json() == {"description": ["Not a valid string."]}
    assert curator.get(url).json()["description"] == before


def test_deleting_a_record_others_refer_to_is_a_409(world, deleter):
    """PROTECT foreign keys make a delete a 409 Conflict naming what still refers to the record, not a 500."""
    response = deleter.delete("/api/v1/sites/hatra/", **if_match(deleter, "/api/v1/sites/hatra/"))
    assert response.status_code == 409
    assert any(line.startswith("occupation: ") for line in response.json()["referenced_by"])
    assert Site.objects.filter(slug="hatra").exists()


def test_session_writes_need_csrf(world):
    """A logged-in browser session may write only with the CSRF token."""
    user = User.objects.create_user("browser", password="a long enough password")
    user.user_permissions.set(
        __import__("tests.api.conftest", fromlist=["permissions"]).permissions("add", "change", "view")
    )
    client = APIClient(enforce_csrf_checks=True)
    client.force_login(user)
    url = "/api/v1/sources/hatra-report/"
    refused = client.patch(url, {"notes": "x"}, format="json")
    assert refused.status_code == 403 and "CSRF" in refused.json()["detail"]
    client.get("/admin/login/")  # sets the csrftoken cookie
    csrf = client.cookies["csrftoken"].value
    accepted = client.patch(url, {"notes": "x"}, format="json", HTTP_X_CSRFTOKEN=csrf, **if_match(client, url))
    assert accepted.status_code == 200, accepted.content


def test_a_slug_taken_by_a_concurrent_create_is_a_409(world, curator, monkeypatch):
    """
    Another request saves the same slug after this one was validated but before it is saved (validation cannot see
    uncommitted rows): the database's unique constraint refuses the insert, and the answer is a 409, not a 500.
    """
    from heritage.records.api.damage import DamageReportViewSet

    body = {"slug": "raced", "site": "palmyra", "cause": "looting", "severity": "destroyed", "certainty": "low"}
    save = DamageReportViewSet.perform_create

    def concurrent_create_first(view, serializer):
        DamageReport.objects.create(**serializer.validated_data)
        save(view, serializer)

    monkeypatch.setattr(DamageReportViewSet, "perform_create", concurrent_create_first)
    response = curator.post("/api/v1/damage-reports/", body, format="json")
    assert response.status_code == 409, response.content
    assert "try again" in response.json()["detail"]
