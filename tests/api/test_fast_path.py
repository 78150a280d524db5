"""
The fast read path (heritage/records/api/fast/) changes nothing but speed: with it on, with it off (plain DRF and
django-filter everywhere), and with each of its pieces off alone, every resource answers every read with the same
bytes: lists and records, JSON, CSV and GeoJSON, filtered, ordered, paged by number and by cursor, for the public
and for a researcher (who reads drafts).

And what the `filters` piece assumes holds: no filter takes its queryset or its choices from the request.
"""

import django_filters
import pytest
from django.urls import reverse
from django_filters.filters import QuerySetRequestMixin

from heritage.records.api.fast import PIECES
from heritage.records.api.urls import router

from .base import content_of

# Everything off, and (for the public) each piece left out in turn.
PIECE_SETTINGS = [",".join(piece for piece in PIECES if piece != left_out) for left_out in PIECES]
# Reads of each resource beyond its plain list and record: (query parameters), for every format.
QUERIES = {
    "site": [
        {"country": "IQ"},
        {"ordering": "-name"},
        {"bbox": "42,35,43,36"},
        {"has_damage": "true"},
        {"search": "palmyra"},
        {"search": "city", "ordering": "-name"},
    ],
    "damage-report": [
        {"severity": "moderately_damaged"},
        {"ordering": "-occurred"},
        {"ordering": "-last_updated"},  # a timestamp: not read as text where it orders (fast/pages.py)
        {"site": "hatra"},
        {"search": "hatra"},
        {"search": "palmyra", "page_size": 2, "cursor": ""},
    ],
    "occupation": [{"site": "hatra"}, {"active_on": "2016-01-01"}],
    "event": [{"actor": "pmf", "role": "agent"}, {"q": "recapture"}],
    "citation": [{"attributed": "true"}, {"source": "hatra-report"}, {"search": "palmyra"}],
}


def reads(world):
    """(label, url, parameters) of every read of the comparison."""
    out = []
    for prefix, viewset, basename in router.registry:
        formats = ["json", "csv", *(["geojson"] if "geojson" in getattr(viewset, "export_formats", {}) else [])]
        model = viewset.serializer_class.Meta.model
        record = model.objects.order_by("pk").first()
        lookup = getattr(record, viewset.lookup_field)
        detail = reverse(f"api:{basename}-detail", kwargs={viewset.lookup_field: lookup})
        for fmt in formats:
            out.append((f"{prefix} list {fmt}", f"/api/v1/{prefix}/", {"format": fmt}))
            out.append((f"{prefix} record {fmt}", detail, {"format": fmt}))
            for params in QUERIES.get(basename, []):
                out.append((f"{prefix} {params} {fmt}", f"/api/v1/{prefix}/", {**params, "format": fmt}))
        out.append((f"{prefix} page 2", f"/api/v1/{prefix}/", {"page_size": 1, "page": 2}))
        out.append((f"{prefix} cursor", f"/api/v1/{prefix}/", {"page_size": 3, "cursor": ""}))
    return out


def answers(client, world):
    result = {}
    for label, url, params in reads(world):
        response = client.get(url, params)
        result[label] = (response.status_code, response["Content-Type"], content_of(response))
    return result


@pytest.mark.parametrize("who", ["anonymous", "researcher"])
def test_every_read_is_the_same_with_the_fast_path_on_off_and_each_piece_off(
    world, request, settings, unthrottled, who
):
    client = request.getfixturevalue(who)
    settings.API_FAST_PATH = "on"
    fast = answers(client, world)
    # (A second page of one record exists where the user may read two of them.)
    refused = {label: status for label, (status, _, _) in fast.items() if status != 200}
    assert set(refused) <= {"threats page 2"}, refused
    for value in ["off", *(PIECE_SETTINGS if who == "anonymous" else [])]:
        settings.API_FAST_PATH = value
        plain = answers(client, world)
        different = sorted(label for label in fast if fast[label] != plain[label])
        assert different == [], f"API_FAST_PATH={value!r}: {different}"


def test_the_fast_path_is_really_taken_and_really_left(world, anonymous, settings):
    """The comparison above means something only if the two paths differ in what they run: the rows path reads a
    page of damage reports in three queries (count, page, citations); DRF's path prefetches more."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def queries(value):
        settings.API_FAST_PATH = value
        with CaptureQueriesContext(connection) as captured:
            assert anonymous.get("/api/v1/damage-reports/").status_code == 200
        return [query["sql"] for query in captured if query["sql"].startswith("SELECT")]

    fast, plain = queries("on"), queries("off")
    assert len(fast) == 3
    assert fast != plain


def test_an_unknown_piece_is_refused(settings, anonymous):
    settings.API_FAST_PATH = "rows,teleport"
    with pytest.raises(ValueError, match="teleport"):
        anonymous.get("/api/v1/sites/")


@pytest.mark.parametrize(
    ("prefix", "viewset"), [(p, v) for p, v, _ in router.registry], ids=[p for p, _, _ in router.registry]
)
def test_no_filter_takes_its_queryset_or_choices_from_the_request(prefix, viewset):
    """
    The `filters` piece builds each filter set's filters and form once and shares them between requests; a filter
    whose queryset or choices depended on the request (django-filter allows callables for both) would then show one
    user's choices to another. None may.
    """
    for name, filter_ in viewset.filterset_class.base_filters.items():
        queryset = getattr(filter_, "queryset", None)
        assert not callable(queryset), f"{prefix}: {name} takes its queryset from the request"
        if isinstance(filter_, QuerySetRequestMixin):
            assert type(filter_).get_queryset is QuerySetRequestMixin.get_queryset, f"{prefix}: {name}"
        choices = filter_.extra.get("choices")
        assert not callable(choices), f"{prefix}: {name} takes its choices from the request"
        assert not isinstance(filter_, django_filters.ModelChoiceFilter) or queryset is not None, f"{prefix}: {name}"
