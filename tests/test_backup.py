"""
manage.py backup / restore: export the whole database (history of edited and deleted records included) and the
sources' original documents, restore them into a fresh database and storage, and find every table, every row under
its own primary key, and every original the same, from SQLite to PostgreSQL and back; an archive of the first format
still restores; and a damaged or malformed archive restores nothing, saying what is wrong with it.

These tests run the commands in subprocesses against real database files and servers, as an operator would. The
tests on SQLite files run in the SQLite suite; the journey to PostgreSQL and back runs in the PostgreSQL suite, on its
server (tests/databases.py). Two run in this process, in the test database of either suite: one on the records'
JSON alone, and the refusal of malformed archives (refused before anything is restored, or rolled back).

Migrating a fresh database takes most of the time, so it is done once per run: each test starts from copies of the
run's migrated snapshot (tests/databases.py) and of a seeded database (the article and a user) made from it once.
"""

import collections
import hashlib
import io
import json
import os
import shutil
import tempfile
import uuid
import zipfile
from pathlib import Path

import pytest
from django.apps import apps
from django.contrib.auth.models import Group
from django.core import serializers
from django.core.management import call_command
from django.core.management.base import CommandError

from heritage.records.models import Citation, DamageReport

from . import processes
from .conftest import stored_files
from .databases import built_once, sqlite_snapshot
from .processes import run_python

pytestmark = pytest.mark.long


def originals_of(database_url):
    """Each database keeps its originals in a folder of its own, as two deployments would: beside an SQLite file."""
    if database_url.startswith("sqlite:///"):
        return Path(database_url.removeprefix("sqlite:///") + ".originals")
    return ORIGINALS / hashlib.sha256(database_url.encode()).hexdigest()[:16]


ORIGINALS = Path(tempfile.gettempdir()) / f"heritage-test-originals-{uuid.uuid4().hex[:8]}"


@pytest.fixture(autouse=True, scope="module")
def originals_go_at_the_end():
    """The PostgreSQL databases' originals folders (ORIGINALS) go with the module's last test."""
    yield
    shutil.rmtree(ORIGINALS, ignore_errors=True)


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
def templates(tmp_path_factory):
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


@pytest.mark.parametrize(
    ("where", "reason"),
    [("in a folder that is not there", "No such file or directory"), ("where a folder has its name", "Is a directory")],
)
def test_a_backup_that_cannot_be_written_says_why_and_leaves_nothing(db, tmp_path, where, reason):
    """An archive that cannot be written is an error saying why, not a traceback; no part of it is left behind."""
    output = tmp_path / "missing" / "backup.zip" if "not there" in where else tmp_path / "backup.zip"
    if "folder has its name" in where:
        output.mkdir()
    with pytest.raises(CommandError, match=f"The backup was not written: .*{reason}"):
        call_command("backup", str(output), stdout=io.StringIO())
    assert [path.name for path in tmp_path.rglob("*")] == ([] if "not there" in where else ["backup.zip"])


def test_the_records_json_reads_each_named_record_once(db, django_assert_max_num_queries):
    """
    `dumpdata --format backup` writes what Django's JSON writes with natural foreign keys and primary keys, reading
    the natural key of a record that many rows name (a site, a citation, a term) once, not once a row: a query for the
    reports, one for each report's citations, and one for each record they name.
    """
    call_command("generate_synthetic", sites=3, reports=40, seed=1, force=True, verbosity=0)
    reports = DamageReport.objects.order_by("pk")
    references = []
    for report in reports:
        for field in report._meta.concrete_fields:
            if field.is_relation and getattr(report, field.attname) is not None:
                references.append((field.related_model, getattr(report, field.attname)))
        references.extend((Citation, pk) for pk in report.citations.values_list("pk", flat=True))
    named = set(references)
    assert len(reports) > 40 and len(named) < len(references)  # records named by more than one row
    with django_assert_max_num_queries(1 + len(reports) + len(named)):
        written = serializers.serialize("backup", reports, use_natural_foreign_keys=True)
    assert json.loads(written) == json.loads(serializers.serialize("json", reports, use_natural_foreign_keys=True))


@pytest.mark.sqlite
def test_an_archive_in_the_first_format_still_restores(tmp_path, templates):
    """Every row an archive of format 1 holds is restored (under new keys: that format kept none), with the original."""
    target = copy_of(templates, "migrated", tmp_path / "target.sqlite3")
    manage(target, "restore", str(templates["backup in format 1"]))
    with zipfile.ZipFile(templates["backup in format 1"]) as archive:
        held = collections.Counter(row["model"] for row in json.loads(archive.read("records.json")))
    restored = table_contents(target)
    del restored["search.SearchEntry"]
    assert {label: len(rows) for label, rows in restored.items() if rows} == {
        apps.get_model(label)._meta.label: count for label, count in held.items()
    }
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

    # The restored rows kept their keys; what is added next is numbered after them (PostgreSQL's sequences moved on).
    manage(postgres_database, "shell", "-c", ADD_AFTER_RESTORE)


ADD_AFTER_RESTORE = """
from django.contrib.auth.models import Group, User
from heritage.records.models import DamageReport
Group.objects.create(name="Editors")
User.objects.create_user("ben")
DamageReport.objects.order_by("pk").last().save()
"""


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


def forged(archive, path, member, change):
    """
    A copy of the zip `archive` at `path` with `member`'s bytes passed through `change`, and the manifest's checksum
    of it made to match (unless it is the manifest): an archive rewritten by someone who also rewrote the manifest.
    """
    with zipfile.ZipFile(archive) as old, zipfile.ZipFile(path, "w") as new:
        manifest = json.loads(old.read("manifest.json"))
        for item in old.infolist():
            if item.filename == member != "manifest.json":
                data = change(old.read(member))
                manifest["sha256"][member] = hashlib.sha256(data).hexdigest()
                new.writestr(item, data)
            elif item.filename != "manifest.json":
                new.writestr(item, old.read(item.filename))
        manifest = json.dumps(manifest).encode()
        new.writestr("manifest.json", change(manifest) if member == "manifest.json" else manifest)
    return path


def rows_changed(change):
    """A change of records.json: its rows, parsed, passed through `change` (in place)."""

    def rewrite(records):
        rows = json.loads(records)
        change(rows)
        return json.dumps(rows).encode()

    return rewrite


def without_fields(rows):
    del rows[0]["fields"]


def named_at_length(rows):
    [site] = [row for row in rows if row["model"] == "records.site"]
    site["fields"]["name"] = "ت" * 500


def with_a_long_key(records):
    rows = json.loads(records)
    rows[0]["pk"] = "KEY"
    return json.dumps(rows).encode().replace(b'"KEY"', b"9" * 5_000)


def with_an_original_outside_storage(rows):
    [source] = [row for row in rows if row["model"] == "records.source" and row["fields"].get("original")]
    source["fields"]["original"] = "../../outside.txt"


NESTED_TOO_DEEP = b"[" * 100_000 + b"]" * 100_000

# {case: (the member changed, how, what the refusal says)}
MALFORMED = {
    "a manifest that is a list": ("manifest.json", lambda data: b"[]", "manifest.json .*: it is not a JSON object"),
    "checksums that are a string": (
        "manifest.json",
        lambda data: json.dumps({**json.loads(data), "sha256": "abc"}).encode(),
        "manifest.json is not a backup's: its sha256 is not",
    ),
    "a manifest nested too deep": (
        "manifest.json",
        lambda data: NESTED_TOO_DEEP,
        "manifest.json .*: it is nested too deep",
    ),
    "records cut short": (
        "records.json",
        lambda data: b"[{",
        "records.json is not a backup's: it cannot be read as JSON",
    ),
    "records that are an object": ("records.json", lambda data: b'{"a": 1}', "records.json .*: it is not a list of"),
    "a record that is a string": ("records.json", lambda data: b'["x"]', "records.json .*: record 1 is not an object"),
    "a record without its fields": (
        "records.json",
        rows_changed(without_fields),
        "records.json .*: record 1 is not an",
    ),
    "records nested too deep": ("records.json", lambda data: NESTED_TOO_DEEP, "records.json .*: it is nested too deep"),
    "a key of 5,000 digits": (
        "records.json",
        with_a_long_key,
        "records.json is not a backup's: it cannot be read as JSON",
    ),
    "an original named outside storage": (
        "records.json",
        rows_changed(with_an_original_outside_storage),
        "its original's name '../../outside.txt' is not one",
    ),
    "no records": ("records.json", lambda data: b"[]", "records.json is not a backup's: it holds no records"),
    "a site name of 500 characters": (
        "records.json",
        rows_changed(named_at_length),
        r"records.json does not load, so nothing was restored: Could not load records.Site\(pk=\d+\): name: Ensure "
        "this value has at most 200",
    ),
}


def every_row():
    """Every row of every table, by model: the test database's, in this process."""
    return {model._meta.label: list(model._base_manager.order_by("pk").values()) for model in apps.get_models()}


@pytest.mark.parametrize("case", MALFORMED)
def test_a_malformed_archive_is_refused_saying_what_is_wrong(empty_database, originals, tmp_path, templates, case):
    """
    An archive whose manifest or records are not what `backup` writes, though its checksums match, is refused with a
    message naming the part and what is wrong with it, not a traceback; the database (the roles `migrate` made
    included) and storage stay as they were. Restored in this process, into the test database emptied of records.
    """
    member, change, message = MALFORMED[case]
    archive = forged(templates["backup"], tmp_path / "forged.zip", member, change)
    before = every_row()
    with pytest.raises(CommandError, match=message):
        call_command("restore", str(archive), stdout=io.StringIO())
    assert every_row() == before
    assert {"Curator", "Researcher"} <= {row["name"] for row in before["auth.Group"]}
    assert stored_files(originals) == {}


def without_groups(rows):
    rows[:] = [row for row in rows if row["model"] != "auth.group"]
    for row in rows:
        if row["model"] == "auth.user":
            row["fields"]["groups"] = []


def test_an_archive_without_groups_leaves_the_roles_migrate_made(empty_database, originals, tmp_path, templates):
    """A backup of a database whose groups were all deleted restores, and the roles `migrate` made stay."""
    archive = forged(templates["backup"], tmp_path / "no-groups.zip", "records.json", rows_changed(without_groups))
    call_command("restore", str(archive), stdout=io.StringIO())
    assert {"Curator", "Researcher"} <= set(Group.objects.values_list("name", flat=True))
    assert DamageReport.objects.exists()


def test_a_member_that_does_not_unpack_is_damage(empty_database, originals, tmp_path, templates):
    """A byte of records.json changed inside the zip (its CRC no longer holds): refused as damage, not a traceback."""
    data = bytearray(templates["backup"].read_bytes())
    with zipfile.ZipFile(templates["backup"]) as archive:
        start = archive.getinfo("records.json").header_offset
    # The member's data follows its local header: 30 bytes, then its name and extra field, their lengths at 26-29.
    start += (
        30
        + int.from_bytes(data[start + 26 : start + 28], "little")
        + int.from_bytes(data[start + 28 : start + 30], "little")
    )
    data[start + 10] ^= 0xFF
    (tmp_path / "damaged.zip").write_bytes(data)
    before = every_row()
    with pytest.raises(CommandError, match=r"records.json cannot be unpacked \(.*\): the archive is damaged"):
        call_command("restore", str(tmp_path / "damaged.zip"), stdout=io.StringIO())
    assert every_row() == before
    assert stored_files(originals) == {}
