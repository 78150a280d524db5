"""
Years of periods as people write them ("300 BCE", "AD 241") and as they are stored (astronomical integers).

A period's years are stored astronomically, as in ISO 8601 and EDTF: 1 CE is 1, 1 BCE is 0, 300 BCE is -299, so that
"which periods touch 1800 BCE?" is plain integer arithmetic. Curators and readers use the historical form, which has
no year 0: 1 BCE is followed by 1 CE. `parse_year` reads the historical form (and, where asked, the astronomical
number); `format_year` writes it. The admin's period form and the API's year fields both use them.

The grammar is a number and an era, written here as one regular expression: no maintained package reads era years
(the edtf package's `text_to_edtf` reads "300 BCE" as -0300, a year off, and "300 B.C." as 300 CE).
"""

import re

from django.core.exceptions import ValidationError

# The years an integer column holds, astronomical: the same range the API has always accepted.
MIN_YEAR, MAX_YEAR = -(2**31) + 1, 2**31 - 1

YEAR_HELP = 'A year with its era: "300 BCE" (or BC), "241 CE" (or AD 241); a year without an era is CE.'

BEFORE = r"B\.?C\.?E?\.?"  # BCE, BC, B.C.E., B.C.
AFTER = r"C\.?E\.?|A\.?D\.?"  # CE, C.E., AD, A.D.
NUMBER = r"\d{1,3}(?:,\d{3}){1,3}|\d{1,12}"  # 241, 10000, 10,000 (digits capped: int() of a long text is slow)
HISTORICAL = re.compile(
    rf"(?:(?P<era_first>{AFTER})\s*(?P<after_era>{NUMBER})|(?P<number>{NUMBER})\s*(?P<era>{BEFORE}|{AFTER})?)",
    re.IGNORECASE | re.ASCII,
)
ASTRONOMICAL = re.compile(r"[-+−]?\d{1,12}", re.ASCII)


def format_year(year):
    """Astronomical year -> historical label: 1980 -> '1980 CE', 0 -> '1 BCE', -1999 -> '2000 BCE'."""
    return f"{year} CE" if year > 0 else f"{1 - year} BCE"


def parse_year(text, *, astronomical=False):
    """
    A year as written -> its astronomical number: "300 BCE" -> -299, "1 BC" -> 0, "241 CE", "AD 241" and "241"
    -> 241. With `astronomical=True` a signed number ("-299", "0") is also read, as an astronomical year.

    Raises ValidationError (code "invalid_year") for text that is no year, "no_year_zero" for "0 BCE" or "0 CE",
    and "year_out_of_range" past the years an integer column holds.
    """
    text = str(text).strip()
    if astronomical and ASTRONOMICAL.fullmatch(text):
        year = int(text.replace("−", "-"))
    else:
        match = HISTORICAL.fullmatch(text)
        if match is None:
            hint = "" if astronomical else " A negative number is ambiguous here (-299 is 300 BCE): give an era."
            raise ValidationError(
                "%(value)r is not a year. " + YEAR_HELP + hint,
                code="invalid_year",
                params={"value": text[:40]},
            )
        number = int((match["number"] or match["after_era"]).replace(",", ""))
        if number == 0:
            raise ValidationError(
                "There is no year 0 in BCE/CE: 1 BCE is followed by 1 CE.", code="no_year_zero", params={"value": text}
            )
        before = match["era"] is not None and match["era"].upper().startswith("B")
        year = 1 - number if before else number
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise ValidationError(
            "%(value)r is further from the present than a year here can be.",
            code="year_out_of_range",
            params={"value": text[:40]},
        )
    return year
