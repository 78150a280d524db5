"""A source's text at intake (heritage/records/texts.py): its checksum and its size are those of its whole UTF-8."""

import hashlib

import pytest
from django.core.exceptions import ValidationError

from heritage.records.texts import ENCODED_AT_ONCE, check_text, fingerprint, normalise, sha256

# Latin, Arabic and Palmyrene (outside the Basic Multilingual Plane), longer than a piece encoded at once, so that
# pieces end inside each script.
LONG = "Tadmur تدمر 𐡕𐡃𐡌𐡓 " * (ENCODED_AT_ONCE // 7)


def test_a_long_texts_checksum_is_that_of_its_utf8():
    assert len(LONG) > 2 * ENCODED_AT_ONCE
    assert sha256(LONG) == hashlib.sha256(LONG.encode()).hexdigest()
    utf8 = LONG.encode()
    assert fingerprint(LONG) == fingerprint(utf8) == (hashlib.sha256(utf8).hexdigest(), len(utf8))


def test_a_text_is_refused_one_byte_over_the_limit_and_taken_at_it(settings):
    settings.SOURCE_MAX_BYTES = len(LONG.encode())
    check_text(LONG)
    settings.SOURCE_MAX_BYTES -= 1
    with pytest.raises(ValidationError, match="at most"):
        check_text(LONG)
    # A size the caller already knows (a file's bytes) is taken as it is.
    with pytest.raises(ValidationError, match="at most"):
        check_text("Tadmur", size=settings.SOURCE_MAX_BYTES + 1)
    check_text(LONG, size=settings.SOURCE_MAX_BYTES)


@pytest.mark.parametrize("text", ["", " ", "\n\t\u00a0\u2003 " * 1000])
def test_a_text_of_whitespace_only_is_refused(text):
    with pytest.raises(ValidationError, match="empty"):
        check_text(text)


@pytest.mark.parametrize(
    ("text", "normalised"),
    [
        ("\ufeffTadmur\r\nتدمر\rPalmyra\n", "Tadmur\nتدمر\nPalmyra\n"),
        ("Tadmur\r\n\r\n", "Tadmur\n\n"),
        ("\r", "\n"),
        ("Tadmur \ufeff تدمر\n", "Tadmur \ufeff تدمر\n"),  # a byte-order mark inside the text is a character of it
        (LONG, LONG),
    ],
)
def test_intake_makes_line_endings_newlines_and_drops_a_leading_byte_order_mark(text, normalised):
    assert normalise(text) == normalised
    # A text with nothing to change comes back itself: a caller holding its bytes knows they are still its UTF-8.
    assert (normalise(text) is text) == (text == normalised)
