"""
A sensitive site's coordinates are coarsened for everyone but signed-in curators and researchers; curators set and
clear the flag in the admin and the API.
"""

from decimal import Decimal

import pytest
from django.contrib.auth.models import AnonymousUser, Permission, User
from django.urls import reverse
from rest_framework.test import APIClient

from heritage.records.models import Site

from .admin_helpers import make_user
from .conftest import table_counts
from .test_history import form_data
from .tokens import token_header

pytestmark = pytest.mark.django_db


@pytest.fixture
def hidden_site():
    return Site.objects.create(
        slug="hidden-tell",
        name="Hidden tell",
        kind="archaeological_site",
        country="SY",
        latitude=Decimal("34.551234"),
        longitude=Decimal("38.268765"),
        location_certainty="high",
        is_sensitive=True,
    )


def test_the_public_sees_a_sensitive_site_to_a_tenth_of_a_degree(hidden_site):
    assert hidden_site.coordinates_for(AnonymousUser()) == (Decimal("34.6"), Decimal("38.3"))
    assert hidden_site.coordinates_for(None) == (Decimal("34.6"), Decimal("38.3"))
    plain = User.objects.create_user("plain")
    assert hidden_site.coordinates_for(plain) == (Decimal("34.6"), Decimal("38.3"))


def test_users_who_may_view_sites_see_exact_coordinates(hidden_site):
    researcher = User.objects.create_user("researcher")
    researcher.user_permissions.add(Permission.objects.get(codename="view_site"))
    assert hidden_site.coordinates_for(researcher) == (Decimal("34.551234"), Decimal("38.268765"))


def test_a_site_that_is_not_sensitive_is_shown_exactly(hidden_site):
    hidden_site.is_sensitive = False
    assert hidden_site.coordinates_for(AnonymousUser()) == (Decimal("34.551234"), Decimal("38.268765"))


# --- Setting and clearing the flag ----------------------------------------------------------------------------------


def located(site):
    Site.objects.filter(pk=site.pk).update(latitude="34.551234", longitude="38.268765", location_certainty="high")
    return Site.objects.get(pk=site.pk)


def api_client(user=None):
    client = APIClient()
    if user is not None:
        client.credentials(HTTP_AUTHORIZATION=token_header(user))
    return client


def public_coordinates(slug):
    data = APIClient().get(f"/api/v1/sites/{slug}/").json()
    return data["latitude"], data["longitude"], data["is_sensitive"]


def test_a_curator_flags_a_site_in_the_admin_and_the_public_then_sees_it_coarsened(client, palmyra):
    """The checkbox is on the site's form; the change is in the history with who made it."""
    site = located(palmyra)
    curator = make_user("cora", group="Curator")
    client.force_login(curator)
    url = reverse("admin:records_site_change", args=[site.pk])
    assert public_coordinates("palmyra") == ("34.551234", "38.268765", None)
    response = client.post(url, {**form_data(client.get(url)), "is_sensitive": "on"})
    assert response.status_code == 302
    assert Site.objects.get(pk=site.pk).is_sensitive
    entry = Site.history.filter(id=site.pk).latest()
    assert (entry.is_sensitive, entry.history_user) == (True, curator)
    assert public_coordinates("palmyra") == ("34.600000", "38.300000", None)

    response = client.post(url, {k: v for k, v in form_data(client.get(url)).items() if k != "is_sensitive"})
    assert response.status_code == 302
    assert not Site.objects.get(pk=site.pk).is_sensitive  # an unticked box clears it
    assert public_coordinates("palmyra") == ("34.551234", "38.268765", None)


def test_a_researcher_cannot_flag_a_site_in_the_admin(client, palmyra):
    site = located(palmyra)
    client.force_login(make_user("rita", group="Researcher"))
    url = reverse("admin:records_site_change", args=[site.pk])
    page = client.get(url)
    assert 'name="is_sensitive"' not in page.content.decode()
    before = table_counts()
    response = client.post(url, {**form_data(page), "is_sensitive": "on"})
    assert response.status_code == 403
    assert not Site.objects.get(pk=site.pk).is_sensitive
    assert table_counts() == before


def test_staff_who_may_change_sites_but_not_see_exact_locations_cannot_untick_the_flag(client, palmyra):
    """The flag is read-only on their form: unticking it would show them the location it hides."""
    site = located(palmyra)
    Site.objects.filter(pk=site.pk).update(is_sensitive=True)
    user = make_user("chad")
    user.user_permissions.set(Permission.objects.filter(codename__in=["add_site", "change_site"]))
    client.force_login(user)
    url = reverse("admin:records_site_change", args=[site.pk])
    page = client.get(url)
    assert 'name="is_sensitive"' not in page.content.decode()
    response = client.post(url, {k: v for k, v in form_data(page).items() if k != "is_sensitive"})
    assert response.status_code == 302
    assert Site.objects.get(pk=site.pk).is_sensitive
    assert public_coordinates("palmyra") == ("34.600000", "38.300000", None)


def test_reverting_to_a_version_from_before_the_flag_keeps_it(client, palmyra):
    """The revert form shows the flag read-only and keeps it, whatever the old version or the POST says."""
    site = located(palmyra)
    client.force_login(make_user("cora", group="Curator"))
    url = reverse("admin:records_site_change", args=[site.pk])
    client.post(url, {**form_data(client.get(url)), "description": "Before it was flagged."})
    client.post(url, {**form_data(client.get(url)), "description": "Flagged.", "is_sensitive": "on"})
    old = Site.history.filter(id=site.pk, description="Before it was flagged.").get()
    version = reverse("admin:records_site_simple_history", args=[site.pk, old.history_id])
    page = client.get(version)
    assert 'name="is_sensitive"' not in page.content.decode()
    response = client.post(version, {**form_data(page), "is_sensitive": ""})
    assert response.status_code == 302
    site.refresh_from_db()
    assert (site.description, site.is_sensitive) == ("Before it was flagged.", True)


def test_a_curator_flags_and_clears_a_site_through_the_api(palmyra):
    """PATCH is_sensitive: the public's coordinates follow, and the history names the curator."""
    located(palmyra)
    curator = make_user("cora", group="Curator")
    client = api_client(curator)
    url = "/api/v1/sites/palmyra/"
    response = client.patch(url, {"is_sensitive": True}, format="json", HTTP_IF_MATCH=client.get(url)["ETag"])
    assert response.status_code == 200, response.content
    assert response.json()["is_sensitive"] is True
    assert (response.json()["latitude"], response.json()["longitude"]) == ("34.551234", "38.268765")
    assert Site.history.filter(slug="palmyra").latest().history_user == curator
    assert public_coordinates("palmyra") == ("34.600000", "38.300000", None)

    response = client.patch(url, {"is_sensitive": False}, format="json", HTTP_IF_MATCH=client.get(url)["ETag"])
    assert response.status_code == 200, response.content
    assert public_coordinates("palmyra") == ("34.551234", "38.268765", None)


@pytest.mark.parametrize("value", [None, "sometimes", 2])
def test_a_flag_that_is_not_true_or_false_is_refused_naming_the_field(palmyra, value):
    located(palmyra)
    client = api_client(make_user("cora", group="Curator"))
    url = "/api/v1/sites/palmyra/"
    before = table_counts()
    response = client.patch(url, {"is_sensitive": value}, format="json", HTTP_IF_MATCH=client.get(url)["ETag"])
    assert response.status_code == 400
    assert "is_sensitive" in response.json()
    assert table_counts() == before


def test_a_researcher_cannot_flag_a_site_through_the_api(palmyra):
    located(palmyra)
    client = api_client(make_user("rita", group="Researcher"))
    url = "/api/v1/sites/palmyra/"
    assert client.get(url).json()["is_sensitive"] is False  # researchers see the flag
    before = table_counts()
    response = client.patch(url, {"is_sensitive": True}, format="json", HTTP_IF_MATCH=client.get(url)["ETag"])
    assert response.status_code == 403
    assert not Site.objects.get(slug="palmyra").is_sensitive
    assert table_counts() == before
    anonymous = APIClient().patch(url, {"is_sensitive": True}, format="json")
    assert anonymous.status_code == 401
