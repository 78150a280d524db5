"""
The API's dates and languages in their human forms: period years as "300 BCE", BCP 47 tags, unspecified EDTF digits,
a damage report's inferred date and dating note, and damage reports dated by an occupation following it.
"""

import pytest

from heritage.records.integrity import CheckResult, check_dates
from heritage.records.models import DamageReport, Period, Source

from .base import if_match

pytestmark = pytest.mark.django_db


def test_the_api_refuses_a_language_name_and_stores_a_tag_in_its_standard_form(palmyra, curator):
    source = {"slug": "akkadian-letter", "title": "A letter", "kind": "report", "text": "Words."}
    source["language"] = "Akkadian"
    before = Source.objects.count()
    response = curator.post("/api/v1/sources/", source, format="json")
    assert response.status_code == 400
    assert list(response.json()) == ["language"]
    assert Source.objects.count() == before
    response = curator.post("/api/v1/sources/", {**source, "language": "AKK"}, format="json")
    assert response.status_code == 201, response.content
    assert response.json()["language"] == "akk"
    assert Source.objects.get(slug="akkadian-letter").language == "akk"


def report(**fields):
    return {
        "slug": "hatra-gate-burnt",
        "site": "hatra",
        "cause": "looting",
        "severity": "severely_damaged",
        "certainty": "medium",
        **fields,
    }


def test_a_damage_report_keeps_its_inferred_date_and_dating_note(world, curator):
    """Regression: `occurred_inferred` was ignored on damage reports (the field did not exist)."""
    note = "The source says 5 March; the year is that of the occupation."
    response = curator.post(
        "/api/v1/damage-reports/",
        report(occurred="2015-03-05", occurred_inferred=True, dating_note=note),
        format="json",
    )
    assert response.status_code == 201, response.content
    assert response.json()["occurred_inferred"] is True
    assert response.json()["dating_note"] == note
    stored = DamageReport.objects.get(slug="hatra-gate-burnt")
    assert (stored.occurred_inferred, stored.dating_note) == (True, note)
    url = "/api/v1/damage-reports/hatra-gate-burnt/"
    response = curator.patch(url, {"occurred_inferred": False}, format="json", **if_match(curator, url))
    assert response.status_code == 200, response.content
    assert DamageReport.objects.get(slug="hatra-gate-burnt").occurred_inferred is False
    assert curator.get(url).json()["occurred_inferred"] is False


def test_damage_reports_filter_on_an_inferred_date(world, researcher):
    DamageReport.objects.filter(slug="hatra-statues-smashed").update(occurred_inferred=True)
    inferred = researcher.get("/api/v1/damage-reports/", {"occurred_inferred": "true"}).json()["results"]
    stated = researcher.get("/api/v1/damage-reports/", {"occurred_inferred": "false"}).json()["results"]
    assert [r["slug"] for r in inferred] == ["hatra-statues-smashed"]
    assert stated and "hatra-statues-smashed" not in {r["slug"] for r in stated}


def test_the_csv_export_has_the_inferred_flag_and_the_dating_note(world, researcher):
    DamageReport.objects.filter(slug="hatra-statues-smashed").update(occurred_inferred=True, dating_note="Worked out.")
    response = researcher.get("/api/v1/damage-reports/", {"format": "csv", "slug": "hatra-statues-smashed"})
    header, row = b"".join(response.streaming_content).decode().splitlines()[:2]
    columns = dict(zip(header.split(","), row.split(","), strict=True))
    assert (columns["occurred_inferred"], columns["dating_note"]) == ("true", "Worked out.")


@pytest.mark.parametrize("text", ["XXXX-03-05", "X999", "-0100"])
def test_a_date_with_no_honest_bounds_is_a_400_on_its_field_and_writes_nothing(world, curator, text):
    before = DamageReport.objects.count()
    response = curator.post("/api/v1/damage-reports/", report(occurred=text), format="json")
    assert response.status_code == 400
    assert list(response.json()) == ["occurred"]
    assert DamageReport.objects.count() == before


DATE_OBJECTS = [
    # (the date object sent, the keys refused under "occurred")
    ({"date": "2016-03-27"}, ["date", "edtf"]),
    ({"edtf": "2016-03", "earliest": "1990-01-01", "colour": "red"}, ["colour", "earliest"]),
    ({"edtf": "2016-03", "latest": "2016-03-01"}, ["latest"]),
    ({"edtf": "spring 2016", "earliest": "2016-03-01"}, ["edtf"]),
]


@pytest.mark.parametrize(("sent", "refused"), DATE_OBJECTS)
def test_a_date_object_with_another_key_no_edtf_or_changed_bounds_is_refused_and_keeps_the_date(
    world, curator, sent, refused
):
    """A mistyped key is not read as an empty date (which would erase it); the bounds are the server's to derive."""
    url = "/api/v1/events/isis-caliphate-declaration/"
    response = curator.patch(url, {"occurred": sent}, format="json", **if_match(curator, url))
    assert response.status_code == 400, response.content
    assert sorted(response.json()["occurred"]) == refused
    assert curator.get(url).json()["occurred"]["edtf"] == "2014-06"


def test_a_date_object_sent_back_as_read_is_accepted_with_or_without_its_bounds(world, curator):
    """As read, the bounds may come back: those of the new text, or a report's own that follow its occupation."""
    url = "/api/v1/events/isis-caliphate-declaration/"
    for sent in ({"edtf": "2016-03"}, {"edtf": "2016-03", "earliest": "2016-03-01", "latest": "2016-03-31"}):
        response = curator.patch(url, {"occurred": sent}, format="json", **if_match(curator, url))
        assert response.status_code == 200, response.content
        assert response.json()["occurred"] == {"edtf": "2016-03", "earliest": "2016-03-01", "latest": "2016-03-31"}

    DamageReport.objects.filter(slug="hatra-statues-smashed").update(occurred="")
    url = "/api/v1/damage-reports/hatra-statues-smashed/"
    curator.patch(url, {"occurred": ""}, format="json", **if_match(curator, url))  # saved: its bounds follow
    read = curator.get(url).json()["occurred"]
    assert read == {"edtf": "", "earliest": "2014-06-01", "latest": "2017-04-26"}
    response = curator.patch(url, {"occurred": read}, format="json", **if_match(curator, url))
    assert response.status_code == 200, response.content


def test_editing_an_occupation_redates_the_reports_dated_by_it(world, curator):
    """Hatra's smashed statues were dated by their own EDTF; dated only by the occupation, they follow it."""
    DamageReport.objects.filter(slug="hatra-statues-smashed").update(occurred="")
    url = "/api/v1/damage-reports/hatra-statues-smashed/"
    response = curator.patch(url, {"occurred": ""}, format="json", **if_match(curator, url))
    assert response.json()["occurred"] == {"edtf": "", "earliest": "2014-06-01", "latest": "2017-04-26"}

    url = "/api/v1/occupations/isis-hatra/"
    response = curator.patch(url, {"started": "2014-06-10"}, format="json", **if_match(curator, url))
    assert response.status_code == 200, response.content

    report = curator.get("/api/v1/damage-reports/hatra-statues-smashed/").json()
    assert report["occurred"] == {"edtf": "", "earliest": "2014-06-10", "latest": "2017-04-26"}
    bounds = DamageReport.objects.values_list("occurred_earliest", "occurred_latest").get(slug="hatra-statues-smashed")
    assert [bound.isoformat() for bound in bounds] == ["2014-06-10", "2017-04-26"]
    dates = CheckResult(number=3, title="dates")
    check_dates(dates)  # check_integrity's date check (Hatra's records are uncited, which other checks report)
    assert dates.checked and dates.ok, dates.problems


def period(**years):
    return {
        "slug": "hellenistic",
        "name": "Hellenistic",
        **{"start_earliest": "323 BCE", "start_latest": "300 BCE", "stop_earliest": "31 BCE", "stop_latest": "AD 14"},
        **years,
    }


def test_period_years_are_written_in_their_historical_form_and_read_in_both(world, curator):
    response = curator.post("/api/v1/periods/", period(), format="json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert [body[name] for name in ("start_earliest", "start_latest", "stop_earliest", "stop_latest")] == [
        -322,
        -299,
        -30,
        14,
    ]
    assert body["historical_years"] == {
        "start_earliest": "323 BCE",
        "start_latest": "300 BCE",
        "stop_earliest": "31 BCE",
        "stop_latest": "14 CE",
    }
    assert Period.objects.get(slug="hellenistic").start_earliest == -322


def test_period_years_written_as_astronomical_numbers_are_read_as_before(world, curator):
    """The API's first form stays: a number, or a signed number as text, is an astronomical year."""
    years = {"start_earliest": -322, "start_latest": "-299", "stop_earliest": -30, "stop_latest": 14}
    response = curator.post("/api/v1/periods/", period(**years), format="json")
    assert response.status_code == 201, response.content
    assert response.json()["historical_years"]["start_latest"] == "300 BCE"
    url = "/api/v1/periods/hellenistic/"
    response = curator.patch(url, {"stop_latest": "30 CE"}, format="json", **if_match(curator, url))
    assert response.status_code == 200, response.content
    assert response.json()["stop_latest"] == 30


@pytest.mark.parametrize(
    ("years", "field", "message"),
    [
        ({"start_earliest": "0 BCE"}, "start_earliest", "There is no year 0"),
        ({"stop_latest": "0 CE"}, "stop_latest", "There is no year 0"),
        ({"stop_earliest": "3rd century"}, "stop_earliest", "is not a year"),
        ({"start_latest": True}, "start_latest", "valid integer"),
        ({"start_latest": "400 BCE"}, "start_latest", "is before its earliest year (323 BCE)"),
        ({"stop_earliest": "330 BCE"}, "stop_earliest", "cannot stop (330 BCE) before it starts (323 BCE)"),
        ({"stop_latest": "40 BCE"}, "stop_latest", "The stop's latest year (40 BCE) is before its earliest"),
    ],
)
def test_a_bad_period_year_is_a_400_naming_the_field_and_writes_nothing(world, curator, years, field, message):
    before = Period.objects.count()
    response = curator.post("/api/v1/periods/", period(**years), format="json")
    assert response.status_code == 400
    assert list(response.json()) == [field]
    assert message in response.json()[field][0]
    assert Period.objects.count() == before


def test_the_csv_export_has_the_historical_years(world, researcher):
    response = researcher.get("/api/v1/periods/", {"format": "csv", "slug": "parthian"})
    header, row = b"".join(response.streaming_content).decode().splitlines()[:2]
    assert "historical_years.start_earliest" in header.split(",")
    assert "247 BCE" in row.split(",")
