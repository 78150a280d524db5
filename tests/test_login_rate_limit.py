"""Password guessing at the admin login is stopped: after five failures the username is locked out from that address."""

import pytest
from axes.models import AccessAttempt
from django.contrib.auth.models import User

pytestmark = pytest.mark.django_db

LOGIN = "/admin/login/?next=/admin/"


def attempt(client, password):
    return client.post(LOGIN, {"username": "ana", "password": password}, REMOTE_ADDR="203.0.113.9")


def test_five_wrong_passwords_lock_the_account_out_even_for_the_right_one(client):
    User.objects.create_user("ana", password="the right password 1", is_staff=True)
    for _ in range(5):
        response = attempt(client, "guess")
        assert response.status_code in (200, 429)
    locked = attempt(client, "the right password 1")
    assert locked.status_code == 429
    assert not client.session.get("_auth_user_id")


def test_a_right_password_before_the_limit_logs_in(client):
    User.objects.create_user("ana", password="the right password 1", is_staff=True)
    for _ in range(3):
        attempt(client, "guess")
    response = attempt(client, "the right password 1")
    assert response.status_code == 302
    assert client.session.get("_auth_user_id")


def test_a_username_longer_than_any_is_refused_naming_the_field(client):
    """Regression: the login passed a username of any length to authenticate(), and axes stored it to count the
    failure: past its column's 255 characters, PostgreSQL refused the row and the login page was a 500."""
    response = client.post(LOGIN, {"username": "a" * 300, "password": "guess"}, REMOTE_ADDR="203.0.113.9")
    assert response.status_code == 200
    assert response.context["form"].errors["username"] == ["Ensure this value has at most 150 characters (it has 300)."]
    assert not AccessAttempt.objects.exists()
