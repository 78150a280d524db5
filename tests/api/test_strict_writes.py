"""
Nothing sent is ignored, whatever the way in: multipart uploads, batches, statuses outside the workflow. (Every
resource's unknown keys and read-only fields are tested in base.APIResourceTests.)
"""

from django.core.files.uploadedfile import SimpleUploadedFile

from heritage.records.models import DamageReport, Threat

from ..conftest import table_counts
from .base import if_match


def test_a_multipart_upload_with_an_unknown_field_is_refused(world, curator):
    """A source uploaded as multipart/form-data with a field the API does not have: 400 naming it, nothing saved."""
    before = table_counts()
    body = {
        "slug": "upload",
        "title": "Upload",
        "kind": "report",
        "language": "en",
        "file": SimpleUploadedFile("notes.txt", b"A report of Hatra.", content_type="text/plain"),
        "author": "Somebody",
    }
    response = curator.post("/api/v1/sources/", body, format="multipart")
    assert response.status_code == 400, response.content
    assert response.json() == {"author": ["Unknown field."]}
    assert table_counts() == before


def test_a_multipart_upload_with_a_read_only_field_is_refused(world, curator):
    """Read-only fields cannot be set through a form either (here the text's SHA-256)."""
    before = table_counts()
    body = {
        "slug": "upload",
        "title": "U",
        "kind": "report",
        "language": "en",
        "text": "Words.",
        "text_sha256": "0" * 64,
    }
    response = curator.post("/api/v1/sources/", body, format="multipart")
    assert response.status_code == 400, response.content
    assert list(response.json()) == ["text_sha256"]
    assert table_counts() == before


def test_a_batch_record_with_an_unknown_field_refuses_the_batch(world, curator):
    """In a batch, the unknown key is named under its record's position, and no record is saved."""
    before = table_counts()
    good = {"slug": "a-1", "name": "A one", "kind": "news_media"}
    response = curator.post("/api/v1/actors/", [good, {**good, "slug": "a-2", "alias": "A2"}], format="json")
    assert response.status_code == 400
    assert response.json()["errors"] == {"1": {"alias": ["Unknown field."]}}
    assert table_counts() == before


def test_a_status_in_a_create_points_to_the_workflow(world, curator):
    """A new damage report cannot be created verified: the status is refused with the workflow's address."""
    body = {"slug": "x", "site": "hatra", "cause": "looting", "severity": "destroyed", "certainty": "low"}
    response = curator.post("/api/v1/damage-reports/", {**body, "status": "verified"}, format="json")
    assert response.status_code == 400
    assert "/api/v1/damage-reports/<slug>/status/" in response.json()["status"][0]
    assert not DamageReport.objects.filter(slug="x").exists()


def test_a_threats_status_changes_only_through_the_workflow(world, curator):
    """A threat's status sent with a new value is a 400 giving the workflow's address; sent unchanged, accepted."""
    url = "/api/v1/threats/hatra-looting/"
    response = curator.patch(url, {"status": "verified"}, format="json", **if_match(curator, url))
    assert response.status_code == 400
    assert "POST /api/v1/threats/hatra-looting/status/" in response.json()["status"][0]
    assert Threat.objects.get(slug="hatra-looting").status == "draft"
    response = curator.patch(url, {"status": "draft", "certainty": "medium"}, format="json", **if_match(curator, url))
    assert response.status_code == 200, response.content
    assert Threat.objects.get(slug="hatra-looting").certainty == "medium"


def test_an_unknown_field_and_a_bad_value_are_named_together(world, curator):
    """One answer names every problem: the unknown key and the invalid value beside it."""
    url = "/api/v1/damage-reports/hatra-statues-smashed/"
    response = curator.patch(
        url, {"severity": "obliterated", "sevrity": "destroyed"}, format="json", **if_match(curator, url)
    )
    assert response.status_code == 400
    assert set(response.json()) == {"severity", "sevrity"}


def test_the_workflow_refuses_unknown_keys_too(world, curator):
    """A status move with a key it does not take (a misspelt `reason`) is a 400 naming it; the status stays."""
    url = "/api/v1/damage-reports/hatra-statues-smashed/status/"
    response = curator.post(url, {"status": "disputed", "reson": "Contradicted."}, format="json")
    assert response.status_code == 400
    assert response.json() == {"reson": ["Unknown field."]}
    assert DamageReport.objects.get(slug="hatra-statues-smashed").status == "verified"
