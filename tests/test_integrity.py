"""manage.py check_integrity: silent and 0 on the article's data, numbered problems and exit 1 when broken."""

import datetime
import io

import pytest
from django.core.management import call_command
from django.db.models import F

from heritage.records import services, texts
from heritage.records.models import Actor, Citation, DamageReport, Event, Source


def run():
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("check_integrity", stdout=out, stderr=err)
        code = 0
    except SystemExit as exc:
        code = exc.code
    return code, out.getvalue(), err.getvalue()


@pytest.mark.django_db
def test_the_article_passes_every_check(palmyra):
    code, out, _ = run()
    assert code == 0, out
    assert "1. Source texts and originals match their checksums: ok" in out
    assert "2. Citation quotes stand in their sources: ok" in out
    assert "All 8 checks passed." in out


@pytest.mark.django_db
def test_each_kind_of_damage_is_reported_by_number(palmyra):
    Citation.objects.filter(quote="around 500 sorties").update(
        char_start=F("char_start") + 1, char_end=F("char_end") + 1
    )
    Event.objects.filter(slug="recapture-of-palmyra").update(occurred_latest=datetime.date(2016, 12, 31))
    DamageReport.objects.get(slug="palmyra-ancient-heritage-destroyed").citations.clear()
    source = Source.objects.get()
    Citation.objects.create(source=source, quote="Queen of the Syrian desert", char_start=1527, char_end=1553)
    Actor.objects.create(slug="nobody", name="Nobody", kind="other")

    code, out, err = run()

    assert code == 1
    assert "2. Citation quotes stand in their sources: FAILED (1)" in out
    assert "is not the quote 'around 500 sorties'" in out
    assert "3. EDTF dates parse and their bounds are derived: FAILED (1)" in out
    assert "'2016-03-27' has bounds" in out
    assert "4. Every damage report is cited: FAILED (1)" in out
    assert "palmyra-ancient-heritage-destroyed: no citation" in out
    assert "6. No orphaned records: FAILED (3)" in out  # the uncited report's passage is orphaned too
    assert "'Queen of the Syrian desert'): supports no record" in out
    assert "actor nobody: named by no record" in out
    assert "checks failed" in err


@pytest.mark.django_db
def test_a_text_or_an_original_that_no_longer_matches_its_checksum_is_reported(palmyra, originals):
    """A text changed behind the record's back (raw SQL), an original changed or gone in storage: each reported."""
    article = Source.objects.get()
    Source.objects.filter(pk=article.pk).update(text=article.text.replace("Palmyra", "Palmira", 1))
    upload = texts.extract(b"Hatra was damaged in 2015.", name="hatra.txt")
    hatra = services.save_source(
        source=Source(slug="hatra", title="Hatra", kind="report", language="en"), document=upload
    )
    nimrud = services.save_source(
        source=Source(slug="nimrud", title="Nimrud", kind="report", language="en"),
        document=texts.extract(b"Nimrud was bulldozed in 2015.", name="nimrud.txt"),
    )
    storage = Source.original.field.storage
    storage.delete(hatra.original.name)
    with storage.open(nimrud.original.name, "wb") as handle:
        handle.write(b"Nimrud was restored in 2015.")

    code, out, _ = run()

    assert code == 1
    assert "1. Source texts and originals match their checksums: FAILED (3)" in out
    assert "source palmyra-recapture-2016: its text does not match its SHA-256 or length" in out
    assert f"source hatra: its original {hatra.original.name} is missing" in out
    assert "source nimrud: its original does not match its SHA-256 or size" in out
