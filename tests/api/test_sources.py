"""
Sources through the API: a text POSTed as JSON or a document uploaded as multipart, read back exactly from
`.../text/`, cited by quote, fixed once cited; the original document for those who may see it; and every bad intake
refused, naming the field, with nothing written to the database or to storage.
"""

import hashlib
import time

import pytest
from django.core.exceptions import ValidationError

from heritage.records import texts
from heritage.records.models import Citation, DamageReport, Source

from ..conftest import stored_files, table_counts
from ..documents import HATRA_HTML, NIMRUD_TEXT, packed_pdf, pdf
from .base import if_match

pytestmark = pytest.mark.django_db


def test_a_second_site_recorded_from_its_sources_end_to_end(palmyra, curator, researcher, anonymous, originals):
    """
    With a token: a source as JSON text and one uploaded as a file; a citation by quote (typed with a browser's line
    break); a site and a damage report citing it; the text read back, with the quote at its offsets.
    """
    nimrud = curator.post(
        "/api/v1/sources/",
        {"slug": "reuters-nimrud", "title": "Nimrud bulldozed", "kind": "news_article", "language": "en",
         "web_url": "https://example.org/nimrud", "text": NIMRUD_TEXT},
        format="json",
    )  # fmt: skip
    assert nimrud.status_code == 201, nimrud.content
    body = nimrud.json()
    normalised = NIMRUD_TEXT.replace("\r\n", "\n")
    assert body["text_sha256"] == hashlib.sha256(normalised.encode()).hexdigest()
    assert body["text_length"] == len(normalised)
    assert (body["language"], body["direction"], body["original"]) == ("en", "ltr", None)
    assert "text" not in body and body["text_url"].endswith("/api/v1/sources/reuters-nimrud/text/")

    hatra = curator.post(
        "/api/v1/sources/",
        {"slug": "hatra-encyclopaedia", "title": "Hatra", "kind": "website", "language": "en",
         "file": document("hatra.html", HATRA_HTML.encode(), "text/html")},
        format="multipart",
    )  # fmt: skip
    assert hatra.status_code == 201, hatra.content
    original = hatra.json()["original"]
    assert original["name"] == "hatra.html" and original["media_type"] == "text/html"
    assert original["sha256"] == hashlib.sha256(HATRA_HTML.encode()).hexdigest()
    assert original["size"] == len(HATRA_HTML.encode())

    quote = "bulldozed the ancient Assyrian city of Nimrud, the Iraqi tourism and antiquities ministry said"
    typed = quote + " on Thursday.\r\nThe ministry said"  # across a line break, as a browser's textarea sends it
    cited = curator.post("/api/v1/citations/", {"source": "reuters-nimrud", "quote": typed}, format="json")
    assert cited.status_code == 201, cited.content
    citation = cited.json()
    site = curator.post(
        "/api/v1/sites/",
        {"slug": "nimrud", "name": "Nimrud", "kind": "archaeological_site", "country": "IQ",
         "citations": [citation["id"]]},
        format="json",
    )  # fmt: skip
    assert site.status_code == 201, site.content
    report = curator.post(
        "/api/v1/damage-reports/",
        {"slug": "nimrud-bulldozed", "site": "nimrud", "cause": "bulldozing", "severity": "severely_damaged",
         "certainty": "high", "occurred": "2015-03-05", "citations": [citation["id"]]},
        format="json",
    )  # fmt: skip
    assert report.status_code == 201, report.content

    text = anonymous.get("/api/v1/sources/reuters-nimrud/text/")
    assert text.status_code == 200
    assert text["Content-Type"] == "text/plain; charset=utf-8"
    assert text["ETag"] == f'"{body["text_sha256"]}"'
    words = text.content.decode("utf-8")
    assert words == normalised
    assert words[citation["char_start"] : citation["char_end"]] == citation["quote"] == typed.replace("\r\n", "\n")
    assert DamageReport.objects.get(slug="nimrud-bulldozed").citations.get().quote == citation["quote"]
    unchanged = anonymous.get("/api/v1/sources/reuters-nimrud/text/", HTTP_IF_NONE_MATCH=text["ETag"])
    assert unchanged.status_code == 304

    download = researcher.get("/api/v1/sources/hatra-encyclopaedia/original/")
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == HATRA_HTML.encode()
    assert download["ETag"] == f'"{original["sha256"]}"'
    assert anonymous.get("/api/v1/sources/hatra-encyclopaedia/original/").status_code in (401, 403)
    assert anonymous.get("/api/v1/sources/reuters-nimrud/original/").status_code in (401, 403)
    assert researcher.get("/api/v1/sources/reuters-nimrud/original/").status_code == 404  # typed, no original


def document(name, data, content_type):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, data, content_type=content_type)


def test_arabic_text_reads_right_to_left_unless_told(palmyra, curator):
    response = curator.post(
        "/api/v1/sources/",
        {"slug": "sana", "title": "SANA", "kind": "news_article", "language": "ar", "text": "دمر تنظيم داعش معبد بل."},
        format="json",
    )
    assert response.status_code == 201, response.content
    assert response.json()["direction"] == "rtl"


def test_a_cited_text_is_fixed_and_an_uncited_one_is_not(palmyra, curator):
    """Changing the article's text, which citations quote, is refused; an uncited text may still be corrected."""
    url = "/api/v1/sources/palmyra-recapture-2016/"
    before = Source.objects.get(slug="palmyra-recapture-2016").text_sha256
    refused = curator.patch(url, {"text": "Something else."}, format="json", **if_match(curator, url))
    assert refused.status_code == 400
    assert "supersedes" in refused.json()["text"][0]
    assert Source.objects.get(slug="palmyra-recapture-2016").text_sha256 == before

    fresh = Source.objects.create(slug="draft-copy", title="Draft", kind="report", language="en", text="Typo hree.")
    url = "/api/v1/sources/draft-copy/"
    fixed = curator.patch(url, {"text": "Typo here."}, format="json", **if_match(curator, url))
    assert fixed.status_code == 200, fixed.content
    assert fixed.json()["text_sha256"] == hashlib.sha256(b"Typo here.").hexdigest()
    assert fresh.pk == Source.objects.get(text="Typo here.").pk


def test_a_correction_supersedes_the_source_it_corrects(palmyra, curator, anonymous):
    response = curator.post(
        "/api/v1/sources/",
        {"slug": "article-corrected", "title": "Russian Forces Help to Recapture Palmyra (corrected)",
         "kind": "news_article", "language": "en", "supersedes": "palmyra-recapture-2016",
         "text": Source.objects.get().text.replace("ten month", "ten-month")},
        format="json",
    )  # fmt: skip
    assert response.status_code == 201, response.content
    assert response.json()["supersedes"]["slug"] == "palmyra-recapture-2016"
    old = anonymous.get("/api/v1/sources/palmyra-recapture-2016/").json()
    assert [source["slug"] for source in old["superseded_by"]] == ["article-corrected"]
    assert anonymous.get("/api/v1/sources/", {"supersedes": "palmyra-recapture-2016"}).json()["count"] == 1


def test_a_source_is_found_by_its_texts_checksum(palmyra, anonymous):
    digest = Source.objects.get().text_sha256
    found = anonymous.get("/api/v1/sources/", {"text_sha256": digest}).json()["results"]
    assert [source["slug"] for source in found] == ["palmyra-recapture-2016"]


def test_saving_a_source_indexes_it_without_reading_its_text_back(palmyra):
    """The search entry of a source holds its title, publisher and notes: the text, megabytes perhaps, is not read."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from heritage.search.models import SearchEntry

    column = connection.ops.quote_name("text")
    with CaptureQueriesContext(connection) as queries:
        source = Source(slug="nimrud-report", title="Nimrud: a damage report", kind_id="report", text=NIMRUD_TEXT)
        source.save()
    selected = [q["sql"] for q in queries.captured_queries if q["sql"].startswith("SELECT") and column in q["sql"]]
    assert not [sql for sql in selected if f"records_source{column[-1]}.{column}" in sql], selected
    assert SearchEntry.objects.filter(record_id=source.pk, names__contains="Nimrud: a damage report").exists()


def test_a_new_sources_text_is_fingerprinted_once_and_again_when_it_changes(palmyra, monkeypatch):
    """
    Cleaning and saving a new source take the text's SHA-256 once (a text can run to hundreds of megabytes); a text
    changed after that is fingerprinted anew, and a stated checksum that does not hold is still refused.
    """
    from heritage.records import texts
    from heritage.records.models import sources

    hashed = []
    monkeypatch.setattr(sources, "fingerprint", lambda text: hashed.append(text) or texts.fingerprint(text))
    source = Source(slug="nimrud-report", title="Nimrud: a damage report", kind_id="report", language="en",
                    text=NIMRUD_TEXT)  # fmt: skip
    source.full_clean()
    source.save()
    assert hashed == [source.text]  # normalised, once

    source.text = NIMRUD_TEXT + " Revised."
    source.save()
    source.refresh_from_db()
    assert (source.text_sha256, source.text_length) == (texts.sha256(source.text), len(source.text))

    stated = Source(slug="other", title="Other", kind_id="report", language="en", text="Other words.",
                    text_sha256="0" * 64)  # fmt: skip
    with pytest.raises(ValidationError, match="does not match its SHA-256"):
        stated.full_clean()


def test_a_fixed_text_is_not_scanned_again_by_clean_or_save(palmyra, monkeypatch):
    """
    An importer fixes a file's text once (normalised, hashed, measured); cleaning and saving the source then leave
    the text as it is, without normalising, hashing or encoding its hundreds of megabytes again, and what is saved is
    the normalised text.
    """
    from heritage.records import texts
    from heritage.records.models import sources

    scanned = []
    monkeypatch.setattr(sources, "normalise", lambda text: scanned.append("normalise") or texts.normalise(text))
    monkeypatch.setattr(sources, "fingerprint", lambda text: scanned.append("fingerprint") or texts.fingerprint(text))
    pieces = texts.utf8_pieces
    monkeypatch.setattr(texts, "utf8_pieces", lambda *args: scanned.append("encode") or pieces(*args))
    # NIMRUD_TEXT's lines end with \r\n, as a browser sends them; the Arabic makes measuring it an encoding.
    text = NIMRUD_TEXT + "\r\nنمرود\r\n"
    source = Source(slug="nimrud-report", title="Nimrud: a damage report", kind_id="report", language="en", text=text)
    source.fix_text()
    assert scanned == ["normalise", "fingerprint", "encode"]
    source.full_clean()
    source.save()
    assert scanned == ["normalise", "fingerprint", "encode"]
    source.refresh_from_db()
    normalised = text.replace("\r\n", "\n")
    assert source.text == normalised
    assert (source.text_sha256, source.text_length) == (texts.sha256(normalised), len(normalised))


@pytest.mark.parametrize("line_end", ["\n", "\r\n"])
def test_a_text_given_with_its_bytes_is_fingerprinted_from_them_unless_normalising_changes_it(line_end, settings):
    """A file's bytes stand for its text only while intake leaves the text as decoded (its line endings as `\n`)."""
    from heritage.records import texts

    text = f"نمرود{line_end}The north-west palace was blown up."
    source = Source(slug="nimrud-file", title="Nimrud", kind_id="report", language="en", text=text)
    source.fix_text(utf8=text.encode())
    normalised = text.replace("\r\n", "\n")
    assert (source.text, source.text_sha256) == (normalised, texts.sha256(normalised))
    # Its size is that of the text as saved: one byte under it, the source is refused.
    settings.SOURCE_MAX_BYTES = len(normalised.encode()) - 1
    with pytest.raises(ValidationError, match="at most"):
        source.full_clean()


def test_a_page_of_sources_or_citations_never_reads_a_text(palmyra, anonymous, django_assert_max_num_queries):
    """Texts can run to megabytes: lists, records and nested sources leave the column alone."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    column = connection.ops.quote_name("text")
    for url in ("/api/v1/sources/", "/api/v1/sources/palmyra-recapture-2016/", "/api/v1/citations/",
                "/api/v1/damage-reports/", "/api/v1/sites/"):  # fmt: skip
        with CaptureQueriesContext(connection) as queries:
            assert anonymous.get(url).status_code == 200
        selected = [q["sql"] for q in queries.captured_queries if f"records_source{column[-1]}.{column}" in q["sql"]]
        assert not selected, (url, selected)


def oversize(settings):
    settings.SOURCE_MAX_BYTES = 1024
    return {"file": document("big.txt", b"word " * 400, "text/plain")}


BAD_INTAKES = {
    "empty text": ({"text": ""}, "text", "empty"),
    "whitespace only": ({"text": " \r\n\t "}, "text", "empty"),
    "a NUL": ({"text": "Hatra\x00"}, "text", "Null characters"),
    "neither text nor file": ({}, "text", "Give the source's text"),
    "not UTF-8": ({"file": ("hatra.txt", "Hatra was damaged".encode("utf-16"), "text/plain")}, "file", "not UTF-8"),
    "an unread type": ({"file": ("hatra.docx", b"PK\x03\x04 docx", "application/zip")}, "file", "not a document"),
    "a scanned PDF": ({"file": ("scan.pdf", pdf(), "application/pdf")}, "file", "no text layer"),
    "not a PDF": ({"file": ("fake.pdf", b"<html>no</html>", "application/pdf")}, "file", "not one"),
    "an empty file": ({"file": ("empty.txt", b"", "text/plain")}, "file", "empty"),
    "text and file": ({"text": "Hatra.", "file": ("h.txt", b"Hatra.", "text/plain")}, "file", "not both"),
    "an invalid language": ({"text": "Tadmor.", "language": "Akkadian"}, "language", "BCP 47"),
    "the article again": (None, "text", "palmyra-recapture-2016"),
    "the article again, uploaded": ("upload", "file", "palmyra-recapture-2016"),
    "too large": ("oversize", "file", "at most 1.0"),
}


@pytest.mark.parametrize("case", list(BAD_INTAKES))
def test_bad_intake_is_refused_naming_the_field_and_writes_nothing(palmyra, curator, originals, settings, case):
    data, field, words = BAD_INTAKES[case]
    article = Source.objects.get().text
    if data is None:
        data = {"text": article.replace("\n", "\r\n")}  # the same text, once its line endings are normalised
    elif data == "upload":
        data = {"file": ("article.txt", article.encode(), "text/plain")}
    elif data == "oversize":
        data = oversize(settings)
    record = {"slug": "new-source", "title": "A new source", "kind": "report", "language": "en", **data}
    multipart = "file" in record
    if multipart and isinstance(record["file"], tuple):
        record["file"] = document(*record["file"])
    counts, files = table_counts(), stored_files(originals)

    response = curator.post("/api/v1/sources/", record, format="multipart" if multipart else "json")

    assert response.status_code == 400, response.content
    errors = response.json()
    assert field in errors, errors
    assert words in " ".join(errors[field]), errors
    assert table_counts() == counts
    assert stored_files(originals) == files


@pytest.mark.parametrize(
    ("pages", "lines", "limit"),
    [(100, 200_000, "longer than the 1 second"), (1, 2_000_000, "more memory than")],
    ids=["a hundred pages of minutes each", "a stream that unpacks to 74 MB"],
)
def test_a_document_past_what_its_reading_may_take_is_refused_in_time(
    palmyra, curator, originals, settings, monkeypatch, pages, lines, limit
):
    """
    A PDF of a few kilobytes can take pypdf an hour to read, or unpack to gigabytes: its reading, in a process of
    its own, is stopped at SOURCE_EXTRACT_SECONDS or READING_MEMORY (both made small here), and the
    upload refused on `file`, with nothing written. A document within them reads as before.
    """
    settings.SOURCE_EXTRACT_SECONDS = 1
    monkeypatch.setattr(texts, "READING_MEMORY", 64 * 1024**2)
    counts, files = table_counts(), stored_files(originals)
    record = {"slug": "packed", "title": "A packed PDF", "kind": "report", "language": "en"}
    started = time.monotonic()
    response = curator.post(
        "/api/v1/sources/",
        {**record, "file": document("packed.pdf", packed_pdf(pages, lines), "application/pdf")},
        format="multipart",
    )
    assert time.monotonic() - started < 10
    assert response.status_code == 400, response.content
    assert response.json() == {"file": [f"Reading this PDF took {limit} a document may take: paste its text instead."]}
    assert table_counts() == counts and stored_files(originals) == files
    response = curator.post(
        "/api/v1/sources/",
        {**record, "file": document("packed.pdf", packed_pdf(2, 100), "application/pdf")},
        format="multipart",
    )
    assert response.status_code == 201, response.content
    assert Source.objects.get(slug="packed").text.startswith("HatraHatra")


def test_a_request_larger_than_any_upload_is_refused_before_it_is_read(
    palmyra, curator, client, originals, settings, monkeypatch
):
    """
    Django limits a form's fields, not its files: without a limit of its own the app would write an upload of any size
    to a temporary file before refusing it. A body over DATA_UPLOAD_MAX_MEMORY_SIZE is a 413 unread, in JSON under
    /api/, in words in the admin; one within it is taken as before.
    """
    from django.contrib.auth.models import Group, User
    from django.http.multipartparser import MultiPartParser

    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 4096
    record = {"slug": "big", "title": "A big report", "kind": "report", "language": "en"}
    parse = MultiPartParser.parse
    monkeypatch.setattr(MultiPartParser, "parse", lambda parser: pytest.fail("the body was read"))
    counts, files = table_counts(), stored_files(originals)
    big = document("big.txt", b"Hatra was damaged. " * 400, "text/plain")
    response = curator.post("/api/v1/sources/", {**record, "file": big}, format="multipart")
    assert response.status_code == 413
    assert response.json()["detail"].startswith("The request is 7.")
    assert response.json()["detail"].endswith("; at most 4.0\xa0KB is accepted.")
    user = User.objects.create_user("cora", is_staff=True)
    user.groups.add(Group.objects.get(name="Curator"))
    client.force_login(user)
    big.seek(0)
    response = client.post("/admin/records/source/add/", {**record, "document": big})
    assert response.status_code == 413 and response["Content-Type"] == "text/plain; charset=utf-8"
    assert table_counts() == counts and stored_files(originals) == files
    monkeypatch.setattr(MultiPartParser, "parse", parse)
    small = document("small.txt", b"Hatra was damaged.", "text/plain")
    assert curator.post("/api/v1/sources/", {**record, "file": small}, format="multipart").status_code == 201


def test_a_library_failing_on_a_document_is_a_refusal_naming_its_error(palmyra, curator, originals, monkeypatch):
    """An error the reader does not expect of its library (pypdf's limits raise their own) is a 400 on `file`."""
    import pypdf
    from pypdf.errors import LimitReachedError

    def limit_reached(stream):
        raise LimitReachedError("Reached maximum number of tokens per stream.")

    monkeypatch.setattr(pypdf, "PdfReader", limit_reached)
    record = {"slug": "limited", "title": "A PDF", "kind": "report", "language": "en"}
    file = document("limited.pdf", pdf("Hatra."), "application/pdf")
    response = curator.post("/api/v1/sources/", {**record, "file": file}, format="multipart")
    assert response.status_code == 400, response.content
    assert response.json() == {
        "file": ["The PDF cannot be read (LimitReachedError: Reached maximum number of tokens per stream.)."]
    }
    assert not Source.objects.filter(slug="limited").exists()


def test_a_document_cannot_be_replaced_on_a_saved_source(palmyra, curator, originals):
    url = "/api/v1/sources/palmyra-recapture-2016/"
    response = curator.patch(
        url,
        {"file": document("other.txt", b"Other words.", "text/plain")},
        format="multipart",
        **if_match(curator, url),
    )
    assert response.status_code == 400
    assert "supersedes" in response.json()["file"][0]
    assert stored_files(originals) == {}


def test_a_quote_that_differs_by_typography_shows_the_closest_passage(palmyra, curator):
    """Straight quotes typed for curly ones: refused, showing the passage and the difference."""
    response = curator.post(
        "/api/v1/citations/",
        {"source": "palmyra-recapture-2016", "quote": "during the group's ten month occupation"},
        format="json",
    )
    assert response.status_code == 400
    message = response.json()["quote"][0]
    assert "“during the group’s ten month occupation”" in message
    assert "typed “'” where the text has “’”" in message
    assert not Citation.objects.filter(quote__contains="group's").exists()
