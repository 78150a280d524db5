"""
What the backup tests share: `manage.py` run against a database with its own originals, every table's contents
read in a subprocess, and the run's template databases and archives (`backup_templates`), built once.
"""

import hashlib
import json
import os
import shutil
import tempfile
import uuid
import zipfile
from pathlib import Path

import pytest

from . import processes
from .databases import built_once, sqlite_snapshot
from .processes import run_python


def originals_of(database_url):
    """Each database keeps its originals in a folder of its own, as two deployments would: beside an SQLite file."""
    if database_url.startswith("sqlite:///"):
        return Path(database_url.removeprefix("sqlite:///") + ".originals")
    return ORIGINALS / hashlib.sha256(database_url.encode()).hexdigest()[:16]


ORIGINALS = Path(tempfile.gettempdir()) / f"heritage-test-originals-{uuid.uuid4().hex[:8]}"


def manage(database_url, *args, check=True):
    """`manage.py` against the database at `database_url`, with that database's originals (`originals_of`)."""
    return processes.manage(database_url, *args, env={"ORIGINALS_DIR": str(originals_of(database_url))}, check=check)


# Every row of every table but the search index, as JSON: the rows with their primary keys (a restore keeps them:
# history and the admin's log name records by them) and references by primary key, except to content types and
# permissions, which each database's `migrate` numbers in its own way (by natural key). Times compare to the
# millisecond a backup's JSON keeps; one less than a millisecond past its second is written "15.000Z" before the
# journey and "15Z" after it, so ".000" is dropped. The search index is derived from the records and rebuilt by
# restore under ids of its own: it is compared by its size.
TABLE_CONTENTS = """
import json, re, django
django.setup()
from django.apps import apps
from django.core import serializers
from django.core.management import call_command

from django.contrib.auth.models import Group

from heritage.records.models import Citation, DamageReport
from django.core.serializers import json as json_serializer

NUMBERED_BY_MIGRATE = ("contenttypes.ContentType", "auth.Permission")
LEFT_OUT = (*NUMBERED_BY_MIGRATE, "sessions.Session", "search.SearchEntry")


class Rows(json_serializer.Serializer):
    def handle_fk_field(self, obj, field):
        self.use_natural_foreign_keys = field.related_model._meta.label in NUMBERED_BY_MIGRATE
        super().handle_fk_field(obj, field)

    def handle_m2m_field(self, obj, field):
        self.use_natural_foreign_keys = field.related_model._meta.label in NUMBERED_BY_MIGRATE
        super().handle_m2m_field(obj, field)


def rows(model):
    dumped = json.loads(Rows().serialize(model._default_manager.order_by("pk")))
    return sorted(
        re.sub(r"(T\\d\\d:\\d\\d:\\d\\d)[.]000(?=Z|[+-]\\d\\d:\\d\\d)", r"\\1", json.dumps(row, sort_keys=True))
        for row in dumped
    )


out = {model._meta.label: rows(model) for model in apps.get_models() if model._meta.label not in LEFT_OUT}
out["search.SearchEntry"] = apps.get_model("search", "SearchEntry").objects.count()
print(json.dumps(out))
"""


def table_contents(database_url):
    """Every table's rows (TABLE_CONTENTS): two databases with equal contents compare equal."""
    env = {**os.environ, "DATABASE_URL": database_url, "DJANGO_SETTINGS_MODULE": "heritage.settings"}
    result = run_python(["-c", TABLE_CONTENTS], env=env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


SEED = (
    "from django.core.management import call_command; from django.contrib.auth.models import User;"
    "from heritage.records import services, texts; from heritage.records.models import Source;"
    "call_command('loaddata', 'fixtures/eamena-vocabularies.json', 'fixtures/vocabularies.json',"
    " 'fixtures/palmyra.json', verbosity=0);"
    "User.objects.create_user('ana', password='x');"
    "services.save_source(source=Source(slug='hatra', title='Hatra', kind_id='website', language='ar'),"
    " document=texts.extract('<html><body><article><p>تعرضت مدينة الحضر للتدمير عام 2015.</p></article></body></html>'"
    ".encode(), name='hatra.html'))"
)

# Two damage reports edited (their history, citations included, names them by primary key), then the first deleted
# by a curator (a tombstone, and history naming a record that no longer exists): the restored database must keep
# every row's key, or the second report's history would name another record. And a role made again (as an admin
# would after removing it), under another key than the one `migrate` gives it in the fresh database.
EDIT_AND_DELETE = """
from django.contrib.auth.models import Group, User
from heritage.records.changes import deleting
from heritage.records.models import DamageReport
first, second = DamageReport.objects.order_by("pk")[:2]
first.save()
second.save()
with deleting(user=User.objects.get(username="ana"), reason="a duplicate"):
    first.delete()
researcher = Group.objects.get(name="Researcher")
permissions = list(researcher.permissions.all())
researcher.delete()
Group.objects.create(name="Researcher").permissions.set(permissions)
"""


def stored_originals(database_url):
    """{name: bytes} of every original a database's storage holds."""
    folder = originals_of(database_url)
    return {str(path.relative_to(folder)): path.read_bytes() for path in folder.rglob("*") if path.is_file()}


@pytest.fixture(scope="module")
def backup_templates(tmp_path_factory):
    """
    A freshly migrated SQLite database (the run's snapshot), one seeded with the article, a user, an uploaded source,
    edits and a deletion (EDIT_AND_DELETE), and the seeded database's contents (JSON): built once for the whole run,
    whichever workers ask.
    """
    migrated = sqlite_snapshot(tmp_path_factory, "latest")

    def build(folder):
        shutil.copy(migrated, folder / "seeded.sqlite3")
        seeded = f"sqlite:///{folder / 'seeded.sqlite3'}"
        manage(seeded, "shell", "-c", SEED)
        first_format(seeded, folder / "backup-format-1.zip")
        manage(seeded, "shell", "-c", EDIT_AND_DELETE)
        (folder / "contents.json").write_text(json.dumps(table_contents(seeded)))
        manage(seeded, "backup", str(folder / "backup.zip"))
        shutil.copy(migrated, folder / "migrated.sqlite3")  # read from a copy: the snapshot is never opened
        (folder / "migrated-contents.json").write_text(
            json.dumps(table_contents(f"sqlite:///{folder}/migrated.sqlite3"))
        )

    folder = built_once(tmp_path_factory, "backup-templates", build)
    seeded = f"sqlite:///{folder / 'seeded.sqlite3'}"
    originals = stored_originals(seeded)
    assert len(originals) == 1
    return {
        "migrated": migrated,
        "seeded": folder / "seeded.sqlite3",
        "contents": json.loads((folder / "contents.json").read_text()),
        "originals": originals,
        # The seeded database's backup (test_backup_restores_into_a_fresh_sqlite_database makes its own), and what
        # the migrated snapshot holds before anything is restored into it.
        "backup": folder / "backup.zip",
        "migrated contents": json.loads((folder / "migrated-contents.json").read_text()),
        "backup in format 1": folder / "backup-format-1.zip",
    }


def first_format(database_url, archive):
    """
    An archive as `backup` wrote it in format 1, before records kept their primary keys: the records by natural keys
    alone (dumpdata --natural-foreign --natural-primary, which a history row naming a deleted record stops).
    """
    records = archive.with_name("records-format-1.json")
    excluded = ["--exclude=contenttypes", "--exclude=auth.permission", "--exclude=sessions", "--exclude=search"]
    manage(database_url, "dumpdata", "--natural-foreign", "--natural-primary", *excluded, "--output", str(records))
    parts = {"records.json": records.read_bytes()}
    parts.update({f"originals/{name}": data for name, data in stored_originals(database_url).items()})
    manifest = {
        "format": "heritage-backup/1",
        "sha256": {name: hashlib.sha256(data).hexdigest() for name, data in parts.items()},
    }
    with zipfile.ZipFile(archive, "w") as opened:
        for name, data in parts.items():
            opened.writestr(name, data)
        opened.writestr("manifest.json", json.dumps(manifest))


def copy_of(templates, name, path):
    """A copy at `path` of the template database `name` (of `backup_templates`), with its originals: its URL."""
    shutil.copy(templates[name], path)
    url = f"sqlite:///{path}"
    if name == "seeded":
        shutil.copytree(originals_of(f"sqlite:///{templates[name]}"), originals_of(url))
    return url
