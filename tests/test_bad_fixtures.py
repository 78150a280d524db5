"""
Atomic, explained loading: a fixture with any bad record loads nothing, and the error names the file, the record
and the reason.

Each file in tests/bad_fixtures/ starts with a good record and then breaks one rule; the database's row counts must
be identical before and after the attempt. CI runs this on SQLite and PostgreSQL.
"""

from pathlib import Path

import pytest
from django.core.management import call_command

from .test_fixtures import row_counts

BAD = Path(__file__).resolve().parent / "bad_fixtures"

CASES = {
    "malformed_json.json": ("", "Expecting"),
    "unknown_natural_key.json": ("records.DamageReport", "site: no records.Site has the natural key ['atlantis']"),
    "invalid_edtf_date.json": ("records.Event", "occurred: '2016-13-45' is not a valid EDTF date"),
    "end_before_start.json": ("records.Occupation", "must not be before its start"),
    "quote_not_in_source.json": ("records.Citation", "quote: The source's text at 10..37 is not this quote"),
    "negative_quantity.json": ("records.EventFigure", "quantity_min: Ensure this value is greater than or equal to 0"),
    "reversed_quantity.json": ("records.EventFigure", "quantity_max: The largest number must not be smaller"),
    "unknown_vocabulary_term.json": ("records.DamageReport", "severity: Value 'obliterated' is not a valid choice"),
    "unknown_cause_term.json": (
        "records.DamageReport",
        "cause: no records.DisturbanceCause has the natural key ['meteor-strike']",
    ),
}


def test_every_bad_file_has_a_case():
    assert sorted(CASES) == sorted(path.name for path in BAD.glob("*.json"))


@pytest.mark.parametrize("name", sorted(CASES))
def test_a_bad_fixture_loads_nothing_and_says_why(palmyra, name):
    record, reason = CASES[name]
    before = row_counts()
    with pytest.raises(Exception) as caught:
        call_command("loaddata", str(BAD / name), verbosity=0)
    message = str(caught.value)
    assert name in message, message
    assert record in message, message
    assert reason in message, message
    assert row_counts() == before
