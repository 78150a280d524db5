"""
The importers' scan of a JSON text's bytes (importers/json_scan.py): where it nests too deep and where it escapes a
lone surrogate, the same however the text is cut into pieces, and nothing found inside strings or in escaped pairs.
"""

import pytest

from heritage.records.importers.json_scan import Scan

TEXTS = [
    # (text, limit, offset of the bracket too deep, offset of the lone surrogate)
    (b'{"a": [[1, 2]], "b": "[[[[", "c": {"d": []}}', 3, None, None),
    (b'{"a": [[[1]]]}', 3, 8, None),
    (b'{"a": "\\"[[[[", "b": [[[]]]}', 3, 23, None),
    (b'{"name": "\\ud83c\\udff0 Castle \\uD83D\\uDE00"}', 3, None, None),
    (b'{"name": "\\ud800Nosrat"}', 3, None, 10),
    (b'{"name": "Nosrat \\udc00"}', 3, None, 17),
    (b'{"name": "\\\\ud800 is written \\\\\\ud83d"}', 3, None, 31),
]


@pytest.mark.parametrize(("text", "limit", "too_deep", "lone"), TEXTS)
def test_the_scan_finds_the_same_places_however_the_text_is_cut(text, limit, too_deep, lone):
    """
    Nesting and lone surrogates are found at their byte, strings and escaped backslashes read as JSON reads them,
    whatever pieces the file is read in (a string, an escape or a surrogate pair cut between two).
    """
    for size in range(1, len(text) + 1):
        scan = Scan(limit)
        for start in range(0, len(text), size):
            scan.feed(text[start : start + size])
        scan.close()
        assert (scan.too_deep, scan.lone_surrogate) == (too_deep, lone), size
