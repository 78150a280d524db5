"""CORS is off unless origins are configured."""

import pytest
from django.test import override_settings


@pytest.mark.django_db
def test_no_cross_origin_access_by_default(client):
    response = client.get("/admin/login/", HTTP_ORIGIN="https://elsewhere.example")
    assert "access-control-allow-origin" not in response.headers


@pytest.mark.django_db
@override_settings(CORS_ALLOWED_ORIGINS=["https://notebooks.example"])
def test_a_configured_origin_is_allowed(client):
    response = client.get("/admin/login/", HTTP_ORIGIN="https://notebooks.example")
    assert response.headers["access-control-allow-origin"] == "https://notebooks.example"
    response = client.get("/admin/login/", HTTP_ORIGIN="https://elsewhere.example")
    assert "access-control-allow-origin" not in response.headers
