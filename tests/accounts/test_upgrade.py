"""
Upgrading a database whose tokens were DRF's plain `authtoken` keys (migration accounts 0002): every old key keeps
working as a hashed token, no key is left in clear, and the old app's table, migrations and permissions are gone.
On SQLite and on PostgreSQL, migrating real databases in subprocesses as an operator would.

The database before the upgrade is a copy of the run's migrated snapshot (tests/databases.py) taken back to before
the accounts app (`migrate accounts zero`: no other app depends on it), rather than migrated from nothing: only the
accounts app's tables and the authtoken app's differ between the two, and a full migrate costs most of a minute.
"""

import json
import os

import pytest

from ..processes import run_python

pytestmark = pytest.mark.long

OLD_KEY = "0123456789abcdef0123456789abcdef01234567"

# Before the accounts app existed (with today's settings: the legacy ones do not know it).
WITHOUT_ACCOUNTS = """
import django; django.setup()
from django.core.management import call_command
call_command("migrate", "accounts", "zero", verbosity=0)
"""

BEFORE = f"""
import django; django.setup()
from django.contrib.admin.models import ADDITION, LogEntry
from django.contrib.auth.models import Group, Permission, User
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from rest_framework.authtoken.models import Token
call_command("migrate", verbosity=0)
user = User.objects.create_user("ana")
token = Token.objects.create(user=user, key="{OLD_KEY}")
Token.objects.filter(pk=token.pk).update(created="2020-01-02T03:04:05Z")
admins = Group.objects.create(name="token admins")
admins.permissions.add(Permission.objects.get(codename="add_token"))
kind = ContentType.objects.get_for_model(Token)
LogEntry.objects.create(user=user, content_type=kind, object_id=token.pk, object_repr="a token", action_flag=ADDITION)
"""

AFTER = f"""
import json, django; django.setup()
from django.contrib.admin.models import LogEntry
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.db import connection
from django.db.migrations.recorder import MigrationRecorder
from django.utils import timezone
from rest_framework import exceptions
from heritage.accounts.authentication import TokenAuthentication
from heritage.accounts.models import ApiToken
call_command("migrate", verbosity=0)
user, token = TokenAuthentication().authenticate_credentials(b"{OLD_KEY}")
try:
    TokenAuthentication().authenticate_credentials(b"{OLD_KEY[:-1]}8")
    wrong = "accepted"
except exceptions.AuthenticationFailed:
    wrong = "refused"
rows = [list(map(str, row)) for row in ApiToken.objects.values_list(*[f.attname for f in ApiToken._meta.fields])]
print(json.dumps({{
    "user": user.username,
    "created": token.created.isoformat(),
    "expires in days": round((token.expiry - timezone.now()).total_seconds() / 86400),
    "wrong key": wrong,
    "key in clear": any("{OLD_KEY}" in value for row in rows for value in row),
    "tables": [t for t in connection.introspection.table_names() if "authtoken" in t],
    "migrations": MigrationRecorder(connection).migration_qs.filter(app="authtoken").count(),
    "content types": ContentType.objects.filter(app_label="authtoken").count(),
    "group permissions": Group.objects.get(name="token admins").permissions.count(),
    "log entries": list(LogEntry.objects.values_list("object_repr", "content_type")),
}}))
"""


def run(database_url, script, settings_module):
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "DJANGO_SETTINGS_MODULE": settings_module,
        "API_TOKEN_DAYS": "30",
    }
    result = run_python(["-c", script], env=env)
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


def upgrade(database_url):
    run(database_url, WITHOUT_ACCOUNTS, "heritage.settings")
    run(database_url, BEFORE, "tests.accounts.legacy_settings")
    return json.loads(run(database_url, AFTER, "heritage.settings"))


EXPECTED = {
    "user": "ana",
    "created": "2020-01-02T03:04:05+00:00",
    "wrong key": "refused",
    "key in clear": False,
    "tables": [],
    "migrations": 0,
    "content types": 0,
    "group permissions": 0,
    "log entries": [["a token", None]],
    # Like a new token: API_TOKEN_DAYS from the upgrade.
    "expires in days": 30,
}


def test_plain_tokens_become_hashed(migrated_database):
    assert upgrade(migrated_database("latest")) == EXPECTED
