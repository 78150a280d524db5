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
