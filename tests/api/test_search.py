"""
`?search=` on the lists: indexed, ranked, Arabic-aware word search, with the passage each result matched; the index
follows writes through the API; drafts stay hidden; bad search strings are a 400 naming `search`, never a 500.
"""

import json
import unicodedata

import pytest
import tablib
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from heritage.records.api.urls import router
from heritage.records.models import Citation, DamageReport, Site, SiteName
from heritage.records.resources import SiteResource, import_problems
from heritage.search import index
from heritage.search import text as folding
from heritage.search.documents import DOCUMENTS
from heritage.search.models import SearchEntry

pytestmark = pytest.mark.django_db

LISTS = [prefix for prefix, _, _ in router.registry]


def slugs(client, prefix, **params):
    response = client.get(f"/api/v1/{prefix}/", params)
    assert response.status_code == 200, response.content
    return [record["slug"] if "slug" in record else record["id"] for record in response.json()["results"]]


@pytest.fixture
def tadmur(world):
    """Palmyra's Arabic name, with its vowel marks, as a source would print it."""
    SiteName.objects.create(site=Site.objects.get(slug="palmyra"), name="تَدْمُر", kind="local", language="ar")
    SiteName.objects.create(site=world["hatra"], name="الحَضَر", kind="local", language="ar")


@pytest.mark.parametrize("written", ["تدمر", "تَدْمُر", "تــدمر", "TADMUR"[:0] + "تدمُر"])
def test_an_arabic_name_is_found_however_it_is_voweled(anonymous, tadmur, written):
    """With or without harakat or tatweel, the site's Arabic name finds it."""
    assert slugs(anonymous, "sites", search=written) == ["palmyra"]


@pytest.mark.parametrize(
    ("stored", "written"), [("أَثَرِيَّة", "اثريه"), ("إسلامي", "اسلامي"), ("آثار", "أثار"), ("مستشفى", "مستشفي")]
)
def test_hamza_alef_and_ya_variants_are_one_letter(anonymous, world, stored, written):
    """أ/إ/آ/ا are one letter, ى/ي are one, ة/ه are one, on the stored side and on the query's."""
    SiteName.objects.create(site=world["hatra"], name=stored, kind="variant", language="ar")
    assert slugs(anonymous, "sites", search=written) == ["hatra"]
    assert slugs(anonymous, "sites", search=stored) == ["hatra"]


def test_every_word_must_occur(anonymous, world):
    assert slugs(anonymous, "sites", search="fortified parthian") == ["hatra"]
    assert slugs(anonymous, "sites", search="fortified palmyra") == []


def test_a_name_match_ranks_above_a_description_mention(anonymous, world, curator):
    """A site named Hatra comes before a site whose description only mentions Hatra."""
    Site.objects.create(
        slug="aa-mention",
        name="Aardvark Mound",
        kind="archaeological_site",
        country="IQ",
        description="A mound some way south of Hatra, surveyed in 1950, with Hatra pottery and Hatra coins.",
    )
    assert slugs(anonymous, "sites", search="hatra") == ["hatra", "aa-mention"]
    # `ordering` replaces the ranking when given.
    assert slugs(anonymous, "sites", search="hatra", ordering="name") == ["aa-mention", "hatra"]


def test_each_result_carries_the_passage_it_matched(anonymous, tadmur):
    """search_match: the field, the passage as written (vowel marks kept), and where the words are in it."""
    response = anonymous.get("/api/v1/sites/", {"search": "تدمر"})
    match = response.json()["results"][0]["search_match"]
    assert match["field"] == "names"
    start, end = match["highlights"][0]
    assert match["text"][start:end] == "تَدْمُر"
    response = anonymous.get("/api/v1/sites/", {"search": "remarkable"})
    match = response.json()["results"][0]["search_match"]
    assert match["field"] == "text" and all(match["text"][a:b].lower() == "remarkable" for a, b in match["highlights"])
    # Only when searching.
    assert "search_match" not in anonymous.get("/api/v1/sites/").json()["results"][0]


@pytest.mark.parametrize("prefix", LISTS)
def test_every_list_takes_search(anonymous, world, prefix):
    """Every list answers ?search= with a 200 (a word that occurs nowhere: no results, not an error)."""
    assert slugs(anonymous, prefix, search="zzyzxnowhere") == []


def test_search_finds_records_of_each_kind(anonymous, world):
    assert slugs(anonymous, "actors", search="hashd") == ["pmf"]  # an alias
    assert slugs(anonymous, "damage-reports", search="hatra")  # the site's name
    assert slugs(anonymous, "citations", search="palmyra")  # a quote
    assert "landmines" in slugs(anonymous, "disturbance-causes", search="ألغام")  # an Arabic label


def test_drafts_are_found_only_by_those_who_may_see_them(anonymous, researcher, world):
    """A draft's words find it for a researcher; for the public neither the record, nor a count, nor a snippet."""
    report = DamageReport.objects.filter(site__slug="hatra").first()
    DamageReport.objects.filter(pk=report.pk).update(status="draft", description="Quixotic bulldozing")
    # update() sends no signal: index it as a save would.
    report.refresh_from_db()
    report.save()
    response = anonymous.get("/api/v1/damage-reports/", {"search": "quixotic"})
    assert response.json()["count"] == 0 and b"uixotic" not in response.content
    assert slugs(researcher, "damage-reports", search="quixotic") == [report.slug]


def test_writes_through_the_api_update_the_index(curator, deleter, world):
    """Create, rename, add another name, delete: each is found (or not) at once."""
    body = {"slug": "nimrud", "name": "Nimrud", "kind": "archaeological_site", "country": "IQ"}
    assert curator.post(reverse("api:site-list"), body, format="json").status_code == 201
    assert slugs(curator, "sites", search="nimrud") == ["nimrud"]

    etag = curator.get("/api/v1/sites/nimrud/")["ETag"]
    renamed = curator.patch(
        "/api/v1/sites/nimrud/",
        {"name": "Kalhu", "names": [{"name": "النمرود", "kind": "local", "language": "ar"}]},
        format="json",
        HTTP_IF_MATCH=etag,
    )
    assert renamed.status_code == 200, renamed.content
    assert slugs(curator, "sites", search="nimrud") == []
    assert slugs(curator, "sites", search="kalhu") == ["nimrud"]
    assert slugs(curator, "sites", search="النمرود") == ["nimrud"]

    etag = deleter.get("/api/v1/sites/nimrud/")["ETag"]
    assert deleter.delete("/api/v1/sites/nimrud/", HTTP_IF_MATCH=etag).status_code == 204
    assert slugs(curator, "sites", search="kalhu") == []


def test_renaming_a_site_reindexes_its_damage_reports(curator, world):
    site = world["hatra"]
    site.name = "Al-Hadr Fortress"
    site.save()
    assert slugs(curator, "damage-reports", search="fortress")
    assert not slugs(curator, "damage-reports", search="hatra", site="hatra")


def test_a_file_imports_rows_into_the_index_together_once_it_is_taken(curator, world, monkeypatch):
    """
    A file import's new and renamed sites are found once it is imported, and the damage reports that show a renamed
    site's name by the new one; its rows are indexed together at the end (one write of entries for the file), and a
    dry run writes none.
    """
    hatra = world["hatra"]
    headers = ["slug", "name", "kind", "country", "description", "latitude", "longitude", "location_certainty"]
    rows = [
        [hatra.slug, "Al-Hadr Fortress", hatra.kind, str(hatra.country), hatra.description, "", "", ""],
        ["nineveh", "Nineveh", "archaeological_site", "IQ", "", "", "", ""],
        ["ashur", "Ashur", "archaeological_site", "IQ", "", "", "", ""],
    ]
    writes = []
    monkeypatch.setattr(
        index, "write_entries", lambda *args, real=index.write_entries: writes.append(args[0]) or real(*args)
    )
    dataset = tablib.Dataset(*rows, headers=headers)
    assert not import_problems(SiteResource(user=None).import_data(dataset, dry_run=True))
    assert writes == [] and slugs(curator, "sites", search="nineveh") == []
    assert not import_problems(SiteResource(user=None).import_data(dataset, dry_run=False))
    assert slugs(curator, "sites", search="nineveh") == ["nineveh"]
    assert slugs(curator, "sites", search="ashur") == ["ashur"]
    assert slugs(curator, "sites", search="fortress") == ["hatra"]
    assert slugs(curator, "damage-reports", search="fortress")
    assert [content_type.model for content_type in writes].count("site") == 1


def test_a_new_site_is_indexed_without_looking_for_records_that_show_its_name():
    """No record can show the name of a site made just now: its save indexes it and reads nothing that shows names."""
    showing = [model._meta.db_table for model, spec in DOCUMENTS.items() if Site in spec.names_from]
    assert showing
    with CaptureQueriesContext(connection) as queries:
        site = Site.objects.create(slug="nineveh", name="Nineveh", kind="archaeological_site", country="IQ")
    assert not [query["sql"] for query in queries for table in showing if f'FROM "{table}"' in query["sql"]]
    entry = SearchEntry.objects.get(content_type=ContentType.objects.get_for_model(Site), record_id=site.pk)
    assert entry.names == "Nineveh"


@pytest.mark.parametrize(
    "value",
    ["x" * 10_000, "a " * 33, "!!! ??? ...", "🏛️🔥", "\u0651\u064e", "_"],
    ids=["10000-chars", "33-words", "punctuation", "emoji", "only-marks", "underscore"],
)
def test_a_search_that_cannot_be_run_is_a_400_naming_search(anonymous, value):
    response = anonymous.get("/api/v1/sites/", {"search": value})
    assert response.status_code == 400
    assert "search" in response.json()


def test_fts_syntax_is_taken_as_words(anonymous, world):
    """FTS5 and tsquery operators are not operators here: quotes, NEAR, *, AND, :, &, |, ! are words or nothing."""
    for value in ['"hatra', "hatra*", "NEAR(hatra parthian)", "hatra AND OR NOT", "hatra:*", "hatra & !x | (y)"]:
        response = anonymous.get("/api/v1/sites/", {"search": value})
        assert response.status_code == 200, (value, response.content)


def test_a_searchs_pages_are_drfs_to_the_last_and_past_it(anonymous, world, settings, unthrottled):
    """Every page of a search, the last one cut short, one past the end (a 404) and one asked for by `last`, as DRF
    gives them with the fast path off."""
    search = {"search": "palmyra", "page_size": 2}
    matches = anonymous.get("/api/v1/damage-reports/", search).json()["count"]
    assert matches > 2 and matches % 2 == 1  # so that the last page is cut short
    pages = [{"page": number} for number in range(1, matches // 2 + 3)] + [{"page": "last"}]
    for fast_path in ("on", "off"):
        settings.API_FAST_PATH = fast_path
        answers = [anonymous.get("/api/v1/damage-reports/", {**search, **page}) for page in pages]
        if fast_path == "on":
            fast = [(answer.status_code, answer.content) for answer in answers]
    assert fast == [(answer.status_code, answer.content) for answer in answers]
    assert [status for status, _ in fast] == [200] * (len(pages) - 2) + [404, 200]
    assert [len(json.loads(body)["results"]) for _, body in fast[: len(pages) - 2]] == [2] * (matches // 2) + [1]


@pytest.mark.parametrize("page", ["0", "-1", "1.0", "9223372036854775807", "99999999999999999999"])
def test_a_search_page_that_cannot_exist_is_a_404(anonymous, world, page):
    """Page numbers no table could reach (their offset overflows the database's integers) are a 404, as DRF says."""
    response = anonymous.get("/api/v1/damage-reports/", {"search": "palmyra", "page": page})
    assert response.status_code == 404, response.content


@pytest.mark.sqlite
def test_a_search_counts_its_matches_as_it_ranks_them(anonymous, world):
    """A page of a search reads the index once: the count is a window over the ranked page, not a second pass
    over every match."""
    with CaptureQueriesContext(connection) as queries:
        response = anonymous.get("/api/v1/damage-reports/", {"search": "palmyra", "page_size": 2})
    assert response.json()["count"] > 2
    assert len([query for query in queries if index.FTS_TABLE in query["sql"]]) == 1


@pytest.mark.sqlite
def test_an_index_of_the_earlier_layout_is_replaced_on_migrate(anonymous, world):
    """A database indexed by an earlier release (FTS5 rows keyed by entry) is re-indexed by record on `migrate`."""
    from django.db import connection

    from heritage.search import index

    with connection.cursor() as cursor:
        index.drop_sqlite_index(cursor, index.FTS_TABLE)
        cursor.execute(
            f"CREATE VIRTUAL TABLE {index.OLD_FTS_TABLE} USING fts5(names_folded, text_folded, "
            "content='search_searchentry', content_rowid='id')"
        )

    index.install()

    assert slugs(anonymous, "sites", search="palmyra") == ["palmyra"]
    with connection.cursor() as cursor:
        cursor.execute("SELECT name FROM sqlite_master WHERE name LIKE %s", [f"{index.OLD_FTS_TABLE}%"])
        assert cursor.fetchall() == []


def test_indexing_citations_does_not_read_their_sources_texts():
    """
    Regression: indexing citations joined every foreign key (select_related() with no names), so each citation
    brought its source's whole text, and an import of a large file ran out of memory.
    """
    citations = Citation.objects.all()
    assert citations.exists()
    with CaptureQueriesContext(connection) as queries:
        assert index.index_records(Citation, citations) == citations.count()
    assert not [query["sql"] for query in queries if '"records_source"."text"' in query["sql"]]


@pytest.mark.parametrize("more", [-100, -1, 0, 1])  # chunks of one, of all but one, of all, of one more than all
def test_indexing_reads_records_in_chunks_each_after_the_last(monkeypatch, more):
    """
    Records are indexed in chunks, each read by a query starting after the last key read (no server-side cursor):
    every record once, and the same entries as in one chunk, whether the last chunk is full or not.
    """
    citations = Citation.objects.all()
    count = citations.count()
    kind = ContentType.objects.get_for_model(Citation)
    entries = SearchEntry.objects.filter(content_type=kind).order_by("record_id")
    written = list(entries.values_list("record_id", "names", "text", "names_folded", "text_folded"))
    assert len(written) == count > 2
    entries.delete()
    size = max(1, count + more)
    monkeypatch.setattr(index, "CHUNK", size)

    with CaptureQueriesContext(connection) as queries:
        assert index.index_records(Citation, citations) == count
    assert list(entries.values_list("record_id", "names", "text", "names_folded", "text_folded")) == written
    reads = [query["sql"] for query in queries if query["sql"].startswith('SELECT "records_citation"."id"')]
    assert len(reads) == count // size + 1  # the last one short, or empty
    assert all(f"LIMIT {size}" in sql for sql in reads)


@pytest.mark.parametrize(
    "text", ["Palmyra, SYRIA", "Tadmur_2016 (A)", "تَدْمُر", "Qal‘at Ja‘bar", "Çatalhöyük ﻻ ٱ", "x\u0301"]
)
def test_folding_is_its_definition(text):
    """fold()'s shortcuts (ASCII as it is, marks deleted by a table) give what its definition says, character for
    character: NFKD, marks dropped, Arabic letter variants unified, NFC, case folded."""
    translated = unicodedata.normalize("NFKD", text.translate(folding.ARABIC_LETTERS))
    stripped = "".join(char for char in translated if not unicodedata.combining(char))
    assert folding.fold(text) == unicodedata.normalize("NFC", stripped.translate(folding.ARABIC_LETTERS)).casefold()


def test_a_documents_words_are_its_texts_words_in_order():
    """The indexed form of several texts is every word of each, in order, one space apart: a text without words (a
    dash, a date's punctuation) adds no gap, and a text met before (remembered) gives its words again, as does a
    text too long to be remembered."""
    texts = ["Palmyra, Syria", "—", "", None, "تَدْمُر (Tadmur)", "Palmyra, Syria", "Hatra " * 200]
    expected = [word for text in texts if text for word in folding.words(text)]
    assert folding.document(texts) == " ".join(expected) == "palmyra syria تدمر tadmur palmyra syria" + " hatra" * 200
