"""Settings come from the environment; production refuses to start without a real secret."""

import os
import re

import pytest

from .processes import run_python

STRONG_KEY = "k7#Qz9!vR2@pL5^wX8&nM3*bT6(yH1)jD4-fG0_sA9+eC2=uV7"


def environ_without(*names):
    """This process's environment without the settings variables `names`, so that a child process gets defaults."""
    return {k: v for k, v in os.environ.items() if k not in names}


PRODUCTION_VARIABLES = ("SECRET_KEY", "DEBUG", "ALLOWED_HOSTS")


def check(**env):
    """Run `manage.py check` in a process of its own (tests/processes.py) with only the given settings variables."""
    clean = environ_without(*PRODUCTION_VARIABLES, "DATABASE_URL", "TRUSTED_PROXIES", "MAP_TILE_URL")
    return run_python(["manage.py", "check"], env={**clean, **env}, timeout=120)


def test_development_defaults_run_locally():
    result = check()
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"DEBUG": "false", "ALLOWED_HOSTS": "heritage.example.org"}, "SECRET_KEY must be set"),
        (
            {"DEBUG": "false", "ALLOWED_HOSTS": "heritage.example.org", "SECRET_KEY": "short"},
            "SECRET_KEY must be a real secret",
        ),
        ({"DEBUG": "false", "SECRET_KEY": STRONG_KEY}, "ALLOWED_HOSTS must be set"),
        (
            {"DEBUG": "false", "ALLOWED_HOSTS": "heritage.example.org", "SECRET_KEY": "x" * 60},
            "SECRET_KEY must be a real secret",
        ),
        (
            {"DEBUG": "false", "ALLOWED_HOSTS": "heritage.example.org", "SECRET_KEY": "django-insecure-" + STRONG_KEY},
            "SECRET_KEY must be a real secret",
        ),
        ({"DEBUG": "false", "ALLOWED_HOSTS": "*", "SECRET_KEY": STRONG_KEY}, "not a wildcard"),
        ({"DEBUG": "false", "ALLOWED_HOSTS": "heritage.example.org,*", "SECRET_KEY": STRONG_KEY}, "not a wildcard"),
        ({"TRUSTED_PROXIES": "one"}, "TRUSTED_PROXIES must be a whole number"),
        ({"MAP_TILE_URL": "tiles/{z}/{x}/{y}.png"}, "Expected an http(s) URL"),
        ({"DEBUG": "maybe"}, "DEBUG must be true or false"),
    ],
)
def test_production_refuses_to_start_without_real_settings(env, message):
    result = check(**env)
    assert result.returncode != 0
    assert message in result.stderr


def test_database_url_switches_the_engine():
    result = run_python(
        ["-c", "from django.conf import settings; print(settings.DATABASES['default']['ENGINE'])"],
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "heritage.settings", "DATABASE_URL": "postgres://u@h:5432/db"},
        timeout=60,
    )
    assert result.stdout.strip() == "django.db.backends.postgresql", result.stderr


def test_the_deploy_check_passes_with_the_documented_production_environment():
    """`manage.py check --deploy` reports nothing when the production variables docs/deployment.md gives are set."""
    clean = environ_without(*PRODUCTION_VARIABLES)
    env = {
        **clean,
        "DEBUG": "false",
        "SECRET_KEY": STRONG_KEY,
        "ALLOWED_HOSTS": "heritage.example.org",
    }
    result = run_python(["manage.py", "check", "--deploy", "--fail-level", "WARNING"], env=env, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def postgresql_options(**env):
    result = run_python(
        ["-c", "from django.conf import settings; print(settings.DATABASES['default']['OPTIONS'])"],
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "heritage.settings", "DATABASE_URL": "postgres://u@h:5432/db"}
        | env,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


@pytest.mark.parametrize(
    ("threshold", "expected"),
    [({}, "'prepare_threshold': 5"), ({"PREPARE_THRESHOLD": "none"}, "'prepare_threshold': None")],
)
def test_postgresql_prepares_repeated_queries_unless_told_not_to(threshold, expected):
    """Server-side binding with prepared statements by default; PREPARE_THRESHOLD=none (PgBouncer) turns them off."""
    options = postgresql_options(**threshold)
    assert "'server_side_binding': True" in options
    assert expected in options


def test_sqlite_connections_keep_64_mb_of_pages_in_memory_and_map_the_file(tmp_path):
    """SQLite's default page cache (2 MB) is smaller than what a list page of 100 damage reports reads; reads come
    from the file mapped into memory (SQLite caps the map at its compiled-in limit, at least 2 GB less 64 KB)."""
    code = (
        "import django; django.setup(); from django.db import connection; cursor = connection.cursor(); "
        "print(*(cursor.execute(f'PRAGMA {name}').fetchone()[0] for name in ('cache_size', 'journal_mode')), "
        "int(cursor.execute('PRAGMA mmap_size').fetchone()[0]) >= 2**31 - 2**16)"
    )
    result = run_python(
        ["-c", code],
        env={
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "heritage.settings",
            "DATABASE_URL": f"sqlite:///{tmp_path / 'cache.sqlite3'}",
        },
        timeout=60,
    )
    assert result.stdout.split() == ["-64000", "wal", "True"], result.stderr


def storages_with(**env):
    """The STORAGES setting a fresh process builds from `env`, or its error."""
    clean = {k: v for k, v in os.environ.items() if not k.startswith("ORIGINALS_")}
    return run_python(
        ["-c", "import json, heritage.settings as s; print(json.dumps(s.STORAGES['originals']))"],
        env={**clean, **env},
        timeout=60,
    )


def test_originals_are_kept_on_disk_by_default_and_in_a_bucket_one_setting_away(tmp_path):
    import json

    disk = json.loads(storages_with(ORIGINALS_DIR=str(tmp_path)).stdout)
    assert disk == {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(tmp_path), "base_url": None},
    }
    bucket = json.loads(storages_with(ORIGINALS_STORAGE="s3", ORIGINALS_BUCKET="heritage-originals").stdout)
    assert bucket["BACKEND"] == "storages.backends.s3.S3Storage"
    assert bucket["OPTIONS"]["bucket_name"] == "heritage-originals"
    assert bucket["OPTIONS"]["default_acl"] == "private" and bucket["OPTIONS"]["querystring_auth"] is True
    assert "ORIGINALS_BUCKET" in storages_with(ORIGINALS_STORAGE="s3").stderr
    assert "ORIGINALS_STORAGE must be filesystem or s3" in storages_with(ORIGINALS_STORAGE="ftp").stderr


SERVER_ERROR = """
from unittest import mock
import django
django.setup()
from django.test import Client
from heritage.records.api.sites import SiteViewSet
client = Client(raise_request_exception=False)
with mock.patch.object(SiteViewSet, "list", side_effect=RuntimeError("the disk is on fire")):
    print(client.get("/api/v1/sites/", secure=True).status_code)
print(client.get("/api/v1/sites/", secure=True, HTTP_HOST="attacker.example").status_code)
print(client.get("/api/v1/no-such-thing/", secure=True).status_code)
"""


def test_production_logs_server_errors_and_refused_hosts_to_standard_error():
    """
    With DEBUG off, a server error's traceback and a refused Host header reach standard error (gunicorn's log),
    where Django's default logging would print nothing; an ordinary 404 is not logged.
    """
    clean = environ_without(*PRODUCTION_VARIABLES)
    env = {**clean, "DJANGO_SETTINGS_MODULE": "heritage.settings", "DEBUG": "false", "SECRET_KEY": STRONG_KEY}
    result = run_python(["-c", SERVER_ERROR], env={**env, "ALLOWED_HOSTS": "testserver"}, timeout=120)
    assert result.stdout.split() == ["500", "400", "404"], result.stderr
    assert "ERROR django.request: Internal Server Error: /api/v1/sites/" in result.stderr
    assert "RuntimeError: the disk is on fire" in result.stderr
    assert "ERROR django.security.DisallowedHost: Invalid HTTP_HOST header: 'attacker.example'" in result.stderr
    assert "no-such-thing" not in result.stderr


def test_the_development_server_still_prints_each_request():
    """runserver's line for each request (INFO, `django.server`) keeps Django's own form in development."""
    clean = environ_without(*PRODUCTION_VARIABLES)
    code = 'import django, logging; django.setup(); logging.getLogger("django.server").info(\'"GET /admin/" 200 9\')'
    result = run_python(["-c", code], env={**clean, "DJANGO_SETTINGS_MODULE": "heritage.settings"}, timeout=60)
    assert result.returncode == 0, result.stderr
    assert re.fullmatch(r'\[\d{2}/\w{3}/\d{4} [\d:]{8}(,\d{3})?\] "GET /admin/" 200 9\n', result.stderr), result.stderr
