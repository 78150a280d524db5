"""
The passage a search result matched: a stretch of its names or text around the first word of the query found there,
with the offsets of every query word in it, taken from the record's entry as written (not as folded), so that the
result shows the words as the record has them (with their vowel marks, their hamza).
"""

import unicodedata

from django.contrib.contenttypes.models import ContentType

from .models import SearchEntry
from .text import words

BEFORE, AFTER = 60, 140  # characters of context around the first match
ELLIPSIS = "…"


def tokens(text):
    """(start, end, folded words) of each run of letters, digits and their marks in `text`."""
    start = None
    for position, char in enumerate(text + " "):
        wordish = unicodedata.category(char)[0] in "LNM" or char == "\u0640"  # tatweel
        if wordish and start is None:
            start = position
        elif not wordish and start is not None:
            yield start, position, words(text[start:position])
            start = None


def snippet(text, terms):
    """{"text": the passage, "highlights": [[start, end], ...] in it}, or None if no term is in `text`."""
    found = [(start, end) for start, end, folded in tokens(text) if terms.intersection(folded)]
    if not found:
        return None
    first = found[0][0]
    start = max(0, first - BEFORE)
    end = min(len(text), found[0][1] + AFTER)
    # Cut at spaces, so that no word is shown in part.
    if start > 0:
        space = text.find(" ", start, first)
        start = space + 1 if space != -1 else start
    if end < len(text):
        space = text.rfind(" ", found[0][1], end)
        end = space if space != -1 else end
    prefix = ELLIPSIS if start > 0 else ""
    suffix = ELLIPSIS if end < len(text) else ""
    shift = len(prefix) - start
    passage = prefix + text[start:end].replace("\n", " ") + suffix
    highlights = [[a + shift, b + shift] for a, b in found if a >= start and b <= end]
    return {"text": passage, "highlights": highlights}


def matches(model, ids, terms, using="default"):
    """{record id: {"field": "names" or "text", "text": ..., "highlights": ...}} for the records `ids` of `model`."""
    terms = set(terms)
    content_type = ContentType.objects.db_manager(using).get_for_model(model)
    entries = SearchEntry.objects.using(using).filter(content_type=content_type, record_id__in=ids)
    found = {}
    for record_id, names, text in entries.values_list("record_id", "names", "text"):
        for field, value in (("names", names), ("text", text)):
            match = snippet(value, terms)
            if match is not None:
                found[record_id] = {"field": field, **match}
                break
    return found
