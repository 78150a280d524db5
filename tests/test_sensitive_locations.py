"""A sensitive site's coordinates are coarsened for everyone but signed-in curators and researchers."""

from decimal import Decimal

import pytest
from django.contrib.auth.models import AnonymousUser, Permission, User

from heritage.records.models import Site

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
