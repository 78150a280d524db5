"""
Passages of a JSON document: the exact characters that state a value, for an importer's citations.

A citation quotes a source's text at its offsets, and a source holds one quote once (`Citation`'s unique quote per
source), so the passage cited for a value is the shortest run of neighbouring members of its object, including
the members asked for, whose text occurs once in the document: `"romanized": "Tadmur"` occurs twice in Pleiades'
Palmyra (Akkadian and Arabic), `"romanized": "Tadmur",` ... `"uri": ".../tadmur-akk"` once.

Where each value stands comes from json-source-map, which maps every JSON Pointer of a document to the character
positions of its key and value (Python string indices, as citations count them), rather than from searching the
text for what a value looks like, which finds the wrong copy of a repeated value.
"""

from json_source_map import calculate

from ..models.sources import Citation

MAX_QUOTE = Citation._meta.get_field("quote").max_length


def pointer(*parts):
    """The JSON Pointer (RFC 6901) of a path of keys and indexes: ("names", 0, "attested") -> /names/0/attested."""
    return "".join("/" + str(part).replace("~", "~0").replace("/", "~1") for part in parts)


class JsonPassages:
    """The passages of one JSON text (already known to parse), found by the members they state."""

    def __init__(self, text):
        self.text = text
        self.map = calculate(text)

    def member(self, *path):
        """(start, end) of the member at `path`, `"key": value`."""
        entry = self.map[pointer(*path)]
        start = entry.key_start.position if entry.key_start is not None else entry.value_start.position
        return start, entry.value_end.position

    def passage(self, *paths):
        """
        (start, end, quote) of the shortest passage stating the members at `paths` (siblings of one object) that
        occurs once in the text and is at most MAX_QUOTE characters, widened over neighbouring members as needed;
        None when there is none.
        """
        parent = paths[0][:-1]
        wanted = [self.member(*path) for path in paths]
        siblings = sorted(self.member(*parent, key) for key in self._keys(parent))
        first = min(i for i, span in enumerate(siblings) if span in wanted)
        last = max(i for i, span in enumerate(siblings) if span in wanted)
        windows = sorted(
            (siblings[j][1] - siblings[i][0], i, j) for i in range(first + 1) for j in range(last, len(siblings))
        )
        for length, i, j in windows:
            if length > MAX_QUOTE:
                break
            start, end = siblings[i][0], siblings[j][1]
            quote = self.text[start:end]
            if self.text.find(quote) == start and self.text.find(quote, start + 1) < 0:
                return start, end, quote
        return None

    def _keys(self, parent):
        prefix = pointer(*parent) + "/"
        return [
            name.replace("~1", "/").replace("~0", "~")
            for name in (p[len(prefix) :] for p in self.map if p.startswith(prefix))
            if "/" not in name
        ]
