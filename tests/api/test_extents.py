"""
A site's extents through the API: written with the site (matched by position, errors by position, nothing written
on any error, any JSON at all a 400 with a message), coarsened for those who may not see a sensitive site's exact
location in every format, a write by them unable to change or learn the exact shapes, in the history.
"""

import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from heritage.records.models import Site, SiteExtent

from ..conftest import table_counts
from .base import content_of, csv_rows, if_match
from .conftest import token_client

DETAIL = "/api/v1/sites/hatra/"
LIST = "/api/v1/sites/"
# Hatra's walls, roughly, and its temple as a point: inside the public cells 42.7..42.8 E, 35.5..35.6 N.
WALLS = {
    "type": "Polygon",
    "coordinates": [[[42.71, 35.58], [42.73, 35.58], [42.73, 35.597], [42.71, 35.597], [42.71, 35.58]]],
}
TEMPLE = {"type": "Point", "coordinates": [42.7183, 35.5883]}
PUBLIC_WALLS = {
    "type": "Polygon",
    "coordinates": [[[42.7, 35.5], [42.8, 35.5], [42.8, 35.6], [42.7, 35.6], [42.7, 35.5]]],
}
PUBLIC_TEMPLE = {"type": "Point", "coordinates": [42.7, 35.6]}
EXACT = [WALLS, TEMPLE]
COARSE = [PUBLIC_WALLS, PUBLIC_TEMPLE]


@pytest.fixture
def hatra(world):
    site = world["hatra"]
    walls = SiteExtent.objects.create(site=site, position=1, geometry=WALLS, qualifier="perimeter", certainty="high")
    walls.citations.add(world["citation"])
    SiteExtent.objects.create(site=site, position=2, geometry=TEMPLE, qualifier="centre_point")
    return site


@pytest.fixture
def sensitive(hatra):
    Site.objects.filter(pk=hatra.pk).update(is_sensitive=True)
    return hatra


@pytest.fixture
def stranger(db):
    """A signed-in account without permission to view sites."""
    return token_client("stranger")


@pytest.fixture
def changer(db):
    """A token whose user may add and change every record, but view none: shown public shapes only."""
    return token_client("changer", "add", "change")


def geometries(extents):
    return [extent["geometry"] for extent in extents]


def stored(site):
    return list(site.extents.order_by("position").values_list("position", "geometry"))


def patch(client, extents, url=DETAIL):
    return client.patch(url, {"extents": extents}, format="json", **if_match(client, url))


# --- Writing ------------------------------------------------------------------------------------------------------


def test_a_site_is_created_with_its_extents(world, curator):
    """One POST writes the site and its extents, with their citations, and answers with them as stored."""
    body = {
        "slug": "nimrud",
        "name": "Nimrud",
        "kind": "archaeological_site",
        "country": "IQ",
        "extents": [
            {"position": 1, "geometry": WALLS, "qualifier": "perimeter", "certainty": "medium"},
            {"position": 2, "geometry": TEMPLE, "citations": [world["citation"].pk]},
        ],
    }
    response = curator.post(LIST, body, format="json")
    assert response.status_code == 201, response.content
    extents = response.json()["extents"]
    assert [(e["position"], e["qualifier"], e["certainty"]) for e in extents] == [
        (1, "perimeter", "medium"),
        (2, "", ""),
    ]
    assert geometries(extents) == EXACT
    assert [c["id"] for c in extents[1]["citations"]] == [world["citation"].pk]
    assert stored(Site.objects.get(slug="nimrud")) == [(1, WALLS), (2, TEMPLE)]


def test_extents_are_matched_by_position_changed_added_and_removed(hatra, curator):
    """A list sent replaces the site's: position 1 is changed in place (same id), 3 is new, 2 is deleted."""
    walls = hatra.extents.get(position=1)
    moved = {"type": "Point", "coordinates": [42.72, 35.59]}
    response = patch(curator, [{"position": 1, "geometry": moved}, {"position": 3, "geometry": TEMPLE}])
    assert response.status_code == 200, response.content
    assert stored(hatra) == [(1, moved), (3, TEMPLE)]
    assert hatra.extents.get(position=1).pk == walls.pk
    # Citations left out of an item are kept.
    assert hatra.extents.get(position=1).citations.count() == 1
    response = patch(curator, [])
    assert response.status_code == 200, response.content
    assert stored(hatra) == []


def test_extents_put_back_as_read_change_nothing(hatra, curator):
    """The site's JSON PUT back as read: no extent is saved again (same versions, nothing in their history)."""
    read = curator.get(DETAIL)
    versions = list(hatra.extents.values_list("version", flat=True))
    history = SiteExtent.history.count()
    response = curator.put(DETAIL, read.json(), format="json", HTTP_IF_MATCH=read["ETag"])
    assert response.status_code == 200, response.content
    assert list(hatra.extents.values_list("version", flat=True)) == versions
    assert SiteExtent.history.count() == history


def test_changes_to_extents_are_in_their_history_with_who_made_them(hatra, curator):
    """Each change and deletion of an extent is a version in its history, by the token's user."""
    moved = {"type": "Point", "coordinates": [42.72, 35.59]}
    last = SiteExtent.history.latest("history_id").history_id
    assert patch(curator, [{"position": 1, "geometry": moved}]).status_code == 200
    versions = SiteExtent.history.filter(site_id=hatra.pk, history_id__gt=last)
    assert {(v.position, v.history_type, str(v.geometry), v.history_user) for v in versions} == {
        (1, "~", str(moved), curator.user),
        (2, "-", str(TEMPLE), curator.user),
    }


BAD_GEOMETRIES = {
    "ring not closed": (
        {"type": "Polygon", "coordinates": [[[42.7, 35.5], [42.8, 35.5], [42.8, 35.6], [42.7, 35.6]]]},
        "must close",
    ),
    "longitude out of range": ({"type": "Point", "coordinates": [190, 35]}, "Longitude 190 is outside"),
    "latitude out of range": ({"type": "Point", "coordinates": [42, -91.5]}, "Latitude -91.5 is outside"),
    "huge number": ({"type": "Point", "coordinates": [1e308, 35]}, "outside -180 to 180"),
    "wrong nesting": ({"type": "Polygon", "coordinates": [[42.7, 35.5], [42.8, 35.5]]}, "not nested as GeoJSON"),
    "a point nested as a line": ({"type": "Point", "coordinates": [[42.7, 35.5]]}, "A position is [longitude"),
    "self-crossing": (
        {"type": "Polygon", "coordinates": [[[0, 0], [1, 1], [1, 0], [0, 1], [0, 0]]]},
        "not a valid shape: Self-intersection",
    ),
    "too few points": ({"type": "LineString", "coordinates": [[1, 2], [1, 2]]}, "not a valid shape"),
    "too many positions": (
        {"type": "MultiPoint", "coordinates": [[0.0001 * (n % 1000), 0.0001 * (n // 1000)] for n in range(10_001)]},
        "at most 10,000 positions",
    ),
    "altitude on some positions only": ({"type": "LineString", "coordinates": [[1, 2], [1, 2, 3]]}, "altitude"),
    "unknown type": ({"type": "Circle", "coordinates": [1, 2]}, "type is one of"),
    "Feature, not a geometry": ({"type": "Feature", "geometry": TEMPLE}, "type is one of"),
    "extra member": ({**TEMPLE, "radius": 5}, "Unexpected member"),
    "bad bbox": ({**TEMPLE, "bbox": "everywhere"}, "bbox"),
    "no coordinates": ({"type": "Point"}, "needs its coordinates"),
    "a string": ("POINT (42 35)", "GeoJSON object"),
    "a number": (42, "GeoJSON object"),
    "a list": ([42, 35], "GeoJSON object"),
    "NaN as text": ({"type": "Point", "coordinates": ["NaN", 35]}, "finite numbers"),
    "booleans": ({"type": "Point", "coordinates": [True, False]}, "finite numbers"),
}


@pytest.mark.parametrize(("geometry", "message"), BAD_GEOMETRIES.values(), ids=BAD_GEOMETRIES.keys())
def test_a_bad_geometry_is_a_400_on_its_item_and_writes_nothing(hatra, curator, geometry, message):
    """The error is at extents[1].geometry with a message saying what is wrong; nothing changes."""
    before, shapes = table_counts(), stored(hatra)
    response = patch(curator, [{"position": 1, "geometry": WALLS}, {"position": 2, "geometry": geometry}])
    assert response.status_code == 400, response.content
    errors = response.json()
    assert list(errors) == ["extents"] and list(errors["extents"]) == ["1"], errors
    assert message in " ".join(errors["extents"]["1"]["geometry"]), errors
    assert table_counts() == before and stored(hatra) == shapes


@pytest.mark.parametrize(
    ("item", "field"),
    [
        ({"geometry": TEMPLE}, "position"),
        ({"position": 0, "geometry": TEMPLE}, "position"),
        ({"position": 2**40, "geometry": TEMPLE}, "position"),
        ({"position": 5}, "geometry"),
        ({"position": 1, "geometry": None}, "geometry"),
        ({"position": 1, "geometry": TEMPLE, "qualifier": "circle"}, "qualifier"),
        ({"position": 1, "geometry": TEMPLE, "certainty": "total"}, "certainty"),
        ({"position": 1, "geometry": TEMPLE, "colour": "red"}, "colour"),
    ],
)
def test_other_bad_items_are_400s_naming_the_field(hatra, curator, item, field):
    before = table_counts()
    response = patch(curator, [item])
    assert response.status_code == 400, response.content
    assert field in response.json()["extents"]["0"], response.json()
    assert table_counts() == before


def test_two_items_at_one_position_are_refused(hatra, curator):
    response = patch(curator, [{"position": 1, "geometry": TEMPLE}, {"position": 1, "geometry": WALLS}])
    assert response.status_code == 400
    assert "item 0 has the same" in response.json()["extents"]["1"]["position"][0]


@pytest.mark.parametrize(
    "body",
    [
        '{"extents": [{"position": 1, "geometry": {"type": "Point", "coordinates": [NaN, 1]}}]}',
        '{"extents": [{"position": 1, "geometry": {"type": "Point", "coordinates": [1e999, 1]}}]}',
        '{"extents": [{"position": 1, "geometry": {"type": "Point", "coordinates": [' + "9" * 5000 + ", 1]}}]}",
        '{"extents": [{"position": 1, "geometry": {"type": "Point", "coordinates": ' + "[" * 40 + "]" * 40 + "}}]}",
    ],
    ids=["NaN", "infinity", "5000-digit integer", "deep nesting"],
)
def test_json_that_python_would_choke_on_is_a_400(hatra, curator, body):
    """Raw JSON a client can send that Python's own parser mishandles (NaN, 1e999, huge integers, deep lists)."""
    before = table_counts()
    response = curator.patch(DETAIL, body, content_type="application/json", **if_match(curator, DETAIL))
    assert response.status_code == 400, response.content
    assert response.json()
    assert table_counts() == before


def test_a_million_positions_is_a_400_and_writes_nothing(hatra, curator):
    """Within the request size limit (DATA_UPLOAD_MAX_MEMORY_SIZE), a million positions is refused by count."""
    line = {"type": "LineString", "coordinates": [[0.0, 0.0]] * 10**6}
    before = table_counts()
    response = patch(curator, [{"position": 1, "geometry": line}])
    assert response.status_code == 400
    assert "at most 10,000 positions" in response.json()["extents"]["0"]["geometry"][0]
    assert table_counts() == before


json_values = st.recursive(
    st.one_of(
        st.none(),
        st.booleans(),
        st.integers(min_value=-(2**70), max_value=2**70),
        st.floats(allow_nan=False, allow_infinity=False),
        st.text(max_size=10),
        st.sampled_from(["Point", "Polygon", "MultiPolygon", "LineString", "type", "coordinates", "bbox"]),
    ),
    lambda children: st.one_of(
        st.lists(children, max_size=5),
        st.dictionaries(st.sampled_from(["type", "coordinates", "bbox", "x"]), children, max_size=3),
    ),
    max_leaves=20,
)
geometry_like = st.one_of(
    json_values,
    st.fixed_dictionaries(
        {
            "type": st.sampled_from(
                ["Point", "MultiPoint", "LineString", "MultiLineString", "Polygon", "MultiPolygon"]
            ),
            "coordinates": json_values,
        }
    ),
)


def test_any_json_as_a_geometry_is_a_200_or_a_400(hatra, curator, unthrottled):
    """Hypothesis draws geometries, GeoJSON-shaped or not: stored, or refused on extents[0].geometry."""
    seen = set()

    @settings(
        max_examples=60,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )
    @given(geometry=geometry_like)
    def run(geometry):
        response = patch(curator, [{"position": 1, "geometry": geometry}])
        assert response.status_code in (200, 400), (geometry, response.status_code, response.content[:300])
        if response.status_code == 400:
            assert response.json()["extents"]["0"]["geometry"], response.json()
        seen.add(response.status_code)

    run()
    assert 400 in seen


@pytest.mark.parametrize(("who", "expected"), [("anonymous", 401), ("researcher", 403)])
def test_readers_cannot_write_extents(hatra, request, who, expected):
    client = request.getfixturevalue(who)
    before = table_counts()
    response = client.patch(DETAIL, {"extents": []}, format="json", HTTP_IF_MATCH=f'"{hatra.version}"')
    assert response.status_code == expected
    assert table_counts() == before


# --- Sensitive sites ----------------------------------------------------------------------------------------------

CASES = [("anonymous", COARSE), ("stranger", COARSE), ("changer", COARSE), ("researcher", EXACT), ("curator", EXACT)]


@pytest.mark.parametrize(("who", "expected"), CASES)
def test_json_detail_and_list(sensitive, request, who, expected):
    client = request.getfixturevalue(who)
    assert geometries(client.get(DETAIL).json()["extents"]) == expected
    listed = next(site for site in client.get(LIST).json()["results"] if site["slug"] == "hatra")
    assert geometries(listed["extents"]) == expected


def wkt(shapes):
    import shapely

    return shapely.GeometryCollection([shapely.geometry.shape(shape) for shape in shapes]).wkt


@pytest.mark.parametrize(("who", "expected"), CASES)
def test_csv_holds_the_shapes_as_wkt(sensitive, request, who, expected):
    """One `extents` cell: a GEOMETRYCOLLECTION of the shapes as the user may see them, not JSON."""
    client = request.getfixturevalue(who)
    for response in (client.get(DETAIL, {"format": "csv"}), client.get(LIST, {"format": "csv"})):
        header, *rows = csv_rows(response)
        row = next(row for row in rows if row[header.index("slug")] == "hatra")
        assert row[header.index("extents")] == wkt(expected)


@pytest.mark.parametrize(("who", "expected"), CASES)
def test_geojson_point_layout_carries_the_extents_in_its_properties(sensitive, request, who, expected):
    client = request.getfixturevalue(who)
    feature = json.loads(content_of(client.get(DETAIL, {"format": "geojson"})))
    collection = json.loads(content_of(client.get(LIST, {"format": "geojson"})))
    listed = next(f for f in collection["features"] if f["properties"]["slug"] == "hatra")
    for item in (feature, listed):
        assert item["geometry"]["type"] == "Point"
        assert geometries(item["properties"]["extents"]) == expected


@pytest.mark.parametrize(("who", "expected"), CASES)
def test_geojson_extents_layout_is_one_feature_per_extent(sensitive, request, who, expected):
    """`geometry=extents`: each extent a Feature with the site's id, slug and name beside its own attributes."""
    client = request.getfixturevalue(who)
    params = {"format": "geojson", "geometry": "extents"}
    for response in (client.get(DETAIL, params), client.get(LIST, params)):
        assert response.status_code == 200
        assert response["Content-Type"] == "application/geo+json"
        body = json.loads(content_of(response))
        assert body["type"] == "FeatureCollection"
        features = [f for f in body["features"] if f["properties"]["site"] == "hatra"]
        assert [f["geometry"] for f in features] == expected
        assert [f["id"] for f in features] == ["hatra/1", "hatra/2"]
        first = features[0]["properties"]
        assert first["site_id"] == sensitive.pk and first["site_name"] == "Hatra"
        assert (first["position"], first["qualifier"], first["certainty"]) == (1, "perimeter", "high")
        assert "geometry" not in first


def test_sites_without_extents_have_no_extent_features(hatra, anonymous):
    body = json.loads(content_of(anonymous.get(LIST, {"format": "geojson", "geometry": "extents"})))
    assert {f["properties"]["site"] for f in body["features"]} == {"hatra"}


@pytest.mark.parametrize("value", ["polygons", "", "\x00"])
def test_an_unknown_geometry_layout_is_a_400(hatra, anonymous, value):
    response = anonymous.get(LIST, {"format": "geojson", "geometry": value})
    assert response.status_code == 400
    assert list(response.json()) == ["geometry"]


@pytest.mark.parametrize(("who", "expected"), CASES[:2] + CASES[3:])
def test_the_body_of_a_412_shows_the_shapes_as_the_user_may_see_them(sensitive, request, who, expected):
    client = request.getfixturevalue(who)
    response = client.patch(DETAIL, {"name": "Hatra"}, format="json", HTTP_IF_MATCH='"999"')
    if who in ("anonymous", "stranger", "researcher"):
        assert response.status_code in (401, 403)  # refused before the version is checked
        return
    assert response.status_code == 412
    assert geometries(response.json()["current"]["extents"]) == expected


def test_the_412_body_for_one_who_may_change_but_not_see(sensitive, changer):
    response = changer.patch(DETAIL, {"name": "Hatra"}, format="json", HTTP_IF_MATCH='"999"')
    assert response.status_code == 412
    assert geometries(response.json()["current"]["extents"]) == COARSE


def test_echoing_the_public_shapes_back_keeps_the_exact_ones(sensitive, changer):
    """A user who may change sites but not see them PUTs back what it read: the stored shapes stay exact."""
    read = changer.get(DETAIL)
    body = read.json()
    body["extents"][0]["certainty"] = "medium"  # what it may change beside them
    response = changer.put(DETAIL, body, format="json", HTTP_IF_MATCH=read["ETag"])
    assert response.status_code == 200, response.content
    assert geometries(response.json()["extents"]) == COARSE
    assert stored(sensitive) == [(1, WALLS), (2, TEMPLE)]
    assert sensitive.extents.get(position=1).certainty == "medium"


@pytest.mark.parametrize(
    ("extents", "error"),
    [
        ([{"position": 1, "geometry": WALLS}, {"position": 2, "geometry": PUBLIC_TEMPLE}], {"0": "change"}),
        ([{"position": 1, "geometry": PUBLIC_WALLS}, {"position": 2, "geometry": TEMPLE}], {"1": "change"}),
        (
            [
                {"position": 1, "geometry": PUBLIC_WALLS},
                {"position": 2, "geometry": PUBLIC_TEMPLE},
                {"position": 3, "geometry": TEMPLE},
            ],
            {"2": "add to"},
        ),
        ([{"position": 1, "geometry": PUBLIC_WALLS}], "remove"),
    ],
    ids=["change one", "guess the exact one", "add", "remove"],
)
def test_one_who_may_not_see_the_shapes_cannot_change_them(sensitive, changer, extents, error):
    """Anything but the shapes it was shown is a 400 on the item (or the list), and nothing is written."""
    before = table_counts()
    response = patch(changer, extents)
    assert response.status_code == 400, response.content
    errors = response.json()["extents"]
    if isinstance(error, str):
        assert errors == [f"This site's exact location is hidden from you, so you cannot {error} its extents."]
    else:
        ((index, verb),) = error.items()
        assert list(errors) == [index]
        assert errors[index]["geometry"] == [
            f"This site's exact location is hidden from you, so you cannot {verb} its extents."
        ]
    assert table_counts() == before


def test_one_who_may_not_see_may_write_extents_of_a_site_that_is_not_sensitive(hatra, changer):
    response = patch(changer, [{"position": 1, "geometry": TEMPLE}])
    assert response.status_code == 200, response.content
    assert stored(hatra) == [(1, TEMPLE)]
