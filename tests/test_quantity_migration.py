"""
The migration to ranges (records 0010): every single reported number becomes the bounds its qualifier implies, in the
records and in their history, and the bounds pass the new constraints. A real database of the suite's engine
(tests/databases.py), a copy of the run's snapshot at 0009, is migrated in subprocesses, as in tests/test_sources.py.
"""

import json

import pytest

from .processes import manage

pytestmark = pytest.mark.long

BEFORE = "0009_dates_languages_and_damage_dating"
RANGES = "0010_ranges_quantity_bounds"

# Rows written with the models as they were at 0009 (MigrationExecutor's historical models).
WRITE_OLD_ROWS = """
import datetime
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
apps = MigrationExecutor(connection).loader.project_state(("records", "%(before)s")).apps
get = lambda name: apps.get_model("records", name)
site = get("Site").objects.create(slug="hatra", name="Hatra", kind="archaeological_site", country="IQ")
actor = get("Actor").objects.create(slug="isis", name="ISIS", kind="armed_group")
event = get("Event").objects.create(slug="campaign", title="Air campaign", kind="air_campaign")
cause = get("DisturbanceCause").objects.create(slug="landmines", name="Landmines", category="military")
figures = {"a": (7, "exactly"), "b": (500, "approximately"), "c": (150, "at_least"), "d": (2000, "more_than"),
           "e": (20, "at_most"), "f": (20, "fewer_than"), "g": (0, "fewer_than"), "h": (2**31 - 1, "more_than")}
for measure, (value, qualifier) in figures.items():
    get("EventFigure").objects.create(
        event=event, measure=measure, quantity=value, quantity_qualifier=qualifier, quantity_unit="people")
get("Occupation").objects.create(slug="held", site=site, occupier=actor, started="2014", ended="2017",
    quantity=10, quantity_qualifier="approximately", quantity_unit="months")
get("Occupation").objects.create(slug="undated", site=site, occupier=actor)
get("Threat").objects.create(slug="mines", site=site, cause=cause, endangers="people", certainty="low",
    quantity=150, quantity_qualifier="at_least", quantity_unit="mines")
get("HistoricalThreat").objects.create(id=1, slug="mines", site_id=site.pk, cause_id=cause.pk, endangers="people",
    certainty="low", status="draft", quantity=100, quantity_qualifier="more_than", quantity_unit="mines", version=1,
    history_date=datetime.datetime(2020, 1, 1, tzinfo=datetime.timezone.utc), history_type="+")
"""

READ_OLD_ROWS = """
import json
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
apps = MigrationExecutor(connection).loader.project_state(("records", "%(before)s")).apps
figures = apps.get_model("records", "EventFigure").objects.values_list("measure", "quantity", "quantity_qualifier")
print(json.dumps({measure: [value, qualifier] for measure, value, qualifier in figures}))
"""

READ_NEW_ROWS = """
import json
from heritage.records.models import EventFigure, Occupation, Threat
# The unit by its key column: its slug, before and after the unit became a managed term (0012).
columns = ["quantity_min", "quantity_max", "quantity_qualifier", "quantity_unit_id"]
for model in (EventFigure, Occupation, Threat):
    for record in model.objects.all():
        record.full_clean(exclude=["citations"])
print(json.dumps({
    "figures": {f.measure: [getattr(f, c) for c in columns] for f in EventFigure.objects.all()},
    "occupations": {o.slug: [getattr(o, c) for c in columns] for o in Occupation.objects.all()},
    "threat": [getattr(Threat.objects.get(), c) for c in columns],
    "history": [list(row) for row in Threat.history.values_list(*columns[:3], "quantity_unit")],
    "display": EventFigure.objects.get(measure="d").quantity_display,
}))
"""


def database_with_old_rows(migrated_database):
    database = migrated_database(BEFORE)
    manage(database, "shell", "--no-imports", "-c", WRITE_OLD_ROWS % {"before": BEFORE})
    return database


def test_each_single_value_becomes_the_bounds_its_qualifier_implies(migrated_database):
    database = database_with_old_rows(migrated_database)
    manage(database, "migrate", "-v0")
    after = json.loads(manage(database, "shell", "--no-imports", "-c", READ_NEW_ROWS).stdout)

    assert after["figures"] == {
        "a": [7, 7, "exactly", "people"],
        "b": [500, 500, "approximately", "people"],
        "c": [150, None, "at_least", "people"],
        "d": [2001, None, "more_than", "people"],  # "more than 2,000" is 2,001 and up
        "e": [None, 20, "at_most", "people"],
        "f": [None, 19, "fewer_than", "people"],
        "g": [None, 0, "fewer_than", "people"],  # "fewer than 0" cannot be stored: the nearest it can be
        "h": [2**31 - 1, None, "more_than", "people"],  # the largest the column holds
    }
    assert after["display"] == "more than 2,000 people"
    assert after["occupations"] == {
        "held": [10, 10, "approximately", "months"],
        "undated": [None, None, "", None],  # no unit: NULL since units became terms (0012)
    }
    assert after["threat"] == [150, None, "at_least", "mines"]
    assert after["history"] == [[101, None, "more_than", "mines"]]


def test_going_back_gives_each_single_value_as_it_was(migrated_database):
    """
    Back from the ranges (0010) to single values: each as it was, but the two that could not be stored as they were
    ("g" and "h"). Only 0010 is undone: the migrations after it do not touch the numbers, and undoing them all costs
    tens of seconds of migration states.
    """
    database = database_with_old_rows(migrated_database)
    manage(database, "migrate", "records", RANGES, "-v0")
    manage(database, "migrate", "records", BEFORE, "-v0")
    back = json.loads(manage(database, "shell", "--no-imports", "-c", READ_OLD_ROWS % {"before": BEFORE}).stdout)
    assert back == {
        "a": [7, "exactly"],
        "b": [500, "approximately"],
        "c": [150, "at_least"],
        "d": [2000, "more_than"],
        "e": [20, "at_most"],
        "f": [20, "fewer_than"],
        "g": [1, "fewer_than"],
        "h": [2**31 - 2, "more_than"],
    }
