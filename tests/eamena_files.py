"""
The EAMENA test files (tests/data/eamena/, CC BY 4.0, see its README) and the changes that make bad ones from them,
shared by the importer's tests.
"""

import json
import re
from pathlib import Path

from heritage.records.importers.eamena import import_eamena

DATA = Path(__file__).parent / "data" / "eamena"
TRIMMED = (DATA / "trimmed.geojson").read_bytes()
WHOLE = (DATA / "caravanserail.geojson").read_bytes()


def run(data=TRIMMED, name="trimmed.geojson", **options):
    return import_eamena(data=data, name=name, **options)


def edited(change, data=TRIMMED):
    """The trimmed file with `change(features)` applied, as bytes."""
    document = json.loads(data)
    change(document["features"])
    return json.dumps(document, indent=2, ensure_ascii=False).encode()


def set_property(features, eamena_id, key, value):
    for feature in features:
        if feature["properties"]["EAMENA ID"] == eamena_id:
            feature["properties"][key] = value


def without_geometry(features):
    features[0]["geometry"] = None


def without_names(features):
    set_property(features, "EAMENA-0182033", "Resource Name", None)
    set_property(features, "EAMENA-0182033", "Name Type", None)


def out_of_range(features):
    features[1]["geometry"]["coordinates"] = [55.0, 95.0]


def unclosed(features):
    features[0]["geometry"]["coordinates"][0][-1] = [59.9, 29.9]


def twice_differently(features):
    features[2]["properties"]["Overall Condition State Type"] = "Good"


def unknown_cause(features):
    set_property(features, "EAMENA-0182033", "Disturbance Cause Type ", "Alien Visitation, Alien Visitation")
    set_property(features, "EAMENA-0182033", "Disturbance Cause Certainty ", "High, High")
    set_property(features, "EAMENA-0182033", "Disturbance Cause Category Type", "Natural")
    set_property(features, "EAMENA-0182033", "Disturbance Date From", "None")
    for key in ("Disturbance Date To ", "Disturbance Date Occurred Before", "Disturbance Date Occurred On "):
        set_property(features, "EAMENA-0182033", key, "None")


def unknown_condition(features):
    set_property(features, "EAMENA-0182033", "Overall Condition State Type", "Sparkling")


def unknown_probability(features):
    set_property(features, "EAMENA-0182033", "Threat Probability ", "Possible, Certain")


def a_number(features):
    set_property(features, "EAMENA-0182033", "Overall Condition State Type", 3)


def a_long_name(features):
    set_property(features, "EAMENA-0182033", "Resource Name", "Caravanserai " * 20 + ", CVNS-IR")
    set_property(features, "EAMENA-0182033", "Name Type", "Toponym, Alternative Reference")


def apart(features):
    features.append(features.pop(2))


def nested(depth, data=TRIMMED):
    """The file with its first feature's geometry `depth` arrays deep (`[[[…]]]`), as bytes: json.dumps recurses."""
    geometry = re.compile(rb'(?<="geometry": )\{.*?\}(?=,\s*"properties")', re.DOTALL)
    return geometry.sub(b"[" * depth + b"]" * depth, data, count=1)
