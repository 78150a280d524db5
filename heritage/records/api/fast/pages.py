"""
Pages of rows for the `rows` piece of the fast path: the paginator's view of a filtered list (`ValuesRows`), a page's
query compiled by Django (`PageQuery`), the `compiled` piece's reuse of that SQL from one request to the next
(`PageQueries`, and `record_rows` for a record's), and a page's to-many relation in one query (`RelatedRowsQuery`).

These read what Django's compiler made of a query (its SQL, its selected columns and their converters, its joins'
identities): internals of Django 5.2, checked by tests/api/test_page_queries.py against the ORM's own pages.
"""

import functools
import threading
from collections import defaultdict
from typing import NamedTuple

from django.core.exceptions import EmptyResultSet, FieldDoesNotExist, FullResultSet
from django.db import connections, models
from django.db.models import Count, Window
from django.db.models.functions import Cast

from heritage.records.models.base import PUBLIC_STATUSES, CuratedQuerySet
from heritage.search.query import searched, without_search

from . import enabled


def spelled_out(model, ordering):
    """
    A model's `ordering` with each foreign key replaced by its model's ordering, as Django reads the key on a query
    of records (`order_by("actor")` orders by the actor's name). A `.values()` query that also selects the key under
    that name orders by the selected value instead: by the key itself.
    """
    names = []
    for name in ordering:
        bare = name.lstrip("-") if isinstance(name, str) else None
        try:
            field = model._meta.get_field(bare) if bare else None
        except FieldDoesNotExist:
            field = None
        related = field.related_model if field is not None and field.many_to_one and bare != field.attname else None
        if related is None or not related._meta.ordering:
            names.append(name)
            continue
        descending = name.startswith("-")
        for inner in spelled_out(related, related._meta.ordering):
            flipped = inner.startswith("-") != descending
            names.append(f"{'-' if flipped else ''}{bare}__{inner.lstrip('-')}")
    return names


class RelatedRowsQuery:
    """
    A many-to-many relation's rows for a page of records: one query on the relation's table for the columns of the
    related records' summaries, in the related model's order (as a prefetch gives them), grouped by record.

    From one page to the next only the ids differ, so the ORM compiles the query once per number of ids and each
    page runs that SQL with its own ids, its columns converted as the ORM converts them (dates on SQLite, JSON).
    Compiling it anew each time took five times as long as running it (about 1 ms against 0.2 ms for the citations
    of 100 damage reports on SQLite). A query whose parameters are not just the ids, or that depends on the user,
    keeps the ORM's path.
    """

    def __init__(self, relation, child):
        self.through = relation.remote_field.through
        self.owner = relation.m2m_field_name()
        target = relation.m2m_reverse_field_name()  # the through table's key to the related record
        # The related model's default ordering, as a prefetch would give it (a foreign key in it orders by that
        # model's own ordering, here as there).
        self.ordering = [
            f"-{target}__{name[1:]}" if name.startswith("-") else f"{target}__{name}"
            for name in spelled_out(relation.related_model, relation.related_model._meta.ordering)
        ]
        self.columns = list(dict.fromkeys([self.owner, *child.columns]))

    per_user = False  # whether the rows depend on the user (then they always go through the ORM)

    def queryset(self, ids, user=None):
        return self.through.objects.filter(**{f"{self.owner}__in": ids}).order_by(*self.ordering).values(*self.columns)

    @functools.lru_cache(maxsize=64)  # noqa: B019 (one instance per compiled serializer, kept for the process)
    def compiled(self, count, using):
        """The query for `count` ids (a PageQuery), a parameter per id in order; None if it must go through the ORM."""
        placeholder_ids = tuple(range(1, count + 1))
        page, params = PageQuery.compile(self.queryset(placeholder_ids))
        return page if tuple(params) == placeholder_ids else None

    def rows(self, ids, user=None):
        """The relation's rows for the records `ids` (as `user` may see them), as {record id: [row dict, ...]}."""
        if not ids:
            return {}
        using = self.through.objects.db
        page = self.compiled(len(ids), using) if enabled("compiled") and not self.per_user else None
        if page is None:
            rows = self.queryset(ids, user)
        else:
            connection = connections[using]
            with connection.cursor() as cursor:
                cursor.execute(page.sql, ids)
                rows = [dict(zip(page.names, row, strict=False)) for row in cursor.fetchall()]
            # The ORM's converters (dates and booleans on SQLite, JSON), down each column, as ValuesReader.run does.
            for position, (functions, expression) in page.converters.items():
                name = page.names[position]
                for function in functions:
                    for row in rows:
                        row[name] = function(row[name], expression, connection)
        grouped = defaultdict(list)
        for row in rows:
            grouped[row[self.owner]].append(row)
        return grouped


class ReverseRowsQuery(RelatedRowsQuery):
    """
    A record's nested list (a reverse foreign key: a site's names) for a page of records, in one query on the items'
    table, in the items' default order (as a prefetch gives them), grouped by record. With `visible_to`, only the
    items the model's `visible_to(user)` gives (a sensitive site's identifiers, to those who may see them).
    """

    def __init__(self, relation, child, *, visible_to=False):
        self.through = relation.related_model  # the items' table, queried as the many-to-many's through table is
        key = relation.field
        self.owner = key.name
        # The items' order within one record: a key to the record orders nothing there, so its column stands in for
        # the record's own ordering (which would join the records' table for nothing).
        ordering = [
            name.replace(key.name, key.attname, 1) if name.lstrip("-") == key.name else name
            for name in self.through._meta.ordering
        ]
        self.ordering = spelled_out(self.through, ordering)
        self.columns = list(dict.fromkeys(["id", self.owner, *child.columns]))
        self.per_user = visible_to

    def queryset(self, ids, user=None):
        items = self.through.objects.visible_to(user) if self.per_user else self.through.objects.all()
        return items.filter(**{f"{self.owner}__in": ids}).order_by(*self.ordering).values(*self.columns)


class PageQuery(NamedTuple):
    """A page's `.values()` query as the ORM compiled it: its SQL, its columns' names, and the ORM's converters."""

    sql: str
    names: list
    converters: dict  # {column position: (converter functions, expression)}

    @classmethod
    def compile(cls, rows, text_columns=frozenset()):
        """
        `rows` (a sliced `.values()` query) compiled, and its parameters; (None, ()) if it can match nothing.

        The columns named in `text_columns` are selected as `CAST(column AS text)`, which SQLite's driver returns as
        the stored text (it parses a value by its column's declared type, and an expression has none); their
        converters stay the column's own, so that `run()` can still give the ORM's value. Not a column the query is
        ordered by: the ORDER BY names a selected column by its position, and sorting by the cast, which no index
        holds, made SQLite sort every report for `?ordering=created` (300 ms instead of 1).
        """
        query = rows.query
        columns = {}  # {name: the column}, for those read as text
        if text_columns and query.selected:
            query = query.clone()
            query.selected = dict(query.selected)  # clone() shares it
            ordered_by = {name.lstrip("-") for name in query.order_by if isinstance(name, str)}
            for name in text_columns - ordered_by:
                index = query.selected.get(name)
                if isinstance(index, int):  # a model field's column, not an annotation or extra
                    columns[name] = query.select[index]
                    query.selected[name] = Cast(columns[name], models.TextField())
        compiler = query.get_compiler(using=rows.db)
        try:
            sql, params = compiler.as_sql()
        except EmptyResultSet:
            return None, ()
        names = list(query.selected or [*query.extra_select, *query.values_select, *query.annotation_select])
        expressions = [column for column, _, _ in compiler.select[: compiler.col_count]]
        converters = compiler.get_converters(
            [columns.get(name, expression) for name, expression in zip(names, expressions, strict=True)]
        )
        return cls(sql, names, converters), tuple(params)


class PageQueries:
    """
    Compiled page queries, reused from one request to the next: the page's SQL, keyed by the SQL of the count the
    paginator ran just before (what the filters made of the query) and by the rest of the query that the count does
    not show (joins, ordering, annotations, the slice).

    Building the `.values()` query of a page of damage reports (33 columns through 8 joins) and compiling it took
    0.7 ms, twice as long as SQLite took to run it; a list is asked for again and again with the same filters but
    for their values. A page's SQL is kept only when its parameters are exactly the count's (the filters' values,
    in the same order), so that the next page with the same shape runs with its own count's parameters.
    """

    size = 512

    def __init__(self):
        self.compiled = {}
        self.lock = threading.Lock()  # for the eviction: a worker may serve requests in several threads

    def get(self, key):
        return self.compiled.get(key) if enabled("compiled") else None

    def put(self, key, page):
        if not enabled("compiled"):
            return
        with self.lock:
            if len(self.compiled) >= self.size:
                del self.compiled[next(iter(self.compiled))]  # the oldest
            self.compiled[key] = page


def counted_ids(queryset):
    """(id, count of every row) of `queryset`'s rows, in its order: the count a window over the rows."""
    return queryset.annotate(search_matches=Window(Count("pk"))).values_list("pk", "search_matches")


def public_count(queryset):
    """
    On SQLite, for a queryset of every public record of a curated model and nothing more (the public's list with no
    filter): its count, and its WHERE clause's (SQL, parameters) for the page's key (ValuesRows.page_key). None for
    any other queryset, or on another database.

    SQLite counts the rows an IN matches entry by entry, 11 ms for the 180,000 public reports of the benchmark's
    200,000; it counts a whole table from its smallest index, and the others in the ranges of the status index
    around the public statuses, in 2.5 ms. So the count is all the records less those in the ranges: exact whatever
    statuses the table holds (the ranges hold every value but the public ones), in one statement, one snapshot.
    """
    connection = connections[queryset.db]
    query = queryset.query
    if connection.vendor != "sqlite" or not isinstance(queryset, CuratedQuerySet):
        return None
    if len(query.alias_map) != 1 or query.distinct or query.annotations or query.extra or query.combinator:
        return None
    if query.where != type(queryset)(queryset.model, using=queryset.db).visible_to(None).query.where:
        return None
    table = connection.ops.quote_name(queryset.model._meta.db_table)
    status = connection.ops.quote_name(queryset.model._meta.get_field("status").column)
    public = sorted(PUBLIC_STATUSES)
    ranges = [f"{status} < %s", *(f"({status} > %s AND {status} < %s)" for _ in public[1:]), f"{status} > %s"]
    bounds = [public[0], *(bound for pair in zip(public, public[1:], strict=False) for bound in pair), public[-1]]
    sql = f"SELECT (SELECT COUNT(*) FROM {table}) - (SELECT COUNT(*) FROM {table} WHERE {' OR '.join(ranges)})"
    with connection.cursor() as cursor:
        cursor.execute(sql, bounds)
        (count,) = cursor.fetchone()
    where, params = query.get_compiler(connection=connection).compile(query.where)
    return count, (f"public: {where}", tuple(params))


class ValuesRows:
    """
    A filtered queryset to be read as `.values(*reader.columns)` rows, for the paginator: counted on the queryset
    itself, a page fetched by the reader (`ValuesReader.run`). Counting the `.values()` query instead would count
    through every join its columns need (Django cannot drop an inner join from a count), which on the benchmark's
    data took 100 ms instead of 1 ms. The count's SQL, as it ran, finds the page's compiled SQL (`PageQueries`).
    """

    def __init__(self, queryset, reader, expected=None):
        self.queryset = queryset
        self.reader = reader
        self.ordered = queryset.ordered
        self.counted = None  # the count's (SQL, parameters), as it ran (public_count: its WHERE clause's)
        self.expected = expected  # the slice the paginator will ask for, if the request says it
        self.ranked = None  # the ids of a search's expected page, read with its count

    @functools.cached_property
    def rows(self):
        return self.queryset.values(*self.reader.columns)

    def count(self):
        if self.expected is not None and searched(self.queryset) and not self.queryset.query.distinct:
            # A search ranks every match to give its page, and counting read every match again (93 and 38 ms for a
            # word in 33,000 reports on SQLite): one query gives both, the count a window over the ranked page.
            page = list(counted_ids(self.queryset)[self.expected])
            if page:  # past the last page there is no row to carry the count
                self.ranked = [pk for pk, _ in page]
                return page[0][1]
        public = public_count(self.queryset)
        if public is not None:
            count, self.counted = public
            return count
        statements = []

        def capture(execute, sql, params, many, context):
            statements.append((sql, tuple(params or ())))
            return execute(sql, params, many, context)

        with connections[self.queryset.db].execute_wrapper(capture):
            count = self.queryset.count()
        if len(statements) == 1:
            self.counted = statements[0]
        return count

    def __len__(self):
        return self.count()

    # From this row on, a page reads its ids before its rows (deferred_page); a search's pages always do.
    deferred_from = 1000

    def __getitem__(self, index):
        """The paginator asks for a slice: one page."""
        if isinstance(index, slice) and ((index.start or 0) >= self.deferred_from or searched(self.queryset)):
            return self.deferred_page(index)
        # The last page's slice stops at the count: read it as the page the request asked for, and keep as many rows,
        # so that every page of a shape, short or not, runs one compiled SQL (a country's 37 sites on a page of 50).
        wanted, expected = None, self.expected
        if (
            expected is not None
            and isinstance(index, slice)
            and index.step is None
            and index.start == expected.start
            and index.stop < expected.stop
        ):
            index, wanted = expected, index.stop - index.start
        connection = connections[self.queryset.db]
        key = self.page_key(index, connection)
        pages = self.reader.pages
        page = pages.get(key) if key is not None else None
        if page is not None:
            params = self.counted[1]
        else:
            page, params = PageQuery.compile(self.rows[index], self.reader.text_columns(connection))
            if page is None:
                return []
            if key is not None and params == self.counted[1]:
                pages.put(key, page)
        rows = self.reader.run(page, params, connection)
        return rows if wanted is None else rows[:wanted]

    def deferred_page(self, index):
        """
        A page far into the list: its ids first, through the tables the filters and the ordering need, then its
        rows with every join the representation needs, for those ids only. In one query the database joins the
        related records of every row it skips (OFFSET) before dropping them: page 2,000 of the damage reports by
        slug took 106 ms that way, 36 ms this way. The ordering ends with the id (the selectors' and the ordering
        filter's), so the ids are the single query's, and the rows come back in its order.
        """
        if self.ranked is not None and index.start == self.expected.start and index.step is None:
            ids = self.ranked[: index.stop - index.start]  # the last page is cut to the count
        else:
            ids = list(self.queryset.values_list("pk", flat=True)[index])
        if not ids:
            return []
        if searched(self.queryset):
            # A search's page too: ranking all the matches, the database joined the related records of each (100 of
            # 240 ms for a word in 33,000 reports). Its rows are then read by id alone, without the search's join,
            # which would read every match again, and put in the ranking's order here.
            rows = without_search(self.queryset).filter(pk__in=ids).values(*self.reader.columns)
            position = {pk: number for number, pk in enumerate(ids)}
            return sorted(self.reader.fetch(rows), key=lambda row: position[row["id"]])
        return compiled_rows(self.queryset.filter(pk__in=ids), self.reader, self.reader.columns)

    def page_key(self, index, connection):
        """What the page's SQL depends on; None if the count did not run (then the page is compiled anew)."""
        if self.counted is None or not isinstance(index, slice):
            return None
        # The connection: the converters kept with the SQL are the connection's (each thread has its own).
        return (connection, self.counted[0], query_shape(self.queryset.query), index.start, index.stop, index.step)


def query_shape(query):
    """What a query's SQL depends on beyond its WHERE clause: its joins, ordering, annotations and distinctness."""
    return (
        tuple((alias, join.join_type, join.identity) for alias, join in query.alias_map.items()),
        tuple(query.order_by),
        query.default_ordering,
        query.standard_ordering,
        tuple(query.extra_order_by),
        tuple(query.extra),
        query.distinct,
        tuple(query.distinct_fields),
        tuple((name, annotation.identity) for name, annotation in query.annotations.items()),
    )


def record_rows(queryset, reader, columns):
    """The rows of `queryset`, a lookup of one record, as `.values(*columns)`: at most two, as DRF's get_object()."""
    return compiled_rows(queryset, reader, columns, limit=2)


def compiled_rows(queryset, reader, columns, limit=None):
    """
    The rows of `queryset` as `.values(*columns)` (the first `limit`), read through SQL compiled once per shape of
    query and reused (with the `compiled` piece): a record's, or a deep page's by its ids. The SQL is keyed by the
    WHERE clause's, which the ORM compiles in a twentieth of the time the whole query takes (about 0.05 ms against
    1.1 for a damage report, 33 columns through 8 joins), and kept only when its parameters are exactly the WHERE
    clause's (the user's visibility, the lookup's value or the ids), as a list page's is the count's.
    """
    connection = connections[queryset.db]
    query = queryset.query
    key = params = None
    if enabled("compiled"):
        try:
            where, params = query.get_compiler(connection=connection).compile(query.where)
        except (EmptyResultSet, FullResultSet):
            pass
        else:
            key = ("rows", connection, tuple(columns), limit, where, query_shape(query))
    page = reader.pages.get(key) if key is not None else None
    if page is None:
        rows = queryset.values(*columns)
        page, compiled_params = PageQuery.compile(rows[:limit] if limit else rows, reader.text_columns(connection))
        if page is None:  # the query can match nothing
            return []
        if key is not None and compiled_params == tuple(params):
            reader.pages.put(key, page)
        params = compiled_params
    return reader.run(page, params, connection)
