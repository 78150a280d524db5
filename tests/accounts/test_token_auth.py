"""
The API with the tokens users issue: `Authorization: Token <key>`, acting as the token's user with their permissions;
expired, revoked or malformed keys are a 401, never a 500.
"""

import datetime

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from heritage.accounts.models import ApiToken
from heritage.records.models import Actor

from ..admin_helpers import make_user
from ..tokens import token_header

pytestmark = pytest.mark.django_db

ACTOR = {"slug": "hatra-guards", "name": "Hatra site guards", "kind": "armed_group"}


def client_with(header):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=header)
    return client


def test_a_curators_token_writes(palmyra):
    curator = make_user("cyrus", group="Curator")
    response = client_with(token_header(curator)).post("/api/v1/actors/", ACTOR, format="json")
    assert response.status_code == 201, response.content
    actor = Actor.objects.get(slug="hatra-guards")
    assert actor.history.latest().history_user == curator


def test_a_researchers_token_reads_and_cannot_write(palmyra):
    client = client_with(token_header(make_user("rhea", group="Researcher")))
    assert client.get("/api/v1/damage-reports/?status=draft").status_code == 200
    before = Actor.objects.count()
    assert client.post("/api/v1/actors/", ACTOR, format="json").status_code == 403
    assert Actor.objects.count() == before


def test_an_expired_token_is_refused(palmyra):
    user = make_user("cyrus", group="Curator")
    client = client_with(token_header(user))
    ApiToken.objects.filter(user=user).update(expiry=timezone.now() - datetime.timedelta(seconds=1))
    response = client.get("/api/v1/sites/")
    assert response.status_code == 401
    assert "expired" in response.json()["detail"]
    assert client.post("/api/v1/actors/", ACTOR, format="json").status_code == 401
    assert not Actor.objects.filter(slug="hatra-guards").exists()
    # Kept, so that its owner sees it marked expired on the token page.
    assert ApiToken.objects.filter(user=user).exists()


def test_a_deactivated_users_token_is_refused(palmyra):
    user = make_user("cyrus", group="Curator")
    client = client_with(token_header(user))
    user.is_active = False
    user.save()
    assert client.get("/api/v1/sites/").status_code == 401


def test_an_anonymous_write_names_the_token_scheme(palmyra):
    response = APIClient().post("/api/v1/actors/", ACTOR, format="json")
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"


@pytest.mark.parametrize(
    "header",
    [
        "Token " + "0" * 64,
        "Token " + "f" * 40,
        "Token",
        "Token a b",
        "Token \u00e9\u00e9",  # not ASCII (a latin-1 header)
        "Token " + "x" * 5000,
    ],
)
def test_a_wrong_or_malformed_key_is_a_401(palmyra, header):
    response = client_with(header).get("/api/v1/sites/")
    assert response.status_code == 401
    assert response["Content-Type"] == "application/json"


def test_the_last_use_is_recorded_to_the_minute(palmyra):
    user = make_user("rhea", group="Researcher")
    client = client_with(token_header(user))
    assert ApiToken.objects.get(user=user).last_used is None
    assert client.get("/api/v1/sites/").status_code == 200
    first = ApiToken.objects.get(user=user).last_used
    assert timezone.now() - first < datetime.timedelta(seconds=10)
    assert client.get("/api/v1/sites/").status_code == 200
    assert ApiToken.objects.get(user=user).last_used == first  # not written again within the minute
    ApiToken.objects.filter(user=user).update(last_used=first - datetime.timedelta(minutes=2))
    assert client.get("/api/v1/sites/").status_code == 200
    assert ApiToken.objects.get(user=user).last_used > first


def test_a_database_copy_holds_no_usable_key(palmyra):
    """Only the digest and the key's first characters are stored: no column holds the key."""
    header = token_header(make_user("rhea", group="Researcher"))
    key = header.removeprefix("Token ")
    stored = ApiToken.objects.values().get()
    assert not any(isinstance(value, str) and key in value for value in stored.values())
    assert client_with(f"Token {stored['digest']}").get("/api/v1/sites/").status_code == 401
