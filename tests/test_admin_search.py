"""Writes through the admin keep the search index current: a record added, renamed and deleted is found at once."""

import pytest
from django.urls import reverse

from heritage.records.models import EventType

from .admin_helpers import make_user

pytestmark = pytest.mark.django_db


def found(client, words):
    response = client.get("/api/v1/event-types/", {"search": words})
    assert response.status_code == 200, response.content
    return [term["slug"] for term in response.json()["results"]]


def test_admin_add_rename_and_delete_update_the_index(client):
    client.force_login(make_user("admin-searcher", superuser=True))
    form = {
        "slug": "siege-works",
        "label": "Siege works",
        "label_ar": "أَعْمَال حِصَار",
        "scope_note": "",
        "scheme": "heritage",
    }
    response = client.post(reverse("admin:records_eventtype_add"), {**form, "is_active": "on", "_save": "Save"})
    assert response.status_code == 302, response.content[:2000]
    assert found(client, "اعمال حصار") == ["siege-works"]

    term = EventType.objects.get(slug="siege-works")
    change = reverse("admin:records_eventtype_change", args=[term.pk])
    response = client.post(change, {**form, "label": "Earthwork berms", "is_active": "on", "_save": "Save"})
    assert response.status_code == 302, response.content[:2000]
    assert found(client, "siege works") == [] and found(client, "berms") == ["siege-works"]

    response = client.post(reverse("admin:records_eventtype_delete", args=[term.pk]), {"post": "yes"})
    assert response.status_code == 302
    assert found(client, "berms") == []
