"""
Atomic, explained imports: a CSV with any bad row writes nothing, and the errors name the row, the field and the
reason. Each file in tests/bad_imports/ starts with a good row and then breaks one rule (the fixture counterpart is
tests/bad_fixtures/). CI runs this on SQLite and PostgreSQL.
"""

from pathlib import Path

import pytest
import tablib

from heritage.records.resources import DamageReportResource, OccupationResource, SiteResource

from .test_fixtures import row_counts

BAD = Path(__file__).resolve().parent / "bad_imports"
RESOURCES = {"damage_reports": DamageReportResource, "occupations": OccupationResource, "sites": SiteResource}

# file -> (field, reason) expected in the errors of row 2 (the first data row is row 1)
CASES = {
    "damage_reports-unknown_natural_key.csv": ("site", "atlantis"),
    "damage_reports-invalid_edtf_date.csv": ("occurred", "is not a valid EDTF date"),
    "damage_reports-unknown_vocabulary_term.csv": ("severity", "'obliterated' is not a valid choice"),
    "damage_reports-unknown_cause_term.csv": ("cause", "meteor-strike"),
    "occupations-end_before_start.csv": ("", "must not be before its start"),
    "occupations-negative_quantity.csv": ("quantity_min", "greater than or equal to 0"),
    "occupations-reversed_quantity.csv": ("quantity_max", "must not be smaller than the smallest"),
}


def import_file(path):
    resource = RESOURCES[path.name.split("-")[0]]()
    dataset = tablib.Dataset().load(path.read_text(encoding="utf-8"), format="csv")
    return resource.import_data(dataset, dry_run=False, raise_errors=False)


def errors_of(result):
    """'row N: field: message' for every invalid row and every row that raised."""
    lines = []
    for row in result.invalid_rows:
        for field, messages in row.error_dict.items():
            lines += [f"row {row.number}: {field}: {message}" for message in messages]
    for number, errors in result.row_errors():
        lines += [f"row {number}: {error.error}" for error in errors]
    return lines


def test_every_bad_import_has_a_case():
    assert sorted([*CASES, "sites-malformed_csv.csv"]) == sorted(path.name for path in BAD.glob("*.csv"))


@pytest.mark.django_db
@pytest.mark.parametrize("name", sorted(CASES))
def test_a_bad_import_writes_nothing_and_names_row_field_and_reason(palmyra, name):
    field, reason = CASES[name]
    before = row_counts()
    result = import_file(BAD / name)
    errors = errors_of(result)
    assert any(line.startswith("row 2: ") and field in line and reason in line for line in errors), errors
    assert not any(line.startswith("row 1: ") for line in errors), errors  # the good row is not blamed ...
    assert row_counts() == before  # ... but it is not written either


@pytest.mark.django_db
def test_a_malformed_csv_is_refused(palmyra):
    """An unclosed quote swallows the rest of the file into one cell: the row is refused, nothing is written."""
    before = row_counts()
    errors = errors_of(import_file(BAD / "sites-malformed_csv.csv"))
    assert any(line.startswith("row 1: ") and "slug" in line for line in errors), errors
    assert row_counts() == before
