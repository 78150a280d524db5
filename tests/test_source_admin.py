"""
Sources in the admin: a pasted text, or an uploaded document whose text is shown for the curator to confirm before
anything is saved; the reader, which shows the text with its citations and cites a selection by its offsets; and a
citation attached to several records at once.
"""

import html
import re

import pytest
from django.contrib import admin
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from heritage.records.models import Citation, DamageReport, Site, Source
from heritage.records.texts import sha256

from .admin_helpers import make_user
from .conftest import stored_files, table_counts
from .documents import HATRA_HTML, pdf

pytestmark = pytest.mark.django_db

ADD = reverse("admin:records_source_add")


def source_data(**overrides):
    return {
        "title": "Hatra",
        "slug": "hatra-encyclopaedia",
        "kind": "website",
        "language": "en",
        "direction": "",
        "text": "",
        "_save": "Save",
        **overrides,
    }


@pytest.fixture
def curator_client(client, palmyra):
    client.force_login(make_user("cora", group="Curator"))
    return client


def test_a_pasted_text_is_saved_with_its_fingerprint(curator_client, originals):
    """A pasted text is normalised (a browser's \\r\\n) and saved with its SHA-256 and length; no original."""
    response = curator_client.post(ADD, source_data(text="Hatra was damaged.\r\nIn 2015."))
    assert response.status_code == 302, response.context["adminform"].form.errors
    source = Source.objects.get(slug="hatra-encyclopaedia")
    assert source.text == "Hatra was damaged.\nIn 2015."
    assert (source.text_sha256, source.text_length) == (sha256(source.text), len(source.text))
    assert not source.original and stored_files(originals) == {}


def test_an_upload_is_shown_for_confirmation_before_anything_is_saved(
    curator_client, originals, django_capture_on_commit_callbacks
):
    """Upload: the page shows the text taken from it and asks to confirm; only the confirmed form saves it."""
    counts = table_counts()
    upload = SimpleUploadedFile("hatra.html", HATRA_HTML.encode(), content_type="text/html")
    first = curator_client.post(ADD, source_data(document=upload))

    assert first.status_code == 200
    form = first.context["adminform"].form
    assert "Read the text taken from hatra.html" in form.errors["confirmed"][0]
    page = first.content.decode()
    assert "Text taken from hatra.html" in page
    assert "with sledgehammers and assault rifles" in page
    assert "Random article" not in page  # the page's menu is not the document's text
    assert table_counts() == counts  # nothing saved yet
    waiting = stored_files(originals)
    assert list(waiting) == [f"pending/{form.data['pending']}"]

    with django_capture_on_commit_callbacks(execute=True):
        confirmed = curator_client.post(
            ADD, source_data(pending=form.data["pending"], pending_name="hatra.html", confirmed="on")
        )
    assert confirmed.status_code == 302, confirmed.context["adminform"].form.errors
    source = Source.objects.get(slug="hatra-encyclopaedia")
    assert source.text.startswith("Hatra\nHatra was an ancient city")
    assert (source.original_name, source.original_media_type) == ("hatra.html", "text/html")
    assert source.original_sha256 == sha256(HATRA_HTML.encode())
    with source.original.open("rb") as handle:
        assert handle.read() == HATRA_HTML.encode()
    assert list(stored_files(originals)) == [source.original.name]  # the waiting copy is gone


def test_text_pasted_beside_a_waiting_upload_is_refused_not_dropped(curator_client, originals):
    """Text typed on the confirmation page is refused on the text field; nothing is saved, the upload still waits."""
    upload = SimpleUploadedFile("hatra.html", HATRA_HTML.encode(), content_type="text/html")
    token = curator_client.post(ADD, source_data(document=upload)).context["adminform"].form.data["pending"]
    counts = table_counts()
    data = source_data(pending=token, pending_name="hatra.html", confirmed="on", text="My own words.")
    response = curator_client.post(ADD, data)
    assert response.status_code == 200
    assert "not both" in " ".join(response.context["adminform"].form.errors["text"])
    assert table_counts() == counts
    assert list(stored_files(originals)) == [f"pending/{token}"]


@pytest.mark.parametrize(
    ("name", "data", "words"),
    [
        ("scan.pdf", pdf(), "no text layer"),
        ("hatra.txt", "Hatra".encode("utf-16"), "not UTF-8"),
        ("hatra.docx", b"PK\x03\x04", "not a document intake reads"),
        ("article.txt", None, "palmyra-recapture-2016"),
    ],
)
def test_a_refused_upload_names_the_document_field_and_writes_nothing(curator_client, originals, name, data, words):
    data = Source.objects.get().text.encode() if data is None else data
    counts = table_counts()
    response = curator_client.post(ADD, source_data(document=SimpleUploadedFile(name, data)))
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert words in " ".join(errors.get("document", [])), errors
    assert table_counts() == counts
    assert stored_files(originals) == {}


def test_a_pdf_with_a_text_layer_is_read(curator_client, originals):
    upload = SimpleUploadedFile("report.pdf", pdf("Nimrud was bulldozed in March 2015."), "application/pdf")
    first = curator_client.post(ADD, source_data(slug="nimrud-report", title="Nimrud", document=upload))
    token = first.context["adminform"].form.data["pending"]
    confirmed = source_data(
        slug="nimrud-report", title="Nimrud", pending=token, pending_name="report.pdf", confirmed="on"
    )
    curator_client.post(ADD, confirmed)
    source = Source.objects.get(slug="nimrud-report")
    assert source.text.strip() == "Nimrud was bulldozed in March 2015."
    assert source.original_media_type == "application/pdf"


def test_a_cited_text_cannot_be_edited_in_the_admin(curator_client):
    """
    The article is cited: its change form has no text field to send. A text sent anyway (from a page opened before a
    citation fixed it) is refused with the reason, and nothing else of that form is saved; sent unchanged, the rest
    of the form is saved.
    """
    source = Source.objects.get()
    url = reverse("admin:records_source_change", args=[source.pk])
    form = curator_client.get(url).context["adminform"].form
    assert "text" not in form.fields
    data = {**{k: v for k, v in form.initial.items() if v is not None}, "notes": "Checked.", "_save": "Save"}
    data["seen_version"] = source.version
    data.pop("supersedes", None)
    data.pop("retrieved", None)
    refused = curator_client.post(url, {**data, "text": "Other words."})
    assert refused.status_code == 200
    assert "A citation has quoted this source since you opened it" in str(refused.context["adminform"].form.errors)
    assert (Source.objects.get().text_sha256, Source.objects.get().notes) == (source.text_sha256, source.notes)
    saved = curator_client.post(url, {**data, "text": source.text.replace("\n", "\r\n")})
    assert saved.status_code == 302
    assert (Source.objects.get().text_sha256, Source.objects.get().notes) == (source.text_sha256, "Checked.")


def reader_text(page):
    """The text inside the reader's element, as a browser would give it (tags gone, entities decoded)."""
    inner = re.search(r'<div id="reader-text"[^>]*>(.*?)</div>', page, re.S).group(1)
    return html.unescape(re.sub(r"<[^>]+>", "", inner))


def test_the_reader_shows_the_text_exactly_with_every_citation_marked(curator_client):
    source = Source.objects.get()
    page = curator_client.get(reverse("admin:records_source_change", args=[source.pk])).content.decode()
    assert reader_text(page) == source.text
    citation = Citation.objects.get(quote="around 500 sorties")
    marked = re.findall(r'<span class="cited" data-citations="([0-9 ]+)">([^<]*)</span>', page)
    assert any(str(citation.pk) in ids.split() and text == "around 500 sorties" for ids, text in marked)
    assert f"{Citation.objects.count()} citations" in page


def test_citing_a_selection_takes_the_quote_from_the_text_at_its_offsets(curator_client):
    source = Source.objects.get()
    start = source.text.index("Queen of the Syrian desert")
    end = start + len("Queen of the Syrian desert")
    url = reverse("admin:records_source_cite", args=[source.pk])
    response = curator_client.post(url, {"char_start": start, "char_end": end, "attribution": ""})
    citation = Citation.objects.get(quote="Queen of the Syrian desert")
    assert (citation.char_start, citation.char_end) == (start, end)
    assert response.status_code == 302 and response["Location"].endswith(f"?cited={citation.pk}#reader")
    page = curator_client.get(response["Location"]).content.decode()
    assert "Attach it to records" in page
    assert f"/admin/records/damagereport/add/?citations={citation.pk}" in page


@pytest.mark.parametrize(
    ("start", "end", "words"),
    [(10, 10, "Select the words"), (40, 41, "no words"), (0, 10**6, "Select the words"), (0, 700, "at most 600")],
)
def test_a_selection_that_cannot_be_cited_is_refused(curator_client, start, end, words):
    source = Source.objects.get()
    if words == "no words":
        start = source.text.index("\n")
        end = start + 1
    counts = table_counts()
    url = reverse("admin:records_source_cite", args=[source.pk])
    response = curator_client.post(url, {"char_start": start, "char_end": end}, follow=True)
    assert words in " ".join(str(message) for message in response.context["messages"])
    assert table_counts() == counts


def test_only_those_who_may_add_citations_cite_from_the_reader(client, palmyra):
    client.force_login(make_user("rhea", group="Researcher"))
    source = Source.objects.get()
    page = client.get(reverse("admin:records_source_change", args=[source.pk])).content.decode()
    assert 'id="cite-form"' not in page and 'id="reader-text"' in page
    response = client.post(reverse("admin:records_source_cite", args=[source.pk]), {"char_start": 0, "char_end": 7})
    assert response.status_code == 403
    assert not Citation.objects.filter(char_start=0, char_end=7).exists()


def test_a_citation_is_attached_to_several_records_at_once(curator_client):
    """One passage, two records of different kinds, one form: both cite it, and each record's version rises."""
    source = Source.objects.get()
    start = source.text.index("the Pearl of the Middle East")
    citation = Citation.objects.create(source=source, quote="the Pearl of the Middle East", char_start=start,
                                       char_end=start + len("the Pearl of the Middle East"))  # fmt: skip
    palmyra = Site.objects.get(slug="palmyra")
    report = DamageReport.objects.filter(site=palmyra).first()
    versions = (palmyra.version, report.version)
    url = reverse("admin:records_citation_attach", args=[citation.pk])
    page = curator_client.get(url)
    assert page.status_code == 200
    assert {"sites", "damagereports", "events"} <= set(page.context["form"].fields)
    response = curator_client.post(url, {"sites": [palmyra.pk], "damagereports": [report.pk]})
    assert response.status_code == 302
    palmyra.refresh_from_db()
    report.refresh_from_db()
    assert citation in palmyra.citations.all() and citation in report.citations.all()
    assert (palmyra.version, report.version) == (versions[0] + 1, versions[1] + 1)


@pytest.mark.parametrize("value", ["9" * 30, "x", "-1"])
def test_attaching_a_record_no_key_can_be_is_a_form_error(curator_client, value):
    """A record named by a value no key can be, beside a real one: the form names the field; nothing is attached."""
    source = Source.objects.get()
    start = source.text.index("the Pearl of the Middle East")
    citation = Citation.objects.create(source=source, quote="the Pearl of the Middle East", char_start=start,
                                       char_end=start + len("the Pearl of the Middle East"))  # fmt: skip
    palmyra = Site.objects.get(slug="palmyra")
    url = reverse("admin:records_citation_attach", args=[citation.pk])
    response = curator_client.post(url, {"sites": [palmyra.pk], "threats": [value]})
    assert response.status_code == 200
    assert list(response.context["form"].errors) == ["threats"]
    assert not palmyra.citations.filter(pk=citation.pk).exists()


def test_the_attach_pages_autocompletes_offer_the_records_not_citing_the_passage_yet(curator_client):
    """Each autocomplete searches its kind of record; once a record cites the passage, it is no longer offered."""
    source = Source.objects.get()
    start = source.text.index("the Pearl of the Middle East")
    citation = Citation.objects.create(source=source, quote="the Pearl of the Middle East", char_start=start,
                                       char_end=start + len("the Pearl of the Middle East"))  # fmt: skip
    report = DamageReport.objects.first()
    page = curator_client.get(reverse("admin:records_citation_attach", args=[citation.pk]))
    widget = page.context["form"].fields["damagereports"].widget
    url = widget.build_attrs(widget.attrs)["data-ajax--url"]
    query = {"app_label": "records", "model_name": "citation", "field_name": "damagereports", "term": "Palmyra"}

    found = curator_client.get(url, query)
    assert found.status_code == 200
    assert str(report.pk) in [result["id"] for result in found.json()["results"]]
    report.citations.add(citation)
    assert str(report.pk) not in [result["id"] for result in curator_client.get(url, query).json()["results"]]


def test_the_attach_autocomplete_answers_only_for_kinds_the_user_may_attach_to(client, palmyra):
    """A researcher may change no record: 403; so is a relation of Citation's that is not a kind of cited record."""
    citation = Citation.objects.first()
    url = reverse("admin:records_citation_attach_autocomplete", args=[citation.pk])
    query = {"app_label": "records", "model_name": "citation", "term": "Palmyra"}
    client.force_login(make_user("rita", group="Researcher"))
    assert client.get(url, {**query, "field_name": "damagereports"}).status_code == 403
    client.force_login(make_user("cora", group="Curator"))
    assert client.get(url, {**query, "field_name": "source"}).status_code == 403


def test_a_citations_records_are_listed_as_its_pages_user_sees_them_whoever_asks_meanwhile(rf, palmyra):
    """The admin is shared by every request: a curator's page built meanwhile does not show a draft to another user."""
    citation = Citation.objects.filter(damagereports__isnull=False).first()
    DamageReport.objects.filter(pk__in=citation.damagereports.all()).update(status="draft")
    citation_admin = admin.site.get_model_admin(Citation)
    curator_request, other_request = rf.get("/"), rf.get("/")
    curator_request.user = make_user("cora", group="Curator")
    other_request.user = make_user("sid")  # staff, may view no damage report: sees no draft
    theirs, curators = Citation.objects.get(pk=citation.pk), Citation.objects.get(pk=citation.pk)
    citation_admin.get_form(other_request, theirs)
    citation_admin.get_form(curator_request, curators)  # another thread's request, between theirs and its page
    assert "damage report" in citation_admin.cited_by(curators)
    assert "damage report" not in citation_admin.cited_by(theirs)


def test_a_quote_typed_across_a_line_break_is_found(curator_client):
    """The browser sends \\r\\n; the text has \\n: the quote is normalised like the text and found."""
    source = Source.objects.get()
    text = source.text
    end = text.index("\n")  # the headline's end: quote across the first line break
    quote = text[end - 7 : end + 11]  # “Palmyra\nSyrian and”
    response = curator_client.post(
        reverse("admin:records_citation_add"),
        {"source": source.pk, "quote": quote.replace("\n", "\r\n"), "_save": "Save"},
    )
    assert response.status_code == 302, response.context["adminform"].form.errors.as_data()
    citation = Citation.objects.get(quote=quote)
    assert text[citation.char_start : citation.char_end] == quote
