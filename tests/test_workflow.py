"""
The verification workflow: damage reports and threats move between statuses through one service, in bulk in the
admin, recording who and when.
"""

import pytest
from django.contrib.auth.models import Group, Permission, User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import ProtectedError
from django.urls import reverse

from heritage.records.models import Citation, DamageReport, Threat
from heritage.records.services import change_status

from .admin_helpers import make_records, make_user
from .conftest import table_counts
from .test_history import form_data

pytestmark = pytest.mark.django_db

CITED = {DamageReport: "palmyra-defaced-by-isis", Threat: "palmyra-landmines-2016"}
both_kinds = pytest.mark.parametrize("model", [DamageReport, Threat], ids=["damage report", "threat"])


@both_kinds
def test_verifying_a_cited_record_records_who_when_and_the_history(palmyra, model):
    """reported -> verified stores the user and the time, and the history entry names both and the move."""
    curator = make_user("cora", group="Curator")
    record = model.objects.get(slug=CITED[model])
    change_status(record=record, status="verified", user=curator, reason="Matches the imagery.")
    record.refresh_from_db()
    assert record.status == "verified"
    assert record.status_changed_by == curator
    assert record.status_changed_at is not None
    entry = record.history.latest()
    assert entry.history_user == curator
    assert entry.history_change_reason == "Status: Reported → Verified. Matches the imagery."


@both_kinds
def test_a_record_without_citation_cannot_be_verified(palmyra, model):
    """The refusal is on the status field and names the record; nothing is written."""
    record = make_records(model, 1, site=palmyra)[0]
    before = table_counts()
    with pytest.raises(ValidationError) as refused:
        change_status(record=record, status="verified", user=make_user("cora", group="Curator"))
    assert record.slug in refused.value.message_dict["status"][0]
    assert "cites no source" in refused.value.message_dict["status"][0]
    assert model.objects.get(pk=record.pk).status == "reported"
    assert table_counts() == before


@both_kinds
@pytest.mark.parametrize(("start", "target"), [("draft", "verified"), ("retracted", "verified"), ("draft", "bogus")])
def test_moves_outside_the_workflow_are_refused(palmyra, model, start, target):
    """A move the workflow does not allow, or to no status at all, is refused on the status field."""
    record = make_records(model, 1, site=palmyra, status=start)[0]
    curator = make_user("cora", group="Curator")
    before = table_counts()
    with pytest.raises(ValidationError) as refused:
        change_status(record=record, status=target, user=curator)
    assert "status" in refused.value.message_dict
    assert model.objects.get(pk=record.pk).status == start
    assert table_counts() == before


@both_kinds
@pytest.mark.parametrize("role", [None, "Researcher"])
def test_only_users_with_the_workflow_permission_move_a_record(palmyra, model, role):
    """The service itself checks the permission, whichever door the move comes through."""
    user = make_user("rita", group=role) if role else None
    record = model.objects.get(slug=CITED[model])
    with pytest.raises(PermissionDenied):
        change_status(record=record, status="verified", user=user)
    assert model.objects.get(pk=record.pk).status == "reported"


def test_each_kind_of_record_has_its_own_workflow_permission(palmyra):
    """Moving damage reports does not allow moving threats: the permissions are separate."""
    user = make_user("dora")
    user.user_permissions.add(Permission.objects.get(codename="change_status_damagereport"))
    user = User.objects.get(pk=user.pk)  # a fresh permission cache
    with pytest.raises(PermissionDenied):
        change_status(record=Threat.objects.get(slug=CITED[Threat]), status="verified", user=user)
    change_status(record=DamageReport.objects.get(slug=CITED[DamageReport]), status="verified", user=user)
    assert Threat.objects.get(slug=CITED[Threat]).status == "reported"
    assert DamageReport.objects.get(slug=CITED[DamageReport]).status == "verified"


def test_curators_hold_the_threat_workflow_permission_and_researchers_do_not():
    """The data migration gave the Curator group the threats' workflow permission, as it has the reports'."""
    curator, researcher = Group.objects.get(name="Curator"), Group.objects.get(name="Researcher")
    assert curator.permissions.filter(codename="change_status_threat").exists()
    assert curator.permissions.filter(codename="change_status_damagereport").exists()
    assert not researcher.permissions.filter(codename__startswith="change_status_").exists()


@both_kinds
def test_bulk_verify_moves_the_cited_records_and_names_each_refused_one(client, palmyra, model):
    """The cited record is verified; the uncited one is refused by name and stays reported."""
    curator = make_user("cora", group="Curator")
    client.force_login(curator)
    cited = list(model.objects.filter(site=palmyra))
    uncited = make_records(model, 1, site=palmyra)[0]
    response = client.post(
        reverse(f"admin:records_{model._meta.model_name}_changelist"),
        {"action": "mark_verified", "_selected_action": [r.pk for r in [*cited, uncited]]},
        follow=True,
    )
    page = response.content.decode()
    opts = model._meta
    name = opts.verbose_name if len(cited) == 1 else opts.verbose_name_plural
    assert f"{len(cited)} {name} marked verified." in page
    assert f"({uncited.slug}) cannot be verified: it cites no source" in page
    assert set(model.objects.filter(status="verified").values_list("pk", flat=True)) == {r.pk for r in cited}
    assert model.objects.get(pk=uncited.pk).status == "reported"
    assert {r.status_changed_by for r in model.objects.filter(status="verified")} == {curator}


@both_kinds
@pytest.mark.parametrize("action", ["mark_disputed", "mark_retracted"])
def test_bulk_dispute_and_retract(client, palmyra, model, action):
    """Dispute and retract move every selected record."""
    client.force_login(make_user("cora", group="Curator"))
    records = make_records(model, 3, site=palmyra)
    response = client.post(
        reverse(f"admin:records_{model._meta.model_name}_changelist"),
        {"action": action, "_selected_action": [r.pk for r in records]},
        follow=True,
    )
    expected = action.removeprefix("mark_")
    assert f"3 {model._meta.verbose_name_plural} marked {expected}." in response.content.decode()
    assert list(model.objects.filter(pk__in=[r.pk for r in records]).values_list("status", flat=True)) == [expected] * 3


@both_kinds
def test_the_change_form_cannot_set_the_status(client, palmyra, model):
    """The status is read-only on the form: only the workflow moves it."""
    client.force_login(make_user("cora", group="Curator"))
    record = make_records(model, 1, site=palmyra)[0]
    response = client.get(reverse(f"admin:records_{model._meta.model_name}_change", args=[record.pk]))
    page = response.content.decode()
    assert 'name="status"' not in page
    assert "Changed only through the verification workflow." in page


def test_a_verified_threat_keeps_its_last_citation(palmyra):
    """As with a damage report: the only citation of a verified threat cannot be deleted, nor the threat uncited."""
    threat = Threat.objects.get(slug=CITED[Threat])
    threat = change_status(record=threat, status="verified", user=make_user("cora", group="Curator"))
    citation = threat.citations.get()
    with pytest.raises(ValidationError) as refused:
        threat.clean_citations([])
    assert "A verified threat must cite at least one source" in refused.value.message_dict["citations"][0]
    before = table_counts()
    with pytest.raises(ProtectedError, match="only one of verified records"):
        citation.delete()
    assert Citation.objects.filter(pk=citation.pk).exists()
    assert table_counts() == before


def test_reverting_a_threat_keeps_its_status_and_who_changed_it(client, palmyra):
    """As for a damage report: a version from before the move brings back its text, not its status."""
    curator = make_user("cora", group="Curator")
    client.force_login(curator)
    threat = Threat.objects.get(slug=CITED[Threat])
    url = reverse("admin:records_threat_change", args=[threat.pk])
    client.post(url, {**form_data(client.get(url)), "description": "Earlier wording."})
    threat = change_status(record=threat, status="disputed", user=curator)
    client.post(url, {**form_data(client.get(url)), "description": "Later wording."})
    old = threat.history.filter(description="Earlier wording.").earliest()
    version = reverse("admin:records_threat_simple_history", args=[threat.pk, old.history_id])
    response = client.post(version, {**form_data(client.get(version)), "status": "verified"})
    assert response.status_code == 302
    reverted = Threat.objects.get(pk=threat.pk)
    assert reverted.description == "Earlier wording."
    assert (reverted.status, reverted.status_changed_by, reverted.status_changed_at) == (
        "disputed",
        curator,
        threat.status_changed_at,
    )
