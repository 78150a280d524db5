"""Every model is in the admin, and its list, add, change and history pages open for a curator."""

import io
import re

import pytest
from django.apps import apps
from django.contrib.auth.models import Permission
from django.core.management import call_command
from django.urls import reverse

from heritage.records.models import (
    Actor,
    ActorAlias,
    ActorIdentifier,
    Deletion,
    Period,
    PeriodIdentifier,
    Release,
    SiteExtent,
    SiteIdentifier,
    Structure,
)

from .admin_helpers import make_damage_reports, make_user

pytestmark = pytest.mark.django_db


def record_models():
    # Tombstones and releases are about the record, not records of the domain: their read-only admins are tested on
    # their own (test_admin_deletions.py, test_releases_are_listed_read_only below).
    return [
        m
        for m in apps.get_app_config("records").get_models()
        if not m.__name__.startswith("Historical") and m not in (Deletion, Release)
    ]


def test_every_record_model_is_registered():
    """Each model of the domain has an admin page (history models are shown through their record's history)."""
    from django.contrib import admin

    missing = [m.__name__ for m in record_models() if not admin.site.is_registered(m)]
    assert missing == []


def test_releases_are_listed_read_only(client, palmyra, releases):
    """Releases are made by manage.py release: the admin lists them, offers no add form, and links each file."""
    call_command("release", stdout=io.StringIO())
    client.force_login(make_user("root", superuser=True))
    assert client.get(reverse("admin:records_release_changelist")).status_code == 200
    assert client.get(reverse("admin:records_release_add")).status_code == 403
    release = Release.objects.get()
    page = client.get(reverse("admin:records_release_change", args=[release.pk])).content.decode()
    (link,) = re.findall(r'href="([^"]+)">' + re.escape(release.file_name), page)
    download = client.get(link)
    assert download.status_code == 200 and download["Content-Type"] == "application/zip"


@pytest.mark.parametrize("model", record_models(), ids=lambda m: m.__name__)
def test_list_add_change_and_history_pages_open(client, palmyra, model):
    """A curator can open the list, the add form, and the change and history pages of a record of every model."""
    client.force_login(make_user("cora", group="Curator"))
    name = model._meta.model_name
    assert client.get(reverse(f"admin:records_{name}_changelist")).status_code == 200
    assert client.get(reverse(f"admin:records_{name}_add")).status_code == 200
    if model is Structure:  # the article names no structure
        Structure.objects.create(site=palmyra, slug="temple-of-bel", name="Temple of Bel")
    # Nor any identifier in another register.
    elif model is SiteIdentifier:
        SiteIdentifier.objects.create(site=palmyra, scheme="pleiades", value="668331")
    elif model is ActorIdentifier:
        ActorIdentifier.objects.create(actor=Actor.objects.get(slug="isis"), scheme="wikidata", value="Q2429253")
    elif model is PeriodIdentifier:
        PeriodIdentifier.objects.create(period=Period.objects.first(), scheme="periodo", value="p0qhb66fhbb")
    elif model is SiteExtent:  # nor any shape
        SiteExtent.objects.create(site=palmyra, position=1, geometry={"type": "Point", "coordinates": [38.27, 34.55]})
    record = model.objects.first()
    assert record is not None, f"the Palmyra fixtures have no {name}"
    assert client.get(reverse(f"admin:records_{name}_change", args=[record.pk])).status_code == 200
    assert client.get(reverse(f"admin:records_{name}_history", args=[record.pk])).status_code == 200


def test_search_finds_an_actor_by_alias(client, palmyra):
    """Searching damage reports for "Daesh" finds the ones by ISIS: aliases are searched."""
    ActorAlias.objects.create(actor=Actor.objects.get(slug="isis"), name="Daesh")
    client.force_login(make_user("cora", group="Curator"))
    response = client.get(reverse("admin:records_damagereport_changelist"), {"q": "Daesh"})
    assert response.status_code == 200
    assert "palmyra-defaced-by-isis" in response.content.decode()
    assert "palmyra-ancient-heritage-destroyed" not in response.content.decode()


@pytest.mark.parametrize(
    "params",
    [
        {"site__country": "SY"},
        {"severity__exact": "destroyed"},
        {"certainty__exact": "medium"},
        {"status__exact": "reported"},
        {"site__designations__kind": "unesco_world_heritage"},
    ],
)
def test_damage_report_list_filters(client, palmyra, params):
    """The curator's filters (country, severity, certainty, status, designation kind) narrow the list."""
    client.force_login(make_user("cora", group="Curator"))
    response = client.get(reverse("admin:records_damagereport_changelist"), params)
    assert response.status_code == 200
    assert response.context["cl"].result_count >= 1


@pytest.mark.parametrize(("codenames", "shown"), [(["view_site"], 2), (["view_site", "view_damagereport"], 3)])
def test_the_site_list_counts_only_the_damage_reports_the_user_may_see(client, palmyra, codenames, shown):
    """Regression: the site list's "damage reports" counted drafts for users who may not see drafts."""
    make_damage_reports(1, site=palmyra, status="draft")
    user = make_user("site-viewer")
    user.user_permissions.add(*Permission.objects.filter(codename__in=codenames))
    client.force_login(user)
    response = client.get(reverse("admin:records_site_changelist"))
    assert [site.damage_report_total for site in response.context["cl"].result_list] == [shown]
