"""
No lost updates through the API: records carry an ETag (their version); PUT, PATCH and DELETE need If-Match naming
the version read (428 without it), and a stale one is a 412 that shows the current record.

The interleaving tests run two API clients against the same record, first one after the other and then truly at
once (two threads, each with its own connection and transaction), on whichever database the suite runs against.
"""

import threading

import pytest
from django.db import connection

from heritage.records.api.common import preconditions
from heritage.records.concurrency import claim_version
from heritage.records.models import DamageReport

from .base import csv_rows
from .conftest import token_client

URL = "/api/v1/damage-reports/palmyra-defaced-by-isis/"


def current():
    return DamageReport.objects.get(slug="palmyra-defaced-by-isis")


def test_a_record_carries_its_version_as_etag(world, anonymous):
    """GET on a record answers with ETag "<version>", in every format."""
    version = current().version
    assert anonymous.get(URL)["ETag"] == f'"{version}"'
    assert anonymous.get(URL, {"format": "csv"})["ETag"] == f'"{version}"'
    assert "ETag" not in anonymous.get("/api/v1/damage-reports/")  # a list is not one record


@pytest.mark.parametrize("method", ["put", "patch", "delete"])
@pytest.mark.parametrize("header", [None, "*", " "])
def test_a_write_without_if_match_is_a_428(world, deleter, method, header):
    """PUT, PATCH and DELETE without If-Match (or with "*", which would match any version) are refused with 428."""
    before = current()
    body = deleter.get(URL).json()
    extra = {} if header is None else {"HTTP_IF_MATCH": header}
    response = getattr(deleter, method)(URL, {**body, "description": "blind"}, format="json", **extra)
    assert response.status_code == 428, response.content
    assert "If-Match" in response.json()["detail"]
    after = current()
    assert (after.version, after.description) == (before.version, before.description)


def test_two_clients_editing_in_turn(world, curator):
    """Both read version N; the first PATCH wins (200, ETag N+1), the second is a 412 showing the first's values."""
    other = token_client("second-curator", "add", "change", "view")
    etag = curator.get(URL)["ETag"]
    assert other.get(URL)["ETag"] == etag

    first = curator.patch(URL, {"description": "first curator"}, format="json", HTTP_IF_MATCH=etag)
    assert first.status_code == 200, first.content
    assert first["ETag"] == f'"{int(etag.strip(chr(34))) + 1}"'

    second = other.patch(
        URL, {"description": "second curator", "severity": "destroyed"}, format="json", HTTP_IF_MATCH=etag
    )
    assert second.status_code == 412, second.content
    assert second["ETag"] == first["ETag"]
    body = second.json()
    assert "changed by someone else" in body["detail"]
    assert body["current"]["description"] == "first curator"
    assert body["current"]["severity"] == first.json()["severity"]
    assert current().description == "first curator"

    # Re-read, then retry with the new ETag: accepted.
    retry = other.patch(URL, {"description": "second curator"}, format="json", HTTP_IF_MATCH=second["ETag"])
    assert retry.status_code == 200, retry.content
    assert current().description == "second curator"


@pytest.mark.parametrize("header", ['W/"{v}"', "{v}", '"{v}x"', 'garbage, "{old}"'])
def test_if_match_must_name_the_current_version_strongly(world, curator, header):
    """Weak ETags, unquoted or malformed values and old versions are all 412s; nothing is written."""
    version = current().version
    response = curator.patch(
        URL, {"description": "x"}, format="json", HTTP_IF_MATCH=header.format(v=version, old=version - 1)
    )
    assert response.status_code == 412, response.content
    assert current().version == version


def test_if_match_may_list_several_etags(world, curator):
    """An If-Match listing the current ETag among others matches (RFC 9110)."""
    version = current().version
    response = curator.patch(URL, {"description": "listed"}, format="json", HTTP_IF_MATCH=f'"99", "{version}"')
    assert response.status_code == 200, response.content


def test_a_stale_delete_is_refused_and_the_record_kept(world, deleter):
    """A DELETE naming an old version is a 412; the record stays."""
    created = deleter.post(
        "/api/v1/damage-reports/",
        {"slug": "to-delete", "site": "palmyra", "cause": "looting", "severity": "destroyed", "certainty": "low"},
        format="json",
    )
    assert created.status_code == 201, created.content
    url = "/api/v1/damage-reports/to-delete/"
    stale = created["ETag"]
    assert deleter.patch(url, {"description": "edited"}, format="json", HTTP_IF_MATCH=stale).status_code == 200
    assert deleter.delete(url, HTTP_IF_MATCH=stale).status_code == 412
    assert DamageReport.objects.filter(slug="to-delete").exists()
    assert deleter.delete(url, HTTP_IF_MATCH=deleter.get(url)["ETag"]).status_code == 204


def test_a_412_is_json_whatever_format_was_asked(world, curator):
    """The 412 body is JSON even for ?format=csv, like every error."""
    response = curator.patch(URL + "?format=csv", {"description": "x"}, format="json", HTTP_IF_MATCH='"0"')
    assert response.status_code == 412
    assert response["Content-Type"] == "application/json"
    assert response.json()["current"]["slug"] == "palmyra-defaced-by-isis"
    ok = curator.patch(URL + "?format=csv", {"description": "x"}, format="json", HTTP_IF_MATCH=curator.get(URL)["ETag"])
    assert ok.status_code == 200 and csv_rows(ok)[1][csv_rows(ok)[0].index("description")] == "x"


@pytest.mark.django_db(transaction=True)
def test_two_interleaved_api_writers_cannot_both_succeed(monkeypatch):
    """
    Two curators' PATCHes of the same version, really at once: the first claims the record and is held inside its
    transaction; the second must wait, and is then refused with 412 showing the first's values.
    """
    first_client = token_client("first", "change", "view")
    second_client = token_client("second", "change", "view")
    etag = first_client.get(URL)["ETag"]
    assert second_client.get(URL)["ETag"] == etag

    claimed, release = threading.Event(), threading.Event()
    first_thread_name = "first-writer"

    def held_claim(instance, expected_version):
        claim_version(instance, expected_version)
        if threading.current_thread().name == first_thread_name:
            claimed.set()
            release.wait(timeout=20)

    monkeypatch.setattr(preconditions, "claim_version", held_claim)
    results = {}

    def write(name, client, description):
        try:
            results[name] = client.patch(URL, {"description": description}, format="json", HTTP_IF_MATCH=etag)
        finally:
            connection.close()

    first = threading.Thread(target=write, args=("first", first_client, "first writer"), name=first_thread_name)
    second = threading.Thread(target=write, args=("second", second_client, "second writer"))
    first.start()
    assert claimed.wait(timeout=20)
    second.start()
    second.join(timeout=1.5)
    assert second.is_alive(), "the second write did not wait for the first"
    release.set()
    first.join(timeout=30)
    second.join(timeout=30)

    assert results["first"].status_code == 200, results["first"].content
    assert results["second"].status_code == 412, results["second"].content
    assert results["second"].json()["current"]["description"] == "first writer"
    assert results["second"]["ETag"] == results["first"]["ETag"]
    report = current()
    assert report.description == "first writer"
    assert report.version == int(etag.strip('"')) + 1


def test_a_write_committed_between_read_and_claim_is_a_412_with_the_newer_record(world, curator, monkeypatch):
    """
    Another writer commits after this request read the record but before it claimed it: the claim fails and the 412
    shows the record as that writer left it (fetched afresh). Regression: the 412 body was serialized after the
    transaction was marked for rollback, so its queries failed and the answer was a 500 (found by bench/load.py).
    """
    etag = curator.get(URL)["ETag"]

    def someone_else_first(instance, expected_version):
        DamageReport.objects.filter(pk=instance.pk).update(description="someone else", version=expected_version + 1)
        claim_version(instance, expected_version)

    monkeypatch.setattr(preconditions, "claim_version", someone_else_first)
    response = curator.patch(URL, {"description": "mine"}, format="json", HTTP_IF_MATCH=etag)
    assert response.status_code == 412, response.content
    assert response.json()["current"]["description"] == "someone else"
    assert response.json()["current"]["site"]["slug"] == "palmyra"
    assert response["ETag"] == f'"{int(etag.strip(chr(34))) + 1}"'
