"""
Filter values that cannot be used: a 400 naming the parameter and what is wrong with it, in every format, never a
search that runs past what a column or the database can take; pages out of range.
"""

import django_filters
import pytest

from heritage.records.api.urls import router


@pytest.mark.parametrize(
    ("url", "params", "parameter"),
    [
        ("/api/v1/damage-reports/", {"occurred_after": "last tuesday"}, "occurred_after"),
        ("/api/v1/threats/", {"quantity_gte": "thirty"}, "quantity_gte"),
        ("/api/v1/threats/", {"quantity_lte": "-1"}, "quantity_lte"),
        ("/api/v1/threats/", {"quantity_gte": "99999999999999999999"}, "quantity_gte"),
        ("/api/v1/occupations/", {"reported_duration_gte": "1.5"}, "reported_duration_gte"),
        ("/api/v1/occupations/", {"active_on": "2016-02-30"}, "active_on"),
        ("/api/v1/damage-reports/", {"severity": ["destroyed", "obliterated"]}, "severity"),
        ("/api/v1/sites/", {"country": "XX"}, "country"),
        ("/api/v1/sites/", {"bbox": "1,2,3"}, "bbox"),
        ("/api/v1/sites/", {"bbox": "a,b,c,d"}, "bbox"),
        ("/api/v1/sites/", {"bbox": "0,50,10,40"}, "bbox"),
        ("/api/v1/sites/", {"bbox": "0,0,200,10"}, "bbox"),
        ("/api/v1/sites/", {"bbox": "nan,0,1,1"}, "bbox"),
        ("/api/v1/periods/", {"overlaps": "-1500,-2000"}, "overlaps"),
        ("/api/v1/periods/", {"overlaps": "-2000"}, "overlaps"),
        ("/api/v1/periods/", {"overlaps": "a,b"}, "overlaps"),
        ("/api/v1/periods/", {"year": "0 BCE"}, "year"),
        ("/api/v1/periods/", {"year": "1800 BCF"}, "year"),
        ("/api/v1/periods/", {"year": "99999999999999999999"}, "year"),
        ("/api/v1/damage-reports/", {"site": "atlantis"}, "site"),
        ("/api/v1/damage-reports/", {"site": "not a slug!"}, "site"),
        ("/api/v1/damage-reports/", {"site_id": "abc"}, "site_id"),
        ("/api/v1/damage-reports/", {"site_id": "99999999999999999999999"}, "site_id"),
        ("/api/v1/sites/", {"id": "1,x"}, "id"),
        ("/api/v1/sites/", {"slug": "bad slug"}, "slug"),
        ("/api/v1/sites/", {"in_danger": "perhaps"}, "in_danger"),
        ("/api/v1/sites/", {"ordering": "latitude"}, "ordering"),
        ("/api/v1/sites/", {"q": "nul\x00byte"}, "q"),
        ("/api/v1/sites/", {"q": "a" * 1001}, "q"),  # SQLite refuses a LIKE pattern of 50,000 bytes
        ("/api/v1/damage-reports/", {"q": "%" * 30000}, "q"),
        ("/api/v1/sources/", {"publisher": "a" * 60000}, "publisher"),
        ("/api/v1/sources/", {"language": "a" * 60000}, "language"),
        ("/api/v1/event-types/", {"scheme": "a" * 60000}, "scheme"),
    ],
)
def test_bad_input_is_a_400_naming_the_parameter(world, anonymous, url, params, parameter):
    """A value that cannot be used is a 400 whose JSON maps the parameter to what is wrong, in every format."""
    for fmt in ("json", "csv"):
        response = anonymous.get(url, {**params, "format": fmt})
        assert response.status_code == 400, response.content
        assert response["Content-Type"] == "application/json"
        assert list(response.json()) == [parameter]
        assert response.json()[parameter][0]


@pytest.mark.parametrize("page_size", ["0", "501", "many"])
def test_bad_page_size_is_a_400(world, anonymous, page_size):
    """page_size must be a whole number from 1 to 500 (CSV exports are unpaginated and ignore it)."""
    response = anonymous.get("/api/v1/sites/", {"page_size": page_size})
    assert response.status_code == 400
    assert list(response.json()) == ["page_size"]


def test_page_past_the_end_is_404(world, anonymous):
    """Asking for a page that does not exist is a 404, not an empty 200."""
    assert anonymous.get("/api/v1/sites/", {"page": 99}).status_code == 404


def test_a_substring_search_as_long_as_a_search_may_be_runs(world, anonymous):
    """`q` takes as many characters as `search` (1,000); a longer one is the 400 above."""
    response = anonymous.get("/api/v1/sites/", {"q": "palmyra".ljust(1000, "x")})
    assert response.status_code == 200 and response.json()["results"] == []
    assert [site["slug"] for site in anonymous.get("/api/v1/sites/", {"q": "almyr"}).json()["results"]] == ["palmyra"]


TEXT_FILTERS = [
    (filterset, name, text)
    for filterset in dict.fromkeys(viewset.filterset_class for _, viewset, _ in router.registry)
    for name, text in filterset.base_filters.items()
    if isinstance(text, django_filters.CharFilter)
]


@pytest.mark.parametrize(
    ("filterset", "name", "text"), TEXT_FILTERS, ids=[f"{fs.__name__}.{name}" for fs, name, _ in TEXT_FILTERS]
)
def test_every_text_filter_takes_a_bounded_value(filterset, name, text):
    """
    Every text filter takes at most as many characters as its column holds (or a search may have): a longer value
    could match nothing, and SQLite fails on a case-insensitive match of 50,000 bytes or more.
    """
    assert 0 < text.extra.get("max_length", 0) <= 1000
