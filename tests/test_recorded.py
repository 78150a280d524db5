"""
The suite's replayed fixtures (tests/recorded.py) leave the database as building them does, so that a test reads the
same records whether its fixture was built or replayed.
"""

import datetime

import pytest
from django.core.management.color import no_style
from django.db import connection, transaction
from django.utils import timezone

from heritage.records.models import Site, SiteName

from . import recorded
from .api.conftest import build_world
from .conftest import empty_records, load_baseline


def state(since):
    """Every row of every table; timestamps written since `since` by their order (a replay moves them, in order)."""
    rows = {model: recorded.rows_of(model) for model in recorded.tables()}
    moments = sorted(
        {
            value
            for table in rows.values()
            for row in table.values()
            for value in row.values()
            if isinstance(value, datetime.datetime) and value >= since
        }
    )
    rank = {moment: f"moment {i}" for i, moment in enumerate(moments)}
    return {
        model: {pk: {column: rank.get(value, value) for column, value in row.items()} for pk, row in table.items()}
        for model, table in rows.items()
    }


def once(since):
    """The world, and the state of the database with it, in a transaction rolled back after."""
    with transaction.atomic():
        world = recorded.replayed(build_world)
        written = state(since)
        transaction.set_rollback(True)
    return world, written


@pytest.fixture
def fresh_recordings():
    recorded.forget()
    yield
    recorded.forget()


def test_a_replay_writes_what_the_build_wrote(palmyra, fresh_recordings):
    since = timezone.now()
    built, after_build = once(since)
    assert recorded._recordings  # the build was recorded: the next call replays it
    replayed, after_replay = once(since)

    assert after_replay == after_build
    assert {name: (type(record), record.pk) for name, record in replayed.items()} == {
        name: (type(record), record.pk) for name, record in built.items()
    }
    assert replayed["hatra"].name == "Hatra" and replayed["citation"].quote == built["citation"].quote


def fields_of(record):
    return {field.attname: getattr(record, field.attname) for field in record._meta.concrete_fields}


def test_the_records_a_fixture_gets_are_those_the_database_holds(palmyra, fresh_recordings):
    """Built or replayed, each record given to the test has every field as a query reads it (timestamps moved)."""
    for _ in ("built", "replayed", "replayed again"):
        with transaction.atomic():
            world = recorded.replayed(build_world)
            for name, record in world.items():
                assert fields_of(record) == fields_of(type(record)._base_manager.get(pk=record.pk)), name
                assert not record._state.adding and record._state.db == connection.alias
            transaction.set_rollback(True)
    assert recorded._recordings[build_world].made.keys() == world.keys()  # every record was made, not read


def test_a_replay_is_later_than_what_came_before_it(palmyra, fresh_recordings):
    since = timezone.now()
    once(since)
    before = timezone.now()
    world = recorded.replayed(build_world)
    assert before < world["hatra"].last_updated < timezone.now()
    assert Site.objects.get(slug="palmyra").last_updated > before  # its identifier's timestamp, moved with it


def test_a_test_that_wrote_records_first_gets_a_build(palmyra, fresh_recordings, monkeypatch):
    once(timezone.now())
    Site.objects.create(slug="nineveh", name="Nineveh", kind="archaeological_site", country="IQ")

    def replay(self):
        raise AssertionError("replayed onto a database the recording did not start from")

    monkeypatch.setattr(recorded.Recording, "replay", replay)
    world = recorded.replayed(build_world)

    assert world["hatra"].slug == "hatra"
    assert Site.objects.filter(slug__in=["nineveh", "hatra", "palmyra"]).count() == 3


def test_reloading_the_baseline_forgets_the_recordings(palmyra, fresh_recordings):
    once(timezone.now())
    empty_records()
    load_baseline()  # as after a transactional test: the article's keys may differ from those recorded
    assert not recorded._recordings


def test_a_replay_leaves_the_next_keys_free_after_a_sequence_went_back(palmyra, fresh_recordings):
    """On PostgreSQL loaddata sets each sequence to the table's highest key, outside the transaction: a test that
    loaded fixtures leaves the sequences below the keys the recording holds. The test's own records must still
    find free keys after a replay."""

    def sequence_back():  # to the table's highest key, as loaddata leaves it (a no-op on SQLite)
        with connection.cursor() as cursor:
            for sql in connection.ops.sequence_reset_sql(no_style(), [SiteName]):
                cursor.execute(sql)

    sequence_back()
    once(timezone.now())  # the recording's site name takes the key after the baseline's highest
    sequence_back()
    world = recorded.replayed(build_world)
    SiteName.objects.create(site=world["hatra"], name="Hatra again", kind="variant")


def test_the_end_of_a_transactional_test_brings_the_baseline_back_with_every_row_and_key(palmyra):
    """
    Where Django would flush every table after a transactional test, the baseline's rows are written back instead
    (tests/conftest.py): whatever the test changed, added or deleted, every table has the rows it had, keys
    included, the content types' cache agrees, and a new record still finds a free key.
    """
    from django.contrib.contenttypes.models import ContentType
    from django.test import TransactionTestCase

    before = {model: recorded.rows_of(model) for model in recorded.tables()}
    Site.objects.filter(slug="palmyra").update(name="Tadmur")
    SiteName.objects.filter(site__slug="palmyra").delete()
    Site.objects.create(slug="nimrud", name="Nimrud", kind="archaeological_site", country="IQ")
    TransactionTestCase(methodName="__init__")._fixture_teardown()
    assert {model: recorded.rows_of(model) for model in recorded.tables()} == before
    assert ContentType.objects.get_for_model(Site).pk in before[ContentType]
    assert Site.objects.get(slug="palmyra").names.exists()
    Site.objects.create(slug="nineveh", name="Nineveh", kind="archaeological_site", country="IQ")  # a free key
