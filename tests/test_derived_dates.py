"""Damage reports dated "during the occupation" keep the occupation's bounds when the occupation changes."""

import datetime
import io

import pytest
from django.core.management import call_command
from django.urls import reverse

from heritage.records.models import DamageReport, Occupation

from .admin_helpers import make_user

pytestmark = pytest.mark.django_db

D = datetime.date


def integrity_passes():
    out = io.StringIO()
    try:
        call_command("check_integrity", stdout=out, stderr=io.StringIO())
    except SystemExit:
        return False, out.getvalue()
    return True, out.getvalue()


def bounds(slug):
    return DamageReport.objects.values_list("occurred_earliest", "occurred_latest").get(slug=slug)


def test_saving_an_occupation_redates_its_reports_and_records_why(palmyra):
    """Regression: the reports kept the occupation's old bounds, and check_integrity then failed."""
    assert bounds("palmyra-defaced-by-isis") == (D(2015, 5, 1), D(2016, 3, 27))
    version = DamageReport.objects.get(slug="palmyra-defaced-by-isis").version
    occupation = Occupation.objects.get(slug="isis-palmyra-2015")
    occupation.started = "2015-05-21"
    occupation.ended = "2016-03-27/2016-04"
    occupation.full_clean()
    occupation.save()

    assert bounds("palmyra-defaced-by-isis") == (D(2015, 5, 21), D(2016, 4, 30))
    report = DamageReport.objects.get(slug="palmyra-defaced-by-isis")
    assert report.version == version + 1
    assert report.history.first().history_change_reason == "Dates follow the occupation isis-palmyra-2015."
    ok, out = integrity_passes()
    assert ok, out


def test_an_ongoing_occupation_leaves_its_reports_open_ended(palmyra):
    occupation = Occupation.objects.get(slug="isis-palmyra-2015")
    occupation.ended, occupation.end_kind, occupation.ending_event = "", "", None
    occupation.save()
    assert bounds("palmyra-defaced-by-isis") == (D(2015, 5, 1), None)


def test_a_report_with_its_own_date_keeps_it(palmyra):
    DamageReport.objects.filter(slug="palmyra-defaced-by-isis").update(occurred="2015-08")
    report = DamageReport.objects.get(slug="palmyra-defaced-by-isis")
    report.save()
    occupation = Occupation.objects.get(slug="isis-palmyra-2015")
    occupation.started = "2014"
    occupation.save()
    assert bounds("palmyra-defaced-by-isis") == (D(2015, 8, 1), D(2015, 8, 31))
    assert DamageReport.objects.get(slug="palmyra-defaced-by-isis").version == report.version


def test_an_unchanged_occupation_leaves_its_reports_alone(palmyra):
    version = DamageReport.objects.get(slug="palmyra-defaced-by-isis").version
    Occupation.objects.get(slug="isis-palmyra-2015").save()
    assert DamageReport.objects.get(slug="palmyra-defaced-by-isis").version == version


def test_editing_the_occupation_in_the_admin_redates_its_reports(client, palmyra):
    client.force_login(make_user("cora", group="Curator"))
    occupation = Occupation.objects.get(slug="isis-palmyra-2015")
    url = reverse("admin:records_occupation_change", args=[occupation.pk])
    form = client.get(url).context["adminform"].form
    data = {name: value for name, value in form.initial.items() if value is not None}
    data.update(
        {
            "site": occupation.site_id,
            "occupier": occupation.occupier_id,
            "ending_event": occupation.ending_event_id,
            "citations": [c.pk for c in occupation.citations.all()],
            "started": "2015-05-20",
            "seen_version": occupation.version,
            "_save": "Save",
        }
    )
    data = {key: "" if value is None else value for key, value in data.items()}
    response = client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    assert bounds("palmyra-defaced-by-isis") == (D(2015, 5, 20), D(2016, 3, 27))
    ok, out = integrity_passes()
    assert ok, out
