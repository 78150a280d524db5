"""
The fast read path (heritage/records/api/fast/) changes nothing but speed: with it on, with it off (plain DRF and
django-filter everywhere), and with each of its pieces off alone, every resource answers every read with the same
bytes: lists and records, JSON, CSV and GeoJSON, filtered, ordered, paged by number and by cursor, for the public
and for a researcher (who reads drafts).

And what the `filters` piece assumes holds: no filter takes its queryset or its choices from the request.
"""

import django_filters
import orjson
import pytest
from django.contrib.auth.models import AnonymousUser, Permission, User
from django.urls import reverse
from django_filters.filters import QuerySetRequestMixin
from rest_framework.request import Request
from rest_framework.test import APIRequestFactory

from heritage.records.api.common.filters import ChoiceListField
from heritage.records.api.fast import PIECES
from heritage.records.api.urls import router
from heritage.records.models import (
    Actor,
    Citation,
    Designation,
    Period,
    Site,
    SiteExtent,
    SiteIdentifier,
    SiteName,
    SitePeriod,
    Source,
)

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


@pytest.mark.long
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


@pytest.fixture
def sites_in_full(world):
    """
    Beside the world's sites, a sensitive one with every nested list filled, each item cited (passages of two
    sources whose titles sort against their ids, so that the order of the citations is the sources' titles'), and
    Hatra's outline. Returns the sensitive site.
    """
    hatra, citation = world["hatra"], world["citation"]
    zenobia = Source.objects.create(
        slug="zenobia-report",
        title="A report on Zenobia's city",
        kind="report",
        language="en",
        text=citation.source.text + "\n(Another copy.)",
    )
    other = Citation(source=zenobia, quote=citation.quote)
    other.locate()
    other.save()
    site = Site.objects.create(
        slug="dura",
        name="Dura-Europos",
        kind="archaeological_site",
        country="SY",
        latitude="34.747000",
        longitude="40.730000",
        location_certainty="medium",
        is_sensitive=True,
        condition="poor",
        condition_assessed="2019-05-01",
        damage_extent="61-90",
    )
    site.citations.add(citation, other)
    for name, kind in [("Europos", "historical"), ("as-Salihiyah", "local"), ("Pompeii of the Desert", "epithet")]:
        SiteName.objects.create(site=site, name=name, kind=kind, language="en").citations.add(other, citation)
    unesco = Actor.objects.get(slug="unesco")
    Designation.objects.create(
        site=site, kind="unesco_tentative", valid_from="1999", valid_to="2011~", granted_by=unesco
    )
    Designation.objects.create(site=site, kind="unesco_in_danger", valid_from="2015-05~").citations.add(citation)
    SitePeriod.objects.create(site=site, period=world["parthian"]).citations.add(other)
    SitePeriod.objects.create(site=site, period=Period.objects.order_by("pk").first())
    polygon = {"type": "Polygon", "coordinates": [[[40.72, 34.74], [40.74, 34.74], [40.74, 34.76], [40.72, 34.74]]]}
    SiteExtent.objects.create(site=site, position=2, geometry={"type": "Point", "coordinates": [40.731, 34.748]})
    SiteExtent.objects.create(site=site, position=1, geometry=polygon, qualifier="perimeter").citations.add(other)
    SiteExtent.objects.create(site=hatra, position=1, geometry={"type": "Point", "coordinates": [42.7183, 35.5883]})
    SiteIdentifier.objects.create(site=site, scheme="pleiades", value="893989").citations.add(citation)
    SiteIdentifier.objects.create(site=site, scheme="eamena", value="EAMENA-0182033")
    return site


SITE_READS = [
    ("/api/v1/sites/", {}),
    ("/api/v1/sites/", {"country": "SY", "page_size": 2}),
    ("/api/v1/sites/", {"in_danger": "true"}),
    ("/api/v1/sites/", {"bbox": "40,34,41,35"}),
    ("/api/v1/sites/", {"page_size": 2, "cursor": ""}),
    ("/api/v1/sites/", {"format": "csv"}),
    ("/api/v1/sites/", {"format": "geojson"}),
    ("/api/v1/sites/", {"format": "geojson", "geometry": "extents"}),
    ("/api/v1/sites/dura/", {}),
    ("/api/v1/sites/hatra/", {}),
    ("/api/v1/sites/dura/", {"format": "csv"}),
    ("/api/v1/sites/dura/", {"format": "geojson"}),
]


@pytest.mark.parametrize("who", ["anonymous", "curator"])
def test_sites_with_every_list_filled_read_the_same_on_both_paths(sites_in_full, request, settings, unthrottled, who):
    """
    A site's names, designations, periods, extents and identifiers, each with its citations, and its in-danger flag,
    are the same on the fast path (read from rows) as through DRF; a sensitive site's point and extents coarsened for
    the public and its identifiers hidden from it, exact and shown for a curator.
    """
    client = request.getfixturevalue(who)

    def answers():
        return [(response.status_code, content_of(response)) for response in (client.get(u, p) for u, p in SITE_READS)]

    settings.API_FAST_PATH = "on"
    fast = answers()
    assert {status for status, _ in fast} == {200}
    settings.API_FAST_PATH = "off"
    assert answers() == fast
    record = orjson.loads(fast[SITE_READS.index(("/api/v1/sites/dura/", {}))][1])
    assert [len(record[name]) for name in ("names", "designations", "periods", "extents")] == [3, 2, 2, 2]
    assert record["in_danger"] is True
    assert [item["source"]["slug"] for item in record["names"][0]["citations"]] == ["zenobia-report", "hatra-report"]
    if who == "anonymous":
        assert (record["latitude"], record["is_sensitive"], record["identifiers"]) == ("34.700000", None, [])
        assert record["extents"][0]["geometry"]["type"] == "Polygon"  # the bounding box in tenths of a degree
        assert record["extents"][0]["geometry"]["coordinates"][0][0] == [40.7, 34.7]
    else:
        assert (record["latitude"], record["is_sensitive"], len(record["identifiers"])) == ("34.747000", True, 2)
        assert record["extents"][0]["geometry"] == sites_in_full.extents.get(position=1).geometry


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


@pytest.mark.parametrize(
    ("prefix", "viewset"), [(p, v) for p, v, _ in router.registry], ids=[p for p, _, _ in router.registry]
)
def test_without_query_parameters_no_filter_changes_the_records(prefix, viewset, world):
    """A record read by its address without query parameters skips the filter set (fast/views.py): it must
    filter nothing then, for the public and for a reader of drafts."""
    for user in (AnonymousUser(), User.objects.create_user("reader-of-drafts-" + prefix)):
        user_permissions = Permission.objects.filter(content_type__app_label="records", codename__startswith="view_")
        if user.is_authenticated:
            user.user_permissions.set(user_permissions)
        request = Request(APIRequestFactory().get("/"))
        request.user = user
        view = viewset(request=request, format_kwarg=None, action="retrieve", kwargs={})
        queryset = view.get_queryset()
        assert str(view.filter_queryset(queryset).query) == str(queryset.query), prefix


def test_a_choice_filter_accepts_exactly_what_djangos_own_check_accepts(settings):
    """The `filters` piece checks a choice against a set of the keys: the same verdicts as Django's walk of them."""
    choices = [("SY", "Syria"), ("Neighbours", [("IQ", "Iraq"), (7, "Seven")]), ("", "None given")]
    field = ChoiceListField(choices=choices, required=False)
    values = ["SY", "IQ", "7", 7, "Neighbours", "", "sy", "XX", " SY"]
    verdicts = {}
    for setting in ("on", "off"):
        settings.API_FAST_PATH = setting
        verdicts[setting] = [field.valid_value(value) for value in values]
    assert verdicts["on"] == verdicts["off"] == [True, True, True, True, False, True, False, False, False]
