"""
Uncertain dates as EDTF (Extended Date/Time Format, ISO 8601-2) strings with derived calendar bounds.

A record keeps the curator's EDTF text (`2015-05~/2016-03-27`, `2014-06`, `1980`, `2016-03-27/..`) and two real
date columns, earliest and latest, that filters and indexes use. The bounds are the calendar extent of the
expression at the precision it states: `2014-06` spans 2014-06-01..2014-06-30 and `1980` spans the whole year.
Qualifiers (`~` approximate, `?` uncertain, `%` both) stay in the text and do not widen the bounds, so a bound is
never invented. An open end (`..`) or an unknown end (an empty side of `/`) has no bound (None).

Unspecified digits (`X`) widen the bounds to every value the digits can take: `201X` is 2010-01-01..2019-12-31,
`2015-XX` the whole of 2015, `2015-XX-10` 2015-01-10..2015-12-10. A date whose millennium is unspecified (`XXXX-03-05`,
`X999`) has no honest bounds (any year of four thousand), so it is refused, as is a date outside the years a date
column holds (1 to 9999 CE): the date fields describe the conflict years, and a period's years are integers of their
own (see years.py).
"""

import calendar
import datetime
import functools
import math
import re
import time

from django.core.exceptions import ValidationError
from edtf import parse_edtf
from edtf.parser.edtf_exceptions import EDTFParseException
from edtf.parser.parser_classes import EDTFObject, UnspecifiedIntervalSection

# Every EDTF field holds at most this many characters, and a set or list of dates ({...} or [...]) at most this many
# members: the edtf parser takes about 10 ms a member, so text is measured before it is parsed, never after.
EDTF_MAX_LENGTH = 100
EDTF_MAX_MEMBERS = 10

EDTF_HELP = (
    "Use EDTF (ISO 8601-2): a date such as 2016-03-27, 2014-06 or 1980; ~ for approximate (2015-05~), "
    "? for uncertain (2016?-03-27); an interval with a slash (2015-05~/2016-03-27), .. for an open end."
)


class OutOfRange(ValueError):
    """A bound before 1 CE or after 9999 CE, which a date column cannot hold."""


UNSPECIFIED_HELP = (
    "Unspecified digits (X) can end the year (201X, 19XX) or stand for a whole month or day (2015-XX, 2015-XX-10), "
    "not part of one."
)


def _as_date(value):
    """A parsed bound as a date; None when open or unknown. Raises OutOfRange outside the years 1 to 9999."""
    if value is None or (isinstance(value, float) and math.isinf(value)):
        return None
    if isinstance(value, time.struct_time):
        if not datetime.MINYEAR <= value.tm_year <= datetime.MAXYEAR:
            raise OutOfRange(value.tm_year)
        # Raises ValueError for a day the calendar does not have (2015-02-29), which the parser lets through.
        return datetime.date(value.tm_year, value.tm_mon, value.tm_mday)
    return None


def _parts(parsed):
    """The parsed expression and every date within it (the ends of an interval, the members of a set)."""
    yield parsed
    for value in vars(parsed).values():
        for item in value if isinstance(value, tuple | list) else (value,):
            if isinstance(item, EDTFObject):
                yield from _parts(item)


def _has_unknown_millennium(parsed):
    # The edtf package bounds `XXXX-03-05` by years 0 and 9999: any year at all, which no filter can use honestly.
    return any(str(getattr(part, "_year", None) or "").lstrip("-")[:1] == "X" for part in _parts(parsed))


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
    or when the interval ends before it starts; code "edtf_unknown_year" when a date's year is unspecified
    (`XXXX-03-05`), and "edtf_out_of_range" when a bound falls before 1 CE or after 9999 CE. Plain dates are read
    without the edtf parser, which takes about 10 ms a string; results are cached.
    """
    text = (text or "").strip()
    _check_size(text)
    earliest, latest = _plain_bounds(text) or _parsed_bounds(text)
    if earliest and latest and latest < earliest:
        raise ValidationError("%(value)r ends before it starts.", code="edtf_end_before_start", params={"value": text})
    return earliest, latest


# A calendar year, month or day as ISO 8601 writes it, perhaps qualified at its end (~ ? %), which does not move its
# bounds; or `..`, an open end.
PLAIN_DATE = re.compile(r"(?P<year>[0-9]{4})(?:-(?P<month>[0-9]{2})(?:-(?P<day>[0-9]{2}))?)?[~?%]?|(?P<open>\.\.)")


def _plain_bounds(text):
    """
    The bounds of a plain date (`2016-03-27`, `2014-06`, `1980~`) or of an interval of two (`2015-05~/2016-03-27`,
    `2016-03-27/..`), read with `datetime`; None for any other text, and for a date the calendar does not have, which
    the edtf parser then reads and explains. Most dates are plain, and the parser takes about 10 ms a string.
    """
    sides = text.split("/")
    if len(sides) > 2:
        return None
    bounds = []
    for side in sides:
        match = PLAIN_DATE.fullmatch(side)
        if match is None or (match["open"] and len(sides) == 1):
            return None
        if match["open"]:
            bounds.append((None, None))
            continue
        year, month, day = (int(part) if part else None for part in match.group("year", "month", "day"))
        try:
            if day is not None:
                first = last = datetime.date(year, month, day)
            elif month is not None:
                first = datetime.date(year, month, 1)
                last = datetime.date(year, month, calendar.monthrange(year, month)[1])
            else:
                first, last = datetime.date(year, 1, 1), datetime.date(year, 12, 31)
        except ValueError:  # year 0, month 13, 30 February, ...
            return None
        bounds.append((first, last))
    return bounds[0][0], bounds[-1][1]


def _parsed_bounds(text):
    """The bounds of any EDTF text, read by the edtf parser."""
    try:
        parsed = parse_edtf(text)
    except (EDTFParseException, ValueError, TypeError, IndexError, AttributeError) as exc:
        # The parser cannot read an unspecified digit inside a month or a day (2016-1X), although EDTF allows it.
        hint = UNSPECIFIED_HELP if "X" in text else EDTF_HELP
        raise ValidationError(
            "%(value)r is not a valid EDTF date. " + hint, code="invalid_edtf", params={"value": text}
        ) from exc
    if _has_unknown_millennium(parsed):
        raise ValidationError(
            "%(value)r has an unspecified year (X in its first digit): it could be any year, so it cannot be "
            "searched by date. Leave the date empty, or give what is known of the year (201X for the 2010s, "
            "19XX for the 1900s), and say the rest in the dating note.",
            code="edtf_unknown_year",
            params={"value": text},
        )
    try:
        earliest = None if _is_unspecified(getattr(parsed, "lower", None)) else _as_date(parsed.lower_strict())
        latest = None if _is_unspecified(getattr(parsed, "upper", None)) else _as_date(parsed.upper_strict())
    except OutOfRange as exc:
        raise ValidationError(
            "%(value)r falls outside the years 1 to 9999 CE, which a date here can hold. For years BCE, record a "
            "period with its years instead.",
            code="edtf_out_of_range",
            params={"value": text},
        ) from exc
    except (ValueError, TypeError, AttributeError, OverflowError) as exc:
        raise ValidationError(
            "%(value)r is not a calendar date this database can store (is the day right?). " + EDTF_HELP,
            code="invalid_edtf",
            params={"value": text},
        ) from exc
    return earliest, latest


def validate_edtf(value):
    """Field validator: the value must parse as EDTF."""
    if value:
        parse_edtf_bounds(value)
