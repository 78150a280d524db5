"""
The permission matrix: every write path and every read path that libraries add (history, revert, import, export),
through the admin and the API, for each role, with what each role may do. A refused write changes nothing.

Roles: anonymous; a signed-in account with no permission; a Researcher; a Curator; and a user who may change sites
and damage reports but view nothing (Django's admin lets change stand in for view; the record's own rules do not
let it stand in for seeing drafts or exact locations).
"""

import pytest
from django.contrib.auth.models import Permission
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from heritage.records.models import DamageReport, Site, Threat

from .admin_helpers import make_user
from .test_history import form_data
from .tokens import token_header

pytestmark = pytest.mark.django_db

ROLES = ["anonymous", "stranger", "researcher", "curator", "changer"]
OK, DENIED = "ok", "denied"

# What each role may do, action by action: (anonymous, stranger, researcher, curator, changer).
ADMIN = {
    "list": (DENIED, DENIED, OK, OK, OK),
    "view": (DENIED, DENIED, OK, OK, OK),
    "add": (DENIED, DENIED, DENIED, OK, DENIED),
    "change": (DENIED, DENIED, DENIED, OK, OK),
    "delete": (DENIED, DENIED, DENIED, OK, DENIED),
    "history": (DENIED, DENIED, OK, OK, OK),
    "version": (DENIED, DENIED, OK, OK, OK),
    "revert": (DENIED, DENIED, DENIED, OK, OK),
    "import": (DENIED, DENIED, DENIED, OK, DENIED),
    "export": (DENIED, DENIED, OK, OK, DENIED),
    "verify": (DENIED, DENIED, DENIED, OK, DENIED),
    "verify_threat": (DENIED, DENIED, DENIED, OK, DENIED),
}
API = {
    "list": (OK, OK, OK, OK, OK),
    "detail": (OK, OK, OK, OK, OK),
    "create": (DENIED, DENIED, DENIED, OK, DENIED),
    "update": (DENIED, DENIED, DENIED, OK, OK),
    "delete": (DENIED, DENIED, DENIED, OK, DENIED),
    "status": (DENIED, DENIED, DENIED, OK, DENIED),
    "threat_status": (DENIED, DENIED, DENIED, OK, DENIED),
}


def user_for(role):
    if role == "anonymous":
        return None
    if role in ("researcher", "curator"):
        return make_user(role, group=role.capitalize())
    user = make_user(role)
    if role == "changer":
        user.user_permissions.set(Permission.objects.filter(codename__in=["change_site", "change_damagereport"]))
    return user


@pytest.fixture
def target(palmyra):
    """A site nothing refers to (so that it can be deleted), with one version in its history."""
    site = Site.objects.create(slug="tell-x", name="Tell X", kind="archaeological_site", country="SY")
    site.description = "Edited once."
    site.save()
    return site


def state(site):
    report = DamageReport.objects.get(slug="palmyra-defaced-by-isis")
    threat = Threat.objects.get(slug="palmyra-landmines-2016")
    return (
        Site.objects.filter(pk=site.pk).values_list("name", "description", "version").first(),
        Site.objects.count(),
        report.status,
        threat.status,
    )


def admin_outcome(client, action, site):
    """Run one admin action as `client`; OK if it did its work, DENIED if it was refused (and changed nothing)."""
    changelist = reverse("admin:records_site_changelist")
    change = reverse("admin:records_site_change", args=[site.pk])
    version = reverse("admin:records_site_simple_history", args=[site.pk, site.history.earliest().history_id])
    before = state(site)
    if action == "list":
        response = client.get(changelist)
        done = response.status_code == 200 and "Tell X" in response.content.decode()
    elif action == "view":
        response = client.get(change)
        done = response.status_code == 200 and "Tell X" in response.content.decode()
    elif action == "add":
        data = {"name": "Tell Y", "slug": "tell-y", "kind": "monument", "country": "IQ", "_save": "Save"}
        for prefix in ("names", "designations", "site_periods", "extents", "identifiers", "structures"):
            data.update({f"{prefix}-TOTAL_FORMS": "0", f"{prefix}-INITIAL_FORMS": "0"})
        response = client.post(reverse("admin:records_site_add"), data)
        done = Site.objects.filter(slug="tell-y").exists()
    elif action == "change":
        page = client.get(change)
        data = {**form_data(page), "description": "Changed."} if page.status_code == 200 else {"name": "Hacked"}
        response = client.post(change, data)
        done = Site.objects.get(pk=site.pk).description == "Changed."
    elif action == "delete":
        response = client.post(reverse("admin:records_site_delete", args=[site.pk]), {"post": "yes"})
        done = not Site.objects.filter(pk=site.pk).exists()
    elif action == "history":
        response = client.get(reverse("admin:records_site_history", args=[site.pk]))
        done = response.status_code == 200
    elif action == "version":
        response = client.get(version)
        done = response.status_code == 200 and "Tell X" in response.content.decode()
    elif action == "revert":
        page = client.get(version)
        data = form_data(page) if page.status_code == 200 else {"name": "Hacked", "description": ""}
        response = client.post(version, data)
        done = response.status_code == 302 and Site.objects.get(pk=site.pk).description == ""
    elif action == "import":
        response = client.get(reverse("admin:records_site_import"))
        done = response.status_code == 200 and "import_file" in response.content.decode()
    elif action == "export":
        url = reverse("admin:records_site_export")
        page = client.get(url)
        fields = page.context["form"].fields if page.status_code == 200 and page.context else {}
        data = {name: field.initial for name, field in fields.items() if field.initial not in (None, False)}
        response = client.post(url, {**data, "format": "0", "resource": "0"})
        done = response.status_code == 200 and b"tell-x" in response.content
    else:  # verify, verify_threat
        record = (
            Threat.objects.get(slug="palmyra-landmines-2016")
            if action == "verify_threat"
            else DamageReport.objects.get(slug="palmyra-defaced-by-isis")
        )
        response = client.post(
            reverse(f"admin:records_{record._meta.model_name}_changelist"),
            {"action": "mark_verified", "_selected_action": [record.pk]},
        )
        done = type(record).objects.get(pk=record.pk).status == "verified"
    if done:
        return OK
    # An action the user may not run is simply not offered: the list comes back (200), unchanged.
    assert response.status_code in (302, 403, 404) or action.startswith("verify"), (action, response.status_code)
    if response.status_code == 302:
        assert "/login/" in response["Location"] or action in ("revert", "verify", "verify_threat"), response[
            "Location"
        ]
    assert state(site) == before, f"a refused {action} changed something"
    return DENIED


def api_outcome(client, action, site):
    url = f"/api/v1/sites/{site.slug}/"
    before = state(site)
    etag = client.get(url)["ETag"]
    if action == "list":
        response = client.get("/api/v1/sites/")
    elif action == "detail":
        response = client.get(url)
    elif action == "create":
        response = client.post(
            "/api/v1/sites/", {"slug": "tell-z", "name": "Tell Z", "kind": "monument", "country": "IQ"}, format="json"
        )
    elif action == "update":
        response = client.patch(url, {"description": "Changed."}, format="json", HTTP_IF_MATCH=etag)
    elif action == "delete":
        response = client.delete(url, HTTP_IF_MATCH=etag)
    elif action == "status":
        response = client.post(
            "/api/v1/damage-reports/palmyra-defaced-by-isis/status/", {"status": "verified"}, format="json"
        )
    else:  # threat_status
        response = client.post("/api/v1/threats/palmyra-landmines-2016/status/", {"status": "verified"}, format="json")
    if response.status_code < 300:
        return OK
    assert response.status_code in (401, 403), (action, response.status_code, response.content)
    assert state(site) == before, f"a refused {action} changed something"
    return DENIED


@pytest.mark.parametrize("action", list(ADMIN))
@pytest.mark.parametrize("role", ROLES)
def test_admin(target, role, action):
    client = Client()
    user = user_for(role)
    if user is not None:
        client.force_login(user)
    assert admin_outcome(client, action, target) == ADMIN[action][ROLES.index(role)]


@pytest.mark.parametrize("action", list(API))
@pytest.mark.parametrize("role", ROLES)
def test_api(target, role, action):
    client = APIClient()
    user = user_for(role)
    if user is not None:
        client.credentials(HTTP_AUTHORIZATION=token_header(user))
    assert api_outcome(client, action, target) == API[action][ROLES.index(role)]
