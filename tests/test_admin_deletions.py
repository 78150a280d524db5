"""
Deleting in the admin leaves a tombstone naming who and why: the confirmation page and the bulk action's ask for a
reason (kept with the tombstone, refused when too long, with nothing deleted); a list item's page does not ask.
"""

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from heritage.records.models import DamageReport, Deletion, DisturbanceCause, Site

from .admin_helpers import make_damage_reports, make_user
from .conftest import table_counts


@pytest.fixture
def boss(client, palmyra):
    user = make_user("boss", superuser=True)
    client.force_login(user)
    client.user = user
    return client


def test_the_admin_delete_page_asks_why_and_keeps_it(boss):
    """The confirmation page has a reason field; the tombstone names the curator and the reason."""
    site = Site.objects.create(slug="typo", name="Typo", kind="monument", country="SY")
    url = reverse("admin:records_site_delete", args=[site.pk])
    assert 'name="reason"' in boss.get(url).content.decode()
    response = boss.post(url, {"post": "yes", "reason": "Entered by mistake."})
    assert response.status_code == 302
    tombstone = Deletion.objects.get(identifier="typo")
    assert (tombstone.reason, tombstone.deleted_by, tombstone.record_type) == (
        "Entered by mistake.",
        boss.user,
        "sites",
    )


def test_the_admin_bulk_delete_asks_why_and_leaves_a_tombstone_each(boss):
    sites = [Site.objects.create(slug=f"bulk-{i}", name=f"Bulk {i}", kind="monument", country="SY") for i in range(2)]
    url = reverse("admin:records_site_changelist")
    data = {"action": "delete_selected", "_selected_action": [s.pk for s in sites]}
    assert 'name="reason"' in boss.post(url, data).content.decode()
    boss.post(url, {**data, "post": "yes", "reason": "Test rows."})
    assert set(Deletion.objects.filter(reason="Test rows.").values_list("identifier", flat=True)) == {
        "bulk-0",
        "bulk-1",
    }


def test_the_admin_refuses_a_reason_too_long_and_deletes_nothing(boss):
    site = Site.objects.create(slug="kept", name="Kept", kind="monument", country="SY")
    before = table_counts()
    url = reverse("admin:records_site_delete", args=[site.pk])
    response = boss.post(url, {"post": "yes", "reason": "x" * 501}, follow=True)
    assert "at most 500" in response.content.decode()
    changelist = reverse("admin:records_site_changelist")
    data = {"action": "delete_selected", "_selected_action": [site.pk], "post": "yes", "reason": "x" * 501}
    assert "at most 500" in boss.post(changelist, data, follow=True).content.decode()
    assert table_counts() == before


def test_the_admin_refuses_a_reason_holding_a_nul_and_deletes_nothing(boss):
    """PostgreSQL cannot store a NUL: the reason is refused, saying why, on both confirmation pages."""
    site = Site.objects.create(slug="kept", name="Kept", kind="monument", country="SY")
    before = table_counts()
    url = reverse("admin:records_site_delete", args=[site.pk])
    response = boss.post(url, {"post": "yes", "reason": "Entered\x00twice."}, follow=True)
    assert "The reason holds a NUL character" in response.content.decode()
    changelist = reverse("admin:records_site_changelist")
    data = {"action": "delete_selected", "_selected_action": [site.pk], "post": "yes", "reason": "\x00"}
    assert "The reason holds a NUL character" in boss.post(changelist, data, follow=True).content.decode()
    assert table_counts() == before


def test_the_admin_delete_page_of_a_list_item_does_not_ask(boss, palmyra):
    """A site's name has no tombstone of its own (its site is updated): no reason is asked for."""
    name = palmyra.names.first()
    page = boss.get(reverse("admin:records_sitename_delete", args=[name.pk])).content.decode()
    assert 'name="reason"' not in page


@pytest.mark.parametrize("page", ["delete page", "bulk action"])
def test_a_delete_confirmation_names_no_draft_the_user_may_not_see(db, client, page):
    """
    Regression: a user who may delete sites and damage reports but not view reports was shown, as what protects the
    site, the name of each draft report on it (its damage type, severity and site) with a link to it. Those they may
    see are named; the others are counted.
    """
    site = Site.objects.create(slug="hatra", name="Hatra", kind="archaeological_site", country="IQ")
    [public] = make_damage_reports(1, site=site)
    secret = DisturbanceCause.objects.create(
        slug="night-digging", label="Digging by night", category_id="military-armed-conflict"
    )
    draft = DamageReport.objects.create(
        slug="hatra-draft", site=site, cause=secret, severity="severe", certainty="low", status="draft"
    )
    user = make_user("site-remover")
    granted = ["view_site", "delete_site", "delete_damagereport"]
    user.user_permissions.add(*Permission.objects.filter(codename__in=granted))
    client.force_login(user)
    if page == "delete page":
        response = client.get(reverse("admin:records_site_delete", args=[site.pk]))
    else:
        response = client.post(
            reverse("admin:records_site_changelist"), {"action": "delete_selected", "_selected_action": [site.pk]}
        )
    shown = response.content.decode()
    assert str(public) in shown
    assert "1 damage report you may not see" in shown
    assert "Digging by night" not in shown
    assert reverse("admin:records_damagereport_change", args=[draft.pk]) not in shown
    assert DamageReport.objects.filter(pk__in=[public.pk, draft.pk]).count() == 2


def test_a_delete_confirmation_names_no_identifier_that_would_locate_a_sensitive_site(db, client):
    """
    What a deletion takes with it is listed with the same care: a sensitive site's identifiers (a Pleiades place says
    where the site is) only for those who may see its exact location.
    """
    site = Site.objects.create(slug="hidden", name="Hidden", kind="monument", country="SY", is_sensitive=True)
    identifier = site.identifiers.create(scheme="pleiades", value="668331")
    user = make_user("site-remover")
    user.user_permissions.add(*Permission.objects.filter(codename__in=["delete_site", "delete_siteidentifier"]))
    client.force_login(user)
    shown = client.get(reverse("admin:records_site_delete", args=[site.pk])).content.decode()
    assert "668331" not in shown
    assert "Site identifier you may not see" in shown
    assert reverse("admin:records_siteidentifier_change", args=[identifier.pk]) not in shown


def test_curators_read_the_tombstones_in_the_admin_and_no_one_writes_them(client, palmyra):
    """The Curator group lists them with who deleted what; nobody adds, changes or deletes one; researchers see none."""
    Site.objects.create(slug="gone", name="Gone", kind="monument", country="SY").delete()
    tombstone = Deletion.objects.get(identifier="gone")
    client.force_login(make_user("cora", group="Curator"))
    assert "gone" in client.get(reverse("admin:records_deletion_changelist")).content.decode()
    assert client.get(reverse("admin:records_deletion_add")).status_code == 403
    assert (
        client.post(reverse("admin:records_deletion_delete", args=[tombstone.pk]), {"post": "yes"}).status_code == 403
    )
    client.force_login(make_user("rita", group="Researcher"))
    assert client.get(reverse("admin:records_deletion_changelist")).status_code == 403
