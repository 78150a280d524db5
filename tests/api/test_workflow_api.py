"""
The verification workflow through the API: a damage report's or a threat's status moves only by POST .../status/,
with the admin's rules.
"""

import pytest
from django.contrib.auth.models import Group, User
from rest_framework.test import APIClient

from heritage.records.models import DamageReport, Threat

from ..conftest import table_counts
from ..tokens import token_header

# Each kind of record under the workflow, with a cited one of the article's.
RECORDS = {
    DamageReport: "/api/v1/damage-reports/palmyra-defaced-by-isis/",
    Threat: "/api/v1/threats/palmyra-landmines-2016/",
}
both_kinds = pytest.mark.parametrize("model", list(RECORDS), ids=["damage report", "threat"])


def client_in(group):
    user = User.objects.create_user(group.lower())
    user.groups.add(Group.objects.get(name=group))
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=token_header(user))
    return client, user


def record_of(model):
    return model.objects.get(slug=RECORDS[model].rstrip("/").rsplit("/", 1)[1])


@pytest.mark.django_db
@both_kinds
def test_a_curator_verifies_a_cited_record_and_who_and_when_are_kept(palmyra, model):
    client, user = client_in("Curator")
    response = client.post(
        RECORDS[model] + "status/", {"status": "verified", "reason": "Matches imagery."}, format="json"
    )
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "verified"
    assert response.json()["status_changed_at"]
    record = record_of(model)
    assert (record.status, record.status_changed_by) == ("verified", user)
    entry = record.history.latest()
    assert entry.history_user == user
    assert entry.history_change_reason == "Status: Reported → Verified. Matches imagery."


@pytest.mark.django_db
@both_kinds
def test_the_etag_a_move_answers_with_is_the_one_to_write_with_next(palmyra, model):
    """Regression: the move answered with the ETag of the version before it, so the next PATCH sending it got a 412."""
    client, _ = client_in("Curator")
    response = client.post(RECORDS[model] + "status/", {"status": "verified", "reason": "ok"}, format="json")
    assert response.status_code == 200, response.content
    assert response["ETag"] == client.get(RECORDS[model])["ETag"] == f'"{record_of(model).version}"'
    patched = client.patch(RECORDS[model], {"description": "Seen."}, format="json", HTTP_IF_MATCH=response["ETag"])
    assert patched.status_code == 200, patched.content


@pytest.mark.django_db
@both_kinds
def test_an_uncited_record_cannot_be_verified(palmyra, model):
    client, _ = client_in("Curator")
    record_of(model).citations.clear()
    before = table_counts()
    response = client.post(RECORDS[model] + "status/", {"status": "verified"}, format="json")
    assert response.status_code == 400
    assert "cites no source" in response.json()["status"][0]
    assert record_of(model).status == "reported"
    assert table_counts() == before


@pytest.mark.django_db
@both_kinds
@pytest.mark.parametrize(
    ("status", "message"),
    [("draft", "cannot be draft"), ("verifed", "is not a valid choice"), ("", "is not a valid choice")],
)
def test_a_move_the_workflow_does_not_allow_is_refused_on_the_status_field(palmyra, model, status, message):
    """A move the workflow forbids, a status that does not exist or none at all: 400 on `status`, nothing written."""
    client, _ = client_in("Curator")
    before = table_counts()
    response = client.post(RECORDS[model] + "status/", {"status": status}, format="json")
    assert response.status_code == 400
    assert message in response.json()["status"][0]
    assert record_of(model).status == "reported"
    assert table_counts() == before


@pytest.mark.django_db
@both_kinds
def test_researchers_and_anonymous_clients_cannot_move_a_record(palmyra, model):
    researcher, _ = client_in("Researcher")
    before = table_counts()
    assert researcher.post(RECORDS[model] + "status/", {"status": "verified"}, format="json").status_code == 403
    assert APIClient().post(RECORDS[model] + "status/", {"status": "verified"}, format="json").status_code == 401
    assert record_of(model).status == "reported"
    assert table_counts() == before


@pytest.mark.django_db
@both_kinds
def test_status_is_refused_in_ordinary_writes(palmyra, model):
    """A PATCH cannot skip the workflow: a status in it is a 400 that gives the workflow's address; nothing changes."""
    client, _ = client_in("Curator")
    record = record_of(model)
    headers = {"HTTP_IF_MATCH": f'"{record.version}"'}
    response = client.patch(RECORDS[model], {"status": "verified"}, format="json", **headers)
    assert response.status_code == 400, response.content
    assert f"POST {RECORDS[model]}status/" in response.json()["status"][0]
    assert record_of(model).status == "reported"
