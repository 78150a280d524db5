"""
Fixture data built once and replayed: `replayed(build)` for a fixture that writes records through the models.

Writing records through the models (their signals, history, the change feed's timestamps and the search index with
them) costs about a tenth of a second for a fixture of twenty records, and a thousand tests ask for one. So the first
call in a session runs `build()` and notes every row it inserted, changed or deleted, in every table; later calls
write the same rows again in a few statements, without signals (the rows already hold what the signals wrote), with
the build's timestamps moved to the time of the replay in the same order.

A replay must start where the recording did. A test's earlier fixtures may have written records of their own: the
state of every table the build wrote to (rows, highest key, sum of the records' versions) is compared first, and if
it differs, `build()` runs again instead. Either way the caller gets the same records, as the database holds them
(those the build inserted made from the rows it recorded, without a query).

`snapshot()` and `restore()` do the same for the whole database: the baseline's rows, kept once it is loaded, are
written back at the end of a transactional test, in place of Django's flush (tests/conftest.py).
"""

import datetime

from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.core.management.color import no_style
from django.db import connection, transaction
from django.utils import timezone

_recordings = {}


def forget():
    """The baseline was loaded again (its keys may differ): record afresh."""
    _recordings.clear()


def replayed(build):
    """
    The records `build()` returns ({name: record}), written by `build()` or by a replay of what it wrote; each as the
    database holds it (`Recording.read`).
    """
    recording = _recordings.get(build)
    if recording is not None and fingerprint(recording.written) == recording.before:
        recording.replay()
        return recording.read()
    if recording is not None:  # the test's own fixtures changed the records: build as if never recorded
        return Recording.read_keys(keys_of(build()))
    recording = Recording.of(build)
    _recordings[build] = recording
    return recording.read()


def keys_of(records):
    return {name: (type(record), record.pk) for name, record in records.items()}


def tables():
    """Every table of the project's models (many-to-many tables included), as its model."""
    return [
        model for model in apps.get_models(include_auto_created=True) if model._meta.managed and not model._meta.proxy
    ]


def rows_of(model):
    return {row[model._meta.pk.attname]: row for row in model._base_manager.values()}


def fingerprint(models=None):
    """
    Rows, highest key and sum of versions (each save of a record adds one) of every table (or of `models`), in one
    query. Not the latest change: a replay moves the timestamps, so a fixture replayed before would never match.
    """
    quote = connection.ops.quote_name
    keys, parts = [], []
    for model in tables() if models is None else models:
        table, pk = quote(model._meta.db_table), quote(model._meta.pk.column)
        keys += [(model, "rows"), (model, "highest key")]
        parts += [f"(SELECT COUNT(*) FROM {table})", f"(SELECT MAX({pk}) FROM {table})"]
        if any(field.attname == "version" for field in model._meta.concrete_fields):
            keys.append((model, "versions"))
            parts.append(f"(SELECT SUM({quote('version')}) FROM {table})")
    with connection.cursor() as cursor:
        cursor.execute("SELECT " + ", ".join(parts))
        return dict(zip(keys, cursor.fetchone(), strict=True))


def prepared_inserts(inserted, moments=()):
    """
    [(INSERT statement, fields, rows, stamps)] writing `inserted` ({model: [row]}), each value as the database takes
    it (raw: as recorded, no auto_now, as loaddata writes them), prepared once: a replay prepares only the timestamps
    it moves, at `stamps` [(row, position, moment)] (a value among `moments`). Compiling the inserts through the ORM
    on every replay cost a few percent of the suite.
    """
    quote, moments = connection.ops.quote_name, set(moments)
    statements = []
    for model, rows in inserted.items():
        fields = [field for field in model._meta.concrete_fields if not field.generated]
        columns = ", ".join(quote(field.column) for field in fields)
        marks = ", ".join(["%s"] * len(fields))
        sql = f"INSERT INTO {quote(model._meta.db_table)} ({columns}) VALUES ({marks})"
        prepared, stamps = [], []
        for number, row in enumerate(rows):
            values = [row[field.attname] for field in fields]
            for position, value in enumerate(values):
                if isinstance(value, datetime.datetime) and value in moments:
                    stamps.append((number, position, value))
            prepared.append(
                [field.get_db_prep_save(value, connection) for field, value in zip(fields, values, strict=True)]
            )
        statements.append((sql, fields, prepared, stamps))
    return statements


def snapshot():
    """Every table's rows as they are now, as statements that write them again (`restore`)."""
    return prepared_inserts({model: rows for model in tables() if (rows := list(rows_of(model).values()))})


def restore(statements):
    """
    Every table emptied and given the rows of a `snapshot`, with their keys (content types and permissions too, so
    that what names them by key still does); each table's sequence then starts after its highest key.
    """
    models = tables()
    quote = connection.ops.quote_name
    with transaction.atomic(), connection.cursor() as cursor:
        for model in models:
            cursor.execute(f"DELETE FROM {quote(model._meta.db_table)}")
        for sql, _, rows, _ in statements:
            cursor.executemany(sql, rows)
        for sql in connection.ops.sequence_reset_sql(no_style(), models):
            cursor.execute(sql)
    ContentType.objects.clear_cache()


class Recording:
    def __init__(self, keys, inserted, updated, deleted, moments, before):
        self.keys = keys  # {name: (model, pk)} of the records build() returned
        self.inserted = inserted  # {model: [row]}
        self.updated = updated  # {model: {pk: {column: value}}}
        self.deleted = deleted  # {model: [pk]}
        self.moments = moments  # the build's timestamps, in order
        self.written = list(dict.fromkeys([*inserted, *updated, *deleted]))
        # The state the build started from, in the tables it wrote to, as `fingerprint` reads it.
        self.before = {key: value for key, value in before.items() if key[0] in self.written}
        self.statements = prepared_inserts(inserted, moments)
        # The returned records the build inserted, as their rows: a read makes them without a query.
        rows = {(model, row[model._meta.pk.attname]): row for model, added in inserted.items() for row in added}
        self.made = {name: rows[key] for name, key in keys.items() if key in rows}
        self.moved = {}  # the build's timestamps as the last replay wrote them (none yet: as built)

    @classmethod
    def of(cls, build):
        models = tables()
        state = fingerprint()
        before = {model: rows_of(model) for model in models}
        start = timezone.now()
        keys = keys_of(build())
        end = timezone.now()
        inserted, updated, deleted, moments = {}, {}, {}, set()
        for model in models:
            old, new = before[model], rows_of(model)
            if added := [row for pk, row in new.items() if pk not in old]:
                inserted[model] = added
            changes = {
                pk: {column: value for column, value in row.items() if old[pk][column] != value}
                for pk, row in new.items()
                if pk in old and old[pk] != row
            }
            if changes:
                updated[model] = changes
            if gone := [pk for pk in old if pk not in new]:
                deleted[model] = gone
            for row in [*added, *changes.values()]:
                moments.update(
                    value for value in row.values() if isinstance(value, datetime.datetime) and start <= value <= end
                )
        return cls(keys, inserted, updated, deleted, sorted(moments), before=state)

    def replay(self):
        # One microsecond apart from now on, in the build's order: later than anything written before the replay,
        # earlier than anything written after it.
        now = timezone.now()
        self.moved = moved = {moment: now + datetime.timedelta(microseconds=i) for i, moment in enumerate(self.moments)}
        move = self.move
        prepared = {}  # each moved moment prepared once per field: rows share them (a record and its history)

        for model, pks in self.deleted.items():
            model._base_manager.filter(pk__in=pks)._raw_delete(connection.alias)
        with connection.cursor() as cursor:
            for sql, fields, rows, stamps in self.statements:
                rows = [list(row) for row in rows]
                for row, position, moment in stamps:
                    key = (fields[position], moment)
                    if key not in prepared:
                        prepared[key] = fields[position].get_db_prep_save(moved[moment], connection)
                    rows[row][position] = prepared[key]
                cursor.executemany(sql, rows)
        if connection.vendor == "postgresql":
            # Inserting a key does not move PostgreSQL's sequence, and a test that ran loaddata (which sets each
            # sequence to the table's highest key, outside any transaction) may have moved it back below the keys
            # inserted here: set each to its table's highest key, as loaddata does (in one statement), or the test's
            # own inserts would take these keys again.
            quote = connection.ops.quote_name
            setvals = [
                f"setval(pg_get_serial_sequence('{quote(model._meta.db_table)}', '{model._meta.pk.column}'), "
                f"(SELECT MAX({quote(model._meta.pk.column)}) FROM {quote(model._meta.db_table)}))"
                for model in self.inserted
            ]
            with connection.cursor() as cursor:
                cursor.execute("SELECT " + ", ".join(setvals))
        for model, changes in self.updated.items():
            for pk, change in changes.items():
                model._base_manager.filter(pk=pk).update(**move(change))

    def move(self, row):
        """A recorded row with the build's timestamps as the last replay wrote them."""
        moved = self.moved
        return {
            column: moved.get(value, value) if isinstance(value, datetime.datetime) else value
            for column, value in row.items()
        }

    def read(self):
        """
        The records build() returned, as the database holds them: those it inserted made from their rows (which
        `rows_of` read through the same converters as a query), without a query; any other read back.
        """
        records = self.read_keys({name: key for name, key in self.keys.items() if name not in self.made})
        for name, row in self.made.items():
            model = self.keys[name][0]
            row, attnames = self.move(row), [field.attname for field in model._meta.concrete_fields]
            records[name] = model.from_db(connection.alias, attnames, [row[attname] for attname in attnames])
        return {name: records[name] for name in self.keys}

    @staticmethod
    def read_keys(keys):
        by_model = {}
        for model, pk in keys.values():
            by_model.setdefault(model, []).append(pk)
        found = {model: model._base_manager.in_bulk(pks) for model, pks in by_model.items()}
        return {name: found[model][pk] for name, (model, pk) in keys.items()}
