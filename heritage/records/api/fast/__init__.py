"""
The API's fast read path: everything in the API that exists only for speed, fenced in this package.

Each piece is a mixin of one of the API's ordinary classes (a viewset, a serializer, a field, a filter set, the JSON
renderer) whose methods fall back to the plain Django REST framework or django-filter behaviour when the piece is
off. With every piece off, every endpoint is served by plain DRF; the suite checks that both give the same bodies,
byte for byte, for every resource and format (tests/api/test_fast_path.py).

The setting `API_FAST_PATH` (environment variable of the same name) is `on` (every piece, the default), `off`
(none), or the comma-separated names of the pieces to keep:

- `rows`: list pages, exports and records (in JSON, CSV and GeoJSON) read from `.values()` rows instead of model
  instances (rows.py), through the page's SQL as Django's compiler builds it;
- `compiled`: with `rows`, a page's or a record's SQL (and its citations') compiled once per shape of query and
  reused (pages.py);
- `timestamps`: with `rows`, SQLite's timestamps read as their stored text and written as DRF would (rows.py);
- `serializers`: a serializer's fields planned once and plain columns read with one getattr, one brief serializer
  reused per nested field, to-many relations read straight from the prefetch, record URLs from a template
  (serializers.py);
- `filters`: filter sets' filters copied shallowly and their form classes built once (filters.py);
- `json`: JSON rendered by orjson (renderers.py).

Several pieces lean on framework internals (Django's query compiler, DRF's `_readable_fields`, django-filter's
copying of filters), which is why pyproject.toml pins DRF, django-filter and drf-spectacular below their next
releases; docs/performance.md gives each piece's gain, measured by bench/fast_path.py.
"""

import functools

from django.conf import settings

PIECES = ("rows", "compiled", "timestamps", "serializers", "filters", "json")


@functools.lru_cache(maxsize=8)
def _parse(value):
    text = str(value).strip().lower()
    if text in ("on", "true", "1", "yes", "all"):
        return frozenset(PIECES)
    if text in ("off", "false", "0", "no", "none", ""):
        return frozenset()
    pieces = frozenset(part.strip() for part in text.split(",") if part.strip())
    unknown = pieces - set(PIECES)
    if unknown:
        raise ValueError(f"API_FAST_PATH: unknown pieces {sorted(unknown)}; the pieces are {', '.join(PIECES)}.")
    return pieces


def enabled(piece):
    """Whether the piece `piece` of the fast path is on (settings.API_FAST_PATH, read on each call)."""
    return piece in _parse(getattr(settings, "API_FAST_PATH", "on"))
