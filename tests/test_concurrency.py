"""
No lost updates: two editors who opened the same version cannot both save; the second is refused.

The interleaving is real: two threads, each with its own database connection and transaction. The first claims
the record and holds its transaction open while the second tries; the second must wait for the first to commit and
then be refused, on SQLite and on PostgreSQL alike.
"""

import threading

import pytest
from django.db import connection, transaction

from heritage.records.concurrency import StaleVersion, claim_version
from heritage.records.models import DamageReport


def edit(slug, expected_version, description, claimed=None, release=None):
    """One editor's save: claim the version seen, change the record, commit (after `release`, if given)."""
    try:
        with transaction.atomic():
            report = DamageReport.objects.get(slug=slug)
            claim_version(report, expected_version)
            if claimed:
                claimed.set()
            if release:
                release.wait(timeout=10)
            report.description = description
            report.save()
        return "saved"
    except StaleVersion as exc:
        return exc
    finally:
        connection.close()


@pytest.mark.django_db(transaction=True)
def test_the_second_of_two_interleaved_edits_is_refused():
    report = DamageReport.objects.get(slug="palmyra-defaced-by-isis")
    seen = report.version
    claimed, release = threading.Event(), threading.Event()
    results = {}

    first = threading.Thread(
        target=lambda: results.__setitem__("first", edit(report.slug, seen, "first editor", claimed, release))
    )
    second = threading.Thread(target=lambda: results.__setitem__("second", edit(report.slug, seen, "second editor")))
    first.start()
    assert claimed.wait(timeout=10)
    second.start()  # it now waits on the first's lock ...
    second.join(timeout=1)
    assert second.is_alive(), "the second edit did not wait for the first"
    release.set()  # ... until the first commits
    first.join(timeout=20)
    second.join(timeout=20)

    assert results["first"] == "saved"
    assert isinstance(results["second"], StaleVersion)
    assert results["second"].current.description == "first editor"  # the refusal shows the newer values
    report.refresh_from_db()
    assert report.description == "first editor"
    assert report.version == seen + 1


@pytest.mark.django_db
def test_an_edit_of_the_current_version_is_applied_and_raises_the_version(palmyra):
    report = DamageReport.objects.get(slug="palmyra-defaced-by-isis")
    seen = report.version
    with transaction.atomic():
        claim_version(report, seen)
        report.description = "checked"
        report.save()
    report.refresh_from_db()
    assert (report.description, report.version) == ("checked", seen + 1)
    with pytest.raises(StaleVersion, match="was changed by someone else"), transaction.atomic():
        claim_version(report, seen)
