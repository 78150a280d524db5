"""Years of periods in their historical form ("300 BCE"), stored astronomically (300 BCE is -299)."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from heritage.records.models import Period
from heritage.records.years import format_year, parse_year

from .admin_helpers import make_user


@pytest.mark.parametrize(
    ("text", "year"),
    [
        ("300 BCE", -299),
        ("300 BC", -299),
        ("300 B.C.", -299),
        ("300 b.c.e.", -299),
        ("1 BCE", 0),
        ("10,000 BCE", -9999),
        ("241 CE", 241),
        ("241 C.E.", 241),
        ("AD 241", 241),
        ("A.D. 241", 241),
        ("241 AD", 241),
        ("241", 241),
        (" 1 CE ", 1),
    ],
)
def test_a_historical_year_is_read_as_its_astronomical_number(text, year):
    assert parse_year(text) == year
    assert parse_year(text, astronomical=True) == year


@pytest.mark.parametrize("year", [-299, -1999, 0, 1, 241, 2016])
def test_a_stored_year_is_shown_in_the_form_it_is_read_back_from(year):
    assert parse_year(format_year(year)) == year


@pytest.mark.parametrize(("text", "year"), [("-299", -299), ("0", 0), ("+5", 5), ("−1999", -1999)])
def test_a_signed_number_is_an_astronomical_year_where_asked(text, year):
    """The API's contract since it began: a year is astronomical. The admin refuses it (see below)."""
    assert parse_year(text, astronomical=True) == year


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("0 BCE", "no_year_zero"),
        ("0 CE", "no_year_zero"),
        ("0", "no_year_zero"),
        ("-299", "invalid_year"),  # ambiguous in a form: 300 BCE or 299 BCE?
        ("3rd century BCE", "invalid_year"),
        ("garbage", "invalid_year"),
        ("١٢", "invalid_year"),
        ("", "invalid_year"),
        ("9" * 5000, "invalid_year"),
        ("99999999999 BCE", "year_out_of_range"),
    ],
)
def test_text_that_is_no_year_is_refused_saying_why(text, code):
    with pytest.raises(ValidationError) as caught:
        parse_year(text)
    assert caught.value.code == code


def period_form(**years):
    data = {
        "name": "Hellenistic",
        "slug": "hellenistic",
        "start_earliest": "323 BCE",
        "start_latest": "300 BCE",
        "stop_earliest": "31 BCE",
        "stop_latest": "AD 14",
        "_save": "Save",
        # The identifiers inline, empty.
        "identifiers-TOTAL_FORMS": "0",
        "identifiers-INITIAL_FORMS": "0",
    }
    return {**data, **years}


@pytest.mark.django_db
def test_the_admin_takes_and_shows_historical_years(client, palmyra):
    client.force_login(make_user("cora", group="Curator"))
    response = client.post(reverse("admin:records_period_add"), period_form())
    assert response.status_code == 302, response.context["adminform"].form.errors
    period = Period.objects.get(slug="hellenistic")
    years = (period.start_earliest, period.start_latest, period.stop_earliest, period.stop_latest)
    assert years == (-322, -299, -30, 14)
    page = client.get(reverse("admin:records_period_change", args=[period.pk])).content.decode()
    assert 'value="323 BCE"' in page and 'value="14 CE"' in page


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("years", "field", "message"),
    [
        ({"start_earliest": "0 BCE"}, "start_earliest", "There is no year 0"),
        ({"stop_latest": "-299"}, "stop_latest", "A negative number is ambiguous"),
        ({"stop_earliest": "soon"}, "stop_earliest", "is not a year"),
        ({"start_latest": "400 BCE"}, "start_latest", "The start's latest year (400 BCE) is before its earliest"),
        ({"stop_earliest": "330 BCE"}, "stop_earliest", "cannot stop (330 BCE) before it starts (323 BCE)"),
    ],
)
def test_the_admin_refuses_a_bad_year_on_its_field_and_writes_nothing(client, palmyra, years, field, message):
    client.force_login(make_user("cora", group="Curator"))
    before = Period.objects.count()
    response = client.post(reverse("admin:records_period_add"), period_form(**years))
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert list(errors) == [field]
    assert message in errors[field][0]
    assert Period.objects.count() == before
