"""
manage.py restore refuses, restoring nothing: a database that already holds records, an archive whose parts do not
match their checksums, one whose manifest or records are malformed (too deep, too long, outside storage), one whose
members do not unpack. On copies of the run's template databases and archives (tests/backups.py); the malformed ones
in this process, in the test database of either suite (refused before anything is restored, or rolled back).
"""

import hashlib
import io
import json
import shutil
import zipfile

import pytest
from django.apps import apps
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.core.management.base import CommandError

from heritage.records.models import DamageReport

from .backups import copy_of, manage, stored_originals, table_contents
from .conftest import stored_files

pytestmark = pytest.mark.long


@pytest.mark.sqlite
def test_restore_refuses_a_database_that_holds_records(tmp_path, backup_templates):
    source = copy_of(backup_templates, "seeded", tmp_path / "source.sqlite3")
    result = manage(source, "restore", str(backup_templates["backup"]), check=False)
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
def test_a_damaged_archive_restores_nothing(tmp_path, backup_templates, damage, message):
    """An original or a text changed in the archive is refused, naming it; the database and storage stay empty."""
    archive = tmp_path / "backup.zip"
    shutil.copy(backup_templates["backup"], archive)
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
    target = copy_of(backup_templates, "migrated", tmp_path / "target.sqlite3")
    result = manage(target, "restore", str(archive), check=False)
    assert result.returncode != 0
    assert message in result.stderr
    assert table_contents(target) == backup_templates["migrated contents"]
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
def test_a_malformed_archive_is_refused_saying_what_is_wrong(
    empty_database, originals, tmp_path, backup_templates, case
):
    """
    An archive whose manifest or records are not what `backup` writes, though its checksums match, is refused with a
    message naming the part and what is wrong with it, not a traceback; the database (the roles `migrate` made
    included) and storage stay as they were. Restored in this process, into the test database emptied of records.
    """
    member, change, message = MALFORMED[case]
    archive = forged(backup_templates["backup"], tmp_path / "forged.zip", member, change)
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


def test_an_archive_without_groups_leaves_the_roles_migrate_made(empty_database, originals, tmp_path, backup_templates):
    """A backup of a database whose groups were all deleted restores, and the roles `migrate` made stay."""
    archive = forged(
        backup_templates["backup"], tmp_path / "no-groups.zip", "records.json", rows_changed(without_groups)
    )
    call_command("restore", str(archive), stdout=io.StringIO())
    assert {"Curator", "Researcher"} <= set(Group.objects.values_list("name", flat=True))
    assert DamageReport.objects.exists()


def test_a_member_that_does_not_unpack_is_damage(empty_database, originals, tmp_path, backup_templates):
    """A byte of records.json changed inside the zip (its CRC no longer holds): refused as damage, not a traceback."""
    data = bytearray(backup_templates["backup"].read_bytes())
    with zipfile.ZipFile(backup_templates["backup"]) as archive:
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
