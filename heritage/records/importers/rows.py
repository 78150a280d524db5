"""
Plain writes for an importer's batches: rows as tuples through `cursor.executemany`, and each field's check of a
value made once. Django's `bulk_create` builds one statement through its SQL compiler, preparing every value of
every row through the compiler and the field, and `full_clean` runs a field's validators again for every record
holding the same value (a country, a kind, a certainty); on an EAMENA import those were most of the time.

- `build(model, values)`: `model(**values)`, made faster.
- `insert(model, records)`: new records' rows, as `bulk_create` writes them (each field's `pre_save`, its value
  prepared for the database), their primary keys reserved first (`reserve_ids`) and set on the records.
- `insert_links(model, pairs)`: rows of a record model's table of citations, (record pk, citation pk).
- `copy_history(model, records, ...)`: the history rows django-simple-history's `bulk_history_create` writes,
  column for column (the same values, user and reason), copied by the database from the records' rows.
- `FieldChecks.full_clean(record, exclude)`: `record.full_clean(exclude, validate_unique=False,
  validate_constraints=False)`, the same errors and the same cleaned values, each field's check of one value run
  once (a field's `clean` depends only on the value: references, whose check is a query, are excluded).
"""

import functools
import operator

from django.core.exceptions import ValidationError
from django.db import DEFAULT_DB_ALIAS, connection, connections, models
from django.db.models.base import ModelState
from django.db.models.fields.related_descriptors import ForeignKeyDeferredAttribute
from django.db.models.signals import post_init, pre_init
from django.utils import timezone

UNSEEN = object()
AUTO_FIELDS = (models.AutoField, models.BigAutoField, models.SmallAutoField)
# Rows a statement names by primary key (well under both databases' limits on parameters).
CHUNK = 500


def executemany(table, columns, rows):
    if not rows:
        return
    quote = connection.ops.quote_name
    names = ", ".join(quote(column) for column in columns)
    marks = ", ".join(["%s"] * len(columns))
    with connection.cursor() as cursor:
        cursor.executemany(f"INSERT INTO {quote(table)} ({names}) VALUES ({marks})", rows)


def reserve_ids(model, count):
    """`count` new primary keys of `model`, in order, taken inside the current transaction."""
    assert connection.in_atomic_block, "ids are reserved inside the transaction that inserts them"
    table, column = model._meta.db_table, model._meta.pk.column
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                           [table, column, count])  # fmt: skip
            return sorted(row[0] for row in cursor.fetchall())
        # SQLite: the transaction began IMMEDIATE (settings.py), so it holds the database's write lock and no other
        # connection can insert until it ends. AUTOINCREMENT never gives an id twice: past the highest ever given
        # (sqlite_sequence) and the highest present.
        quote = connection.ops.quote_name
        cursor.execute(
            f"SELECT max(coalesce((SELECT seq FROM sqlite_sequence WHERE name = %s), 0), "
            f"coalesce((SELECT max({quote(column)}) FROM {quote(table)}), 0))",
            [table],
        )
        top = cursor.fetchone()[0]
        return list(range(top + 1, top + 1 + count))


def stores_text_as_given(field):
    """Whether `field` writes a string as it is: a CharField, TextField or SlugField changing nothing of Django's."""
    kind = type(field)
    return (
        kind.get_db_prep_save is models.Field.get_db_prep_save
        and kind.get_db_prep_value is models.Field.get_db_prep_value
        and kind.get_prep_value in (models.CharField.get_prep_value, models.TextField.get_prep_value)
        and kind.to_python in (models.CharField.to_python, models.TextField.to_python)
    )


class Column:
    """
    One field's values of a batch's rows, as `bulk_create` gives them to the database (`pre_save`, then
    `get_db_prep_save`), each distinct value prepared once (a country, a kind), a string of a plain text field as it
    is. A timestamp set on saving takes the batch's moment: the rows are one write.
    """

    def __init__(self, field, connection, moment):
        self.field, self.connection, self.prepared = field, connection, {}
        self.text = stores_text_as_given(field)
        self.stamped = isinstance(field, models.DateTimeField) and (field.auto_now or field.auto_now_add)
        self.moment = moment
        self.own_pre_save = type(field).pre_save is not models.Field.pre_save

    def values(self, records):
        """The column's values of `records`, in their order (a column at a time: a call a cell was 7% of an import)."""
        field = self.field
        if self.stamped:
            for record in records:
                setattr(record, field.attname, self.moment)
            values = [self.moment] * len(records)
        elif self.own_pre_save:
            values = [field.pre_save(record, True) for record in records]
        else:
            values = list(map(operator.attrgetter(field.attname), records))
        prepare = self.prepare
        if self.text:
            return [value if type(value) is str else prepare(value) for value in values]
        return [prepare(value) for value in values]

    def prepare(self, value):
        try:
            return self.prepared[type(value), value]
        except KeyError:
            prepared = self.prepared[type(value), value] = self.field.get_db_prep_save(value, self.connection)
            return prepared
        except TypeError:  # unhashable (a geometry)
            return self.field.get_db_prep_save(value, self.connection)


# Where `build` takes a field's value from.
GIVEN, CONSTANT, CALLED = range(3)


@functools.cache
def construction(model, names):
    """
    How `build(model, values)` with the keys `names` makes a record: for each concrete field not left unset, its
    attname, where its value comes from (the value given, at its position in `names`; the field's default, taken
    once; or the field, whose callable default is called for each record) and whether it must be set through the
    class's descriptor; and (name, position) of each related record given, set through its descriptor afterwards.
    None if `names` holds anything else (a property): `model(**values)` then.
    """
    plan, related, used = [], [], set()
    for field in model._meta.concrete_fields:
        if field.generated:
            continue
        if field.is_relation and field.name in names:
            related.append((field.name, names.index(field.name)))
            used.add(field.name)
            continue
        if field.attname in names:
            source, value = GIVEN, names.index(field.attname)
            used.add(field.attname)
        elif field.has_default() and callable(field.default):
            source, value = CALLED, field
        else:
            source, value = CONSTANT, field.get_default()
        # A key's descriptor only forgets a cached record when the key changes: a new record has none cached.
        descriptor = getattr(model, field.attname, None)
        plain = not hasattr(descriptor, "__set__") or isinstance(descriptor, ForeignKeyDeferredAttribute)
        plan.append((field.attname, source, value, plain))
    return (plan, related) if used == set(names) else None


def build(model, values):
    """
    `model(**values)`, as Django builds it (the same signals, attributes, defaults and cached related records), for
    an importer's thousands of records: the attributes are written straight into the new instance, where Django's
    keyword path looks each field up in the keywords and takes its default again for every record, and its
    positional path sets each value through setattr (10% and 5% of an import's time).
    """
    construct = construction(model, tuple(values))
    if construct is None:
        return model(**values)
    plan, related = construct
    given = list(values.values())
    pre_init.send(sender=model, args=(), kwargs=values)
    record = model.__new__(model)
    record._state = ModelState()
    attributes = record.__dict__
    for attname, source, value, plain in plan:
        value = given[value] if source is GIVEN else value.get_default() if source is CALLED else value
        if plain:
            attributes[attname] = value
        else:
            setattr(record, attname, value)
    for name, position in related:
        setattr(record, name, given[position])  # the record's key (None if not yet saved), and the record
    post_init.send(sender=model, instance=record)
    return record


def insert(model, records):
    """Insert `records`, new instances of `model`: as `bulk_create` would, in one `executemany`."""
    if not records:
        return
    assert isinstance(model._meta.pk, AUTO_FIELDS), "primary keys are reserved from the table's sequence"
    for record, pk in zip(records, reserve_ids(model, len(records)), strict=True):
        record.pk = pk
    fields = [field for field in model._meta.concrete_fields if not field.generated]
    references = [field for field in fields if field.many_to_one or field.one_to_one]
    for record in records:
        for field in references:
            # A record made with a parent not yet inserted (a new site's names) takes the parent's key now.
            if getattr(record, field.attname) is None and (parent := getattr(record, field.name)) is not None:
                setattr(record, field.name, parent)  # through the descriptor: the parent stays cached
    # The connection itself: `django.db.connection` is a proxy that looks it up on every use.
    database, moment = connections[DEFAULT_DB_ALIAS], timezone.now()
    columns = [Column(field, database, moment) for field in fields]
    rows = list(zip(*(column.values(records) for column in columns), strict=True))
    executemany(model._meta.db_table, [field.column for field in fields], rows)
    for record in records:
        record._state.adding, record._state.db = False, database.alias


def insert_links(model, pairs):
    """Link records of `model` to citations: `pairs` of (record pk, citation pk)."""
    through = model.citations.through
    record = through._meta.get_field(model._meta.model_name).column
    citation = through._meta.get_field("citation").column
    executemany(through._meta.db_table, [record, citation], pairs)


def copy_history(model, records, *, update, user, reason):
    """
    The history rows of `records` (created, or with `update` changed), as bulk_history_create writes them: the
    database copies each record's row as it now stands, with one moment, user and reason for the batch (one write).
    """
    if not records:
        return
    history = model.history.model
    assert not hasattr(history, "history_relation"), "history_relation rows are not written here"
    quote = connection.ops.quote_name
    tracked = [(field.column, history._meta.get_field(field.attname).column) for field in history.tracked_fields]
    extra = [history._meta.get_field(name) for name in ("history_date", "history_user", "history_change_reason")]
    who = user or history.get_default_history_user(records[0])
    constants = [extra[0].get_db_prep_save(timezone.now(), connection), getattr(who, "pk", who), reason]
    columns = [column for _, column in tracked] + [field.column for field in extra] + ["history_type"]
    # A parameter in a SELECT's list has no type of its own on PostgreSQL: it is given its column's.
    cast = connection.vendor == "postgresql"
    marks = [f"CAST(%s AS {field.cast_db_type(connection)})" if cast else "%s" for field in extra]
    copied = ", ".join([quote(column) for column, _ in tracked] + marks + ["%s"])
    pk = quote(model._meta.pk.column)
    with connection.cursor() as cursor:
        for start in range(0, len(records), CHUNK):
            pks = [record.pk for record in records[start : start + CHUNK]]
            cursor.execute(
                f"INSERT INTO {quote(history._meta.db_table)} ({', '.join(quote(c) for c in columns)}) "
                f"SELECT {copied} FROM {quote(model._meta.db_table)} "
                f"WHERE {pk} IN ({', '.join(['%s'] * len(pks))}) ORDER BY {pk}",
                [*constants, "~" if update else "+", *pks],
            )


class FieldChecks:
    """
    full_clean without constraints and unique checks, remembering each field's verdict on each value. Its memory grows
    with the distinct values it sees: an importer makes one for each batch.
    """

    def __init__(self):
        self.plans = {}  # (model, excluded names): [(field, {(value's type, value): cleaned value or the error})]

    def full_clean(self, record, exclude):
        model, exclude = type(record), tuple(exclude)
        plan = self.plans.get((model, exclude))
        if plan is None:
            fields = [field for field in model._meta.fields if field.name not in exclude and not field.generated]
            plan = self.plans[model, exclude] = [(field, {}) for field in fields]
        errors = {}
        for field, verdicts in plan:
            value = getattr(record, field.attname)
            if field.blank and value in field.empty_values:
                continue
            try:
                setattr(record, field.attname, self.clean(field, verdicts, record, value))
            except ValidationError as exc:
                errors[field.name] = exc.error_list
        try:
            record.clean()
        except ValidationError as exc:
            errors = exc.update_error_dict(errors)
        if errors:
            raise ValidationError(errors)

    @staticmethod
    def clean(field, verdicts, record, value):
        try:
            verdict = verdicts.get((type(value), value), UNSEEN)
        except TypeError:  # a geometry (a dict): checked each time
            return field.clean(value, record)
        if verdict is UNSEEN:
            try:
                verdict = field.clean(value, record)
            except ValidationError as exc:
                verdict = exc
            verdicts[type(value), value] = verdict
        if isinstance(verdict, ValidationError):
            raise ValidationError(verdict.error_list)
        return verdict
