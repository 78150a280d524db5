"""
`?search=` on every list: the records whose names or text have every word of the query, best match first, each
with the passage it matched (`search_match`) on JSON pages.

`q=` stays what it was, a case-insensitive substring match in a few fields of each resource (a part of a word, a
slug-like fragment); `search` is the indexed, ranked, Arabic-aware word search (heritage/search/).
"""

import django_filters
from django import forms
from drf_spectacular.drainage import set_override

from heritage.search import query, snippets
from heritage.search.query import MAX_SEARCH_LENGTH, MAX_SEARCH_WORDS
from heritage.search.text import words


class SearchField(forms.CharField):
    """A search string, read as its folded words: at most 1000 characters and 32 words, at least one word."""

    def clean(self, value):
        value = super().clean(value)
        if value in self.empty_values:
            return None
        if len(value) > MAX_SEARCH_LENGTH:
            raise forms.ValidationError(
                "A search is at most %(limit)d characters long; this one has %(length)d.",
                code="max_length",
                params={"limit": MAX_SEARCH_LENGTH, "length": len(value)},
            )
        terms = words(value)
        if not terms:
            raise forms.ValidationError(
                "A search needs at least one word (letters or digits); this one has none.", code="no_words"
            )
        if len(terms) > MAX_SEARCH_WORDS:
            raise forms.ValidationError(
                "A search has at most %(limit)d words; this one has %(count)d.",
                code="too_many_words",
                params={"limit": MAX_SEARCH_WORDS, "count": len(terms)},
            )
        return terms


class SearchFilter(django_filters.Filter):
    field_class = SearchField

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Its type for the schema (drf-spectacular cannot infer it), keeping its description.
        schema = {"type": "string", "maxLength": MAX_SEARCH_LENGTH, "example": "تدمر"}
        set_override(self, "field", {**schema, "description": self.extra.get("help_text", "")})

    def filter(self, qs, value):
        return qs if not value else query.ranked(qs, value)


def search_terms(request):
    """The words of the request's `search`, or None when it has none (an invalid one was refused by the filter)."""
    value = request.query_params.get("search")
    if not value:
        return None
    try:
        return SearchField(required=False).clean(value)
    except forms.ValidationError:
        return None


class SearchMatchMixin:
    """
    For a list view: on a JSON page of search results, each record gets `search_match`, the passage it matched
    (`{"field": "names" or "text", "text": ..., "highlights": [[start, end], ...]}`, offsets in `text`). Added to the
    page after it is built, whichever path built it, so the fast path gives the same bytes as DRF's.
    """

    def list(self, request, *args, **kwargs):
        response = super().list(request, *args, **kwargs)
        terms = search_terms(request)
        results = getattr(response, "data", None)
        results = results.get("results") if isinstance(results, dict) else None
        if terms and results:
            model = self.get_queryset().model
            found = snippets.matches(model, [record["id"] for record in results], terms)
            for record in results:
                record["search_match"] = found.get(record["id"])
        return response
