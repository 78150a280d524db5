"""
List pages read from `.values()` rows (heritage/records/api/fast/rows.py) must say exactly what the serializers say:
the same keys in the same order, the same values, nested summaries, addresses, dates and citations, for every record
of the Palmyra data and of a synthetic data set with every kind of gap (no structure, no occupation, no
perpetrator, undated) and reports with several citations.
"""

import copy
import datetime
import zoneinfo

import orjson
import pytest
from django.core.management import call_command
from django.db import connection
from django.db.models import Count
from django.test.utils import CaptureQueriesContext
from django.urls import clear_script_prefix, reverse, set_script_prefix
from django.utils import timezone
from rest_framework.request import Request
from rest_framework.test import APIRequestFactory

from heritage.records.api.actors import ActorSerializer
from heritage.records.api.common.renderers import CSVLayout, cites
from heritage.records.api.conflict import OccupationSerializer
from heritage.records.api.damage import DamageReportSerializer
from heritage.records.api.fast.pages import RelatedRowsQuery
from heritage.records.api.fast.renderers import ORJSONRenderer
from heritage.records.api.fast.rows import values_reader
from heritage.records.api.urls import router
from heritage.records.models import Citation, DamageReport, Source, Threat

from ..recorded import replayed
from .base import csv_rows

pytestmark = pytest.mark.django_db

# The resources whose lists are read from rows: if one of them stops compiling, its list silently falls back to
# DRF's path (correct, but several times slower), which this list makes a failure instead.
READ_FROM_ROWS = {
    "site",
    "period",
    "event",
    "damage-report",
    "threat",
    "citation",
    "event-type",
    "quantity-unit",
    "source-type",
    "disturbance-category",
    "disturbance-cause",
    "site-condition",
}


def viewsets():
    return {basename: viewset for _, viewset, basename in router.registry}


def rendered(data):
    return orjson.loads(ORJSONRenderer().render(data))


def serializer_and_reader_output(viewset, request, compare=True):
    """What the serializer gives for every record of the list's queryset, and what the reader gives for its rows."""
    view = viewset(request=request, action="list", format_kwarg=None, kwargs={})
    queryset = view.get_queryset()
    expected = viewset.serializer_class(queryset, many=True, context={"request": request, "view": view}).data
    if not compare:
        return rendered(expected), None
    reader = values_reader(viewset.serializer_class)
    rows = reader.fetch(queryset.prefetch_related(None).values(*reader.columns))
    return rendered(expected), rendered(reader.read(rows, request))


def assert_same_output(basename):
    request = Request(APIRequestFactory().get("/api/v1/"))
    expected, actual = serializer_and_reader_output(viewsets()[basename], request)
    assert expected, f"no {basename} records to compare"
    assert len(actual) == len(expected)
    for mine, theirs in zip(actual, expected, strict=True):
        assert list(mine) == list(theirs), "the keys or their order differ"
        assert mine == theirs


def test_the_listed_resources_are_read_from_rows_and_the_others_are_not():
    compiled = {basename for basename, viewset in viewsets().items() if values_reader(viewset.serializer_class)}
    assert compiled == READ_FROM_ROWS


def test_a_serializer_with_a_value_not_read_from_columns_is_not_compiled():
    """A property or a method is not a column: no reader, DRF's path."""
    assert values_reader(OccupationSerializer) is None  # is_ongoing is a property, not a column
    assert values_reader(ActorSerializer) is None  # aliases: a list read as names, not as records


@pytest.mark.parametrize("basename", sorted(READ_FROM_ROWS))
def test_rows_give_what_the_serializer_gives_for_the_article(world, basename):
    assert_same_output(basename)


def generate_synthetic():
    call_command("generate_synthetic", sites=30, reports=400, seed=7, verbosity=0)
    return {}


@pytest.fixture
def synthetic(empty_database):
    """A small synthetic data set (generated once, then replayed: tests/recorded.py)."""
    replayed(generate_synthetic)


@pytest.mark.parametrize("basename", sorted(READ_FROM_ROWS))
def test_rows_give_what_the_serializer_gives_for_synthetic_data(synthetic, basename):
    assert_same_output(basename)


def test_synthetic_data_covers_the_gaps(synthetic):
    """The comparison above means something only if some rows have each nullable summary empty and some filled."""
    for name in ("structure", "occupation", "perpetrator"):
        assert DamageReport.objects.filter(**{f"{name}__isnull": True}).exists(), name
        assert DamageReport.objects.filter(**{f"{name}__isnull": False}).exists(), name
    assert DamageReport.objects.filter(occurred_earliest__isnull=True).exists()
    # Several citations on one report: their order must be the serializer's too.
    assert DamageReport.objects.annotate(cited=Count("citations")).filter(cited__gt=1).exists()
    assert Citation.objects.filter(attributed_to__isnull=False).exists()
    assert Threat.objects.exists() and Source.objects.exists()


def test_timestamps_from_sqlite_are_written_as_drf_writes_them(world):
    """
    On SQLite a page's timestamps go from the database's value straight to DRF's text (not through aware datetimes
    and back): with and without fractions of a second, and empty, the text is the serializer's.
    """
    reports = list(DamageReport.objects.order_by("pk")[:2])
    DamageReport.objects.filter(pk=reports[0].pk).update(
        status_changed_at=datetime.datetime(2016, 3, 27, 10, 0, tzinfo=datetime.UTC)
    )
    DamageReport.objects.filter(pk=reports[1].pk).update(
        status_changed_at=datetime.datetime(2016, 3, 27, 10, 0, 0, 500, tzinfo=datetime.UTC)
    )
    reader = values_reader(DamageReportSerializer)
    page = DamageReport.objects.filter(pk__in=[report.pk for report in reports]).order_by("pk")
    rows = reader.fetch(page.values(*reader.columns))
    if connection.vendor == "sqlite":
        assert set(reader.preformatted_timestamps(connection)) == {"created", "last_updated", "status_changed_at"}
        assert [row["status_changed_at"] for row in rows] == ["2016-03-27T10:00:00Z", "2016-03-27T10:00:00.000500Z"]
    else:  # PostgreSQL gives aware datetimes, which DRF's field writes
        assert not reader.preformatted_timestamps(connection)
        assert all(isinstance(row["status_changed_at"], datetime.datetime) for row in rows)
    assert DamageReport.objects.filter(status_changed_at__isnull=True).exists()
    assert_same_output("damage-report")


def test_a_page_reads_timestamps_as_text_on_sqlite_and_their_values_on_postgresql(world):
    """SQLite's driver would parse each timestamp into a datetime only for it to be written back as text."""
    reader = values_reader(DamageReportSerializer)
    with CaptureQueriesContext(connection) as queries:
        reader.fetch(DamageReport.objects.order_by("pk").values(*reader.columns)[:5])
    (page,) = queries.captured_queries
    if connection.vendor == "sqlite":
        assert reader.text_columns(connection) == {"created", "last_updated", "status_changed_at"}
        assert 'CAST("records_damagereport"."created" AS text) AS "created"' in page["sql"]
    else:
        assert not reader.text_columns(connection)
        assert "CAST" not in page["sql"]


def test_timestamps_stored_in_other_shapes_of_text_go_through_the_orm(world):
    """
    On SQLite, text that is not Django's own "YYYY-MM-DD HH:MM:SS[.ffffff]" (written by another program, say) is
    parsed by the ORM as before, so the page still says what the serializer says. (PostgreSQL parses the text when
    it is stored, and gives datetimes.)
    """
    reports = list(DamageReport.objects.order_by("pk")[:3])
    with connection.cursor() as cursor:
        texts = ["2016-03-27T10:00:00", "2016-03-27 10:00:00.5", "2016-03-27 10:00"]
        for report, text in zip(reports, texts, strict=True):
            cursor.execute("UPDATE records_damagereport SET created = %s WHERE id = %s", [text, report.pk])
    reader = values_reader(DamageReportSerializer)
    rows = reader.fetch(
        DamageReport.objects.filter(pk__in=[r.pk for r in reports]).order_by("pk").values(*reader.columns)
    )
    assert [row["created"] for row in rows] == [
        datetime.datetime(2016, 3, 27, 10, 0, tzinfo=datetime.UTC),
        datetime.datetime(2016, 3, 27, 10, 0, 0, 500000, tzinfo=datetime.UTC),
        datetime.datetime(2016, 3, 27, 10, 0, tzinfo=datetime.UTC),
    ]
    assert_same_output("damage-report")


def test_timestamps_are_written_in_the_current_time_zone(world):
    """Where DRF writes local time (a time zone activated for the request), the rows' timestamps are its too."""
    reader = values_reader(DamageReportSerializer)
    with timezone.override(zoneinfo.ZoneInfo("Asia/Damascus")):
        assert not reader.preformatted_timestamps(connection)
        request = Request(APIRequestFactory().get("/api/v1/"))
        expected, actual = serializer_and_reader_output(viewsets()["damage-report"], request)
    assert actual == expected
    created = [record["created"] for record in actual if record["created"]]
    assert created and all(value.endswith(("+02:00", "+03:00")) for value in created)


def test_the_list_endpoint_answers_what_the_serializer_gives(world, anonymous):
    """Through the view: filters, ordering and pagination apply to the rows as they did to the records."""
    response = anonymous.get("/api/v1/damage-reports/", {"severity": ["destroyed", "severely_damaged"]})
    assert response.status_code == 200
    body = orjson.loads(response.content)
    queryset = DamageReport.objects.filter(severity__in=["destroyed", "severely_damaged"])
    request = Request(APIRequestFactory().get("/api/v1/damage-reports/"))
    view = viewsets()["damage-report"](request=request, action="list", format_kwarg=None, kwargs={})
    ordered = view.get_queryset().filter(pk__in=queryset.values("pk"))
    expected = rendered(DamageReportSerializer(ordered, many=True, context={"request": request}).data)
    assert body["count"] == len(expected) > 1
    assert body["results"] == expected


def test_addresses_follow_the_script_prefix_the_app_is_served_under(world, anonymous):
    """Served under a path (SCRIPT_NAME), the records' addresses include it; served at the root, they do not."""

    def first_report(script_prefix):
        set_script_prefix(script_prefix)  # what the WSGI handler does with each request's SCRIPT_NAME
        try:
            response = anonymous.get("/api/v1/damage-reports/")
        finally:
            clear_script_prefix()
        assert response.status_code == 200
        return orjson.loads(response.content)["results"][0]

    for _ in range(2):  # each answer after the other, whichever came first
        under_path, at_root = first_report("/heritage/"), first_report("/")
        assert under_path["url"] == f"http://testserver/heritage/api/v1/damage-reports/{under_path['slug']}/"
        assert under_path["site"]["url"].startswith("http://testserver/heritage/api/v1/sites/")
        assert at_root["url"] == f"http://testserver/api/v1/damage-reports/{at_root['slug']}/"


def test_the_count_does_not_join_what_the_rows_need(world, anonymous):
    """Counting the `.values()` query would join every summarised table; the count reads the reports alone."""
    with CaptureQueriesContext(connection) as queries:
        response = anonymous.get("/api/v1/damage-reports/", {"severity": "destroyed"})
    assert response.status_code == 200
    counts = [query["sql"] for query in queries if "COUNT(" in query["sql"].upper()]
    assert len(counts) == 1
    assert "JOIN" not in counts[0].upper()


def citations_query(extra_columns=()):
    """The damage reports' citations query, as compiled for the list (with `extra_columns` added to its columns)."""
    _, related_query, child = values_reader(DamageReportSerializer).plan.many[0]
    if extra_columns:
        child = copy.copy(child)
        child.columns = [*child.columns, *extra_columns]
        related_query = RelatedRowsQuery(DamageReport._meta.get_field("citations"), child)
    return related_query


def grouped_by_the_orm(related_query, ids):
    grouped = {}
    for row in related_query.queryset(ids):
        grouped.setdefault(row[related_query.owner], []).append(row)
    return grouped


def test_a_page_of_citations_is_one_query_whatever_its_length(synthetic, django_assert_num_queries):
    """The citations query is compiled once per number of ids and run with each page's ids: the ORM's rows."""
    related_query = citations_query()
    ids = list(
        DamageReport.objects.annotate(cited=Count("citations")).order_by("-cited", "pk").values_list("pk", flat=True)
    )
    for length in (1, 7, 100, len(ids)):
        page = ids[:length]
        with django_assert_num_queries(1):
            rows = related_query.rows(page)
        assert rows == grouped_by_the_orm(related_query, page)
        assert related_query.compiled(length, related_query.through.objects.db) is not None
    assert related_query.rows([]) == {}


def test_related_columns_the_database_returns_raw_are_converted_as_the_orm_converts_them(
    world, django_assert_num_queries
):
    """A column whose database value needs converting (timestamps on SQLite) gets the ORM's value, never the raw one."""
    related_query = citations_query(extra_columns=["citation__created"])
    ids = list(DamageReport.objects.filter(citations__isnull=False).values_list("pk", flat=True).distinct())
    rows = related_query.rows(ids)
    assert related_query.compiled(len(ids), related_query.through.objects.db) is not None  # not the ORM's path
    assert rows == grouped_by_the_orm(related_query, ids)
    # The article's citations come from fixtures, without timestamps; the world's own have them.
    created = [row["citation__created"] for group in rows.values() for row in group if row["citation__created"]]
    assert created and all(isinstance(value, datetime.datetime) for value in created)


@pytest.mark.parametrize("basename", sorted(READ_FROM_ROWS))
def test_csv_exports_from_rows_give_what_the_serializer_gives(synthetic, anonymous, basename, monkeypatch):
    """Exports read rows too, chunk by chunk (each chunk's citations in one query): several chunks, the last partial."""
    viewset = viewsets()[basename]
    request = Request(APIRequestFactory().get("/api/v1/"))
    expected, _ = serializer_and_reader_output(viewset, request, compare=False)
    assert len(expected) > 1
    monkeypatch.setattr(viewset, "export_chunk_size", len(expected) // 3 + 1)
    response = anonymous.get(reverse(f"api:{basename}-list"), {"format": "csv"})
    assert response.status_code == 200 and response.streaming
    serializer = viewset.serializer_class()
    groups = max((len(record.get("citations") or ()) for record in expected), default=0) if cites(serializer) else 0
    layout = CSVLayout(serializer, groups)
    assert csv_rows(response) == [layout.columns, *(layout.row(record) for record in expected)]


def test_exports_are_read_from_rows_not_through_drf(synthetic, anonymous, settings, monkeypatch):
    """
    Regression: CSV exports went back to DRF's path (a model instance per record and per citation) when records
    started being read from rows, though their lists still were; the export of a site's reports took three times
    Datasette's. On the fast path, DRF's export is never called; off it, it is.
    """
    from heritage.records.api.common.views import ExportMixin

    calls = []
    plain_export = ExportMixin.export_records

    def drf_export(self, queryset, request):
        calls.append(self.basename)
        return plain_export(self, queryset, request)

    monkeypatch.setattr(ExportMixin, "export_records", drf_export)
    for value in ("on", "off"):
        settings.API_FAST_PATH = value
        response = anonymous.get(reverse("api:damage-report-list"), {"format": "csv"})
        assert response.status_code == 200
        assert len(csv_rows(response)) == DamageReport.objects.visible_to(None).count() + 1
    assert calls == ["damage-report"]  # the plain path's only


def test_records_are_read_from_rows_in_every_format_but_the_browsable_page(world, anonymous, settings, monkeypatch):
    """
    A record in JSON, CSV or GeoJSON is read from one row. DRF's retrieve (the serializer's fields built, a model
    instance for the record and each related one: a site's CSV took several times its JSON) serves only the browsable
    API's page, which builds forms from them, and every format with the fast path off.
    """
    from rest_framework.mixins import RetrieveModelMixin

    calls = []
    plain_retrieve = RetrieveModelMixin.retrieve

    def drf_retrieve(self, request, *args, **kwargs):
        calls.append(request.accepted_renderer.format)
        return plain_retrieve(self, request, *args, **kwargs)

    monkeypatch.setattr(RetrieveModelMixin, "retrieve", drf_retrieve)
    formats = ["json", "csv", "geojson", "api"]
    for value in ("on", "off"):
        settings.API_FAST_PATH = value
        for url in (
            reverse("api:site-detail", args=["palmyra"]),
            reverse("api:damage-report-detail", args=["palmyra-defaced-by-isis"]),
        ):
            for name in formats:
                assert anonymous.get(url, {"format": name}).status_code == 200
    assert calls == ["api", "api", *formats, *formats]
