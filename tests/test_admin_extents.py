"""
A site's extents in the admin: an inline on the site's page and a page of their own, the geometry typed as JSON and
refused on the field when it is not a geometry this database stores (never a 500), and a sensitive site's shapes
shown only to those who may see its exact location.
"""

import json

import pytest
from django.contrib.auth.models import Permission, User
from django.urls import reverse
from django.utils.html import escape

from heritage.records.models import Site, SiteExtent

from .admin_helpers import make_user
from .conftest import table_counts

pytestmark = pytest.mark.django_db

WALLS = {
    "type": "Polygon",
    "coordinates": [[[38.26, 34.55], [38.28, 34.55], [38.28, 34.56], [38.26, 34.55]]],
}


@pytest.fixture
def curator_client(client):
    client.force_login(make_user("cora", group="Curator"))
    return client


@pytest.fixture
def changer_client(client):
    """Staff who may add and change every record but view none: not allowed to see exact locations."""
    user = User.objects.create_user("admin-changer", is_staff=True)
    user.user_permissions.set(
        Permission.objects.filter(content_type__app_label="records", codename__regex=r"^(add|change)_")
    )
    client.force_login(user)
    return client


def add_extent(client, site, geometry, **extra):
    data = {"site": site.pk, "position": 1, "geometry": geometry, "qualifier": "perimeter", "certainty": "high"}
    return client.post(reverse("admin:records_siteextent_add"), {**data, **extra, "_save": "Save"})


def test_a_curator_adds_an_extent_typed_as_json(curator_client, palmyra):
    response = add_extent(curator_client, palmyra, json.dumps(WALLS))
    assert response.status_code == 302, response.context["adminform"].form.errors
    assert SiteExtent.objects.get(site=palmyra).geometry == WALLS


BAD = {
    "ring not closed": (json.dumps({"type": "Polygon", "coordinates": [[[0, 0], [1, 0], [1, 1], [0, 1]]]}), "close"),
    "self-crossing": (
        json.dumps({"type": "Polygon", "coordinates": [[[0, 0], [1, 1], [1, 0], [0, 1], [0, 0]]]}),
        "Self-intersection",
    ),
    "out of range": ('{"type": "Point", "coordinates": [200, 0]}', "Longitude 200"),
    "not JSON": ("POINT (38 34)", "Enter a GeoJSON geometry as JSON"),
    "NaN": ('{"type": "Point", "coordinates": [NaN, 0]}', "Enter a GeoJSON geometry as JSON"),
    "deep nesting": ("[" * 5000 + "]" * 5000, "Enter a GeoJSON geometry as JSON"),
    "a 5000-digit integer": ('{"type": "Point", "coordinates": [' + "9" * 5000 + ", 0]}", "infinity"),
    "not an object": ("[38, 34]", "GeoJSON object"),
    "empty": ("", "This field is required"),
}


@pytest.mark.parametrize(("text", "message"), BAD.values(), ids=BAD.keys())
def test_a_bad_geometry_is_refused_on_the_field(curator_client, palmyra, text, message):
    """The form comes back (200) with the error on `geometry` and the text as typed; nothing is written."""
    before = table_counts()
    response = add_extent(curator_client, palmyra, text)
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert list(errors) == ["geometry"], errors
    assert message in " ".join(errors["geometry"]), errors
    if len(text) < 1000:
        assert escape(text) in response.content.decode()
    assert table_counts() == before


def test_the_site_page_has_the_extents_inline(curator_client, palmyra):
    SiteExtent.objects.create(site=palmyra, position=1, geometry=WALLS)
    page = curator_client.get(reverse("admin:records_site_change", args=[palmyra.pk])).content.decode()
    assert 'name="extents-TOTAL_FORMS"' in page
    assert "38.26" in page


def test_a_sensitive_sites_shapes_are_not_shown_to_one_who_may_not_see_them(changer_client, palmyra):
    """No inline on the site's page, no row in the extents' list, no page of the extent (404)."""
    Site.objects.filter(pk=palmyra.pk).update(is_sensitive=True)
    extent = SiteExtent.objects.create(site=palmyra, position=1, geometry=WALLS)
    page = changer_client.get(reverse("admin:records_site_change", args=[palmyra.pk])).content.decode()
    assert "extents-TOTAL_FORMS" not in page and "38.26" not in page
    listing = changer_client.get(reverse("admin:records_siteextent_changelist")).content.decode()
    assert "38.26" not in listing and str(palmyra) not in listing
    assert changer_client.get(reverse("admin:records_siteextent_change", args=[extent.pk])).status_code in (302, 404)
    assert changer_client.get(reverse("admin:records_siteextent_history", args=[extent.pk])).status_code == 404


def test_the_same_user_edits_the_extents_of_a_site_that_is_not_sensitive(changer_client, palmyra):
    SiteExtent.objects.create(site=palmyra, position=1, geometry=WALLS)
    page = changer_client.get(reverse("admin:records_site_change", args=[palmyra.pk])).content.decode()
    assert 'name="extents-TOTAL_FORMS"' in page


@pytest.mark.parametrize("sensitive", [True, False], ids=["sensitive", "not sensitive"])
def test_a_deleted_extents_history_follows_its_sites_sensitivity(client, palmyra, sensitive):
    """
    Staff who may view extents but not exact locations read a deleted extent's history (its last shape) only where
    the site's location is public.
    """
    user = User.objects.create_user("extent-viewer", is_staff=True)
    user.user_permissions.set(Permission.objects.filter(codename="view_siteextent"))
    client.force_login(user)
    Site.objects.filter(pk=palmyra.pk).update(is_sensitive=sensitive)
    extent = SiteExtent.objects.create(site=palmyra, position=1, geometry=WALLS)
    pk, version = extent.pk, extent.history.latest().history_id
    extent.delete()
    history = client.get(reverse("admin:records_siteextent_history", args=[pk]))
    one_version = client.get(reverse("admin:records_siteextent_simple_history", args=[pk, version]))
    assert history.status_code == one_version.status_code == (404 if sensitive else 200)
    assert ("38.26" in one_version.content.decode()) is not sensitive
