"""
A list page's SQL is compiled once per shape of query and reused (heritage/records/api/fast/pages.py, PageQueries): a
page served from a compiled query must be exactly the page the ORM would give, whatever filters, values, ordering and
page came before it.
"""

import pytest
from django.db import connection
from django.db.models import Case, Value, When
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from heritage.records.api.damage import DamageReportSerializer
from heritage.records.api.fast import pages
from heritage.records.api.fast.pages import ValuesRows
from heritage.records.api.fast.rows import values_reader
from heritage.records.models import DamageReport, Threat
from heritage.records.models.base import PUBLIC_STATUSES

from ..test_query_plans import ordering_values
from .test_filters import CASES, resolve
from .test_reading import READ_FROM_ROWS, viewsets

pytestmark = pytest.mark.django_db


def compiled_pages(basename):
    return values_reader(viewsets()[basename].serializer_class).pages.compiled


@pytest.fixture
def compilations(monkeypatch):
    """How many times a page query was compiled by the ORM."""
    calls = []
    compile_page = pages.PageQuery.compile.__func__

    def counting(cls, rows, *args):
        calls.append(rows)
        return compile_page(cls, rows, *args)

    monkeypatch.setattr(pages.PageQuery, "compile", classmethod(counting))
    return calls


def get_list(client, basename, params):
    response = client.get(reverse(f"api:{basename}-list"), params)
    assert response.status_code == 200, response.content
    return response.json()


def uncached(client, basename, params):
    """The page as the ORM compiles it, with nothing compiled before."""
    compiled_pages(basename).clear()
    return get_list(client, basename, params)


# Pairs of queries with the same filters but other values, or other pages: the second runs the SQL compiled for the
# first, with the parameters of its own count.
SAME_SHAPE = [
    ("damage-report", {"severity": "destroyed"}, {"severity": "severely_damaged"}),
    ("damage-report", {"severity": "destroyed"}, {"severity": "moderately_damaged"}),
    ("damage-report", {"site": "palmyra", "page_size": 1}, {"site": "hatra", "page_size": 1}),
    ("damage-report", {"site_id": "PK:palmyra", "page_size": 1}, {"site_id": "PK:hatra", "page_size": 1}),
    (
        "damage-report",
        {"status": ["reported", "draft"], "page_size": 1},
        {"status": ["verified", "reported"], "page_size": 1},
    ),
    ("damage-report", {"q": "hammers"}, {"q": "defaced"}),
    ("damage-report", {"is_permanent": "true"}, {"is_permanent": "false"}),
    (
        "damage-report",
        {"occurred_after": "2017-01-01", "page_size": 1},
        {"occurred_after": "2015-01-01", "page_size": 1},
    ),
    ("damage-report", {"ordering": "-site", "page_size": 1}, {"ordering": "-site", "page_size": 1, "page": 2}),
    ("damage-report", {"ordering": "-site"}, {"ordering": "site"}),
    ("damage-report", {"page_size": 1}, {"page_size": 1, "page": 3}),
    ("damage-report", {"page_size": 3}, {"page_size": 2, "page": 2}),  # slices [0:3] and [2:3] of 3 reports
    ("damage-report", {"severity": "destroyed", "ordering": "occurred"}, {"severity": "moderately_damaged"}),
    ("threat", {"site": "palmyra"}, {"site": "hatra"}),
    ("damage-report", {"site": "palmyra", "page_size": 50}, {"site": "hatra", "page_size": 50}),
    ("citation", {"source": "palmyra-recapture-2016", "page_size": 1}, {"source": "hatra-report", "page_size": 1}),
]


@pytest.mark.parametrize(("basename", "first", "second"), SAME_SHAPE)
def test_a_page_from_a_compiled_query_is_the_page_the_orm_gives(
    world, researcher, compilations, basename, first, second
):
    # A researcher, who reads drafts too (Hatra's threat is one): every pair then has records to compare.
    first, second = resolve(basename, first), resolve(basename, second)
    expected = uncached(researcher, basename, second)
    assert expected["results"], "the comparison needs records"

    uncached(researcher, basename, first)
    compilations.clear()
    assert get_list(researcher, basename, second) == expected
    # The same filters, ordering and page, whatever the number of records on the page (a short last page is read as
    # the page asked for): the second query ran the first's SQL.
    unchanged = ("ordering", "page", "page_size")
    same_shape = set(first) == set(second) and all(first.get(name) == second.get(name) for name in unchanged)
    if same_shape:
        assert not compilations, "the second query should have run the first's compiled SQL"


def test_every_filter_after_every_other_gives_the_orms_page(world, researcher):
    """
    One shape's compiled SQL is never taken for another's: all the filter tests' queries, one after another (as a
    researcher, whose throttle allows that many).
    """
    cases = [(basename, resolve(basename, params)) for basename, params, _, _ in CASES if basename in READ_FROM_ROWS]
    expected = [uncached(researcher, basename, params) for basename, params in cases]
    for basename in READ_FROM_ROWS:
        compiled_pages(basename).clear()
    for _ in range(2):
        assert [get_list(researcher, basename, params) for basename, params in cases] == expected
    assert compiled_pages("damage-report"), "the pages' SQL was kept"


def test_a_page_whose_parameters_are_not_the_counts_is_compiled_every_time(world):
    """Parameters in the ordering (or anywhere but the filters) would not be the next count's: nothing is kept."""
    reader = values_reader(DamageReportSerializer)
    reader.pages.compiled.clear()
    first_severe = DamageReport.objects.order_by(
        Case(When(severity="severely_damaged", then=Value(0)), default=Value(1)), "pk"
    )
    for _ in range(2):
        rows = ValuesRows(first_severe.prefetch_related(None), reader)
        assert rows.count() == DamageReport.objects.count()
        page = rows[0:2]
        assert [row["severity"] for row in page][:1] == ["severely_damaged"]
    assert not reader.pages.compiled


def test_a_page_without_a_count_is_compiled(world):
    reader = values_reader(DamageReportSerializer)
    reader.pages.compiled.clear()
    rows = ValuesRows(DamageReport.objects.order_by("pk").prefetch_related(None), reader)
    assert [row["id"] for row in rows[0:2]] == list(
        DamageReport.objects.order_by("pk").values_list("pk", flat=True)[:2]
    )
    assert not reader.pages.compiled


def test_an_empty_page_reads_nothing(world, anonymous):
    assert get_list(anonymous, "damage-report", {"q": "no such words anywhere"})["results"] == []
    assert get_list(anonymous, "damage-report", {"q": "nor these"})["results"] == []


def test_the_kept_pages_are_bounded():
    kept = pages.PageQueries()
    for number in range(kept.size + 10):
        kept.put(number, f"page {number}")
    assert len(kept.compiled) == kept.size
    assert kept.get(0) is None
    assert kept.get(kept.size + 9) == f"page {kept.size + 9}"


@pytest.mark.parametrize("basename", sorted(READ_FROM_ROWS))
def test_a_page_deep_in_the_list_is_the_page_the_orm_gives(
    world, researcher, settings, monkeypatch, compilations, basename
):
    """
    Pages read ids first (ValuesRows.deferred_page, from the 1000th row; here from the second) give DRF's pages, their
    rows read through SQL compiled once for as many ids.
    """
    monkeypatch.setattr(ValuesRows, "deferred_from", 1)
    model = viewsets()[basename].serializer_class.Meta.model
    orderings = [None, *ordering_values(viewsets()[basename].filterset_class)[:4]]
    reads = [
        {"page_size": 1, "page": page, **({"ordering": ordering} if ordering else {})}
        for ordering in orderings
        for page in range(1, min(model.objects.count(), 4) + 1)
    ]
    settings.API_FAST_PATH = "on"
    fast = [get_list(researcher, basename, params) for params in reads]
    compilations.clear()
    assert [get_list(researcher, basename, params) for params in reads] == fast
    assert not compilations, "every deep page's rows ran SQL compiled before"
    settings.API_FAST_PATH = "off"
    assert [get_list(researcher, basename, params) for params in reads] == fast
    assert all(page["results"] for page in fast)


@pytest.mark.parametrize("basename", sorted(READ_FROM_ROWS))
def test_a_record_from_a_compiled_query_is_the_record_the_orm_gives(
    world, anonymous, researcher, settings, unthrottled, compilations, basename
):
    """
    A record's SQL is compiled once per shape of query and reused (pages.record_rows): every record, read by a
    researcher (who reads drafts and exact locations) and by the public in turn, and with a filter that may exclude
    it, is the record, or the 404, that compiling each query anew gives.
    """
    viewset = viewsets()[basename]
    field = viewset.lookup_field
    values = list(viewset.serializer_class.Meta.model.objects.order_by("pk").values_list(field, flat=True)[:6])
    reads = [
        (client, reverse(f"api:{basename}-detail", kwargs={field: value}), params)
        for value in values
        for params in ({}, {"ordering": "-pk"}, {"q": "palmyra"})
        for client in (researcher, anonymous)
    ]

    def read_all():
        return [(response.status_code, response.content) for response in (c.get(u, p) for c, u, p in reads)]

    settings.API_FAST_PATH = "rows,timestamps,serializers,filters,json"  # all but `compiled`
    expected = read_all()
    assert {status for status, _ in expected} & {200}, "the comparison needs records"
    settings.API_FAST_PATH = "on"
    values_reader(viewset.serializer_class).pages.compiled.clear()
    assert read_all() == expected
    compilations.clear()
    assert read_all() == expected
    assert not compilations, "every record's query was compiled once for its shape and reused"


def public_list_counts(client):
    return {basename: get_list(client, basename, {"page_size": 1})["count"] for basename in ("damage-report", "threat")}


@pytest.fixture
def statuses_of_every_kind(world):
    """Drafts beside the public records, and statuses no curator can set (written past the models), around them."""
    for model in (DamageReport, Threat):
        for number in range(6 - model.objects.count()):  # copies of a record, for statuses of every kind
            record = model.objects.order_by("pk").first()
            record.pk, record.slug = None, f"copy-{number}"
            record.save()
        records = model.objects.order_by("pk").values_list("pk", flat=True)
        for pk, status in zip(records, ["draft", "aaa", "reported ", "zzz", "reported"], strict=False):
            model.objects.filter(pk=pk).update(status=status)


def test_the_publics_count_of_a_whole_list_is_its_public_records(statuses_of_every_kind, anonymous):
    """The public's list without filters counts only the records a public status names (pages.public_count)."""
    assert public_list_counts(anonymous) == {
        "damage-report": DamageReport.objects.filter(status__in=PUBLIC_STATUSES).count(),
        "threat": Threat.objects.filter(status__in=PUBLIC_STATUSES).count(),
    }
    assert all(public_list_counts(anonymous).values())


@pytest.mark.sqlite
def test_on_sqlite_the_publics_whole_list_is_counted_from_the_indexes(statuses_of_every_kind, anonymous, researcher):
    """All records less those in the status index's ranges around the public statuses, in one statement."""
    with CaptureQueriesContext(connection) as queries:
        public_list_counts(anonymous)
    counts = [query["sql"] for query in queries if "COUNT(*)" in query["sql"]]
    assert len(counts) == 2 and all(sql.startswith("SELECT (SELECT COUNT(*) FROM") for sql in counts), counts
    # A filter, or a user who sees drafts: the ORM's count.
    with CaptureQueriesContext(connection) as queries:
        get_list(anonymous, "damage-report", {"severity": "destroyed"})
        public_list_counts(researcher)
    assert not [query for query in queries if query["sql"].startswith("SELECT (SELECT COUNT(*) FROM")]
