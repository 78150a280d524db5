"""
manage.py backup / restore: export the whole database and the sources' original documents, restore them into a fresh
database and storage, and find every table and every original the same, from SQLite to PostgreSQL and back; and a
damaged archive restores nothing.

These tests run the commands in subprocesses against real database files and servers, as an operator would. The
tests on SQLite files run in the SQLite suite; the journey to PostgreSQL and back runs in the PostgreSQL suite, on its
server (tests/databases.py).

Migrating a fresh database takes most of the time, so it is done once per run: each test starts from copies of the
run's migrated snapshot (tests/databases.py) and of a seeded database (the article and a user) made from it once.
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

from .databases import built_once, sqlite_snapshot
from .processes import run_python

ROOT = Path(__file__).resolve().parent.parent


def originals_of(database_url):
    """Each database keeps its originals in a folder of its own, as two deployments would: beside an SQLite file."""
    if database_url.startswith("sqlite:///"):
        return Path(database_url.removeprefix("sqlite:///") + ".originals")
    return ORIGINALS / hashlib.sha256(database_url.encode()).hexdigest()[:16]


ORIGINALS = Path(tempfile.gettempdir()) / f"heritage-test-originals-{uuid.uuid4().hex[:8]}"


def manage(database_url, *args, check=True):
    env = {**os.environ, "DATABASE_URL": database_url, "ORIGINALS_DIR": str(originals_of(database_url))}
    result = run_python(["manage.py", *args], env=env, cwd=ROOT, timeout=300)
    if check:
        assert result.returncode == 0, result.stdout + result.stderr
    return result


def table_contents(database_url):
    """
    Every table's rows, as natural-key JSON, sorted: two databases with equal contents compare equal. The search
    index is derived from the records and rebuilt by restore, under ids of its own: it is compared by its size.

    Times compare to the millisecond a backup's JSON keeps; one less than a millisecond past its second is written
    "15.000Z" before the journey and "15Z" after it, so ".000" is dropped.
    """
    script = (
        "import json, re, django; django.setup();"
        "from django.apps import apps;"
        "from django.core import serializers;"
        "out = {};"
        "[out.__setitem__(m._meta.label, sorted(re.sub(r'(T\\d\\d:\\d\\d:\\d\\d)[.]000(?=Z|[+-]\\d\\d:\\d\\d)', r'\\1',"
        " json.dumps(o, sort_keys=True)) for o in json.loads("
        "serializers.serialize('json', m._default_manager.all(), use_natural_foreign_keys=True,"
        " use_natural_primary_keys=True)))) for m in apps.get_models() if m._meta.label not in"
        " ('contenttypes.ContentType', 'auth.Permission', 'sessions.Session', 'search.SearchEntry')];"
        "out['search.SearchEntry'] = apps.get_model('search', 'SearchEntry').objects.count();"
        "print(json.dumps(out))"
    )
    env = {**os.environ, "DATABASE_URL": database_url, "DJANGO_SETTINGS_MODULE": "heritage.settings"}
    result = run_python(["-c", script], env=env, cwd=ROOT)
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


def stored_originals(database_url):
    """{name: bytes} of every original a database's storage holds."""
    folder = originals_of(database_url)
    return {str(path.relative_to(folder)): path.read_bytes() for path in folder.rglob("*") if path.is_file()}


@pytest.fixture(scope="module")
def templates(tmp_path_factory):
    """
    A freshly migrated SQLite database (the run's snapshot), one seeded with the article, a user and an uploaded
    source, and the seeded database's contents (JSON): built once for the whole run, whichever workers ask.
    """
    migrated = sqlite_snapshot(tmp_path_factory, "latest")

    def build(folder):
        shutil.copy(migrated, folder / "seeded.sqlite3")
        seeded = f"sqlite:///{folder / 'seeded.sqlite3'}"
        manage(seeded, "shell", "-c", SEED)
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
    }


def copy_of(templates, name, path):
    shutil.copy(templates[name], path)
    url = f"sqlite:///{path}"
    if name == "seeded":
        shutil.copytree(originals_of(f"sqlite:///{templates[name]}"), originals_of(url))
    return url


@pytest.mark.sqlite
def test_backup_restores_into_a_fresh_sqlite_database(tmp_path, templates):
    source = copy_of(templates, "seeded", tmp_path / "source.sqlite3")
    manage(source, "backup", str(tmp_path / "backup.zip"))
    target = copy_of(templates, "migrated", tmp_path / "target.sqlite3")
    result = manage(target, "restore", str(tmp_path / "backup.zip"))
    assert "1 original(s), checksums verified" in result.stdout
    assert table_contents(target) == templates["contents"]
    assert stored_originals(target) == templates["originals"]


@pytest.mark.postgresql
def test_backup_travels_from_sqlite_to_postgresql_and_back(tmp_path, templates, migrated_database):
    """Every text and original, checksums verified, into an empty PostgreSQL database, and back again."""
    source = copy_of(templates, "seeded", tmp_path / "source.sqlite3")
    manage(source, "backup", str(tmp_path / "from-sqlite.zip"))
    postgres_database = migrated_database("latest", engine="postgresql")  # a copy of the run's migrated snapshot
    manage(postgres_database, "restore", str(tmp_path / "from-sqlite.zip"))
    assert table_contents(postgres_database) == templates["contents"]
    assert stored_originals(postgres_database) == templates["originals"]
    check = manage(postgres_database, "check_integrity", check=False)
    assert "1. Source texts and originals match their checksums: ok" in check.stdout

    manage(postgres_database, "backup", str(tmp_path / "from-postgres.zip"))
    back = copy_of(templates, "migrated", tmp_path / "back.sqlite3")
    manage(back, "restore", str(tmp_path / "from-postgres.zip"))
    assert table_contents(back) == templates["contents"]
    assert stored_originals(back) == templates["originals"]


@pytest.mark.sqlite
def test_restore_refuses_a_database_that_holds_records(tmp_path, templates):
    source = copy_of(templates, "seeded", tmp_path / "source.sqlite3")
    result = manage(source, "restore", str(templates["backup"]), check=False)
    assert result.returncode != 0
    assert "The database is not empty" in result.stderr


def rewritten(archive, member, change):
    """A copy of the zip `archive` with `member`'s bytes passed through `change` (the manifest left as it was)."""
    copy = archive.with_name(f"changed-{member.replace('/', '-')}.zip")
    with zipfile.ZipFile(archive) as old, zipfile.ZipFile(copy, "w") as new:
        for item in old.infolist():
            data = old.read(item.filename)
            new.writestr(item, change(data) if item.filename == member else data)
    return copy


@pytest.mark.sqlite
@pytest.mark.parametrize(
    "damage, message",
    [
        ("original", "does not match its SHA-256 in the manifest"),
        ("text", "does not match its SHA-256 in the manifest"),
        ("text and manifest", "The text does not match its SHA-256"),
    ],
)
def test_a_damaged_archive_restores_nothing(tmp_path, templates, damage, message):
    """An original or a text changed in the archive is refused, naming it; the database and storage stay empty."""
    archive = tmp_path / "backup.zip"
    shutil.copy(templates["backup"], archive)
    with zipfile.ZipFile(archive) as opened:
        [original] = [name for name in opened.namelist() if name.startswith("originals/")]
        manifest = json.loads(opened.read("manifest.json"))
    if damage == "original":
        archive = rewritten(archive, original, lambda data: data.replace(b"2015", b"2016"))
    else:
        archive = rewritten(archive, "records.json", lambda data: data.replace(b"Syrian desert", b"Syrian plain"))
        if damage == "text and manifest":  # a forger who also fixed the manifest: the record's own checksum holds
            with zipfile.ZipFile(archive) as opened:
                manifest["sha256"]["records.json"] = hashlib.sha256(opened.read("records.json")).hexdigest()
            archive = rewritten(archive, "manifest.json", lambda data: json.dumps(manifest).encode())
    target = copy_of(templates, "migrated", tmp_path / "target.sqlite3")
    result = manage(target, "restore", str(archive), check=False)
    assert result.returncode != 0
    assert message in result.stderr
    assert table_contents(target) == templates["migrated contents"]
    assert stored_originals(target) == {}
