"""The verification workflow: damage reports move between statuses in bulk, recording who and when."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from heritage.records.models import DamageReport
from heritage.records.services import change_damage_report_status

from .admin_helpers import make_damage_reports, make_user

pytestmark = pytest.mark.django_db


def test_verifying_a_cited_report_records_who_when_and_the_history(palmyra):
    """reported -> verified stores the user and the time, and the history entry names both and the move."""
    curator = make_user("cora", group="Curator")
    report = DamageReport.objects.get(slug="palmyra-defaced-by-isis")
    change_damage_report_status(report=report, status="verified", user=curator)
    report.refresh_from_db()
    assert report.status == "verified"
    assert report.status_changed_by == curator
    assert report.status_changed_at is not None
    entry = report.history.latest()
    assert entry.history_user == curator
    assert entry.history_change_reason == "Status: Reported → Verified"


def test_a_report_without_citation_cannot_be_verified(palmyra):
    """The refusal is on the status field and names the report; the report keeps its status."""
    report = make_damage_reports(1, site=palmyra)[0]
    with pytest.raises(ValidationError) as refused:
        change_damage_report_status(report=report, status="verified", user=make_user("cora", group="Curator"))
    assert report.slug in refused.value.message_dict["status"][0]
    assert "cites no source" in refused.value.message_dict["status"][0]
    assert DamageReport.objects.get(pk=report.pk).status == "reported"


@pytest.mark.parametrize(("start", "target"), [("draft", "verified"), ("retracted", "verified"), ("draft", "bogus")])
def test_moves_outside_the_workflow_are_refused(palmyra, start, target):
    """A move the workflow does not allow, or to no status at all, is refused on the status field."""
    report = make_damage_reports(1, site=palmyra, status=start)[0]
    with pytest.raises(ValidationError) as refused:
        change_damage_report_status(report=report, status=target, user=None)
    assert "status" in refused.value.message_dict
    assert DamageReport.objects.get(pk=report.pk).status == start


def test_bulk_verify_moves_the_cited_reports_and_names_each_refused_one(client, palmyra):
    """Two cited reports are verified; the uncited one is refused by name and stays reported."""
    curator = make_user("cora", group="Curator")
    client.force_login(curator)
    cited = list(DamageReport.objects.filter(site=palmyra))
    uncited = make_damage_reports(1, site=palmyra)[0]
    response = client.post(
        reverse("admin:records_damagereport_changelist"),
        {"action": "mark_verified", "_selected_action": [r.pk for r in [*cited, uncited]]},
        follow=True,
    )
    page = response.content.decode()
    assert "2 damage report(s) marked verified." in page
    assert f"({uncited.slug}) cannot be verified: it cites no source" in page
    assert set(DamageReport.objects.filter(status="verified").values_list("pk", flat=True)) == {r.pk for r in cited}
    assert DamageReport.objects.get(pk=uncited.pk).status == "reported"
    assert {r.status_changed_by for r in DamageReport.objects.filter(status="verified")} == {curator}


@pytest.mark.parametrize("action", ["mark_disputed", "mark_retracted"])
def test_bulk_dispute_and_retract(client, palmyra, action):
    """Dispute and retract move every selected report."""
    client.force_login(make_user("cora", group="Curator"))
    reports = make_damage_reports(3, site=palmyra)
    client.post(
        reverse("admin:records_damagereport_changelist"),
        {"action": action, "_selected_action": [r.pk for r in reports]},
    )
    expected = action.removeprefix("mark_")
    assert (
        list(DamageReport.objects.filter(pk__in=[r.pk for r in reports]).values_list("status", flat=True))
        == [expected] * 3
    )


def test_the_change_form_cannot_set_the_status(client, palmyra):
    """The status is read-only on the form: a POSTed status is ignored; only the workflow moves it."""
    client.force_login(make_user("cora", group="Curator"))
    report = make_damage_reports(1, site=palmyra)[0]
    response = client.get(reverse("admin:records_damagereport_change", args=[report.pk]))
    assert 'name="status"' not in response.content.decode()
