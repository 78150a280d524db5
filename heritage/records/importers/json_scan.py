"""
What a JSON text holds that its parsers mishandle, found in its bytes a piece at a time, before any parser reads it:
arrays and objects nested past MAX_DEPTH, and lone surrogates.

- Nesting. ijson's `items` and `parse` keep the path of every level open ("features.item.geometry.item.item…"), so
  a text nested n levels deep costs memory by n²: 40 KB of `[` took 369 MB, 200 KB had the process killed. Python's
  `json` raises RecursionError past about a thousand levels. What the importers read nests ten levels at most (a
  polygon in a GeoJSON GeometryCollection: the collection, its features, the feature, its geometry, its geometries,
  one of them, and four levels of coordinates); MAX_DEPTH leaves room for more and keeps a parser's paths short.
- Lone surrogates. JSON can escape half of a UTF-16 pair alone (`"\\ud800"`), which is no character: ijson's parser
  turns it into "?", Python's `json` into a string that cannot be encoded.

The scan is a few passes of C over each piece (the strings taken out by a regular expression, the brackets kept by
`bytes.translate`); only a piece that could nest too deep has its brackets counted one by one.
"""

import itertools
import re

MAX_DEPTH = 32

# Quotes and brackets: what is left of a text once its escaped backslashes and quotes are blanked (ESCAPED).
NOT_A_MARK = bytes(byte for byte in range(256) if byte not in b'"[]{}')
ESCAPED = ((b"\\\\", b"__"), (b'\\"', b"__"))
QUOTED = re.compile(rb'"[^"]*"')
STEPS = bytes.maketrans(b"[{]}", b"\x01\x01\xff\xff")  # +1 and -1, read as signed bytes
TOKEN = re.compile(rb'"[^"]*"|"|[\[{]|[\]}]')
# A surrogate's escape, after the backslashes before it in pairs (each an escaped backslash): a high surrogate with
# or without the low one after it, or a low one alone. A high one without a low one, or a low one alone, is lone.
SURROGATE = re.compile(
    rb"(?<!\\)(?:\\\\)*+(?P<escape>\\u[dD](?:(?P<high>[89abAB][0-9a-fA-F]{2})(?P<low>\\u[dD][c-fC-F][0-9a-fA-F]{2})?"
    rb"|[c-fC-F]))"
)
MAYBE_SURROGATE = re.compile(rb"\\u[dD]")
PAIR = 12  # the bytes of a surrogate pair's escapes: a piece's last ones are read with the next piece


class Scan:
    """
    Reads a JSON text's bytes a piece at a time (`feed` each, then `close`). `too_deep`: the offset of the first
    bracket that opens a level past `limit`; `lone_surrogate`: the offset of the first lone surrogate's escape; None
    when there is none.
    """

    def __init__(self, limit=MAX_DEPTH):
        self.limit = limit
        self.offset = 0  # bytes fed
        self.depth = 0
        self.string = b""  # the beginning of a string the last piece ended inside: a quote (and a backslash)
        self.before = b""  # the byte before `held`, already read for surrogates (whether it is a backslash counts)
        self.held = b""  # the last piece's end, not yet read for surrogates
        self.too_deep = self.lone_surrogate = None

    def feed(self, data):
        if self.too_deep is None:
            self.read_nesting(data)
        if self.lone_surrogate is None:
            self.read_surrogates(data)
        self.offset += len(data)

    def close(self):
        if self.lone_surrogate is None:
            self.read_surrogates(b"", final=True)

    def read_nesting(self, data):
        text, start = self.string + data, self.offset - len(self.string)
        if b"\\" in text:
            # Every quote left then begins or ends a string; the offsets stay (two bytes for two).
            for escaped, blank in ESCAPED:
                text = text.replace(escaped, blank)
        # Two quotes together (an empty string, or between two strings nothing but what they hold) change no one's
        # inside or outside: most strings, which hold no bracket, go at C speed.
        outside = QUOTED.sub(b"", text.translate(None, NOT_A_MARK).replace(b'""', b""))
        # A quote left after the whole strings went opens a string the piece ends inside, maybe after a backslash.
        open_at = outside.find(b'"')
        self.string = b"" if open_at < 0 else b'"\\' if text.endswith(b"\\") else b'"'
        brackets = outside if open_at < 0 else outside[:open_at]
        opened = brackets.count(b"[") + brackets.count(b"{")
        # Only a piece opening more brackets than the levels left can go past them: its brackets are then counted.
        if self.depth + opened > self.limit:
            steps = memoryview(brackets.translate(STEPS)).cast("b")
            if max(itertools.accumulate(steps, initial=self.depth)) > self.limit:
                self.too_deep = start + self.deepest(text)
                return
        self.depth = max(0, self.depth + 2 * opened - len(brackets))

    def deepest(self, text):
        """Where in `text` (escapes blanked) the bracket opening a level past the limit is (the counts say one does)."""
        depth = self.depth
        for token in TOKEN.finditer(text):
            if token[0] in (b"[", b"{"):
                depth += 1
                if depth > self.limit:
                    return token.start()
            elif token[0] in (b"]", b"}"):
                depth -= 1
            elif token[0] == b'"':
                break  # a string the piece ends inside
        raise AssertionError("no bracket opens a level past the limit")

    def read_surrogates(self, data, final=False):
        text = self.before + self.held + data
        start, begin = self.offset - len(self.held) - len(self.before), len(self.before)
        end = len(text) if final else len(text) - PAIR
        # A run of backslashes is read whole, with this piece or the next (its count says what its last escapes).
        while not final and end > begin and text[end - 1] == ord("\\"):
            end -= 1
        if end <= begin:
            self.held = text[begin:]
            return
        resume = end
        if MAYBE_SURROGATE.search(text, begin):
            for match in SURROGATE.finditer(text, begin):
                if match.start() >= end:
                    break
                if match["high"] is None or match["low"] is None:
                    self.lone_surrogate = start + match.start("escape")
                    return
                resume = max(resume, match.end())
        self.before, self.held = text[resume - 1 : resume], text[resume:]
