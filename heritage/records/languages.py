"""
Languages of texts and names, as BCP 47 tags (`en`, `ar`, `ar-Latn`, `akk`, `grc`), checked with langcodes.

langcodes knows the IANA language subtag registry, so a tag is checked subtag by subtag (`Akkadian` and `xx-YY-ZZ`
are refused, `akk` and `zh-Hant-TW` pass) without a hand-written grammar. A tag's likely script also gives the
direction its text is written in, so that Arabic, Persian or Hebrew reads right to left. A tag is stored in its
standard form (`AR-latn` as `ar-Latn`, `ara` as `ar`, `iw` as `he`), so that one language is one value in filters.
"""

import functools

import langcodes
from django.core.exceptions import ValidationError
from django.db import models

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
def standard_tag(value):
    """`value` in its standard form if it is a language tag (`AR-latn` -> `ar-Latn`), else unchanged."""
    return langcodes.standardize_tag(value) if is_language_tag(value) else value


class LanguageTagField(models.CharField):
    """
    A BCP 47 language tag: checked by `validate_language_tag` and stored in its standard form, however the record
    is saved (forms and serializers through full_clean(), code through save(), fixtures through the raw-save check).
    """

    default_validators = [validate_language_tag]

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_length", 35)
        kwargs.setdefault("help_text", LANGUAGE_HELP)
        super().__init__(*args, **kwargs)

    def to_python(self, value):
        value = super().to_python(value)
        return standard_tag(value) if value else value

    def pre_save(self, model_instance, add):
        value = getattr(model_instance, self.attname)
        if value:
            value = standard_tag(value)
            setattr(model_instance, self.attname, value)
        return value


@functools.lru_cache(maxsize=1024)
def direction_of(tag):
    """'rtl' when the language's (likely) script is written right to left, else 'ltr'."""
    if not is_language_tag(tag):
        return "ltr"
    script = langcodes.Language.get(tag).maximize().script
    return "rtl" if script in RIGHT_TO_LEFT_SCRIPTS else "ltr"
