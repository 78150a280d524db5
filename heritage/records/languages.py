"""
Languages of texts and names, as BCP 47 tags (`en`, `ar`, `ar-Latn`, `akk`, `grc`), checked with langcodes.

langcodes knows the IANA language subtag registry, so a tag is checked subtag by subtag (`Akkadian` and `xx-YY-ZZ`
are refused, `akk` and `zh-Hant-TW` pass) without a hand-written grammar. A tag's likely script also gives the
direction its text is written in, so that Arabic, Persian or Hebrew reads right to left.
"""

import functools

import langcodes
from django.core.exceptions import ValidationError

# Scripts written right to left (ISO 15924 codes), for the direction a text is shown in.
RIGHT_TO_LEFT_SCRIPTS = {
    "Adlm", "Arab", "Aran", "Armi", "Avst", "Hebr", "Hung", "Mand", "Mani", "Mend", "Narb", "Nbat", "Nkoo", "Orkh",
    "Palm", "Phli", "Phlp", "Phnx", "Prti", "Rohg", "Samr", "Sarb", "Sogd", "Sogo", "Syrc", "Thaa", "Yezi",
}  # fmt: skip

LANGUAGE_HELP = "BCP 47 language tag, e.g. en, ar, fa, ar-Latn (Arabic in Latin letters), akk (Akkadian)."


@functools.lru_cache(maxsize=1024)
def is_language_tag(value):
    return isinstance(value, str) and "_" not in value and value.isascii() and langcodes.tag_is_valid(value)


def validate_language_tag(value):
    """Field validator: `value` is a well-formed BCP 47 tag of registered subtags."""
    if value and not is_language_tag(value):
        raise ValidationError(
            "%(value)r is not a BCP 47 language tag. " + LANGUAGE_HELP, code="invalid_language", params={"value": value}
        )


@functools.lru_cache(maxsize=1024)
def direction_of(tag):
    """'rtl' when the language's (likely) script is written right to left, else 'ltr'."""
    if not is_language_tag(tag):
        return "ltr"
    script = langcodes.Language.get(tag).maximize().script
    return "rtl" if script in RIGHT_TO_LEFT_SCRIPTS else "ltr"
