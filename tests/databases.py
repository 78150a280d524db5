"""
Databases that tests build for themselves (migration, upgrade, backup and restore tests run `manage.py` against a
database of their own, never the test database), on the engine the suite runs on.

Migrating a fresh database takes seconds, most of the cost of these tests, so each runs once per suite: on SQLite in
`make test`, on PostgreSQL in `DATABASE_URL=postgres://… make test` (CI runs both). A test about one engine in
particular says so with a marker, and runs in that engine's suite:

- `postgresql`: needs a PostgreSQL server beside SQLite (a backup travelling from one to the other);
- `sqlite`: works on copies of SQLite files (backups restored into SQLite, a database kept at an old migration).

A test that starts from a migrated database asks `migrated_database(stage)` for a copy of the run's snapshot at that
stage (STAGES below), rather than migrating one itself.
"""

import fcntl
import os
import shutil
import uuid
from urllib.parse import urlsplit, urlunsplit

import pytest
from django.conf import settings

from .processes import manage

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


def built_once(tmp_path_factory, name, build):
    """
    A folder `name` that `build(folder)` fills once for the whole test run: the first xdist worker to ask builds it,
    the others wait for it and reuse it. For set-up that costs seconds (migrating databases in subprocesses).
    """
    folder = run_folder(tmp_path_factory) / name
    with open(folder.with_name(f"{name}.lock"), "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not (folder / ".built").exists():
            shutil.rmtree(folder, ignore_errors=True)
            folder.mkdir()
            build(folder)
            (folder / ".built").touch()
    return folder


def run_folder(tmp_path_factory):
    """The temporary folder of the whole run, which every xdist worker shares."""
    base = tmp_path_factory.getbasetemp()
    # xdist workers' temporary folders share the run's folder as their parent; a run without workers has its own.
    return base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base


# --- migrated snapshots -------------------------------------------------------------------------------------------

# The points in the records app's history that tests start from, in migration order ("latest": every app's newest).
# Each snapshot is made from a copy of the one before it, so a run migrates from nothing to the newest migration once
# (a full migrate costs tens of CPU-seconds, nearly all of it Django rendering migration states), and each test
# starts from a copy: a file copy on SQLite, CREATE DATABASE ... TEMPLATE on PostgreSQL.
STAGES = [
    "0007_public_counts_from_indexes",
    "0009_dates_languages_and_damage_dating",
    "0011_workflow_threat_status",
    "latest",
]


def migrate_to(database_url, stage):
    manage(database_url, "migrate", *([] if stage == "latest" else ["records", stage]), "--noinput", "-v0")


def sqlite_snapshot(tmp_path_factory, stage):
    """An SQLite file migrated as far as `stage`, made once a run; never to be written: copy it."""

    def build(folder):
        position = STAGES.index(stage)
        if position:
            shutil.copy(sqlite_snapshot(tmp_path_factory, STAGES[position - 1]), folder / "db.sqlite3")
        migrate_to(f"sqlite:///{folder / 'db.sqlite3'}", stage)

    return built_once(tmp_path_factory, f"sqlite-at-{stage}", build) / "db.sqlite3"


def postgres_snapshot(tmp_path_factory, stage):
    """The name of a PostgreSQL database migrated as far as `stage`, made once a run (a template: never connect)."""

    def build(folder):
        name = f"heritage_snapshot_{uuid.uuid4().hex[:8]}"
        (folder / POSTGRES_NAME).write_text(name)  # written first, so that the run's end drops it whatever happens
        position = STAGES.index(stage)
        template = postgres_snapshot(tmp_path_factory, STAGES[position - 1]) if position else None
        with postgres_admin() as admin:
            admin.execute(f'CREATE DATABASE "{name}"' + (f' TEMPLATE "{template}"' if template else ""))
        migrate_to(f"{postgres_server()}/{name}", stage)

    return (built_once(tmp_path_factory, f"postgres-at-{stage}", build) / POSTGRES_NAME).read_text()


POSTGRES_NAME = "database-name"


def postgres_admin():
    """A connection to the server's maintenance database, for creating and dropping databases."""
    psycopg = pytest.importorskip("psycopg")
    server = postgres_server()
    try:
        return psycopg.connect(f"{server}/postgres", autocommit=True, connect_timeout=5)
    except psycopg.OperationalError as exc:
        pytest.fail(f"PostgreSQL is not reachable at {server}: {exc}")


def drop_snapshots(tmp_path_factory):
    """At the end of the run (pytest_sessionfinish, in the process that started the workers): drop the PostgreSQL
    snapshots the workers made."""
    names = [path.read_text() for path in run_folder(tmp_path_factory).glob(f"postgres-at-*/{POSTGRES_NAME}")]
    if names:
        with postgres_admin() as admin:
            for name in names:
                admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def migrated_database(request, tmp_path, tmp_path_factory):
    """
    `migrated_database(stage, engine=None)`: the URL of a database of its own for this test, migrated as far as
    `stage` (one of STAGES), on the suite's engine unless `engine` ("sqlite" or "postgresql") says otherwise.
    """
    made = []

    def make(stage, engine=None):
        if (engine or SUITE_ENGINE) == "sqlite":
            path = tmp_path / f"at-{stage}-{len(made)}.sqlite3"
            shutil.copy(sqlite_snapshot(tmp_path_factory, stage), path)
            made.append(path)
            return f"sqlite:///{path}"
        template = postgres_snapshot(tmp_path_factory, stage)
        name = f"heritage_own_{uuid.uuid4().hex[:8]}"
        with postgres_admin() as admin:
            admin.execute(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
        made.append(name)
        return f"{postgres_server()}/{name}"

    yield make
    names = [name for name in made if isinstance(name, str)]
    if names:
        with postgres_admin() as admin:
            for name in names:
                admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
