"""
The API's JSON parser: strict about what it lets through, so that no request body can get a 500.

DRF's parser hands the body to Python's `json`, which raises RecursionError (a 500) on deeply nested input and lets
lone surrogates ("\\ud800") through into strings that cannot even be written into an error message. orjson refuses
both, and invalid UTF-8, NaN and infinities, as a parse error; and no record is nested deeper than a few levels, so
a body nested deeper than `MAX_DEPTH` is refused before any serializer walks it.
"""

import re

import orjson
from rest_framework import parsers
from rest_framework.exceptions import ParseError

# A batch of records holding a quantity object is three levels deep; nothing the API takes is deeper than five.
MAX_DEPTH = 16

# In JSON that has parsed, every quote outside a string opens one; a string's bytes are anything but a quote or a
# backslash, or a backslash and the byte it escapes.
STRING = re.compile(rb'"(?:[^"\\]++|\\.)*+"', re.DOTALL)
EMPTY_PAIR = re.compile(rb"\[\]|\{\}")
NOT_A_BRACKET = bytes(byte for byte in range(256) if byte not in b"[]{}")


def depth_exceeds(body, limit):
    """
    Whether the JSON text `body` (bytes that have parsed) nests lists and objects more than `limit` levels deep.

    Read from the text rather than by walking the parsed value: a body of a million coordinate pairs is a million
    lists, which a walk in Python visits one by one (two seconds), and the text's brackets are read at C speed. With
    the strings taken out and only the brackets kept, each pass removes every innermost pair; a body at most `limit`
    deep is gone after `limit` passes.
    """
    brackets = STRING.sub(b"", body).translate(None, NOT_A_BRACKET)
    for _ in range(limit):
        if not brackets:
            return False
        brackets = EMPTY_PAIR.sub(b"", brackets)
    return bool(brackets)


class JSONParser(parsers.JSONParser):
    """DRF's JSONParser, parsing with orjson (UTF-8 only, as RFC 8259 says JSON is) and refusing deep nesting."""

    def parse(self, stream, media_type=None, parser_context=None):
        body = stream.read()
        try:
            data = orjson.loads(body)
        except orjson.JSONDecodeError as exc:
            raise ParseError(f"JSON parse error: {exc}") from None
        if depth_exceeds(body, MAX_DEPTH):
            raise ParseError(f"JSON parse error: nested more than {MAX_DEPTH} levels deep.")
        return data
