"""Arbitrary text as an EDTF date: it parses into ordered bounds or is refused with a ValidationError, never a crash."""

import datetime

from django.core.exceptions import ValidationError
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from heritage.records.dates import parse_edtf_bounds

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
