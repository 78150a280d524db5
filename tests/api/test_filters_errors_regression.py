"""Regression: a value containing '%' in a filter must give a 400 naming the parameter, not a 500.

django-filter %-formats error messages; a message that embedded the user's value ("#M%" as a slug) raised a
TypeError (found by the schemathesis run).
"""

import pytest


@pytest.mark.django_db
@pytest.mark.parametrize(
    "query",
    ["slug=%23M%25", "site=50%25off", "site_id=5%25", "has_damage=100%25", "occupied_by=%25s%25d"],
)
def test_percent_signs_in_filter_values_are_a_400(client, query):
    path = "/api/v1/sites/" if "has_damage" in query or "occupied_by" in query else "/api/v1/damage-reports/"
    if query.startswith("slug"):
        path = "/api/v1/sources/"
    response = client.get(f"{path}?{query}")
    assert response.status_code == 400, response.content
    assert query.split("=")[0] in response.json()


@pytest.mark.django_db
@pytest.mark.parametrize("value", ["³", "٣", "²5"])
def test_non_ascii_digits_as_a_related_record_are_a_400(palmyra, value):
    """Regression: "³".isdigit() is true but int("³") fails; such a reference gave a 500 (found by schemathesis)."""
    from django.contrib.auth.models import Permission, User
    from rest_framework.test import APIClient

    user = User.objects.create_user("writer")
    user.user_permissions.set(Permission.objects.filter(codename__in=["add_damagereport", "view_damagereport"]))
    client = APIClient()
    client.force_authenticate(user)
    data = {"slug": "x-report", "site": "palmyra", "cause": value, "severity": "destroyed", "certainty": "low"}
    response = client.post("/api/v1/damage-reports/", data, format="json")
    assert response.status_code == 400, response.content
    assert "cause" in response.json()
