"""manage.py issue_api_token: a token for a user, its key printed once, alone on standard output."""

import datetime
import io

import pytest
from django.core.management import CommandError, call_command
from rest_framework.test import APIClient

from heritage.accounts.models import ApiToken

from ..admin_helpers import make_user

pytestmark = pytest.mark.django_db


def issue(*args):
    out, err = io.StringIO(), io.StringIO()
    call_command("issue_api_token", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_the_key_is_printed_alone_and_works(palmyra, settings):
    user = make_user("cyrus", group="Curator")
    out, err = issue("cyrus", "--name", "nightly export")
    key = out.strip()
    assert out == f"{key}\n" and len(key) == 64
    token = ApiToken.objects.get(user=user)
    assert token.name == "nightly export"
    assert abs(token.expiry - token.created - datetime.timedelta(days=settings.API_TOKEN_DAYS)).total_seconds() < 5
    assert "expiring" in err and key not in err
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    response = client.post(
        "/api/v1/actors/", {"slug": "guards", "name": "Guards", "kind": "armed_group"}, format="json"
    )
    assert response.status_code == 201, response.content


def test_days_sets_the_expiry(db):
    user = make_user("rhea")
    issue("rhea", "--days", "3")
    token = ApiToken.objects.get(user=user)
    assert round((token.expiry - token.created).total_seconds() / 86400) == 3


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["nobody"], "No user named 'nobody'"),
        (["rhea", "--days", "0"], "--days must be at least 1"),
        (["rhea", "--name", "x" * 101], "--name must be at most 100 characters"),
        (["sleeper"], "is inactive"),
    ],
)
def test_bad_input_is_refused_and_issues_nothing(db, args, message):
    make_user("rhea")
    sleeper = make_user("sleeper")
    sleeper.is_active = False
    sleeper.save()
    with pytest.raises(CommandError, match=message):
        issue(*args)
    assert not ApiToken.objects.exists()


@pytest.mark.parametrize("days", ["31", "99999999999"])
def test_days_past_api_token_days_are_refused_and_issue_nothing(settings, days):
    """Regression: --days was not bounded, so a token could outlive API_TOKEN_DAYS, and a huge number crashed."""
    settings.API_TOKEN_DAYS = 30
    make_user("rhea")
    with pytest.raises(CommandError, match=rf"--days must be at most 30 \(API_TOKEN_DAYS\), not {days}\."):
        issue("rhea", "--days", days)
    assert not ApiToken.objects.exists()
