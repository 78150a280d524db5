"""
The `rows` piece of the fast path: list pages read from `.values()` rows instead of model instances, with the
representation the serializer gives.

On a page of 100 damage reports DRF spent most of its time building model instances (the report and seven related
records per row, then the citations) and walking each serializer field of each of them. A `ValuesReader` is compiled
once per process from the serializer class: it knows which columns the representation needs (the record's own, those
of the related records its brief summaries show, through joins) and how to turn one row into exactly the dict the
serializer would produce. A list page then costs one `.values()` query for the page, one for each to-many relation
(the citations), and one dict per record; an export, the same for each chunk of rows. A page's timestamps on SQLite
go from the stored text to DRF's text in one step (`ValuesReader.run`, the `timestamps` piece), and a page's SQL is
compiled once per shape of filtered query (`pages.PageQueries`, the `compiled` piece).

Only what the compiler understands is compiled; a serializer with anything else (a method field, a property, its own
`to_representation`) gets no reader, and its list keeps DRF's path. What it understands:

- a field that reads one column of the record (`CharField`, `DateTimeField`, ...; any DRF field that keeps the base
  `get_attribute`): the value as it is for the plain ones (`serializers.is_plain`), else `field.to_representation`;
- `RecordURLField`: the record's address, from a template made once per request (`url_template`);
- a related record through a foreign key, as `BriefRelatedField` or a nested brief serializer: compiled in turn over
  the related columns (`site__slug`), null when the key is;
- a many-to-many relation read as brief summaries (`citations`): one query on the relation's table for the page;
- a nested list of records (a site's `names`, a reverse foreign key, as a plain list of a serializer of the item's
  model, or one that hides the rows its model's `visible_to` hides: `rows_visible_to`): one query on the items'
  table for the page, each item compiled in turn, its own to-many relations one query each for all the items;
- fields that declare the columns they are computed from (`value_columns()` and `from_values()`: uncertain dates,
  quantities, `DerivedField`), given the requesting user too where they say they read it (`reads_user`: a
  sensitive site's coordinates); and those computed from a nested list's items (`ItemsBooleanField`).

`tests/api/test_reading.py` checks, for every resource that has a reader, that it gives the serializer's output for
every record of the Palmyra data and of a synthetic data set. This relies on Django's compiler (the columns and
converters of a compiled `.values()` query, as Django 5.2's ValuesIterable reads them).
"""

import copy
import functools
import itertools
from collections import Counter
from operator import itemgetter

from django.conf import settings
from django.core.exceptions import FieldDoesNotExist
from django.db import connections, models
from django.utils import timezone
from rest_framework import ISO_8601, serializers
from rest_framework.fields import Field
from rest_framework.settings import api_settings

from ..common.fields import BriefRelatedField, PrefetchedManyRelatedField, RecordURLField
from . import enabled
from .pages import PageQueries, PageQuery, RelatedRowsQuery, ReverseRowsQuery
from .serializers import PlannedRepresentationMixin, is_plain, url_template


class NotCompilable(Exception):
    """The serializer has a field whose value the compiler cannot take from columns."""


def _model_field(model, name):
    """The model's field called `name`, or None (a property, a method, a dotted path)."""
    try:
        return model._meta.get_field(name)
    except FieldDoesNotExist:
        return None


def _concrete_column(model, name):
    field = _model_field(model, name)
    return field if field is not None and field.concrete and not field.is_relation else None


def _foreign_key(model, name):
    field = _model_field(model, name)
    return field if field is not None and field.concrete and (field.many_to_one or field.one_to_one) else None


def _brief_serializer(field):
    """The serializer instance that represents a related record, or None if the field is not a related record."""
    if isinstance(field, BriefRelatedField):
        return field.make_brief()
    if isinstance(field, serializers.ModelSerializer) and not getattr(field, "many", False):
        return field
    return None


# The representations built field by field, which the compiler can follow: a record's (planned) and a nested item's.
FIELD_BY_FIELD = (PlannedRepresentationMixin.to_representation, serializers.Serializer.to_representation)


class RecordPlan:
    """
    How to build one record's representation from a row whose keys for this record start with `prefix`. `own_rows`:
    the rows are the record's own (a page's, a nested list's), not a related record's joined in, so they hold its id
    and its to-many relations can be read by it.
    """

    def __init__(self, serializer, prefix="", *, own_rows=True, pk_key=None):
        # The compiler relies on the serializer building its representation field by field; one that adjusts the
        # result afterwards cannot be compiled.
        if type(serializer).to_representation not in FIELD_BY_FIELD:
            raise NotCompilable(f"{type(serializer).__name__} has its own to_representation")
        model = serializer.Meta.model
        self.columns = []  # the values() names this record needs
        self.steps = []  # (name, kind, argument): see bind()
        self.many = []  # (name, RelatedRowsQuery, child plan): one query per page, see read_records()
        self.from_items = []  # (name, list field name, ItemsBooleanField): computed from a list's rows
        for field in serializer._readable_fields:
            name = field.field_name
            where = f"{type(serializer).__name__}.{name}"
            if isinstance(field, RecordURLField):
                lookup = model._meta.pk.name if field.lookup_field == "pk" else field.lookup_field
                if _concrete_column(model, lookup) is None:
                    raise NotCompilable(f"{where}: the lookup {field.lookup_field!r} is not a column")
                route = (field.view_name, field.lookup_url_kwarg)
                self.steps.append((name, "url", (prefix + lookup, route)))
                self.columns.append(prefix + lookup)
            elif isinstance(field, PrefetchedManyRelatedField):
                self.many.append((name, *self._many(field, model, where, own_rows)))
                self.steps.append((name, "many", None))
            elif isinstance(field, serializers.ListSerializer):
                self.many.append((name, *self._items(field, model, where, own_rows)))
                self.steps.append((name, "many", None))
            elif hasattr(field, "item_columns"):
                self.from_items.append((name, field))
                self.steps.append((name, "many", None))  # filled in with the lists
            elif (brief := _brief_serializer(field)) is not None:
                foreign_key = _foreign_key(model, field.source)
                if foreign_key is None:
                    raise NotCompilable(f"{where}: {field.source!r} is not a foreign key")
                key = prefix + field.source  # values("site") gives the key's value, without a join
                nested = RecordPlan(brief, f"{prefix}{field.source}__", own_rows=False, pk_key=key)
                self.steps.append((name, "record", (key, nested)))
                self.columns += [key, *nested.columns]
            elif hasattr(field, "value_columns"):
                keys = [prefix + column for column in field.value_columns(model)]
                self.steps.append((name, "computed", (keys, field.from_values, getattr(field, "reads_user", False))))
                self.columns += keys
            elif (
                field.source != "*"
                and len(field.source_attrs) == 1
                and _concrete_column(model, field.source) is not None
                and type(field).get_attribute is Field.get_attribute
            ):
                # A related record's id is the foreign key's value: read once, not again through the join.
                key = pk_key if pk_key and field.source == model._meta.pk.name else prefix + field.source
                self.steps.append((name, "column" if is_plain(field, model) else "convert", (key, field)))
                self.columns.append(key)
            else:
                raise NotCompilable(f"{where} is not read from columns")
        self._plan_items(serializer)

    @staticmethod
    def _many(field, model, where, own_rows):
        child = field.child_relation
        relation = _model_field(model, field.source) if own_rows else None
        if not isinstance(child, BriefRelatedField) or not isinstance(relation, models.ManyToManyField):
            raise NotCompilable(f"{where}: only a record's own many-to-many fields are compiled")
        target = relation.m2m_reverse_field_name()  # the through table's key to the related record
        plan = RecordPlan(child.make_brief(), f"{target}__", own_rows=False)
        return RelatedRowsQuery(relation, plan), plan

    @staticmethod
    def _items(field, model, where, own_rows):
        """A nested list of records (a site's names): its items' rows, in one query per page, grouped by record."""
        relation = _model_field(model, field.source) if own_rows else None
        if not isinstance(relation, models.ManyToOneRel) or not isinstance(field.child, serializers.ModelSerializer):
            raise NotCompilable(f"{where}: only a record's own nested lists of records are compiled")
        list_class = type(field)
        visible_to = getattr(list_class, "rows_visible_to", False)
        if list_class is not serializers.ListSerializer and not visible_to:
            raise NotCompilable(f"{where}: {list_class.__name__} is not a plain list")
        plan = RecordPlan(field.child)
        return ReverseRowsQuery(relation, plan, visible_to=visible_to), plan

    def _plan_items(self, serializer):
        """The fields computed from a nested list's items: the list's query reads their columns too."""
        for position, (name, field) in enumerate(self.from_items):
            lists = [
                (list_name, query, child)
                for list_name, query, child in self.many
                if isinstance(query, ReverseRowsQuery) and serializer.fields[list_name].source == field.relation
            ]
            if len(lists) != 1:
                raise NotCompilable(f"{type(serializer).__name__}.{name}: its list {field.relation!r} is not shown")
            list_name, query, _ = lists[0]
            query.columns = list(dict.fromkeys([*query.columns, *field.item_columns]))
            self.from_items[position] = (name, list_name, field)

    def bind(self, templates, user=None):
        """
        This request's builder of the record from a row, the record's addresses filled in from `templates` (view
        name -> (prefix, suffix), made once per request), the fields that depend on the user computed for `user`.
        """
        # Plain columns are copied by one dict comprehension, in the serializer's field order; the other fields'
        # entries start as any column of theirs and are then replaced (which keeps the order).
        layout, getters = [], []
        for name, kind, argument in self.steps:
            if kind == "column":
                layout.append((name, argument[0]))
                continue
            if kind == "many":
                # Holds the field's place (any column will do, "id" is always read); ValuesReader.read() fills it.
                layout.append((name, "id"))
                continue
            if kind == "convert":
                key, field = argument
                if isinstance(field, serializers.DateTimeField) and not hasattr(field, "timezone"):
                    # DRF looks the current time zone up for every value; a field with `timezone` set uses that
                    # (DRF's own attribute), so a copy of the field takes this request's zone once.
                    field = copy.copy(field)
                    field.timezone = field.default_timezone()
                getter = functools.partial(_convert, key, field)
            elif kind == "url":
                key, route = argument
                getter = functools.partial(_url, key, *templates[route])
            elif kind == "record":
                key, nested = argument
                getter = functools.partial(_record, key, nested.bind(templates, user), {})
            else:  # computed
                keys, function, reads_user = argument
                if reads_user:
                    function = functools.partial(function, user=user)
                key = keys[0]
                if len(keys) > 1:
                    getter = functools.partial(_computed, itemgetter(*keys), function)
                else:
                    # A page repeats the few values of one column (a site's country): each computed once per request.
                    getter = functools.partial(_computed_once, key, function, {})
            layout.append((name, key))
            getters.append((name, getter))
        return functools.partial(_build, layout, getters)

    def uses(self):
        """(key, kind, field) for every column read from this record's row, nested summaries included."""
        for _, kind, argument in self.steps:
            if kind in ("column", "convert"):
                yield argument[0], kind, argument[1]
            elif kind == "url":
                yield argument[0], kind, None
            elif kind == "record":
                yield argument[0], kind, None
                yield from argument[1].uses()
            elif kind == "computed":
                for key in argument[0]:
                    yield key, kind, None
            else:  # many: the record's id (a nested list's or its rows' own)
                yield "id", kind, None

    def routes(self):
        """The (view name, lookup keyword) of every address in the representation."""
        routes = set()
        for _, kind, argument in self.steps:
            if kind == "url":
                routes.add(argument[1])
            elif kind == "record":
                routes |= argument[1].routes()
        for _, _, child in self.many:
            routes |= child.routes()
        return routes


def _build(layout, getters, row):
    data = {name: row[key] for name, key in layout}
    for name, getter in getters:
        data[name] = getter(row)
    return data


def _convert(key, field, row):
    value = row[key]
    return None if value is None else field.to_representation(value)


def _url(key, prefix, suffix, row):
    lookup = row[key]
    return None if lookup in (None, "") else f"{prefix}{lookup}{suffix}"


def _record(key, build, built, row):
    # A page names the same few sites, causes and perpetrators again and again: each is built once per request.
    value = row[key]
    if value is None:
        return None
    record = built.get(value)
    if record is None:
        record = built[value] = build(row)
    return record


def _sqlite_timestamp(converters, value, expression, connection):
    """
    A timestamp from SQLite, read as its text ("2016-03-27 10:00:00.500000", see `ValuesReader.text_columns`), as
    DRF writes it in UTC: "2016-03-27T10:00:00.500000Z". Django stores a timestamp as `str()` of the naive UTC
    datetime, and DRF writes its `isoformat()`: the same text but for the "T", with the "Z" of UTC. Any other value
    goes through the column's ORM converters (which parse text), and DRF's field then writes it.
    """
    if type(value) is str and value[10:11] == " " and (len(value) == 19 or (len(value) == 26 and value[19] == ".")):
        return f"{value[:10]}T{value[11:]}Z"
    for converter in converters:
        value = converter(value, expression, connection)
    return value


def _computed(get, function, row):
    return function(*get(row))


def _computed_once(key, function, computed, row):
    value = row[key]
    try:
        return computed[value]
    except KeyError:
        result = computed[value] = function(value)
        return result
    except TypeError:  # a value that is not hashable (a JSON column's)
        return function(value)


class ValuesReader:
    """A serializer's list representation, compiled to `.values()` columns and a builder per row (see the module)."""

    def __init__(self, serializer_class):
        self.plan = RecordPlan(serializer_class())
        self.columns = list(dict.fromkeys(["id", *self.plan.columns]))  # id: cursor pagination reads it from rows
        self.routes = sorted(self.plan.routes())
        self.pages = PageQueries()
        # Timestamps that only a DateTimeField of DRF's shows (no other step reads them, and the field has no time
        # zone of its own): run() may write these as the field would (see _sqlite_timestamp).
        uses = list(self.plan.uses())
        readers = Counter(key for key, _, _ in uses)
        self.timestamp_fields = {
            key: field
            for key, kind, field in uses
            if kind == "convert"
            and readers[key] == 1
            and isinstance(field, serializers.DateTimeField)
            and not hasattr(field, "timezone")
        }

    def fetch(self, rows):
        """
        The rows of `rows` (a `.values(*self.columns)` query, sliced for a page) as iterating it gives them, except
        that on SQLite the timestamps only a DateTimeField shows come already written as DRF writes them (see run()).
        """
        connection = connections[rows.db]
        page, params = PageQuery.compile(rows, self.text_columns(connection))
        if page is None:  # the query can match nothing (an empty slice, `__in=[]`)
            return []
        return self.run(page, params, connection)

    def run(self, page, params, connection):
        """
        The rows of the compiled `page` query, with `params`, as iterating the `.values()` query gives them, except
        that on SQLite the timestamps only a DateTimeField shows come already written as DRF writes them (DRF's field
        passes text on as it is). Through the ORM, SQLite's driver parsed each timestamp's text into a naive
        datetime, the ORM made it aware, and DRF's field made it UTC again and wrote it as text: about 1.5 ms of the
        6 ms it took to read a page of 100 damage reports; reading the text instead of the driver's datetimes then
        took another 2% off the whole request (counted in instructions, under valgrind).
        """
        with connection.cursor() as cursor:
            cursor.execute(page.sql, params)
            values = cursor.fetchall()
        # What follows is ValuesIterable's and SQLCompiler.results_iter()'s reading of them (Django 5.2), with each
        # column's converters applied down the column rather than row by row, to dicts rather than to copies of the
        # rows: from the fetched rows to converted dicts took about a third less time for 100 damage reports.
        names = page.names
        # The SQL selects exactly these columns, in this order: a strict zip would check every row again.
        rows = [dict(zip(names, row, strict=False)) for row in values]
        preformatted = self.preformatted_timestamps(connection)
        for position, (functions, expression) in page.converters.items():
            name = names[position]
            if name in preformatted:
                functions = [functools.partial(_sqlite_timestamp, functions)]
            for function in functions:
                for row in rows:
                    row[name] = function(row[name], expression, connection)
        return rows

    def text_columns(self, connection):
        """
        The columns a page's SQL reads as their text (see `PageQuery.compile`): on SQLite, the timestamps that run()
        may write as DRF would, which the driver would otherwise parse into datetimes only for them to be written
        back as text. Whether run() writes them (the time zones, the format) is decided per request; otherwise the
        column's ORM converters parse the text as they would the driver's datetime.
        """
        if connection.vendor != "sqlite" or not enabled("timestamps"):
            return frozenset()
        return frozenset(self.timestamp_fields)

    def preformatted_timestamps(self, connection):
        """The timestamp columns run() writes as DRF would, on this connection and in this request."""
        if not (
            self.timestamp_fields
            and enabled("timestamps")
            and connection.vendor == "sqlite"
            and settings.USE_TZ
            and connection.timezone_name == "UTC"  # what the text is in
            and timezone.get_current_timezone_name() == "UTC"  # what DRF writes the time in
        ):
            return ()
        return {
            key
            for key, field in self.timestamp_fields.items()
            if str(getattr(field, "format", api_settings.DATETIME_FORMAT)).lower() == ISO_8601
        }

    def url_templates(self, request):
        """Each address as (prefix, suffix) around a lookup value, reversed once for this request."""
        templates = {}
        for view_name, lookup_kwarg in self.routes:
            templates[view_name, lookup_kwarg] = url_template(view_name, lookup_kwarg, request)
        return templates

    def read(self, rows, request):
        """The representations of `rows` (dicts from `values(*self.columns)`), as the serializer would give them."""
        return read_records(self.plan, rows, self.url_templates(request), getattr(request, "user", None))

    def read_chunks(self, rows, request, chunk_size):
        """The representations of a large `.values(*self.columns)` query, fetched and read `chunk_size` at a time."""
        # The iterator is set up now, as DRF's export sets up its own; the rows are read as the body is sent.
        return self._read_chunks(rows.iterator(chunk_size=chunk_size), request, chunk_size)

    def _read_chunks(self, iterator, request, chunk_size):
        while chunk := list(itertools.islice(iterator, chunk_size)):
            yield from self.read(chunk, request)


def read_records(plan, rows, templates, user):
    """
    The representations of `rows` by `plan`, for `user`, with each to-many relation read in one query for all the
    rows (and so on down: the citations of a page's names in one more).
    """
    build = plan.bind(templates, user)
    records = [build(row) for row in rows]
    if not plan.many:
        return records
    ids = [row["id"] for row in rows]
    lists = {}
    for name, related_query, child in plan.many:
        related = lists[name] = related_query.rows(ids, user)
        groups = [related.get(record_id, ()) for record_id in ids]
        built = iter(read_records(child, [row for group in groups for row in group], templates, user))
        for record, group in zip(records, groups, strict=True):
            record[name] = list(itertools.islice(built, len(group)))
    for name, list_name, field in plan.from_items:
        related, columns = lists[list_name], field.item_columns
        for record, record_id in zip(records, ids, strict=True):
            items = [tuple(row[column] for column in columns) for row in related.get(record_id, ())]
            record[name] = field.function(items)
    return records


@functools.cache
def values_reader(serializer_class):
    """The reader of `serializer_class`, compiled on first use; None if its representation cannot be compiled."""
    try:
        return ValuesReader(serializer_class)
    except NotCompilable:
        return None
