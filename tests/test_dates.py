"""EDTF text -> calendar bounds, as every dated record derives them."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from heritage.records.dates import parse_edtf_bounds

D = datetime.date


@pytest.mark.parametrize(
    ("text", "earliest", "latest"),
    [
        ("2016-03-27", D(2016, 3, 27), D(2016, 3, 27)),
        ("2014-06", D(2014, 6, 1), D(2014, 6, 30)),
        ("1980", D(1980, 1, 1), D(1980, 12, 31)),
        ("2015-05~", D(2015, 5, 1), D(2015, 5, 31)),  # qualifiers do not widen the bounds
        ("2016?-03-27", D(2016, 3, 27), D(2016, 3, 27)),
        ("2015-05~/2016-03-27", D(2015, 5, 1), D(2016, 3, 27)),
        ("2016-03-27/..", D(2016, 3, 27), None),  # open end
        ("../2016-03-27", None, D(2016, 3, 27)),
        ("/2016", None, D(2016, 12, 31)),  # unknown start: no invented bound
        ("2016/", D(2016, 1, 1), None),
    ],
)
def test_bounds_are_the_calendar_extent_of_the_expression(text, earliest, latest):
    assert parse_edtf_bounds(text) == (earliest, latest)


@pytest.mark.parametrize("text", ["2015-13", "27 March 2016", "March 27", "2016-02-30", "", "2016-03-27/2015"])
def test_malformed_dates_are_refused_with_an_explanation(text):
    with pytest.raises(ValidationError) as caught:
        parse_edtf_bounds(text)
    message = caught.value.messages[0]
    assert "EDTF" in message or "ends before it starts" in message


@pytest.mark.parametrize(
    ("text", "earliest", "latest"),
    [
        ("201X", D(2010, 1, 1), D(2019, 12, 31)),  # the 2010s
        ("19XX", D(1900, 1, 1), D(1999, 12, 31)),
        ("2015-XX", D(2015, 1, 1), D(2015, 12, 31)),  # the month unknown: the year
        ("2015-XX-XX", D(2015, 1, 1), D(2015, 12, 31)),
        ("2015-03-XX", D(2015, 3, 1), D(2015, 3, 31)),
        ("2015-XX-10", D(2015, 1, 10), D(2015, 12, 10)),  # the 10th of some month of 2015
        ("201X-05", D(2010, 5, 1), D(2019, 5, 31)),
        ("201X?", D(2010, 1, 1), D(2019, 12, 31)),
        ("201X/2016-03-27", D(2010, 1, 1), D(2016, 3, 27)),
    ],
)
def test_unspecified_digits_span_every_value_they_can_take(text, earliest, latest):
    assert parse_edtf_bounds(text) == (earliest, latest)


@pytest.mark.parametrize("text", ["XXXX-03-05", "XXXX", "XXXX-XX-XX", "X999", "XXXX-03-05/2016", "[XXXX-03-05,2016]"])
def test_a_date_whose_year_is_unknown_is_refused_not_bounded_by_year_9999(text):
    """Regression: `XXXX-03-05` was accepted with latest bound 9999-03-05, so it matched occurred_after=2030-01-01."""
    with pytest.raises(ValidationError) as caught:
        parse_edtf_bounds(text)
    assert caught.value.code == "edtf_unknown_year"
    assert "unspecified year" in caught.value.messages[0]


@pytest.mark.parametrize("text", ["-0100", "0000", "0XXX", "Y170000002"])
def test_a_date_outside_the_years_a_date_column_holds_is_refused_not_left_unbounded(text):
    """Years before 1 CE used to come back as no bound at all, as if the record were undated."""
    with pytest.raises(ValidationError) as caught:
        parse_edtf_bounds(text)
    assert caught.value.code == "edtf_out_of_range"
    assert "1 to 9999" in caught.value.messages[0]


def test_an_unspecified_digit_the_parser_cannot_read_is_refused_saying_where_x_may_stand():
    with pytest.raises(ValidationError) as caught:
        parse_edtf_bounds("2016-1X")
    assert caught.value.code == "invalid_edtf"
    assert "Unspecified digits (X)" in caught.value.messages[0]
