"""
The API's JSON parser refuses a body nested deeper than MAX_DEPTH, reading the depth from the body's text: for any
JSON, however it is written (strings holding brackets, quotes and escapes; any spacing; any nesting), that reading
agrees with the depth of the parsed value.
"""

import io
import json

import orjson
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from rest_framework.exceptions import ParseError

from heritage.records.api.common.parsers import MAX_DEPTH, JSONParser, depth_exceeds

# Text a bracket count could trip on: brackets, quotes and backslashes (escaped when written), and any other
# character JSON can carry (no lone surrogates: orjson refuses those before the depth is read).
tricky_text = st.text(
    alphabet=st.one_of(st.sampled_from('[]{}"\\/,:'), st.characters(exclude_categories=["Cs"])), max_size=12
)
leaves = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(2**63), 2**63 - 1),
    st.floats(allow_nan=False, allow_infinity=False),
    tricky_text,
)
values = st.recursive(
    leaves,
    lambda children: st.one_of(st.lists(children, max_size=3), st.dictionaries(tricky_text, children, max_size=3)),
    max_leaves=12,
)


@st.composite
def nested(draw):
    """A value, wrapped in up to 24 more lists or objects."""
    value = draw(values)
    for in_a_list in draw(st.lists(st.booleans(), max_size=24)):
        value = [value] if in_a_list else {draw(tricky_text): value}
    return value


def depth(value):
    """Levels of lists and objects in a parsed value (a scalar: 0)."""
    if isinstance(value, dict):
        value = list(value.values())
    if not isinstance(value, list):
        return 0
    return 1 + max((depth(item) for item in value), default=0)


def written(value, style):
    if style == "orjson":
        return orjson.dumps(value)
    if style == "ascii":
        return json.dumps(value).encode()
    return json.dumps(value, ensure_ascii=False, indent=2, separators=(" , ", " : ")).encode()


@settings(max_examples=300, deadline=None, derandomize=True, database=None)
@given(value=nested(), style=st.sampled_from(["orjson", "ascii", "spaced"]), limit=st.integers(0, 26))
def test_the_depth_read_from_the_text_is_the_depth_of_the_value(value, style, limit):
    body = written(value, style)
    assert orjson.loads(body) == value
    assert depth_exceeds(body, limit) == (depth(value) > limit)


def parse(body):
    return JSONParser().parse(io.BytesIO(body))


def test_a_body_max_depth_deep_is_taken_and_one_level_deeper_is_refused():
    deepest = '{"a": ' * (MAX_DEPTH - 1) + '["]]]}}}"]' + "}" * (MAX_DEPTH - 1)
    assert depth(parse(deepest.encode())) == MAX_DEPTH
    with pytest.raises(ParseError, match=f"nested more than {MAX_DEPTH} levels deep"):
        parse(f"[{deepest}]".encode())
