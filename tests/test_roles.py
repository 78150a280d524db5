"""The Curator and Researcher groups exist on a fresh database, and each has the powers the curators agreed."""

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from heritage.records.models import DamageReport, Site, Source

from .admin_helpers import make_user

pytestmark = pytest.mark.django_db


def test_groups_exist_after_migrating_a_fresh_database():
    """The data migration made both groups; nobody has to create them by hand."""
    assert set(Group.objects.values_list("name", flat=True)) >= {"Curator", "Researcher"}


def test_researcher_can_view_but_gets_403_posting_a_change_form(client, palmyra):
    """A researcher reads a site's page, but POSTing its change form is forbidden and changes nothing."""
    client.force_login(make_user("rita", group="Researcher"))
    url = reverse("admin:records_site_change", args=[palmyra.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, {"name": "Tadmor", "slug": "palmyra", "kind": "historic_city", "country": "SY"})
    assert response.status_code == 403
    assert Site.objects.get(pk=palmyra.pk).name == "Palmyra"


def test_researcher_cannot_add(client, palmyra):
    """A researcher gets 403 on an add form."""
    client.force_login(make_user("rita", group="Researcher"))
    assert client.get(reverse("admin:records_damagereport_add")).status_code == 403


def test_curator_cannot_delete_a_source(client, palmyra):
    """Deleting a source is forbidden to curators (its text underlies every citation); the source stays."""
    client.force_login(make_user("cora", group="Curator"))
    source = Source.objects.get()
    url = reverse("admin:records_source_delete", args=[source.pk])
    assert client.get(url).status_code == 403
    assert client.post(url, {"post": "yes"}).status_code == 403
    assert Source.objects.filter(pk=source.pk).exists()


@pytest.mark.parametrize("model", ["damagereport", "citation"])
def test_curator_retracts_or_corrects_evidence_but_does_not_delete_it(client, palmyra, model):
    """A damage report is retracted through the workflow and a citation corrected; neither is deleted by curators."""
    client.force_login(make_user("cora", group="Curator"))
    record = DamageReport.objects.first() if model == "damagereport" else Source.objects.get().citations.first()
    url = reverse(f"admin:records_{model}_delete", args=[record.pk])
    assert client.post(url, {"post": "yes"}).status_code == 403
    assert type(record).objects.filter(pk=record.pk).exists()


def test_curator_can_change_a_source(client, palmyra):
    """A curator may correct a source (but not delete it)."""
    client.force_login(make_user("cora", group="Curator"))
    source = Source.objects.get()
    assert client.get(reverse("admin:records_source_change", args=[source.pk])).status_code == 200


def test_curator_has_no_user_administration(client):
    """Users and groups are out of a curator's reach: 403."""
    client.force_login(make_user("cora", group="Curator"))
    assert client.get(reverse("admin:auth_user_changelist")).status_code == 403
    assert client.get(reverse("admin:auth_group_changelist")).status_code == 403


def test_curator_can_run_the_workflow_and_a_researcher_cannot(client, palmyra):
    """The verify action works for a curator; for a researcher it is not offered, and POSTing it changes nothing."""
    report = DamageReport.objects.get(slug="palmyra-defaced-by-isis")
    url = reverse("admin:records_damagereport_changelist")
    data = {"action": "mark_verified", "_selected_action": [report.pk]}

    client.force_login(make_user("rita", group="Researcher"))
    response = client.get(url)
    assert "mark_verified" not in response.content.decode()
    client.post(url, data)
    assert DamageReport.objects.get(pk=report.pk).status == "reported"

    client.force_login(make_user("cora", group="Curator"))
    assert "mark_verified" in client.get(url).content.decode()
    client.post(url, data)
    assert DamageReport.objects.get(pk=report.pk).status == "verified"


def test_curator_can_import_and_a_researcher_cannot(client, palmyra):
    """The import page opens for a curator; a researcher gets 403."""
    url = reverse("admin:records_site_import")
    client.force_login(make_user("rita", group="Researcher"))
    assert client.get(url).status_code == 403
    client.force_login(make_user("cora", group="Curator"))
    assert client.get(url).status_code == 200


def test_researcher_can_export(client, palmyra):
    """Exporting is reading: a researcher may download what they may view."""
    client.force_login(make_user("rita", group="Researcher"))
    assert client.get(reverse("admin:records_damagereport_export")).status_code == 200
