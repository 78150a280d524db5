"""
A source's text as data: fingerprinted when saved, fixed once cited, verified when loaded with a checksum, and moved
into the record from the seeds folder by migration with the checksum of the file as received.
"""

import hashlib
import json

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command

from heritage.records import services, texts
from heritage.records.models import Citation, Source

from . import ROOT
from .conftest import stored_files
from .databases import sqlite_snapshot
from .documents import NIMRUD_TEXT
from .processes import manage

pytestmark = pytest.mark.django_db


def test_a_cited_text_cannot_be_changed_even_by_a_plain_save(palmyra):
    """The API and the admin refuse it in validation; save() refuses it too, for any other code path."""
    source = Source.objects.get()
    source.text = source.text.replace("Palmyra", "Tadmur")
    with pytest.raises(ValidationError) as refused:
        source.full_clean()
    assert "supersedes" in refused.value.message_dict["text"][0]
    with pytest.raises(ValidationError):
        source.save()
    assert "Tadmur" not in Source.objects.get().text


def test_a_loaded_source_must_match_the_checksum_it_states(palmyra, tmp_path):
    """A fixture or backup giving a text and a SHA-256 that do not agree loads nothing, naming the text."""
    record = {
        "model": "records.source",
        "fields": {
            "slug": "tampered",
            "title": "Tampered",
            "kind": "report",
            "language": "en",
            "text": "The words as changed.",
            "text_sha256": hashlib.sha256(b"The words as written.").hexdigest(),
            "text_length": 21,
        },
    }
    fixture = tmp_path / "tampered.json"
    fixture.write_text(json.dumps([record]))
    with pytest.raises(Exception, match="text: The text does not match its SHA-256"):
        call_command("loaddata", str(fixture), verbosity=0)
    assert not Source.objects.filter(slug="tampered").exists()


def test_the_article_fixture_loads_twice_without_change(palmyra):
    source = Source.objects.get()
    before = (source.text_sha256, source.version, Citation.objects.count())
    call_command("loaddata", "fixtures/palmyra.json", verbosity=0)
    source.refresh_from_db()
    assert (source.text_sha256, source.version, Citation.objects.count()) == before


def test_the_same_document_is_stored_once(palmyra, originals):
    first = services.save_source(
        source=Source(slug="one", title="One", kind="report", language="en"),
        document=texts.extract(b"Ctesiphon arch cracked.", name="one.txt"),
    )
    assert list(stored_files(originals)) == [first.original.name]
    assert first.original.name == f"originals/{first.original_sha256[:2]}/{first.original_sha256}.txt"


@pytest.mark.parametrize(
    ("tag", "valid"),
    [("en", True), ("ar", True), ("ar-Latn", True), ("akk", True), ("grc", True), ("zh-Hant-TW", True),
     ("Akkadian", False), ("en_US", False), ("xx-YY-ZZ-1", False), ("", False)],
)  # fmt: skip
def test_languages_are_bcp_47_tags(palmyra, tag, valid):
    source = Source(slug="x", title="X", kind="report", language=tag, text="Words.")
    if valid:
        source.full_clean()
    else:
        with pytest.raises(ValidationError) as refused:
            source.full_clean()
        assert "language" in refused.value.message_dict


INSERT_OLD_SOURCES = (
    "from django.db import connection;"
    "cursor = connection.cursor();"
    '[cursor.execute("INSERT INTO records_source (slug, title, kind, publisher, url, published, text_path, notes, '
    "created, last_updated, version) VALUES (%s, %s, 'news_article', '', '', '', %s, '', "
    'CURRENT_TIMESTAMP, CURRENT_TIMESTAMP, 1)", [slug, slug, path]) for slug, path in {rows!r}]'
)


LANGUAGES = "0009_dates_languages_and_damage_dating"


@pytest.fixture(scope="module")
def before_texts(tmp_path_factory):
    """A database migrated as far as records 0007, before texts were data (the run's snapshot: never written)."""
    return sqlite_snapshot(tmp_path_factory, "0007_public_counts_from_indexes")


def old_database(before_texts, tmp_path, rows):
    copy = tmp_path / "old.sqlite3"
    copy.write_bytes(before_texts.read_bytes())
    database = f"sqlite:///{copy}"
    manage(database, "shell", "-c", INSERT_OLD_SOURCES.format(rows=rows))
    return database


@pytest.mark.sqlite
@pytest.mark.long
def test_the_migration_moves_each_text_file_into_its_record(before_texts, tmp_path):
    """
    A database from before texts were data (records 0007), whose sources name files under the seeds folder:
    migrating reads each file into its record, line endings normalised, with the SHA-256 of the normalised text
    (for the article as received, which has \n line endings, the file's own), and leaves the files as they were.
    """
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    received = (ROOT / "seeds" / "palmyra-recapture-2016.txt").read_bytes()
    windows = NIMRUD_TEXT.encode()  # \r\n line endings
    (seeds / "article.txt").write_bytes(received)
    (seeds / "windows.txt").write_bytes(windows)
    database = old_database(before_texts, tmp_path, [("article", "article.txt"), ("windows", "windows.txt")])
    # As far as 0009, where sources gained their language (the migrations after it leave texts alone, and a migrate
    # to the newest costs tens of seconds of migration states), read with that migration's models.
    manage(database, "migrate", "records", LANGUAGES, "-v0", env={"HERITAGE_SEEDS_DIR": str(seeds)})

    read = manage(
        database,
        "shell",
        "-c",
        "import json; from django.db import connection;"
        "from django.db.migrations.executor import MigrationExecutor;"
        f"apps = MigrationExecutor(connection).loader.project_state(('records', {LANGUAGES!r})).apps;"
        "sources = apps.get_model('records', 'Source').objects.all();"
        "print(json.dumps({s.slug: [s.text, s.text_sha256, s.text_length, s.language] for s in sources}))",
    )
    sources = json.loads(read.stdout.strip().splitlines()[-1])
    expected = received.decode("utf-8")
    assert sources["article"] == [expected, hashlib.sha256(received).hexdigest(), len(expected), "und"]
    assert sources["windows"][0] == NIMRUD_TEXT.replace("\r\n", "\n")  # normalised once, at this intake
    assert (seeds / "article.txt").read_bytes() == received and (seeds / "windows.txt").read_bytes() == windows


@pytest.mark.sqlite
@pytest.mark.long
def test_the_migration_refuses_two_sources_sharing_one_text(before_texts, tmp_path):
    """Earlier versions let a second source name the article's file; a text belongs to one source now."""
    (tmp_path / "article.txt").write_bytes((ROOT / "seeds" / "palmyra-recapture-2016.txt").read_bytes())
    database = old_database(before_texts, tmp_path, [("palmyra", "article.txt"), ("hatra", "article.txt")])
    migrated = manage(database, "migrate", "-v0", env={"HERITAGE_SEEDS_DIR": str(tmp_path)}, check=False)
    assert migrated.returncode != 0
    assert "Sources 'palmyra' and 'hatra' hold the same text (article.txt)" in migrated.stderr


@pytest.mark.sqlite
@pytest.mark.long
def test_the_migration_names_a_missing_text_file(before_texts, tmp_path):
    database = old_database(before_texts, tmp_path, [("article", "gone.txt")])
    migrated = manage(database, "migrate", "-v0", env={"HERITAGE_SEEDS_DIR": str(tmp_path)}, check=False)
    assert migrated.returncode != 0
    assert "Source 'article': its text file" in migrated.stderr and "HERITAGE_SEEDS_DIR" in migrated.stderr
