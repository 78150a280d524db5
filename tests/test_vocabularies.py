"""
The managed vocabularies: EAMENA's terms loaded with their Arabic labels and definitions, and the curators' admin of
the terms (who may edit them, how many records use each, what a record's form offers, what deleting one says).
The API's side is in tests/api/test_vocabularies.py.
"""

import json

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from heritage.records.models import (
    DamageReport,
    DisturbanceCategory,
    DisturbanceCause,
    Event,
    EventType,
    SiteCondition,
    Threat,
)

from . import ROOT
from .admin_helpers import make_user

pytestmark = pytest.mark.django_db


def load_script():
    import importlib.util

    spec = importlib.util.spec_from_file_location("make_fixture", ROOT / "fixtures" / "eamena" / "make_fixture.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


# --- EAMENA's terms --------------------------------------------------------------------------------------------


def test_the_eamena_fixture_is_what_the_script_makes_of_the_tsvs():
    """fixtures/eamena-vocabularies.json is exactly make_fixture.py's output: nobody edited it by hand."""
    made = load_script().records()
    assert json.loads((ROOT / "fixtures" / "eamena-vocabularies.json").read_text(encoding="utf-8")) == made


def test_eamena_terms_are_loaded_with_their_arabic_and_no_headings(palmyra):
    """The categories, cause types and site conditions are there with English and Arabic labels and definitions;
    the sheets' heading rows are not terms; labels carry no stray whitespace."""
    assert DisturbanceCategory.objects.filter(scheme="EAMENA").count() == 25
    assert DisturbanceCause.objects.filter(scheme="EAMENA").count() == 66
    assert SiteCondition.objects.count() == 6
    conflict = DisturbanceCategory.objects.get(slug="military-armed-conflict")
    assert (conflict.label, conflict.label_ar) == ("Military/Armed Conflict", "عسكري/ نزاع مسلح")
    assert conflict.scope_note.startswith("Relating to an organised and/or official group of armed forces")
    assert conflict.scope_note_ar
    destroyed = SiteCondition.objects.get(slug="destroyed")
    assert (destroyed.label, destroyed.label_ar) == ("Destroyed", "مدمر")
    headings = {"Disturbance Category", "Threat Category", "Disturbance Cause Type", "Threat Type"}
    assert not DisturbanceCategory.objects.filter(label__in=headings).exists()
    assert not DisturbanceCause.objects.filter(label__in=headings).exists()
    for model in (DisturbanceCategory, DisturbanceCause, SiteCondition):
        for label, label_ar in model.objects.values_list("label", "label_ar"):
            assert label == " ".join(label.split()) and label_ar == " ".join(label_ar.split())
    # The sheet's misspelling is corrected to the spelling EAMENA's records use.
    assert DisturbanceCause.objects.get(slug="graffiti").label == "Graffiti"


def test_the_article_keeps_its_causes_and_their_categories(palmyra):
    """The article's causes are EAMENA's terms now, in the categories they had."""
    assert Threat.objects.get(slug="palmyra-landmines-2016").cause.category_id == "military-armed-conflict"
    assert DisturbanceCause.objects.get(slug="demolition-destruction").category_id == "vandalism"


# --- The admin ---------------------------------------------------------------------------------------------------


def test_curators_edit_terms_and_researchers_only_read_them(client, palmyra):
    """The Curator group may add, change and delete terms; the Researcher group only view them."""
    curator = Group.objects.get(name="Curator").permissions.values_list("codename", flat=True)
    researcher = Group.objects.get(name="Researcher").permissions.values_list("codename", flat=True)
    for model in ("eventtype", "quantityunit", "sourcetype", "disturbancecategory", "disturbancecause"):
        assert {f"add_{model}", f"change_{model}", f"view_{model}"} <= set(curator)
        assert f"view_{model}" in researcher and f"change_{model}" not in researcher
    client.force_login(make_user("rita", group="Researcher"))
    url = reverse("admin:records_eventtype_change", args=[EventType.objects.get(slug="capture").pk])
    assert client.get(url).status_code == 200
    assert client.post(url, {"label": "Seizure", "slug": "capture", "scheme": "heritage"}).status_code == 403
    assert EventType.objects.get(slug="capture").label == "Capture or recapture of a place"


def test_the_term_list_shows_labels_and_how_many_records_use_each(client, palmyra):
    """The list shows each term's English and Arabic label and its use count (a unit used by a figure and more)."""
    client.force_login(make_user("cora", group="Curator"))
    page = client.get(reverse("admin:records_disturbancecause_changelist"), {"q": "landmines"}).content.decode()
    assert "Landmines" in page and "ألغام أرضية" in page
    response = client.get(reverse("admin:records_quantityunit_changelist"), {"o": "-6"})
    units = list(response.context["cl"].result_list)
    assert units[0].usage_total >= 1 and units[-1].usage_total == 0


def test_the_autocomplete_offers_current_terms_only(client, palmyra):
    """A record's form offers active terms; a retired one is not offered (its records keep it)."""
    EventType.objects.filter(slug="shelling").update(is_active=False)
    client.force_login(make_user("cora", group="Curator"))
    params = {"app_label": "records", "model_name": "event", "field_name": "kind", "term": "s"}
    results = client.get(reverse("admin:autocomplete"), params).json()["results"]
    offered = {result["id"] for result in results}
    assert "statement" in offered and "shelling" not in offered


def test_deleting_a_term_in_use_says_which_records_use_it(client, palmyra):
    """The admin's delete page of a term that records use names them and deletes nothing."""
    client.force_login(make_user("cora", group="Curator"))
    term = EventType.objects.get(slug="statement")
    url = reverse("admin:records_eventtype_delete", args=[term.pk])
    page = client.get(url).content.decode()
    assert "protected" in page
    client.post(url, {"post": "yes"})
    assert EventType.objects.filter(pk=term.pk).exists()


def test_a_curator_changes_an_events_kind_in_its_form(client, palmyra):
    """The change form of an event takes its kind by slug (the autocomplete's value) and saves it; an unknown one is
    a form error on `kind` and changes nothing."""
    from .test_admin_stale_edit import form_data

    client.force_login(make_user("cora", group="Curator"))
    event = Event.objects.get(slug="recapture-of-palmyra")
    url = reverse("admin:records_event_change", args=[event.pk])
    data = form_data(client.get(url))
    assert data["kind"] == "capture"
    refused = client.post(url, {**data, "kind": "parade"})
    assert refused.status_code == 200 and "kind" in refused.context["adminform"].form.errors
    assert Event.objects.get(pk=event.pk).kind_id == "capture"
    response = client.post(url, {**data, "kind": "military_operation"})
    assert response.status_code == 302, response.context["adminform"].form.errors
    assert Event.objects.get(pk=event.pk).kind_id == "military_operation"


def test_a_form_keeps_a_retired_cause_but_cannot_newly_choose_one(client, palmyra):
    """The autocomplete does not offer a retired term, and a POST naming one is a form error on the field."""
    from .test_admin_stale_edit import form_data

    client.force_login(make_user("cora", group="Curator"))
    report = DamageReport.objects.get(slug="palmyra-defaced-by-isis")
    DisturbanceCause.objects.filter(slug__in=[report.cause.slug, "looting"]).update(is_active=False)
    url = reverse("admin:records_damagereport_change", args=[report.pk])
    data = form_data(client.get(url))
    refused = client.post(url, {**data, "cause": DisturbanceCause.objects.get(slug="looting").pk})
    assert refused.status_code == 200
    assert refused.context["adminform"].form.errors["cause"] == [
        "The disturbance cause 'looting' is retired: choose a current one."
    ]
    assert DamageReport.objects.get(pk=report.pk).cause_id == report.cause_id
    response = client.post(url, {**data, "description": "Kept its retired cause."})
    assert response.status_code == 302, response.context["adminform"].form.errors
    assert DamageReport.objects.get(pk=report.pk).description == "Kept its retired cause."


def test_a_terms_use_count_leaves_out_the_drafts_its_reader_may_not_see(client, palmyra):
    """Staff who may view causes but not damage reports: a cause's count is of the reports they could read."""
    from django.contrib.auth.models import Permission

    from .admin_helpers import a_cause, make_damage_reports, make_sites

    cause = a_cause()
    drafted, reported = make_sites(2, prefix="used")
    make_damage_reports(2, site=drafted, cause=cause, status="draft")
    make_damage_reports(1, site=reported, cause=cause, status="reported")
    viewer = make_user("viewer")
    viewer.user_permissions.add(Permission.objects.get(codename="view_disturbancecause"))
    url = reverse("admin:records_disturbancecause_changelist")
    for user, count in ((viewer, 1), (make_user("cora", group="Curator"), 3)):
        client.force_login(user)
        causes = client.get(url, {"q": cause.label}).context["cl"].result_list
        assert [term.usage_total for term in causes] == [count]
