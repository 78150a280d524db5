"""
Where each feature of a GeoJSON export stands in the file's text, so that a record can cite the exact words it comes
from (a citation is a passage at its offsets: `text[char_start:char_end] == quote`).

A JSON parser gives values, not offsets, so the keys are found in the text itself: in a JSON document a key can
only be written `"EAMENA ID": "…"` where it is a key (inside a string its quotes would be escaped), and the n-th such
key belongs to the n-th feature. That is checked against the parsed features before any passage is used.
"""

import json
import re

from ..models.sources import Citation

MAX_QUOTE = Citation._meta.get_field("quote").max_length
ID_LINE = re.compile(r'"EAMENA ID"\s*:\s*"((?:[^"\\]|\\.)*)"')
GEOMETRY = re.compile(r'"geometry"\s*:\s*(?=\{)')
RESOURCE_LINE = re.compile(r'"resourceid"\s*:\s*"(?:[^"\\]|\\.)*"')


class FeaturePassages:
    """The passages of one file's features: `ids[i]` and `geometries[i]` are feature i's matches."""

    def __init__(self, text, features):
        self.text = text
        ids = list(ID_LINE.finditer(text))
        geometries = list(GEOMETRY.finditer(text))
        self.ids = ids if len(ids) == len(features) else None
        self.geometries = geometries if len(geometries) == len(features) else None
        if self.ids is not None:
            for match, feature in zip(ids, features, strict=True):
                if json.loads(f'"{match.group(1)}"') != feature.get("properties", {}).get("EAMENA ID"):
                    self.ids = None
                    break

    @property
    def located(self):
        return self.ids is not None

    def id_line(self, index):
        """(quote, start) of feature `index`'s `"EAMENA ID": "…"`."""
        match = self.ids[index]
        return match.group(0), match.start()

    def through(self, index, keys, anchor="id"):
        """
        (quote, start) of the passage of feature `index` from the first of `keys` found before the anchor line (its
        EAMENA ID, or its resourceid) through that line, when it fits in a quote; else the EAMENA ID line. The anchor
        makes the passage the place's own: the same values in another place read the same.
        """
        match = self.ids[index]
        low = self.ids[index - 1].end() if index else 0
        high = self.ids[index + 1].start() if index + 1 < len(self.ids) else len(self.text)
        if anchor == "resourceid":
            # Found before the next feature's key, and after the previous feature's.
            match = RESOURCE_LINE.search(self.text, match.end(), high) or match
        for key in keys:
            start = self.text.rfind(f'"{key}"', low, match.start())
            if start >= 0 and match.end() - start <= MAX_QUOTE:
                return self.text[start : match.end()], start
        return self.id_line(index)

    def geometry(self, index):
        """
        (quote, start) of feature `index`'s geometry: the whole object when it fits in a quote, else its beginning
        (the type or the first positions) cut at a line's end.
        """
        if self.geometries is None:
            return self.id_line(index)
        start = self.geometries[index].start()
        end = self.text.find("}", start) + 1
        if end <= 0 or end - start > MAX_QUOTE:
            end = self.text.rfind("\n", start, start + MAX_QUOTE)
            if end <= start:
                end = start + MAX_QUOTE
        quote = self.text[start:end].rstrip()
        return quote, start
