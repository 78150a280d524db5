"""A source's text at intake (heritage/records/texts.py): its checksum and its size are those of its whole UTF-8."""

import hashlib

import pytest
from django.core.exceptions import ValidationError

from heritage.records.texts import ENCODED_AT_ONCE, check_text, sha256

# Latin, Arabic and Palmyrene (outside the Basic Multilingual Plane), longer than a piece encoded at once, so that
# pieces end inside each script.
LONG = "Tadmur تدمر 𐡕𐡃𐡌𐡓 " * (ENCODED_AT_ONCE // 7)


def test_a_long_texts_checksum_is_that_of_its_utf8():
    assert len(LONG) > 2 * ENCODED_AT_ONCE
    assert sha256(LONG) == hashlib.sha256(LONG.encode()).hexdigest()


def test_a_text_is_refused_one_byte_over_the_limit_and_taken_at_it(settings):
    settings.SOURCE_MAX_BYTES = len(LONG.encode())
    check_text(LONG)
    settings.SOURCE_MAX_BYTES -= 1
    with pytest.raises(ValidationError, match="at most"):
        check_text(LONG)


@pytest.mark.parametrize("text", ["", " ", "\n\t\u00a0\u2003 " * 1000])
def test_a_text_of_whitespace_only_is_refused(text):
    with pytest.raises(ValidationError, match="empty"):
        check_text(text)
