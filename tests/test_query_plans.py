"""
Every damage-report filter of the API can be answered through an index, never by reading the whole table.

On a small synthetic database, each filter's queryset (built by the real FilterSet from a representative value, with
the ordering taken off so that the plan shows how the rows are *found*) is explained by the database:
- SQLite (`EXPLAIN QUERY PLAN`, after `ANALYZE`): any `SCAN records_damagereport`, with or without an index, reads
  the whole table (SQLite says SEARCH when an index narrows the rows);
- PostgreSQL (`EXPLAIN`, after `ANALYZE`, with `enable_seqscan = off` so that the planner takes an index whenever one
  CAN serve the filter, however small the table): a `Seq Scan on records_damagereport`, or an index scan of it with
  no index condition (the whole table read in index order), is a full scan.

Filters that cannot use an index are listed in UNINDEXED with the reason; the test checks that they really do scan,
so that the list cannot go stale, and a filter added to the FilterSet without a case here fails the test.

The change feed's `updated_since`, which every list takes, is checked on every list's table the same way.
"""

import json
import re
from urllib.parse import urlencode

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AnonymousUser
from django.core.management import call_command
from django.db import connection, transaction
from django.http import QueryDict
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from heritage.records.api.actors import ActorFilterSet
from heritage.records.api.damage import DamageReportFilterSet
from heritage.records.api.fast.pages import PageQuery, counted_ids
from heritage.records.api.fast.rows import values_reader
from heritage.records.api.periods import PeriodFilterSet
from heritage.records.api.sites import SiteFilterSet
from heritage.records.api.urls import router
from heritage.records.models import ActorIdentifier, DamageReport, PeriodIdentifier, SiteIdentifier

from .conftest import empty_records
from .recorded import replayed

pytestmark = pytest.mark.django_db

TABLE = DamageReport._meta.db_table

# Filters that read every row, and why (the README's Performance section says the same).
UNINDEXED = {
    "q": "a case-insensitive substring search in free text (LIKE '%word%'); no B-tree index can serve it on either "
    "database (a PostgreSQL trigram index could, SQLite has none)",
    "ordering": "sorts rather than filters: on its own it lists the whole table by definition",
}


def generate_synthetic():
    call_command("generate_synthetic", sites=50, reports=2000, seed=1, verbosity=0)
    return {}


@pytest.fixture(scope="module")
def synthetic(django_db_setup, django_db_blocker):
    """
    50 sites and 2000 reports of synthetic data in place of the records (generated once, then replayed:
    tests/recorded.py), with fresh planner statistics: written once for the module's tests, in a transaction that is
    rolled back after the last of them (each test's own is a savepoint inside it).
    """
    with django_db_blocker.unblock(), transaction.atomic():
        empty_records()
        replayed(generate_synthetic)
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        yield
        transaction.set_rollback(True)


@pytest.fixture
def database(synthetic, db):
    """The synthetic data; on PostgreSQL, with the planner told to take an index whenever one can serve a query."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            # For this test only: a sequential scan is then chosen only when no index can serve the query, and joins
            # are nested loops, so that a filter on a related table shows whether an index on the report's foreign
            # key serves it (a merge or hash join would read all reports on a table this small).
            for setting in ("enable_seqscan", "enable_mergejoin", "enable_hashjoin"):
                cursor.execute(f"SET LOCAL {setting} = off")


def representative_values():
    """One realistic value for every filter, taken from the data (a value that matches nothing proves nothing)."""
    report = (
        DamageReport.objects.exclude(structure=None)
        .exclude(occupation=None)
        .exclude(perpetrator=None)
        .select_related("site", "structure", "cause", "occupation", "perpetrator")
        .order_by("pk")
        .first()
    )
    return {
        "id": f"{report.pk}",
        "slug": report.slug,
        "site_id": report.site_id,
        "site": report.site.slug,
        "structure_id": report.structure_id,
        "structure": report.structure.slug,
        "cause_id": report.cause_id,
        "cause": report.cause.slug,
        "cause_category": report.cause.category_id,
        "occupation_id": report.occupation_id,
        "occupation": report.occupation.slug,
        "perpetrator_id": report.perpetrator_id,
        "perpetrator": report.perpetrator.slug,
        "severity": report.severity,
        "extent": report.extent,
        "certainty": report.certainty,
        "status": report.status,
        "is_permanent": "true",
        "occurred_inferred": "true",
        "occurred_after": "2015-06-01",
        "occurred_before": "2015-06-01",
        "q": "damage",
        "search": report.site.name.split()[0],
        "ordering": "-occurred",
        "updated_since": report.last_updated.isoformat(),
    }


def matching_ids(filterset):
    """
    The filter's query as "which reports match": unordered, and only their ids. The plan then shows how the
    matching rows are found; with every column asked for, SQLite rightly prefers a scan to an index for a filter
    that matches a quarter of the table (is_permanent), which says nothing about whether an index can serve it.
    """
    return filterset.qs.order_by().values("pk")


def filterset_for(filter_name, value, filterset_class=DamageReportFilterSet):
    # A QueryDict, as in a request: multi-value filters read their values with getlist().
    model = filterset_class.Meta.model
    filterset = filterset_class(QueryDict(urlencode({filter_name: value})), queryset=model.objects.all())
    assert filterset.is_valid(), filterset.errors
    return filterset


def plan(filter_name, value, filterset_class=DamageReportFilterSet):
    """The database's plan for the filter's queryset: SQLite's EXPLAIN QUERY PLAN lines, PostgreSQL's JSON plan."""
    return explain(matching_ids(filterset_for(filter_name, value, filterset_class)))


def explain(queryset):
    return explain_sql(*queryset.query.sql_with_params())


def explain_sql(sql, params):
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("EXPLAIN QUERY PLAN " + sql, params)
            return [row[-1] for row in cursor.fetchall()]
        cursor.execute("EXPLAIN (FORMAT JSON) " + sql, params)
        document = cursor.fetchone()[0]
        return json.loads(document) if isinstance(document, str) else document


def all_bitmaps_conditioned(node):
    """Whether every Bitmap Index Scan under a Bitmap Heap Scan (through BitmapOr/BitmapAnd) has an index condition."""
    children = node.get("Plans", [])
    if node["Node Type"] == "Bitmap Index Scan":
        return "Index Cond" in node
    return bool(children) and all(all_bitmaps_conditioned(child) for child in children)


def full_scans(explained, table=TABLE):
    """
    The steps of a plan that read the whole of `table` (the damage reports', unless another is named).

    SQLite says SEARCH when an index narrows the rows and SCAN when it reads them all, also when it reads them all
    through an index (`SCAN t USING INDEX i`, a full index scan): every SCAN of the table counts. On PostgreSQL a
    Seq Scan counts, and so does an index or bitmap scan with no condition (with sequential scans disabled, the
    planner reads the whole table through some index rather than through a Seq Scan).
    """
    if connection.vendor == "sqlite":
        return [line for line in explained if re.match(rf"SCAN {table}\b", line)]
    found, nodes = [], [explained[0]["Plan"]]
    while nodes:
        node = nodes.pop()
        nodes.extend(node.get("Plans", []))
        if node.get("Relation Name") == table and (
            node["Node Type"] == "Seq Scan"
            or (node["Node Type"] in ("Index Scan", "Index Only Scan") and "Index Cond" not in node)
            or (node["Node Type"] == "Bitmap Heap Scan" and not all_bitmaps_conditioned(node))
        ):
            found.append(
                f"{node['Node Type']} on {table}" + (f" using {node['Index Name']}" if "Index Name" in node else "")
            )
    return found


def test_every_damage_report_filter_uses_an_index(database):
    """EXPLAIN shows an index (no full scan of records_damagereport) for every filter but the listed exceptions."""
    values = representative_values()
    assert set(values) == set(DamageReportFilterSet.base_filters), "every filter needs a representative value"
    scans = {name: full_scans(plan(name, value)) for name, value in values.items() if name not in UNINDEXED}
    assert not {name: found for name, found in scans.items() if found}


def test_the_listed_exceptions_are_what_they_say(database):
    """UNINDEXED stays true: q is a substring match (a leading-wildcard LIKE), ordering adds no condition at all."""
    values = representative_values()
    search_sql, params = matching_ids(filterset_for("q", values["q"])).query.sql_with_params()
    assert "LIKE" in search_sql.upper() and f"%{values['q']}%" in [str(param) for param in params]
    ordered = matching_ids(filterset_for("ordering", values["ordering"]))
    assert "WHERE" not in str(ordered.query).upper()
    assert set(UNINDEXED) == {"q", "ordering"}, "explain a new exception here"


def test_search_is_served_by_the_full_text_index(database):
    """?search= finds its rows through the FTS5 table (SQLite) or the GIN index on the entries (PostgreSQL)."""
    explained = plan("search", representative_values()["search"])
    if connection.vendor == "sqlite":
        assert any(re.match(r"SCAN search_fts VIRTUAL TABLE INDEX \d+:M", line) for line in explained), explained
    else:
        assert "search_searchentry_document" in json.dumps(explained), explained
    assert not full_scans(explained)


@pytest.mark.sqlite
def test_a_ranked_search_reads_the_index_once_whatever_else_narrows_it(database):
    """
    A search with a narrow filter (one site's reports), ranked as a page is: the FTS5 table comes before the reports
    (only the one-row lookup of the site by slug may precede it) and each match finds its report by its id. Asked
    the other way round (the index probed once per report of the site), a
    frequent word's whole list of matches is re-read for every report: minutes on the full-size data.
    """
    report = DamageReport.objects.select_related("site").first()
    filterset = DamageReportFilterSet(
        QueryDict(urlencode({"search": report.site.name.split()[0], "site": report.site.slug})),
        queryset=DamageReport.objects.all(),
    )
    assert filterset.is_valid(), filterset.errors
    explained = explain(counted_ids(filterset.qs)[:50])  # the page's ids and the count, as the fast path reads them
    index = next(n for n, line in enumerate(explained) if re.match(r"SCAN search_fts VIRTUAL TABLE INDEX \d+:M", line))
    reports = [line for line in explained if "records_damagereport " in line]
    assert reports and all(explained.index(line) > index for line in reports), explained
    assert all("rowid=?" in line for line in reports), explained


def test_the_full_scan_check_recognises_a_scan(database):
    """The detector itself: an unfiltered read of the table is a full scan, a lookup by slug is not."""
    assert full_scans(plan("ordering", "slug"))
    assert not full_scans(plan("slug", DamageReport.objects.values_list("slug", flat=True).first()))


# --- Orderings ----------------------------------------------------------------------------------------------------
#
# Every ordering a list offers (`?ordering=<field>` and `-<field>`, which the API completes with the id, in the same
# direction, as tie-breaker) is served by an index: alone, and on damage reports (the one table of hundreds of
# thousands of rows) together with each indexed filter. The page's query is explained as the API runs it (the
# resource's selector, as the public and as a curator see it, the filters, the ordering, a page of 50), and fails
# on a sort of every row:
# - SQLite: `USE TEMP B-TREE FOR ORDER BY` (a sort of all the rows found) after a SCAN (all the rows of a table).
#   A sort of the rows an index found (SEARCH) is a filter's cost, not the ordering's; `USE TEMP B-TREE FOR RIGHT
#   PART OF ORDER BY` sorts only the rows sharing a value of the index's leading key (the id tie-breaker within
#   one date), and stops with the page.
# - PostgreSQL (sequential scans, hash and merge joins off, as above, and full sorts off: sorting_database): a Sort
#   node over a full scan of a table. An Incremental Sort is the same partial sort as SQLite's right part.

ORDERED_LISTS = {
    prefix: viewset
    for prefix, viewset, _ in router.registry
    if getattr(viewset, "filterset_class", None) and "ordering" in viewset.filterset_class.base_filters
}
PAGE_SIZE = 50
# Orderings by a related record's name that still sort every row, on which databases, and why; the test below checks
# that they do, so that an entry cannot outlive its reason.
SORTED_ORDERINGS = {
    "occupations?ordering=site": (
        {"sqlite"},
        "by the site's name: a third of the sites have an occupation, and SQLite prefers sorting the occupations to "
        "walking the sites by name to find them (PostgreSQL walks them)",
    ),
    "threats?ordering=site": ({"sqlite"}, "the same, for the fewer sites with a threat"),
    "citations?ordering=attributed_to": (
        {"sqlite", "postgresql"},
        "by the name of whoever made the claim, and most citations have none: the outer join must read every "
        "citation, so no walk of the actors by name can give the first page",
    ),
}


def listed_as_sorted(prefix, value):
    vendors, _ = SORTED_ORDERINGS.get(f"{prefix}?ordering={value.removeprefix('-')}", (set(), ""))
    return connection.vendor in vendors


@pytest.fixture
def sorting_database(database):
    """
    The database above; on PostgreSQL also with full sorts off, for the same reason as sequential scans: on tables
    this small a sort of every row is the cheapest plan, and the planner takes another only if one exists. A Sort
    left in the plan is then one that no index can spare.
    """
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL enable_sort = off")


def ordering_values(filterset_class):
    """Every value of the list's `ordering` parameter with one field: each field ascending and descending."""
    names = filterset_class.base_filters["ordering"].param_map
    return [f"{sign}{name}" for name in names for sign in ("", "-")]


def readers():
    """The public (drafts hidden) and a curator (drafts shown): the two shapes of every list's query."""
    return {"public": AnonymousUser(), "curator": get_user_model()(is_active=True, is_superuser=True)}


def page_query(viewset, user, query, *, joined=True):
    """
    The SQL of the list's first page as the API runs it, and its parameters: the selector's records with the
    related records its rows show (joined), filtered and ordered, as the fast path compiles them (fast/pages.py)
    where the list has a reader. With the joins: given an ordering that no index gives whole, SQLite reads the
    reports from the smallest joined table (the damage types, through their index) and sorts them all, which the
    ids alone do not show. Without them (`joined=False`), for a filter with an ordering: on tables this small the
    joins let the planner start from a tiny related table where on the full-size data it takes the filter's index
    (as matching_ids explains).
    """
    filterset = viewset.filterset_class(QueryDict(query), queryset=viewset.selector(user))
    assert filterset.is_valid(), filterset.errors
    queryset = filterset.qs.prefetch_related(None)
    if not joined:
        return queryset.values("pk")[:PAGE_SIZE].query.sql_with_params()
    reader = values_reader(viewset.serializer_class)
    if reader is None:
        return queryset[:PAGE_SIZE].query.sql_with_params()
    page, params = PageQuery.compile(queryset.values(*reader.columns)[:PAGE_SIZE], reader.text_columns(connection))
    return page.sql, params


def reads_whole_table(node):
    """Whether a PostgreSQL plan node reads every row of its table (see full_scans)."""
    return "Relation Name" in node and (
        node["Node Type"] == "Seq Scan"
        or (node["Node Type"] in ("Index Scan", "Index Only Scan") and "Index Cond" not in node)
        or (node["Node Type"] == "Bitmap Heap Scan" and not all_bitmaps_conditioned(node))
    )


def full_sorts(explained):
    """The sorts of every row of a table in a plan: empty when an index gives the rows in order, or narrows them."""
    if connection.vendor == "sqlite":
        # A full-text table's SCAN with a MATCH constraint (`VIRTUAL TABLE INDEX 0:M2`) is a lookup in its index.
        scans = [
            line
            for line in explained
            if line.startswith("SCAN ") and not re.search(r"VIRTUAL TABLE INDEX \d+:\S", line)
        ]
        if not scans or "USE TEMP B-TREE FOR ORDER BY" not in explained:
            return []
        return [f"USE TEMP B-TREE FOR ORDER BY after {'; '.join(scans)}"]
    found, nodes = [], [explained[0]["Plan"]]
    while nodes:
        node = nodes.pop()
        children = node.get("Plans", [])
        nodes.extend(children)
        if node["Node Type"] == "Sort":
            below, whole = list(children), []
            while below:
                child = below.pop()
                below.extend(child.get("Plans", []))
                whole += [f"{child['Node Type']} on {child['Relation Name']}"] if reads_whole_table(child) else []
            found += [f"Sort ({', '.join(node['Sort Key'])}) over {', '.join(whole)}"] if whole else []
    return found


def report_sorts(sorted_all):
    return "sorted every row:\n" + "\n".join(f"{query}: {'; '.join(found)}" for query, found in sorted_all.items())


def test_every_ordering_is_served_by_an_index(sorting_database):
    """Each list's every ordering, alone, as the public and a curator read it: no sort of a whole table."""
    sorted_all, listed = {}, set()
    for prefix, viewset in ORDERED_LISTS.items():
        for value in ordering_values(viewset.filterset_class):
            for reader, user in readers().items():
                found = full_sorts(explain_sql(*page_query(viewset, user, urlencode({"ordering": value}))))
                if listed_as_sorted(prefix, value):
                    if found:
                        listed.add(f"{prefix}?ordering={value.removeprefix('-')}")
                elif found:
                    sorted_all[f"{prefix}?ordering={value} ({reader})"] = found
    assert not sorted_all, report_sorts(sorted_all)
    expected = {query for query, (vendors, _) in SORTED_ORDERINGS.items() if connection.vendor in vendors}
    assert listed == expected, "an ordering listed as sorted is now served by an index: unlist it"


def test_every_damage_report_ordering_with_each_filter_is_served_by_an_index(sorting_database):
    """On the table of hundreds of thousands: each ordering combined with each indexed filter, as both readers."""
    viewset = ORDERED_LISTS["damage-reports"]
    filters = {name: value for name, value in representative_values().items() if name not in UNINDEXED}
    sorted_all = {}
    for value in ordering_values(viewset.filterset_class):
        for name, filter_value in filters.items():
            for reader, user in readers().items():
                query = urlencode({name: filter_value, "ordering": value})
                found = full_sorts(explain_sql(*page_query(viewset, user, query, joined=False)))
                if found:
                    sorted_all[f"damage-reports?{query} ({reader})"] = found
    assert not sorted_all, report_sorts(sorted_all)


def test_the_full_sort_check_recognises_a_sort(sorting_database):
    """The detector itself: the reports by description (no index) are a full sort; by slug (unique index) are not."""
    reports = DamageReport.objects.all()

    def page(queryset):
        return queryset[:PAGE_SIZE].query.sql_with_params()

    assert full_sorts(explain_sql(*page(reports.order_by("description", "pk"))))
    assert not full_sorts(explain_sql(*page(reports.order_by("slug", "pk"))))
    one_site = reports.filter(site_id=reports.values_list("site_id", flat=True).first())
    assert not full_sorts(explain_sql(*page(one_site.order_by("description", "pk")))), "a filtered sort is no full sort"


def test_every_list_finds_changed_records_through_an_index(database):
    """`updated_since` on every list (the change feed) reads its table through the `last_updated` index."""
    scans = {}
    for prefix, viewset, _ in router.registry:
        filterset_class = viewset.filterset_class
        model = filterset_class.Meta.model
        latest = model.objects.order_by("-last_updated").values_list("last_updated", flat=True).first()
        since = (latest or timezone.now()).isoformat()
        scans[prefix] = full_scans(plan("updated_since", since, filterset_class), model._meta.db_table)
    assert len(scans) == 15
    assert not {prefix: found for prefix, found in scans.items() if found}


@pytest.mark.parametrize(
    ("filterset_class", "identifier"),
    [(SiteFilterSet, SiteIdentifier), (ActorFilterSet, ActorIdentifier), (PeriodFilterSet, PeriodIdentifier)],
    ids=["sites", "actors", "periods"],
)
def test_the_identifier_filter_is_served_by_the_unique_index(database, filterset_class, identifier):
    """
    `identifier=scheme:value` (one or several) finds the identifiers through their unique (scheme, value) index,
    then the records by primary key: no query of the filter reads a whole table (for the public, whose lookup leaves
    sensitive sites out).
    """
    model = filterset_class.Meta.model
    owners = list(model.objects.order_by("pk"))
    assert len(owners) >= 10, "the synthetic data set has records to identify"
    # Every record identified in several registers, as imports from them would leave it.
    values = {"wikidata": "Q{}", "whl": "{}", "geonames": "{}", "pleiades": "{}", "other": "https://example.org/{}"}
    identifier.objects.bulk_create(
        identifier(**{identifier.owner_field: owner}, scheme=scheme, value=values[scheme].format(n))
        for n, owner in enumerate(owners, start=1)
        for scheme in values
        if scheme in identifier.schemes
    )
    scheme, prefix = ("whl", "") if identifier is SiteIdentifier else ("wikidata", "Q")
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    for values in ([f"{scheme}:{prefix}3"], [f"{scheme}:{prefix}7", f"{scheme}:{prefix}9"]):
        filterset = filterset_class(QueryDict(urlencode({"identifier": values}, doseq=True)), queryset=model.objects)
        assert filterset.is_valid(), filterset.errors
        with CaptureQueriesContext(connection) as queries:
            assert filterset.qs.order_by().values("pk").count() == len(values)
        for query in queries:  # the identifiers' lookup, then the records' count
            explained = explain_sql(query["sql"], None)
            for table in (identifier._meta.db_table, model._meta.db_table):
                assert not full_scans(explained, table), (values, query["sql"], explained)
        # SQLite names the index of a UNIQUE in the table's definition itself.
        index = f"{identifier._meta.db_table}_unique" if connection.vendor == "postgresql" else "sqlite_autoindex"
        assert index in json.dumps(explain_sql(queries[0]["sql"], None)), queries[0]["sql"]
