"""
Migration 0012_vocab_terms on a database that already holds records: every record keeps its meaning when the fixed
choices become term tables, and migrating back restores the old values.

Runs Django's MigrationExecutor in a subprocess against a database of the suite's engine (tests/databases.py: a
copy of the run's snapshot at 0011), never the test database: it migrates to 0011 (nothing left to do), writes rows
with the old values through 0011's models, migrates forward, and checks what the rows now say.
"""

import json
import os

import pytest

from .processes import run_python

pytestmark = pytest.mark.long


SCRIPT = """
import json, sys, django
django.setup()
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE, AFTER = ("records", "0011_workflow_threat_status"), ("records", "0012_vocab_terms")


def migrate(target):
    executor = MigrationExecutor(connection)
    executor.migrate([target])
    executor.loader.build_graph()
    return executor.loader.project_state([target]).apps


apps = migrate(BEFORE)
get = lambda name: apps.get_model("records", name)
site = get("Site").objects.create(slug="hatra", name="Hatra", kind="archaeological_site", country="IQ")
for slug, kind in (("s1", "report"), ("s2", "pamphlet")):
    get("Source").objects.create(slug=slug, title=slug, kind=kind, text=slug, text_sha256=slug * 32, text_length=2)
capture = get("Event").objects.create(slug="e1", title="Capture", kind="capture")
get("Event").objects.create(slug="e2", title="A siege", kind="siege")
get("EventFigure").objects.create(event=capture, measure="fighters", quantity_min=300, quantity_max=300,
                                  quantity_qualifier="exactly",
                                  quantity_unit="people")
isis = get("Actor").objects.create(slug="isis", name="ISIS", kind="armed_group")
get("Occupation").objects.create(slug="o1", site=site, occupier=isis, started="2015", quantity_min=10,
                                 quantity_max=10,
                                 quantity_qualifier="approximately", quantity_unit="months")
landmines = get("DisturbanceCause").objects.create(slug="landmines", name="Landmines", category="conflict")
get("DisturbanceCause").objects.create(slug="looting", name="Looting", category="looting")
get("Threat").objects.create(slug="t1", site=site, cause=landmines, endangers="people", certainty="medium")

apps = migrate(AFTER)
get = lambda name: apps.get_model("records", name)
terms = lambda name: {t.slug: (t.label, t.scheme) for t in get(name).objects.all()}
after = {
    "event_kinds": dict(get("Event").objects.values_list("slug", "kind")),
    "source_kinds": dict(get("Source").objects.values_list("slug", "kind")),
    "units": {
        "figure": get("EventFigure").objects.get().quantity_unit_id,
        "occupation": get("Occupation").objects.get().quantity_unit_id,
        "threat": get("Threat").objects.get().quantity_unit_id,
    },
    "categories": dict(get("DisturbanceCause").objects.values_list("slug", "category")),
    "cause_labels": dict(get("DisturbanceCause").objects.values_list("slug", "label")),
    "event_types": terms("EventType"),
    "source_types": terms("SourceType"),
    "quantity_units": terms("QuantityUnit"),
    "disturbance_categories": terms("DisturbanceCategory"),
}

apps = migrate(BEFORE)
get = lambda name: apps.get_model("records", name)
back = {
    "event_kinds": dict(get("Event").objects.values_list("slug", "kind")),
    "threat_unit": get("Threat").objects.get().quantity_unit,
    "categories": dict(get("DisturbanceCause").objects.values_list("slug", "category")),
    "cause_names": dict(get("DisturbanceCause").objects.values_list("slug", "name")),
}
print(json.dumps({"after": after, "back": back}))
"""


def migrate_with_old_rows(database_url):
    env = {**os.environ, "DATABASE_URL": database_url, "DJANGO_SETTINGS_MODULE": "heritage.settings"}
    result = run_python(["-c", SCRIPT], env=env, timeout=300)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def check(outcome):
    after, back = outcome["after"], outcome["back"]
    # Records keep the same values, now keys of terms that exist, with the labels the old choices had.
    assert after["event_kinds"] == {"e1": "capture", "e2": "siege"}
    assert after["source_kinds"] == {"s1": "report", "s2": "pamphlet"}
    assert after["event_types"] == {
        "capture": ["Capture or recapture of a place", "heritage"],
        "siege": ["siege", "heritage"],  # a value outside the old choices keeps its text as its label
    }
    assert after["source_types"] == {"report": ["Report", "heritage"], "pamphlet": ["pamphlet", "heritage"]}
    assert after["quantity_units"] == {"people": ["people", "heritage"], "months": ["months", "heritage"]}
    # No quantity: no unit (NULL, not "", which no term has).
    assert after["units"] == {"figure": "people", "occupation": "months", "threat": None}
    # The old categories become the EAMENA categories they meant.
    assert after["categories"] == {"landmines": "military-armed-conflict", "looting": "looting-illegal-activities"}
    assert after["disturbance_categories"] == {
        "military-armed-conflict": ["Military/Armed Conflict", "EAMENA"],
        "looting-illegal-activities": ["Looting/Illegal Activities", "EAMENA"],
    }
    assert after["cause_labels"] == {"landmines": "Landmines", "looting": "Looting"}
    # And back.
    assert back == {
        "event_kinds": {"e1": "capture", "e2": "siege"},
        "threat_unit": "",
        "categories": {"landmines": "conflict", "looting": "looting"},
        "cause_names": {"landmines": "Landmines", "looting": "Looting"},
    }


def test_existing_records_keep_their_meaning(migrated_database):
    check(migrate_with_old_rows(migrated_database("0011_workflow_threat_status")))
