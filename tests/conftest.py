"""
Shared pytest fixtures: the article's data, loaded once per test session the way the README loads it.

Every test database starts with the baseline: the two roles (from their data migration) and the Palmyra article
(`loaddata` of the fixtures, validated as every load is). Each test runs in its own transaction, rolled back at its
end, so a test may change anything and the next one still finds the baseline. Tests that need an empty database
say so with the `empty_database` fixture (deleted inside the test's transaction, so rolled back too).

Transactional tests (`transaction=True`, the live server of the browser tests) commit; at their end, where Django
would empty every table, the baseline's rows, kept when it was first loaded, are written back instead
(`django_db_setup`).
"""

import gc
import importlib
import os
import tempfile
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.core.management import call_command
from django.db import connection
from django.test import TransactionTestCase, override_settings

from heritage.records.models import Release, Site, Source

from . import recorded, stack_chunks
from .backups import backup_templates  # noqa: F401  (the backup tests' fixture)
from .databases import (  # noqa: F401  (fixtures for every test)
    drop_snapshots,
    engine_markers,
    migrated_database,
)

FIXTURES = ["fixtures/eamena-vocabularies.json", "fixtures/vocabularies.json", "fixtures/palmyra.json"]


def load_article():
    call_command("loaddata", *FIXTURES, verbosity=0)


# The data migrations that make the roles or grant them permissions, and the function of each, in migration order:
# test databases are built from the models (--no-migrations), so the baseline runs them itself.
ROLE_MIGRATIONS = {
    "0003_roles": "create_roles",
    "0011_workflow_threat_status": "grant_threat_workflow",
    "0013_vocab_roles": "add_term_permissions",
    "0015_identifier_extent_roles": "add_identifier_permissions",
    "0019_change_feed": "grant_deletion_view",
}


def load_baseline():
    """The roles (made by data migrations, which the test databases are built without) and the article."""
    for migration, function in ROLE_MIGRATIONS.items():
        getattr(importlib.import_module(f"heritage.records.migrations.{migration}"), function)(apps, None)
    load_article()
    recorded.forget()  # what fixtures wrote on the previous baseline may name its keys


def record_models(history=True):
    """Every model of the records app, including the auto-created many-to-many tables (and history's, unless not)."""
    return [
        model
        for model in apps.get_app_config("records").get_models(include_auto_created=True)
        if history or not is_history_table(model)
    ]


def is_history_table(model):
    """django-simple-history's tables (HistoricalSite, HistoricalSite_citations, ...): written by edits only."""
    return model.__name__.startswith("Historical")


def table_counts():
    """Rows in every table of the records app (history and many-to-many tables included), in one query."""
    models = record_models()
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute("SELECT " + ", ".join(f"(SELECT COUNT(*) FROM {quote(m._meta.db_table)})" for m in models))
        return dict(zip((model._meta.label for model in models), cursor.fetchone(), strict=True))


def empty_records():
    """Delete every row of the records app, bypassing PROTECT (foreign keys are checked at commit)."""
    with connection.cursor() as cursor:
        for model in reversed(record_models()):
            cursor.execute(f"DELETE FROM {connection.ops.quote_name(model._meta.db_table)}")


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """
    The test databases, with the baseline committed in them once, and its rows kept to restore it: at the end of a
    transactional test, in place of Django's flush. A flush empties every table (on PostgreSQL by a TRUNCATE of them
    all, and the content types and permissions are then made again: 2-3.5 s a test there), and the baseline had to
    be written back on top of it; restoring empties the tables as well and leaves what every test starts from.
    """
    with django_db_blocker.unblock():
        load_baseline()
        baseline = recorded.snapshot()
    with pytest.MonkeyPatch.context() as patch:
        # Django's own name for a transactional test's tear-down of its data (not of its connections); the
        # patch fails if it is ever renamed. django.test.TestCase has its own (a rollback) and keeps it.
        patch.setattr(TransactionTestCase, "_fixture_teardown", lambda case: recorded.restore(baseline))
        yield
    if connection.vendor == "sqlite":  # the lock file a release takes beside an SQLite database (releases/making.py)
        Path(f"{connection.settings_dict['NAME']}.release-lock").unlink(missing_ok=True)


def pytest_configure(config):
    stack_chunks.keep()  # in every test process (tests/stack_chunks.py)


def pytest_report_header(config):
    kept = "kept for reuse" if stack_chunks.kept() else f"not kept ({stack_chunks.reason()})"
    return f"frame-stack chunks: {kept}"


def pytest_collection_modifyitems(config, items):
    engine_markers(config, items)
    # The longest tests first, in their order (the longest-first rule of scheduling): pytest-xdist's worksteal hands
    # each worker a contiguous share of the list and moves what is left from one to another when one runs out, which
    # evens the workers out only when the tests left at the end are short. One worker also makes the run's migrated
    # snapshots then, while the other runs other tests, rather than one waiting for the other late in the run.
    items.sort(key=lambda item: item.get_closest_marker("long") is None)


def pytest_collection_finish(session):
    """
    Python's cyclic garbage collector, tuned for a test run: what exists once the tests are collected (modules,
    Django's apps, the collected tests) lives to the end, so it is frozen out of every later collection, and the
    youngest generation is collected after 50,000 new container objects instead of 700. Nothing a test checks
    depends on when cycles are freed.
    """
    gc.collect()
    gc.freeze()
    gc.set_threshold(50_000, *gc.get_threshold()[1:])


def pytest_sessionfinish(session):
    if not os.environ.get("PYTEST_XDIST_WORKER"):  # the workers are done: the run's snapshots may go
        drop_snapshots(session.config._tmp_path_factory)


@pytest.fixture
def empty_database(db):
    """An empty records database for this test (the baseline comes back with the rollback)."""
    empty_records()


@pytest.fixture(autouse=True, scope="session")
def own_cache_folder(tmp_path_factory):
    """The throttles' cache of this test run, apart from a development server's (and another test run's)."""
    cache = {**settings.CACHES["default"], "LOCATION": str(tmp_path_factory.mktemp("cache"))}
    with override_settings(CACHES={"default": cache}):
        yield


@pytest.fixture(autouse=True, scope="session")
def own_static_root(tmp_path_factory):
    """
    Collected static files are served from an empty folder of this run (tests/test_static_files.py collects into
    one of its own), never the project's staticfiles/: WhiteNoise reads the whole folder each time a test client
    starts, some 20 ms where collectstatic has filled it.
    """
    with override_settings(STATIC_ROOT=tmp_path_factory.mktemp("static")):
        yield


@pytest.fixture(autouse=True, scope="session")
def own_temporary_folder(tmp_path_factory):
    """
    Temporary files made in a test process (a library's own, a test's) go to a folder of this run, which pytest
    clears with the run's others, not to the machine's temporary folder.
    """
    kept, tempfile.tempdir = tempfile.tempdir, str(tmp_path_factory.mktemp("temp"))
    yield
    tempfile.tempdir = kept


@pytest.fixture(autouse=True, scope="session")
def fast_password_hashing():
    """
    Test users' passwords hashed with one round: production's PBKDF2 costs a fifth of a second a password by
    design, and the suite makes hundreds of users. What is tested (who may log in, lockouts) does not depend on it.
    """
    with override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]):
        yield


@pytest.fixture(autouse=True, scope="session")
def session_originals(tmp_path_factory):
    """Original documents uploaded by tests go to a folder of this run, never into the project's media/."""
    field = Source.original.field
    kept, field.storage = field.storage, FileSystemStorage(location=tmp_path_factory.mktemp("originals"))
    yield field.storage
    field.storage = kept


@pytest.fixture
def originals(tmp_path):
    """An empty originals storage for this test (so it can compare what storage holds before and after)."""
    field = Source.original.field
    kept, field.storage = field.storage, FileSystemStorage(location=tmp_path / "originals")
    yield field.storage
    field.storage = kept


@pytest.fixture(autouse=True, scope="session")
def session_releases(tmp_path_factory):
    """Releases made by tests go to a folder of this run, never into the project's releases/."""
    field = Release.file.field
    kept, field.storage = field.storage, FileSystemStorage(location=tmp_path_factory.mktemp("releases"))
    yield field.storage
    field.storage = kept


@pytest.fixture
def releases(tmp_path):
    """An empty releases storage for this test."""
    field = Release.file.field
    kept, field.storage = field.storage, FileSystemStorage(location=tmp_path / "releases")
    yield field.storage
    field.storage = kept


def stored_files(storage):
    """Every file an originals storage holds (pending uploads included), with its bytes."""
    found, folders = {}, [""]
    while folders:
        folder = folders.pop()
        try:
            subfolders, files = storage.listdir(folder)
        except FileNotFoundError:
            continue
        folders.extend(f"{folder}/{name}".lstrip("/") for name in subfolders)
        for name in files:
            path = f"{folder}/{name}".lstrip("/")
            with storage.open(path, "rb") as handle:
                found[path] = handle.read()
    return found


@pytest.fixture
def palmyra(db):
    """The Palmyra article's records (the baseline every test starts from); returns the Palmyra site."""
    return Site.objects.get(slug="palmyra")
