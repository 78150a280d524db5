"""
manage.py backup / restore: export the whole database (history of edited and deleted records included) and the
sources' original documents, restore them into a fresh database and storage, and find every table, every row under
its own primary key, and every original the same, from SQLite to PostgreSQL and back; an archive of the first format
still restores. What a restore refuses: tests/test_backup_refusals.py.

These tests run the commands in subprocesses against real database files and servers, as an operator would. The
tests on SQLite files run in the SQLite suite; the journey to PostgreSQL and back runs in the PostgreSQL suite, on its
server (tests/databases.py). Two run in this process, in the test database of either suite: a backup that cannot be
written, and the records' JSON alone.

Migrating a fresh database takes most of the time, so it is done once per run: each test starts from copies of the
run's migrated snapshot (tests/databases.py) and of a seeded database (the article and a user) made from it once
(tests/backups.py).
"""

import collections
import io
import json
import shutil
import zipfile

import pytest
from django.apps import apps
from django.core import serializers
from django.core.management import call_command
from django.core.management.base import CommandError

from heritage.records.models import Citation, DamageReport

from .backups import ORIGINALS, copy_of, manage, stored_originals, table_contents

pytestmark = pytest.mark.long


@pytest.fixture(autouse=True, scope="module")
def originals_go_at_the_end():
    """The PostgreSQL databases' originals folders (ORIGINALS) go with the module's last test."""
    yield
    shutil.rmtree(ORIGINALS, ignore_errors=True)


@pytest.mark.sqlite
def test_backup_restores_into_a_fresh_sqlite_database(tmp_path, backup_templates):
    source = copy_of(backup_templates, "seeded", tmp_path / "source.sqlite3")
    manage(source, "backup", str(tmp_path / "backup.zip"))
    target = copy_of(backup_templates, "migrated", tmp_path / "target.sqlite3")
    result = manage(target, "restore", str(tmp_path / "backup.zip"))
    assert "1 original(s), checksums verified" in result.stdout
    assert table_contents(target) == backup_templates["contents"]
    assert stored_originals(target) == backup_templates["originals"]


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
def test_an_archive_in_the_first_format_still_restores(tmp_path, backup_templates):
    """Every row an archive of format 1 holds is restored (under new keys: that format kept none), with the original."""
    target = copy_of(backup_templates, "migrated", tmp_path / "target.sqlite3")
    manage(target, "restore", str(backup_templates["backup in format 1"]))
    with zipfile.ZipFile(backup_templates["backup in format 1"]) as archive:
        held = collections.Counter(row["model"] for row in json.loads(archive.read("records.json")))
    restored = table_contents(target)
    del restored["search.SearchEntry"]
    assert {label: len(rows) for label, rows in restored.items() if rows} == {
        apps.get_model(label)._meta.label: count for label, count in held.items()
    }
    assert stored_originals(target) == backup_templates["originals"]


@pytest.mark.postgresql
def test_backup_travels_from_sqlite_to_postgresql_and_back(tmp_path, backup_templates, migrated_database):
    """Every text and original, checksums verified, into an empty PostgreSQL database, and back again."""
    source = copy_of(backup_templates, "seeded", tmp_path / "source.sqlite3")
    manage(source, "backup", str(tmp_path / "from-sqlite.zip"))
    postgres_database = migrated_database("latest", engine="postgresql")  # a copy of the run's migrated snapshot
    manage(postgres_database, "restore", str(tmp_path / "from-sqlite.zip"))
    assert table_contents(postgres_database) == backup_templates["contents"]
    assert stored_originals(postgres_database) == backup_templates["originals"]
    check = manage(postgres_database, "check_integrity", check=False)
    assert "1. Source texts and originals match their checksums: ok" in check.stdout

    manage(postgres_database, "backup", str(tmp_path / "from-postgres.zip"))
    back = copy_of(backup_templates, "migrated", tmp_path / "back.sqlite3")
    manage(back, "restore", str(tmp_path / "from-postgres.zip"))
    assert table_contents(back) == backup_templates["contents"]
    assert stored_originals(back) == backup_templates["originals"]

    # The restored rows kept their keys; what is added next is numbered after them (PostgreSQL's sequences moved on).
    manage(postgres_database, "shell", "-c", ADD_AFTER_RESTORE)


ADD_AFTER_RESTORE = """
from django.contrib.auth.models import Group, User
from heritage.records.models import DamageReport
Group.objects.create(name="Editors")
User.objects.create_user("ben")
DamageReport.objects.order_by("pk").last().save()
"""
