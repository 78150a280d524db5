"""History: every add, change and delete is kept with who and when, viewable and revertible from the admin."""

import pytest
from django.core.management import call_command
from django.urls import reverse

from heritage.records.models import Citation, DamageReport, Site

from .admin_helpers import make_user
from .test_admin_forms import damage_report_data

pytestmark = pytest.mark.django_db


def form_data(response):
    """
    The POST data that re-submits the admin form of `response` as it was shown (hidden fields included), with its
    inline formsets (their management forms and rows), if it has any.
    """
    data = {"_save": "Save"}
    forms = [response.context["adminform"].form]
    for inline in response.context.get("inline_admin_formsets") or []:
        formset = inline.formset
        management = formset.management_form
        for name in management.fields:
            data[management.add_prefix(name)] = management[name].value()
        forms += formset.forms
    for form in forms:
        for name in form.fields:
            value = form[name].value()
            if value is None:
                continue
            key = form.add_prefix(name)
            data[key] = [str(v.pk if hasattr(v, "pk") else v) for v in value] if isinstance(value, list) else value
    return data


def test_fixture_loads_write_no_history(palmyra):
    """Loading the article is not a curator's edit: no history rows (and none from its citations)."""
    assert Site.history.count() == 0
    assert DamageReport.history.count() == 0
    call_command("loaddata", "fixtures/palmyra.json", verbosity=0)
    assert DamageReport.history.count() == 0


def test_adding_and_changing_a_report_records_who_when_and_what(client, palmyra):
    curator = make_user("cora", group="Curator")
    client.force_login(curator)
    citation = Citation.objects.get(quote="recaptured the desert city of Palmyra")
    client.post(reverse("admin:records_damagereport_add"), damage_report_data(palmyra, citations=[citation.pk]))
    report = DamageReport.objects.get(slug="temple-shelled")
    url = reverse("admin:records_damagereport_change", args=[report.pk])
    client.post(url, {**form_data(client.get(url)), "severity": "destroyed"})

    history = list(report.history.order_by("history_date", "history_id"))
    assert history[0].history_type == "+"
    assert {entry.history_user for entry in history} == {curator}
    assert history[-1].severity == "destroyed"
    change = history[-1].diff_against(history[0])
    assert "severity" in change.changed_fields
    assert [c.citation_id for c in history[-1].citations.all()] == [citation.pk]  # m2m history

    page = client.get(reverse("admin:records_damagereport_history", args=[report.pk])).content.decode()
    assert "cora" in page


def test_revert_from_the_admin_restores_an_old_version(client, palmyra):
    """Opening an old version in the history and saving it restores its values, as a new version by the curator."""
    curator = make_user("cora", group="Curator")
    client.force_login(curator)
    client.post(reverse("admin:records_damagereport_add"), damage_report_data(palmyra, description="First account."))
    report = DamageReport.objects.get(slug="temple-shelled")
    url = reverse("admin:records_damagereport_change", args=[report.pk])
    client.post(url, {**form_data(client.get(url)), "description": "A mistaken edit."})
    assert DamageReport.objects.get(pk=report.pk).description == "A mistaken edit."

    first = report.history.earliest()
    revert_url = reverse("admin:records_damagereport_simple_history", args=[report.pk, first.history_id])
    response = client.post(revert_url, form_data(client.get(revert_url)))
    assert response.status_code == 302
    assert DamageReport.objects.get(pk=report.pk).description == "First account."
    assert report.history.latest().history_user == curator


def test_a_deleted_records_history_remains(client, palmyra):
    # Curators retract reports rather than delete them; an administrator can still delete one.
    curator = make_user("cora", superuser=True)
    client.force_login(curator)
    client.post(reverse("admin:records_damagereport_add"), damage_report_data(palmyra))
    report = DamageReport.objects.get(slug="temple-shelled")
    response = client.post(reverse("admin:records_damagereport_delete", args=[report.pk]), {"post": "yes"})
    assert response.status_code == 302
    assert not DamageReport.objects.filter(pk=report.pk).exists()
    history = DamageReport.history.filter(id=report.pk).order_by("history_date")
    assert [entry.history_type for entry in history] == ["+", "-"]
    assert history.last().history_user == curator
    assert history.last().slug == "temple-shelled"
    # ... and is still viewable in the admin, at the record's old history address.
    page = client.get(reverse("admin:records_damagereport_history", args=[report.pk]))
    assert page.status_code == 200
    assert page.content.decode().count("cora") >= 2
