"""The demo set-up's curator account: password from the environment or printed once, never fixed in code."""

import io

import pytest
from django.contrib.auth import authenticate as django_authenticate
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import RequestFactory

pytestmark = pytest.mark.django_db


def authenticate(**credentials):
    # The login rate limiter (django-axes) needs the request a login comes with.
    return django_authenticate(RequestFactory().post("/admin/login/"), **credentials)


def run():
    out = io.StringIO()
    call_command("ensure_demo_curator", stdout=out)
    return out.getvalue()


def test_password_from_the_environment(monkeypatch):
    monkeypatch.setenv("HERITAGE_CURATOR_PASSWORD", "from-the-environment-1")
    output = run()
    assert "from-the-environment-1" not in output
    user = authenticate(username="curator", password="from-the-environment-1")
    assert user is not None and user.is_staff and not user.is_superuser
    assert list(user.groups.values_list("name", flat=True)) == ["Curator"]


def test_generated_password_is_printed_once_and_works(monkeypatch):
    monkeypatch.delenv("HERITAGE_CURATOR_PASSWORD", raising=False)
    output = run()
    password = output.split("with the password ")[1].split(" ")[0]
    assert authenticate(username="curator", password=password) is not None
    second = run()
    assert password not in second  # printed only when the account is created
    assert authenticate(username="curator", password=password) is not None  # and never reset


def test_two_fresh_set_ups_get_different_passwords(monkeypatch):
    monkeypatch.delenv("HERITAGE_CURATOR_PASSWORD", raising=False)
    first = run().split("with the password ")[1].split(" ")[0]
    get_user_model().objects.filter(username="curator").delete()
    second = run().split("with the password ")[1].split(" ")[0]
    assert first != second
