"""
manage.py backup / restore: export the whole database, restore it into a fresh one, and find every table the same,
from SQLite to PostgreSQL and back.

These tests run the commands in subprocesses against real database files and servers, as an operator would. The
PostgreSQL leg needs the server at 127.0.0.1:5432 (or HERITAGE_TEST_POSTGRES_URL); CI provides it. Without it the
PostgreSQL leg is skipped locally, with the reason, and fails under CI=true.

Migrating a fresh database takes most of the time, so it is done once per run: each test starts from copies of a
migrated SQLite file and of a seeded one (the article and a user), made once for the module.
"""

import json
import os
import shutil
import subprocess
import sys
import uuid
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
POSTGRES_SERVER = os.environ.get("HERITAGE_TEST_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432")


def manage(database_url, *args, check=True):
    env = {**os.environ, "DATABASE_URL": database_url}
    result = subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300
    )
    if check:
        assert result.returncode == 0, result.stdout + result.stderr
    return result


def table_contents(database_url):
    """Every table's rows, as natural-key JSON, sorted: two databases with equal contents compare equal."""
    script = (
        "import json, django; django.setup();"
        "from django.apps import apps;"
        "from django.core import serializers;"
        "out = {};"
        "[out.__setitem__(m._meta.label, sorted(json.dumps(o, sort_keys=True) for o in json.loads("
        "serializers.serialize('json', m._default_manager.all(), use_natural_foreign_keys=True,"
        " use_natural_primary_keys=True)))) for m in apps.get_models() if m._meta.label not in"
        " ('contenttypes.ContentType', 'auth.Permission', 'sessions.Session')];"
        "print(json.dumps(out))"
    )
    env = {**os.environ, "DATABASE_URL": database_url, "DJANGO_SETTINGS_MODULE": "heritage.settings"}
    result = subprocess.run([sys.executable, "-c", script], cwd=ROOT, env=env, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


SEED = (
    "from django.core.management import call_command; from django.contrib.auth.models import User;"
    "call_command('loaddata', 'fixtures/vocabularies.json', 'fixtures/palmyra.json', verbosity=0);"
    "User.objects.create_user('ana', password='x')"
)


@pytest.fixture(scope="module")
def templates(tmp_path_factory):
    """A freshly migrated SQLite database, and one seeded with the article and a user; and the seeded contents."""
    folder = tmp_path_factory.mktemp("templates")
    manage(f"sqlite:///{folder / 'migrated.sqlite3'}", "migrate", "--noinput", "-v0")
    shutil.copy(folder / "migrated.sqlite3", folder / "seeded.sqlite3")
    seeded = f"sqlite:///{folder / 'seeded.sqlite3'}"
    manage(seeded, "shell", "-c", SEED)
    return {
        "migrated": folder / "migrated.sqlite3",
        "seeded": folder / "seeded.sqlite3",
        "contents": table_contents(seeded),
    }


def copy_of(templates, name, path):
    shutil.copy(templates[name], path)
    return f"sqlite:///{path}"


@pytest.fixture
def postgres_database():
    psycopg = pytest.importorskip("psycopg")
    name = f"heritage_backup_{uuid.uuid4().hex[:8]}"
    try:
        admin = psycopg.connect(f"{POSTGRES_SERVER}/postgres", autocommit=True, connect_timeout=5)
    except psycopg.OperationalError as exc:
        if os.environ.get("CI"):
            pytest.fail(f"PostgreSQL is required in CI and not reachable at {POSTGRES_SERVER}: {exc}")
        pytest.skip(f"no PostgreSQL at {POSTGRES_SERVER} ({exc}); set HERITAGE_TEST_POSTGRES_URL or run CI")
    admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield f"{POSTGRES_SERVER}/{name}"
    finally:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.close()


def test_backup_restores_into_a_fresh_sqlite_database(tmp_path, templates):
    source = copy_of(templates, "seeded", tmp_path / "source.sqlite3")
    manage(source, "backup", str(tmp_path / "backup.json.gz"))
    target = copy_of(templates, "migrated", tmp_path / "target.sqlite3")
    manage(target, "restore", str(tmp_path / "backup.json.gz"))
    assert table_contents(target) == templates["contents"]


def test_backup_travels_from_sqlite_to_postgresql_and_back(tmp_path, templates, postgres_database):
    source = copy_of(templates, "seeded", tmp_path / "source.sqlite3")
    manage(source, "backup", str(tmp_path / "from-sqlite.json"))
    manage(postgres_database, "migrate", "--noinput", "-v0")
    manage(postgres_database, "restore", str(tmp_path / "from-sqlite.json"))
    assert table_contents(postgres_database) == templates["contents"]

    manage(postgres_database, "backup", str(tmp_path / "from-postgres.json"))
    back = copy_of(templates, "migrated", tmp_path / "back.sqlite3")
    manage(back, "restore", str(tmp_path / "from-postgres.json"))
    assert table_contents(back) == templates["contents"]


def test_restore_refuses_a_database_that_holds_records(tmp_path, templates):
    source = copy_of(templates, "seeded", tmp_path / "source.sqlite3")
    manage(source, "backup", str(tmp_path / "backup.json"))
    result = manage(source, "restore", str(tmp_path / "backup.json"), check=False)
    assert result.returncode != 0
    assert "The database is not empty" in result.stderr
