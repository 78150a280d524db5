"""
The API's JSON parser: strict about what it lets through, so that no request body can get a 500.

DRF's parser hands the body to Python's `json`, which raises RecursionError (a 500) on deeply nested input and lets
lone surrogates ("\\ud800") through into strings that cannot even be written into an error message. orjson refuses
both, and invalid UTF-8, NaN and infinities, as a parse error; and no record is nested deeper than a few levels, so
a body nested deeper than `MAX_DEPTH` is refused before any serializer walks it.
"""

import orjson
from rest_framework import parsers
from rest_framework.exceptions import ParseError

# A batch of records holding a quantity object is three levels deep; nothing the API takes is deeper than five.
MAX_DEPTH = 16


def depth_exceeds(data, limit):
    """Whether `data` (parsed JSON) nests lists and objects more than `limit` levels deep; iterative, no recursion."""
    stack = [(data, 1)]
    while stack:
        value, depth = stack.pop()
        if isinstance(value, dict):
            value = value.values()
        elif not isinstance(value, list):
            continue
        if depth > limit:
            return True
        stack.extend((item, depth + 1) for item in value if isinstance(item, dict | list))
    return False


class JSONParser(parsers.JSONParser):
    """DRF's JSONParser, parsing with orjson (UTF-8 only, as RFC 8259 says JSON is) and refusing deep nesting."""

    def parse(self, stream, media_type=None, parser_context=None):
        try:
            data = orjson.loads(stream.read())
        except orjson.JSONDecodeError as exc:
            raise ParseError(f"JSON parse error: {exc}") from None
        if depth_exceeds(data, MAX_DEPTH):
            raise ParseError(f"JSON parse error: nested more than {MAX_DEPTH} levels deep.")
        return data
