"""Cursor pagination (`?cursor=`) for bulk reading: every record once, in id order, and no COUNT(*) on any page."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from heritage.records.models import DamageReport


@pytest.fixture
def reports(world):
    assert DamageReport.objects.count() >= 3
    return list(DamageReport.objects.order_by("pk").values_list("pk", flat=True))


def test_following_next_reads_every_record_once_in_id_order_without_counting(anonymous, reports):
    """From `?cursor=` to the last page: all reports, by id, no `count`, and no COUNT(*) query on any page."""
    url, seen = "/api/v1/damage-reports/?cursor=&page_size=1", []
    while url:
        with CaptureQueriesContext(connection) as queries:
            body = anonymous.get(url).json()
        assert "count" not in body
        assert not [q["sql"] for q in queries.captured_queries if "COUNT(" in q["sql"].upper()]
        seen += [row["id"] for row in body["results"]]
        url = body["next"]
    assert seen == reports


def test_filters_apply_to_cursor_pages(anonymous, world):
    """The same filters as on numbered pages."""
    body = anonymous.get("/api/v1/damage-reports/", {"cursor": "", "site": "hatra"}).json()
    expected = DamageReport.objects.filter(site__slug="hatra").order_by("pk").values_list("pk", flat=True)
    assert [row["id"] for row in body["results"]] == list(expected)


def test_page_numbers_still_count(anonymous, world):
    """Without a cursor, pages are numbered and counted as before."""
    body = anonymous.get("/api/v1/damage-reports/", {"page_size": 1}).json()
    assert body["count"] == DamageReport.objects.count()


@pytest.mark.parametrize(
    ("params", "status", "key"),
    [
        ({"cursor": "", "ordering": "slug"}, 400, "ordering"),
        ({"cursor": "", "page": "2"}, 400, "page"),
        ({"cursor": "", "page_size": "501"}, 400, "page_size"),
        ({"cursor": "not-a-cursor"}, 404, "detail"),
    ],
)
def test_what_does_not_combine_with_a_cursor_is_refused(anonymous, world, params, status, key):
    """ordering or page with a cursor, a page size out of range, or a forged cursor: an error naming the problem."""
    response = anonymous.get("/api/v1/damage-reports/", params)
    assert response.status_code == status
    assert key in response.json()
