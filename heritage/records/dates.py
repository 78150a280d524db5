"""
Uncertain dates as EDTF (Extended Date/Time Format, ISO 8601-2) strings with derived calendar bounds.

A record keeps the curator's EDTF text (`2015-05~/2016-03-27`, `2014-06`, `1980`, `2016-03-27/..`) and two real
date columns, earliest and latest, that filters and indexes use. The bounds are the calendar extent of the
expression at the precision it states: `2014-06` spans 2014-06-01..2014-06-30 and `1980` spans the whole year.
Qualifiers (`~` approximate, `?` uncertain, `%` both) stay in the text and do not widen the bounds, so a bound is
never invented. An open end (`..`) or an unknown end (an empty side of `/`) has no bound (None).
"""

import datetime
import functools
import math
import time

from django.core.exceptions import ValidationError
from edtf import parse_edtf
from edtf.parser.edtf_exceptions import EDTFParseException
from edtf.parser.parser_classes import UnspecifiedIntervalSection

# Every EDTF field holds at most this many characters, and a set or list of dates ({...} or [...]) at most this many
# members: the edtf parser takes about 10 ms a member, so text is measured before it is parsed, never after.
EDTF_MAX_LENGTH = 100
EDTF_MAX_MEMBERS = 10

EDTF_HELP = (
    "Use EDTF (ISO 8601-2): a date such as 2016-03-27, 2014-06 or 1980; ~ for approximate (2015-05~), "
    "? for uncertain (2016?-03-27); an interval with a slash (2015-05~/2016-03-27), .. for an open end."
)


def _as_date(value):
    """A parsed bound as a date; None when open, unknown or outside the years a date column holds (1 to 9999)."""
    if value is None or (isinstance(value, float) and math.isinf(value)):
        return None
    if isinstance(value, time.struct_time):
        if not datetime.MINYEAR <= value.tm_year <= datetime.MAXYEAR:
            return None
        # Raises ValueError for a day the calendar does not have (2015-02-29), which the parser lets through.
        return datetime.date(value.tm_year, value.tm_mon, value.tm_mday)
    return None


def _check_size(text):
    if len(text) > EDTF_MAX_LENGTH:
        raise ValidationError(
            "An EDTF date has at most %(limit)d characters (this has %(length)d).",
            code="edtf_too_long",
            params={"limit": EDTF_MAX_LENGTH, "length": len(text)},
        )
    if text[:1] in "{[" and text.count(",") + 1 > EDTF_MAX_MEMBERS:
        raise ValidationError(
            "A set of EDTF dates has at most %(limit)d members.",
            code="edtf_too_many_members",
            params={"limit": EDTF_MAX_MEMBERS},
        )


def _is_unspecified(section):
    # edtf invents a bound ten years out for an unknown interval end ("/2016"); we store none instead.
    return isinstance(section, UnspecifiedIntervalSection)


@functools.lru_cache(maxsize=4096)
def parse_edtf_bounds(text):
    """
    Parse an EDTF string and return its (earliest, latest) calendar dates; either may be None (open or unknown).

    Raises ValidationError (code "invalid_edtf") explaining what EDTF expects when the text is not EDTF, names a
    day the calendar does not have, is longer than EDTF_MAX_LENGTH or a set of more than EDTF_MAX_MEMBERS dates,
    or when the interval ends before it starts. Results are cached: the edtf parser takes about 10 ms a string, and
    records share few distinct dates.
    """
    text = (text or "").strip()
    _check_size(text)
    try:
        parsed = parse_edtf(text)
    except (EDTFParseException, ValueError, TypeError, IndexError, AttributeError) as exc:
        raise ValidationError(
            "%(value)r is not a valid EDTF date. " + EDTF_HELP, code="invalid_edtf", params={"value": text}
        ) from exc
    try:
        earliest = None if _is_unspecified(getattr(parsed, "lower", None)) else _as_date(parsed.lower_strict())
        latest = None if _is_unspecified(getattr(parsed, "upper", None)) else _as_date(parsed.upper_strict())
    except (ValueError, TypeError, AttributeError, OverflowError) as exc:
        raise ValidationError(
            "%(value)r is not a calendar date this database can store (is the day right?). " + EDTF_HELP,
            code="invalid_edtf",
            params={"value": text},
        ) from exc
    if earliest and latest and latest < earliest:
        raise ValidationError("%(value)r ends before it starts.", code="edtf_end_before_start", params={"value": text})
    return earliest, latest


def validate_edtf(value):
    """Field validator: the value must parse as EDTF."""
    if value:
        parse_edtf_bounds(value)
