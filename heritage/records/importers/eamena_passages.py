"""
Where each feature of a GeoJSON export stands in the file's text, so that a record can cite the exact words it comes
from (a citation is a passage at its offsets: `text[char_start:char_end] == quote`).

A JSON parser gives values, not offsets, so the keys are found in the text itself: in a JSON document a key can
only be written `"EAMENA ID": "…"` where it is a key (inside a string its quotes would be escaped), and the n-th such
key belongs to the n-th feature, which `check` confirms feature by feature as the parser hands them over. A
feature's geometry lies between its neighbours' EAMENA IDs, before its own (an export's keys are sorted) or after.
"""

import json
import re

from ..models.sources import Citation

MAX_QUOTE = Citation._meta.get_field("quote").max_length
ID_LINE = re.compile(r'"EAMENA ID"\s*:\s*"((?:[^"\\]|\\.)*)"')
GEOMETRY = re.compile(r'"geometry"\s*:\s*(?=\{)')
RESOURCE_LINE = re.compile(r'"resourceid"\s*:\s*"(?:[^"\\]|\\.)*"')


class FeaturePassages:
    """The passages of one file's features, by the feature's index in the file."""

    def __init__(self, text):
        self.text = text
        matches = ID_LINE.finditer(text)
        self.spans = [(match.start(), match.end(), match.group(1)) for match in matches]
        first = GEOMETRY.search(text)
        self.geometry_first = bool(first and self.spans and first.start() < self.spans[0][0])

    def check(self, index, eamena_id):
        """Whether feature `index`'s EAMENA ID is the n-th written in the text (so its passages can be found)."""
        if index >= len(self.spans):
            return False
        written = self.spans[index][2]
        return written == eamena_id or json.loads(f'"{written}"') == eamena_id

    def id_line(self, index):
        """(quote, start) of feature `index`'s `"EAMENA ID": "…"`."""
        start, end, _ = self.spans[index]
        return self.text[start:end], start

    def window(self, index):
        """The stretch of text between the previous feature's EAMENA ID and the next one's."""
        low = self.spans[index - 1][1] if index else 0
        high = self.spans[index + 1][0] if index + 1 < len(self.spans) else len(self.text)
        return low, high

    def through(self, index, keys, anchor="id"):
        """
        (quote, start) of the passage of feature `index` from the first of `keys` found before the anchor line (its
        EAMENA ID, or its resourceid) through that line, when it fits in a quote; else the EAMENA ID line. The anchor
        makes the passage the place's own: the same values in another place read the same.
        """
        low, high = self.window(index)
        start, end, _ = self.spans[index]
        if anchor == "resourceid":
            resource = RESOURCE_LINE.search(self.text, end, high)
            if resource:
                start, end = resource.span()
        for key in keys:
            first = self.text.rfind(f'"{key}"', low, start)
            if first >= 0 and end - first <= MAX_QUOTE:
                return self.text[first:end], first
        return self.id_line(index)

    def geometry(self, index):
        """
        (quote, start) of feature `index`'s geometry: the whole object when it fits in a quote, else its beginning
        (the type or the first positions) cut at a line's end; the EAMENA ID line if it cannot be found.
        """
        low, high = self.window(index)
        id_start, id_end, _ = self.spans[index]
        if self.geometry_first:
            start = self.text.rfind('"geometry"', low, id_start)
            found = start >= 0 and GEOMETRY.match(self.text, start)
        else:
            found = GEOMETRY.search(self.text, id_end, high)
            start = found.start() if found else -1
        if not found:
            return self.id_line(index)
        end = self.text.find("}", start) + 1
        if end <= 0 or end - start > MAX_QUOTE:
            end = self.text.rfind("\n", start, start + MAX_QUOTE)
            if end <= start:
                end = start + MAX_QUOTE
        return self.text[start:end].rstrip(), start
