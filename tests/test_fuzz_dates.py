"""Arbitrary text as an EDTF date: it parses into ordered bounds or is refused with a ValidationError, never a crash."""

import datetime

from django.core.exceptions import ValidationError
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from heritage.records.dates import _parsed_bounds, _plain_bounds, parse_edtf_bounds

# Text shaped like dates (digits, separators, qualifiers) finds far more parser paths than random unicode alone.
date_like = st.text(alphabet="0123456789-/.~?%XSYEu ", max_size=30)


@settings(max_examples=300, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(date_like, st.text(max_size=40)))
def test_any_text_is_parsed_or_refused_cleanly(text):
    try:
        earliest, latest = parse_edtf_bounds(text)
    except ValidationError as exc:
        assert exc.code in {"invalid_edtf", "edtf_end_before_start", "edtf_unknown_year", "edtf_out_of_range"}
        return
    for bound in (earliest, latest):
        assert bound is None or isinstance(bound, datetime.date)
    if earliest and latest:
        assert earliest <= latest


# A date of four year digits, then perhaps a month and a day, with any digit unspecified (X).
unspecified = st.builds(
    lambda year, month, day: "-".join(part for part in (year, month, month and day) if part),
    st.text(alphabet="0123456789X", min_size=4, max_size=4),
    st.one_of(st.none(), st.sampled_from(["01", "02", "06", "12", "XX", "0X", "1X"])),
    st.one_of(st.none(), st.sampled_from(["01", "10", "28", "31", "XX", "1X", "2X"])),
)


def matches(pattern, digits):
    return len(pattern) == len(digits) and all(p in ("X", d) for p, d in zip(pattern, digits, strict=True))


@settings(max_examples=300, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow])
@given(unspecified)
def test_unspecified_digits_give_honest_bounds_or_a_refusal(text):
    """Each bound keeps every digit the text specifies: no invented year 0 or 9999, no year out of the text's range."""
    try:
        earliest, latest = parse_edtf_bounds(text)
    except ValidationError as exc:
        assert exc.code in {"invalid_edtf", "edtf_unknown_year", "edtf_out_of_range"}
        if text.startswith("X"):
            assert exc.code == "edtf_unknown_year"
        return
    year = text[:4]
    assert not year.startswith("X")
    assert earliest is not None and latest is not None and earliest <= latest
    for bound in (earliest, latest):
        assert matches(year, f"{bound.year:04d}"), (text, bound)


# Plain dates and intervals of them, valid or not: any four digits (year 0 too), any two for a month and a day (00,
# 13, 30 February), a qualifier or none, `..` on either side, and now and then digits of another script.
two_digits = st.integers(0, 39).map("{:02d}".format)
plain_date = st.builds(
    lambda year, month, day, qualifier: "-".join(part for part in (year, month, month and day) if part) + qualifier,
    st.one_of(st.integers(0, 9999).map("{:04d}".format), st.just("\u0662\u0660\u0661\u0666")),
    st.one_of(st.none(), two_digits),
    st.one_of(st.none(), two_digits),
    st.sampled_from(["", "", "~", "?", "%"]),
)
plain_text = st.one_of(
    plain_date, st.builds("{}/{}".format, st.one_of(plain_date, st.just("..")), st.one_of(plain_date, st.just("..")))
)


def outcome(read, text):
    try:
        return read(text)
    except ValidationError as exc:
        return exc.code


@settings(max_examples=400, deadline=None, derandomize=True, database=None)
@given(plain_text)
def test_plain_dates_read_without_the_parser_have_the_parsers_bounds(text):
    """What `_plain_bounds` reads itself, the edtf parser reads the same; what it leaves, the parser reads."""
    plain = _plain_bounds(text)
    if plain is not None:
        assert plain == outcome(_parsed_bounds, text)


def test_the_usual_dates_are_read_without_the_parser():
    assert _plain_bounds("2016-03-27") == (datetime.date(2016, 3, 27), datetime.date(2016, 3, 27))
    assert _plain_bounds("2014-06") == (datetime.date(2014, 6, 1), datetime.date(2014, 6, 30))
    assert _plain_bounds("1980~") == (datetime.date(1980, 1, 1), datetime.date(1980, 12, 31))
    assert _plain_bounds("2015-05~/2016-03-27") == (datetime.date(2015, 5, 1), datetime.date(2016, 3, 27))
    assert _plain_bounds("../2016-03-27") == (None, datetime.date(2016, 3, 27))
    # What it cannot vouch for goes to the parser, which explains the refusal.
    for text in ["2015-02-29", "0000", "2016-13", "2016-1X", "\u0662\u0660\u0661\u0666", "..", "2016?-03-27"]:
        assert _plain_bounds(text) is None
