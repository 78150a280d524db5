"""The change feed's timestamps in query parameters (`updated_since`, `since`): parsed strictly, as UTC."""

import datetime
import re

from django import forms
from django.utils import timezone
from django.utils.dateparse import parse_datetime

# A "+" of a time zone written unescaped in a URL arrives as a space: "2026-03-01T10:00:00 01:00".
ESCAPED_PLUS_RE = re.compile(r"[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)? \d{2}(:?\d{2})?$")


class TimestampField(forms.CharField):
    """
    An ISO 8601 timestamp with its time zone (`2026-03-01T10:00:00Z`, `...+03:00`), not in the future, as UTC. A
    timestamp without a zone would mean a different instant on every client, so it is refused, not guessed.
    """

    def clean(self, value):
        value = super().clean(value)
        if value in self.empty_values:
            return None
        text = value.strip()
        try:
            moment = parse_datetime(text) if len(text) <= 64 else None
        except ValueError:  # the right shape, an impossible value (month 13, hour 25)
            moment = None
        if moment is None:
            hint = (
                ' A "+" in a URL must be written %2B (or give the time in UTC, ending in Z).'
                if ESCAPED_PLUS_RE.search(text)
                else ""
            )
            raise forms.ValidationError(
                "%(value)r is not an ISO 8601 timestamp with a time zone, e.g. 2026-03-01T10:00:00Z.%(hint)s",
                code="invalid",
                params={"value": value[:64], "hint": hint},
            )
        if timezone.is_naive(moment):
            raise forms.ValidationError(
                "%(value)r has no time zone: add one, e.g. Z for UTC or +03:00.", code="naive", params={"value": value}
            )
        try:
            moment = moment.astimezone(datetime.UTC)
        except OverflowError:  # 0001-01-01T00:00+01:00 is in year 0 in UTC
            raise forms.ValidationError(
                "%(value)r lies outside the years 1 to 9999 in UTC.", code="out_of_range", params={"value": value}
            ) from None
        if moment > timezone.now():
            raise forms.ValidationError(
                "%(value)r is in the future: nothing has changed since then.", code="future", params={"value": value}
            )
        return moment
