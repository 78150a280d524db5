"""
The passage a search result matched: a stretch of its names or text around the first word of the query found there,
with the offsets of every query word in it, taken from the record's entry as written (not as folded), so that the
result shows the words as the record has them (with their vowel marks, their hamza).
"""

import functools
import re
import unicodedata

from django.contrib.contenttypes.models import ContentType

from .models import SearchEntry
from .text import CharacterTable, words

BEFORE, AFTER = 60, 140  # characters of context around the first match
ELLIPSIS = "…"


# Every character but letters, digits, their marks and the tatweel becomes a space: runs of what is left are words,
# found by a regular expression (a loop over the characters in Python took most of a search page's time).
def wordish(char):
    return unicodedata.category(char)[0] in "LNM" or char == "\u0640"  # tatweel


SEPARATORS = CharacterTable(lambda char: ord(char) if wordish(char) else 32)
RUN = re.compile(r"[^ ]+")


@functools.lru_cache(maxsize=50_000)
def folded(token):
    """A token's folded words (the same words recur from record to record: each is folded once)."""
    return frozenset(words(token))


def tokens(text):
    """(start, end, folded words) of each run of letters, digits and their marks in `text`."""
    for run in RUN.finditer(text.translate(SEPARATORS)):
        yield run.start(), run.end(), folded(text[run.start() : run.end()])


def snippet(text, terms):
    """{"text": the passage, "highlights": [[start, end], ...] in it}, or None if no term is in `text`."""
    found = []
    for start, end, folded in tokens(text):
        if found and start >= found[0][1] + AFTER:
            break  # past the passage: no further highlight can be shown
        if terms.intersection(folded):
            found.append((start, end))
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
