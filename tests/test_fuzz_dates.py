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
        assert exc.code in {"invalid_edtf", "edtf_end_before_start"}
        return
    for bound in (earliest, latest):
        assert bound is None or isinstance(bound, datetime.date)
    if earliest and latest:
        assert earliest <= latest
