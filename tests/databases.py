"""
Databases that tests build for themselves (migration, upgrade, backup and restore tests run `manage.py` against a
database of their own, never the test database), on the engine the suite runs on.

Migrating a fresh database takes seconds, most of the cost of these tests, so each runs once per suite: on SQLite in
`make test`, on PostgreSQL in `DATABASE_URL=postgres://… make test` (CI runs both). A test about one engine in
particular says so with a marker, and runs in that engine's suite:

- `postgresql`: needs a PostgreSQL server beside SQLite (a backup travelling from one to the other);
- `sqlite`: works on copies of SQLite files (backups restored into SQLite, a database kept at an old migration).
"""

import os
import uuid
from urllib.parse import urlsplit, urlunsplit

import pytest
from django.conf import settings

SUITE_ENGINE = "postgresql" if "postgresql" in settings.DATABASES["default"]["ENGINE"] else "sqlite"


def postgres_server():
    """The PostgreSQL server the suite runs on (DATABASE_URL without its database), or the local one."""
    if "HERITAGE_TEST_POSTGRES_URL" in os.environ:
        return os.environ["HERITAGE_TEST_POSTGRES_URL"]
    url = os.environ.get("DATABASE_URL", "")
    if url.startswith(("postgres://", "postgresql://")):
        parts = urlsplit(url)
        return urlunsplit((parts.scheme, parts.netloc, "", "", ""))
    return "postgres://postgres@127.0.0.1:5432"


def engine_markers(config, items):
    """Leave out the tests about the engine the suite does not run on (pytest_collection_modifyitems)."""
    other = "sqlite" if SUITE_ENGINE == "postgresql" else "postgresql"
    kept, left_out = [], []
    for item in items:
        (left_out if item.get_closest_marker(other) else kept).append(item)
    if left_out:
        config.hook.pytest_deselected(items=left_out)
        items[:] = kept


@pytest.fixture
def postgres_database():
    """A fresh, empty PostgreSQL database on the suite's server, dropped afterwards (its URL)."""
    psycopg = pytest.importorskip("psycopg")
    server = postgres_server()
    name = f"heritage_own_{uuid.uuid4().hex[:8]}"
    try:
        admin = psycopg.connect(f"{server}/postgres", autocommit=True, connect_timeout=5)
    except psycopg.OperationalError as exc:
        pytest.fail(f"PostgreSQL is not reachable at {server}: {exc}")
    admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield f"{server}/{name}"
    finally:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.close()


@pytest.fixture
def own_database(request, tmp_path):
    """A fresh, empty database of the suite's engine (its URL): an SQLite file, or a PostgreSQL database."""
    if SUITE_ENGINE == "postgresql":
        return request.getfixturevalue("postgres_database")
    return f"sqlite:///{tmp_path / 'own.sqlite3'}"
