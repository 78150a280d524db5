"""
What the EAMENA importer refuses: every bad file is refused by place, feature and property, all or nothing, with
nothing written (tests/eamena_files.py makes the bad files from the trimmed real one).
"""

import json
import tracemalloc

import pytest
from django.core.exceptions import ValidationError

from heritage.records.models import Site

from .conftest import stored_files, table_counts
from .eamena_files import (
    TRIMMED,
    a_long_name,
    a_number,
    apart,
    edited,
    nested,
    out_of_range,
    run,
    set_property,
    twice_differently,
    unclosed,
    unknown_cause,
    unknown_condition,
    unknown_probability,
    without_geometry,
    without_names,
)

pytestmark = pytest.mark.django_db


BAD_FILES = [
    # (what, the file, EAMENA ID, feature, property, words of the message)
    ("not JSON", b"EAMENA-0182033, Nosrat Abad", "", 0, "", "not JSON"),
    ("not GeoJSON", b'{"type": "Feature", "properties": {}}', "", 0, "", "FeatureCollection"),
    ("no features", b'{"features": [], "type": "FeatureCollection"}', "", 0, "", "no features"),
    ("a nested type", b'{"features": [], "about": {"type": "FeatureCollection"}}', "", 0, "", "FeatureCollection"),
    (
        "a type in a string",
        b'{"features": [], "note": "\\"type\\": \\"FeatureCollection\\"}"}',
        "",
        0,
        "",
        "FeatureCollection",
    ),
    ("truncated", TRIMMED[:30000], "", 0, "", "not JSON: parse error: premature EOF"),
    ("no geometry", edited(without_geometry), "EAMENA-0182033", 0, "geometry", "no geometry"),
    ("no name", edited(without_names), "EAMENA-0182033", 0, "Resource Name", "no name"),
    ("out of range", edited(out_of_range), "EAMENA-0207205", 1, "geometry", "Latitude 95.0"),
    ("unclosed polygon", edited(unclosed), "EAMENA-0182033", 0, "geometry", "must close"),
    ("an ID twice, differently", edited(twice_differently), "EAMENA-0207205", 2, "Overall Condition", "other values"),
    ("a place's features apart", edited(apart), "EAMENA-0207205", 8, "EAMENA ID", "not together"),
    ("unknown cause", edited(unknown_cause), "EAMENA-0182033", 0, "Disturbance Cause Type ", "'Alien Visitation'"),
    ("unknown condition", edited(unknown_condition), "EAMENA-0182033", 0, "Overall Condition", "'Sparkling'"),
    ("a number for a term", edited(a_number), "EAMENA-0182033", 0, "Overall Condition", "expected a string"),
    ("a name too long", edited(a_long_name), "EAMENA-0182033", 0, "sites: name", "at most 200 characters"),
    ("unknown probability", edited(unknown_probability), "EAMENA-0182033", 0, "Threat Probability ", "'Certain'"),
    ("nested too deep", nested(100), "", 0, "geometry", "nested more than 32 levels deep"),
    (
        "a lone surrogate",
        TRIMMED.replace(b'"Nosrat Abad', b'"\\ud800Nosrat Abad', 1),
        "EAMENA-0182033",
        0,
        "Resource Name",
        "\\ud800 is a lone surrogate",
    ),
]


@pytest.mark.parametrize(("data", "eamena_id", "feature", "key", "words"), [b[1:] for b in BAD_FILES],
                         ids=[b[0] for b in BAD_FILES])  # fmt: skip
def test_bad_input_is_refused_by_feature_and_property_with_nothing_written(data, eamena_id, feature, key, words):
    """Each bad file is refused, naming the place, the feature and the property, and writes nothing."""
    before = table_counts()
    report = run(data=data, commit=True)
    assert not report.committed
    assert any(
        p.eamena_id == eamena_id and p.feature == feature and p.property.startswith(key) and words in p.message
        for p in report.problems
    ), [str(p) for p in report.problems]
    assert table_counts() == before


def test_one_bad_place_refuses_the_whole_file(originals, django_capture_on_commit_callbacks):
    """All or nothing: the good places of a file with one bad place are not written either, nor the file stored."""
    with django_capture_on_commit_callbacks(execute=True):
        report = run(data=edited(unknown_condition), commit=True)
    assert stored_files(originals) == {}
    assert report.counts["sites"]["created"] == 4 and report.counts["sites"]["refused"] == 1
    assert not Site.objects.filter(slug__startswith="eamena-").exists()


def test_a_value_refused_once_is_refused_in_every_place_holding_it():
    """Each field's verdict on a value is made once an import: a second place with the same bad value is refused too,
    with the same message, as full_clean would refuse it."""

    def two_long_names(features):
        for eamena_id in ("EAMENA-0182033", "EAMENA-0207205"):
            set_property(features, eamena_id, "Resource Name", "Caravanserai " * 20 + ", CVNS-IR")
            set_property(features, eamena_id, "Name Type", "Toponym, Alternative Reference")

    before = table_counts()
    report = run(data=edited(two_long_names), commit=True)
    refused = {(p.eamena_id, p.property, p.message) for p in report.problems if p.property == "sites: name"}
    site = Site(name=("Caravanserai " * 20).strip(), slug="x", kind="monument")
    with pytest.raises(ValidationError) as exc:
        site.full_clean(exclude=["condition"], validate_unique=False, validate_constraints=False)
    message = exc.value.message_dict["name"][0]
    assert refused == {("EAMENA-0182033", "sites: name", message), ("EAMENA-0207205", "sites: name", message)}
    assert not report.committed and table_counts() == before


@pytest.mark.parametrize(
    "document",
    [
        {"type": "FeatureCollection", "features": []},
        {"features": [], "type": "FeatureCollection"},
        {"features": [], "type": "FeatureCollection", "name": "export"},
    ],
)
def test_the_collections_type_is_found_wherever_it_stands(document):
    """EAMENA writes it last, others first, some between: each is read as a FeatureCollection (with no features)."""
    report = run(data=json.dumps(document, indent=1).encode())
    assert [problem.message for problem in report.problems] == ["The file holds no features."]


def test_a_deeply_nested_file_is_refused_before_a_parser_builds_it():
    """
    Nesting is refused from the file's bytes: a parser's memory grows with the square of the depth (ijson keeps the
    path of every level: 369 MB at 10,000 levels, a 200 KB file of 100,000 had the process killed).
    """
    tracemalloc.start()
    try:
        report = run(data=nested(3000))
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert [(p.feature, p.property) for p in report.problems] == [(0, "geometry")]
    assert peak < 2_000_000
