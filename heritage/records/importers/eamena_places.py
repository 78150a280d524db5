"""
EAMENA heritage places as the record's fields: what one place's features say, read and mapped onto the project's
vocabularies, choices and models, before anything is written (eamena.py writes them).

An EAMENA export repeats a place's properties on every feature that carries one of its geometries, and writes every
multi-valued property as one string whose values are joined with ", " (positions line up between related
properties). The string "None" is a placeholder, no-break spaces occur inside values, and some keys end with a
space. Every value that cannot be mapped is a `Problem` naming the place, the feature and the property: nothing is
guessed. The mapping is documented, property by property, in docs/importing.md.
"""

import datetime
import functools
import re
import unicodedata
from dataclasses import dataclass, field

import shapely.geometry
from django_countries import countries

from ..choices import (
    Certainty,
    DamageExtent,
    GeometryQualifier,
    LocationCertainty,
    NameKind,
    SiteKind,
    ThreatProbability,
)
from ..geometry import geometry_errors

ID_KEY = "EAMENA ID"

# Vocabulary terms that contain ", " themselves, so that a joined list is not split inside them.
TERMS_WITH_COMMAS = (
    "Conservation, Restoration, and Maintenance Activities",
    "Islamic, Late (Timurid/Safavid/Qajar) (Iran)",
)
# EAMENA's cause-type list spells "Grafitti"; its records (and this project's vocabulary) say "Graffiti".
CAUSE_SPELLINGS = {"Grafitti": "Graffiti"}

NAME_KINDS = {"Toponym": NameKind.LOCAL, "Alternative Reference": NameKind.VARIANT}
# The heritage place types EAMENA exports have been seen to use; another is refused until it is added here.
SITE_KINDS = {"Archaeological Site": SiteKind.ARCHAEOLOGICAL_SITE, "Structural Heritage": SiteKind.MONUMENT}
QUALIFIERS = {"Center Point": GeometryQualifier.CENTRE_POINT, "Perimeter Polygon": GeometryQualifier.PERIMETER}
LOCATION_CERTAINTIES = {label: value for value, label in ((c, c.name.title()) for c in LocationCertainty)}
CERTAINTIES = {"Not Applicable": Certainty.NOT_APPLICABLE} | {
    c.name.title(): c for c in Certainty if c != Certainty.NOT_APPLICABLE
}
PROBABILITIES = {c.name.title(): c for c in ThreatProbability}
DAMAGE_EXTENTS = {"No Visible/Known": DamageExtent.NONE} | {
    f"{c.value}%": c for c in DamageExtent if c != DamageExtent.NONE
}
DATE_KEYS = {
    "from": "Disturbance Date From",
    "to": "Disturbance Date To ",
    "before": "Disturbance Date Occurred Before",
    "on": "Disturbance Date Occurred On ",
}
ARABIC_SCRIPT = re.compile("[\u0600-\u06ff\u0750-\u077f\u08a0-\u08ff\ufb50-\ufdff\ufe70-\ufeff]")


@dataclass(frozen=True)
class Problem:
    """A value the importer refuses: where it is (place, feature index in the file, property) and why."""

    eamena_id: str
    feature: int
    property: str
    message: str

    def __str__(self):
        where = f"{self.eamena_id or 'feature'} (feature {self.feature})"
        return f"{where}, {self.property!r}: {self.message}" if self.property else f"{where}: {self.message}"


@dataclass
class Extent:
    feature: int
    geometry: dict
    qualifier: str
    certainty: str


@dataclass
class Disturbance:
    cause: str
    certainty: str
    category: str
    occurred: str = ""
    dating_note: str = ""


@dataclass
class PlaceThreat:
    cause: str
    category: str
    probability: str


@dataclass
class Place:
    """One heritage place: everything the record will hold of it, mapped."""

    eamena_id: str
    feature: int
    properties: dict
    name: str = ""
    kind: str = ""
    country: str = ""
    names: list = field(default_factory=list)  # (name, kind, language)
    extents: list = field(default_factory=list)
    point: tuple | None = None  # (latitude, longitude, certainty)
    condition: str | None = None
    condition_assessed: datetime.date | None = None
    damage_extent: str = ""
    description: str = ""
    disturbances: list = field(default_factory=list)
    threats: list = field(default_factory=list)


def values(text):
    """
    The values of a multi-valued property, by position: split on ", " (terms containing it kept whole), no-break
    spaces as spaces, the placeholder "None" and empty entries as "". None (the property absent) is no values.
    """
    if text is None:
        return []
    if not isinstance(text, str):
        raise ValueError(f"expected a string, found {type(text).__name__}")
    text = text.replace("\u00a0", " ")
    pieces = text.split(", ")
    # Only a term the text holds can be one of its values (most texts hold none: each piece is then a value).
    terms = [term for term in TERMS_WITH_COMMAS if term in text]
    if not terms:
        return ["" if item == "None" else item for item in map(str.strip, pieces)]
    items, index = [], 0
    while index < len(pieces):
        for term in terms:
            parts = term.count(", ") + 1
            if ", ".join(pieces[index : index + parts]).strip() == term:
                item, index = term, index + parts
                break
        else:
            item, index = pieces[index].strip(), index + 1
        items.append("" if item == "None" else item)
    return items


def script_tag(name):
    """
    The BCP 47 tag the data supports for a name: its script only (the export names no language), `und-Arab` for
    Arabic script (EAMENA's Persian and Arabic names), `und-Latn` for Latin letters, "" otherwise.
    """
    if ARABIC_SCRIPT.search(name):
        return "und-Arab"
    if any(unicodedata.name(ch, "").startswith("LATIN") for ch in name):
        return "und-Latn"
    return ""


class PlaceReader:
    """
    Reads the features of one place into a `Place`, collecting `Problem`s. `vocabulary` maps the labels of the
    managed vocabularies to their keys: {"causes": {label: pk}, "categories": {label: slug}, "conditions": {…}}.
    """

    def __init__(self, vocabulary):
        self.vocabulary = vocabulary

    def read(self, features):
        """`features`: [(index in the file, feature)] sharing one EAMENA ID. Returns (Place or None, problems)."""
        self.problems = []
        first_index, first = features[0]
        properties = first["properties"]
        self.place = place = Place(eamena_id=properties[ID_KEY], feature=first_index, properties=properties)
        for index, feature in features[1:]:
            if feature["properties"] != properties:
                differing = sorted(k for k in set(properties) | set(feature["properties"])
                                   if properties.get(k) != feature["properties"].get(k))  # fmt: skip
                self.refuse(f"Another feature of this place (feature {first_index}) has other values", differing[0],
                            index)  # fmt: skip
        self.read_names()
        self.read_site()
        self.read_extents(features)
        self.read_condition()
        self.read_disturbances()
        self.read_threats()
        return (None if self.problems else place), self.problems

    def refuse(self, message, key="", feature=None):
        feature = self.place.feature if feature is None else feature
        self.problems.append(Problem(self.place.eamena_id, feature, key, message))

    def list(self, key):
        try:
            return values(self.place.properties.get(key))
        except ValueError as exc:
            self.refuse(str(exc), key)
            return []

    def single(self, key):
        """A single-valued property: its value, "" for null, "None" or empty (several values kept joined)."""
        return ", ".join(self.list(key))

    def term(self, vocabulary, label, key, what):
        """The key of `label` in a managed vocabulary (a slug, a cause's primary key), or a problem."""
        slug = self.vocabulary[vocabulary].get(label)
        if slug is None:
            self.refuse(f"{label!r} is not a {what} of the vocabulary.", key)
        return slug

    def choice(self, table, label, key, what):
        if label not in table:
            known = ", ".join(repr(known) for known in table)
            self.refuse(f"{label!r} is not a {what} ({known}).", key)
            return ""
        return table[label]

    # --- The place itself -----------------------------------------------------------------------------------

    def read_names(self):
        place = self.place
        names, kinds = self.list("Resource Name"), self.list("Name Type")
        if len(kinds) != len(names):
            self.refuse(f"{len(names)} names but {len(kinds)} name types: they pair by position.", "Name Type")
            return
        for name, kind in zip(names, kinds, strict=True):
            if not name:
                continue
            if kind and kind not in NAME_KINDS:
                self.refuse(f"{kind!r} is not a name type (Toponym, Alternative Reference).", "Name Type")
                continue
            if not place.name and kind == "Toponym":
                place.name = name
            elif name != place.name and all(name != other for other, _, _ in place.names):
                place.names.append((name, NAME_KINDS.get(kind, NameKind.VARIANT), script_tag(name)))
        if not place.name and place.names:
            # No toponym, only references (project codes): EAMENA lists such a place by its ID.
            place.name = place.eamena_id
        elif not place.name:
            self.refuse("The place has no name.", "Resource Name")

    def read_site(self):
        place = self.place
        kind = self.single("Heritage Place Type")
        place.kind = SITE_KINDS.get(kind, "") if kind else SiteKind.OTHER
        if not place.kind:
            self.refuse(f"{kind!r} is not a heritage place type this importer maps.", "Heritage Place Type")
        country = self.single("Country Type")
        place.country = country_code(country) if country else ""
        if not place.country:
            self.refuse(f"{country!r} is not a country name." if country else "No country.", "Country Type")

    def read_extents(self, features):
        place = self.place
        qualifiers, certainties = self.list("Geometry Qualifier"), self.list("Geometry Extent Certainty")
        for position, (index, feature) in enumerate(features):
            geometry = feature.get("geometry")
            if not geometry:
                self.refuse("The feature has no geometry.", "geometry", index)
                continue
            errors = geometry_errors(geometry)
            if errors:
                self.refuse(" ".join(errors), "geometry", index)
                continue
            qualifier = qualifiers[position] if position < len(qualifiers) else ""
            certainty = certainties[position] if position < len(certainties) else ""
            if qualifier:
                qualifier = self.choice(QUALIFIERS, qualifier, "Geometry Qualifier", "geometry qualifier")
            if certainty:
                certainty = self.choice(LOCATION_CERTAINTIES, certainty, "Geometry Extent Certainty", "certainty")
            place.extents.append(Extent(index, geometry, qualifier, certainty))
        place.point = representative_point(place.extents)

    def read_condition(self):
        place = self.place
        condition = self.single("Overall Condition State Type")
        if condition:
            place.condition = self.term("conditions", condition, "Overall Condition State Type", "site condition")
            dates = [self.date(text, "Assessment Activity Date") for text in self.list("Assessment Activity Date")]
            place.condition_assessed = max((date for date in dates if date), default=None)
        extent = self.single("Damage Extent Type")
        if extent:
            place.damage_extent = self.choice(DAMAGE_EXTENTS, extent, "Damage Extent Type", "damage extent band")
        effects = self.list("Effect Type")
        effect_certainties = self.list("Effect Certainty")
        if effects:
            pairs = zip(effects, effect_certainties + [""] * len(effects), strict=False)
            seen = dict.fromkeys(f"{e} ({c.lower()})" if c else e for e, c in pairs if e)
            place.description = f"Disturbance effects (EAMENA): {'; '.join(seen)}."

    def date(self, text, key):
        if not text:
            return None
        try:
            return datetime.date.fromisoformat(text)
        except ValueError:
            self.refuse(f"{text!r} is not a date (YYYY-MM-DD).", key)
            return None

    # --- Disturbances and threats -------------------------------------------------------------------------------

    def read_disturbances(self):
        causes = self.list("Disturbance Cause Type ")
        certainties = self.list("Disturbance Cause Certainty ")
        categories = self.list("Disturbance Cause Category Type")
        dates = {name: self.list(key) for name, key in DATE_KEYS.items()}
        if len(certainties) != len(causes):
            self.refuse(f"{len(causes)} cause types but {len(certainties)} certainties: they pair by position.",
                        "Disturbance Cause Certainty ")  # fmt: skip
            return
        for name, key in DATE_KEYS.items():
            if dates[name] and len(dates[name]) != len(categories):
                self.refuse(f"{len(categories)} categories but {len(dates[name])} dates: they pair by position.", key)
                return
        entries = list(zip(causes, certainties, strict=True))
        if not causes:
            if any(categories):
                # Categories without a cause type: no damage report can be made of them (a report names its cause).
                listed = "; ".join(dict.fromkeys(category for category in categories if category))
                self.place.description += f"{' ' if self.place.description else ''}Disturbance categories without "
                self.place.description += f"a cause type (EAMENA): {listed}."
            return
        if len(entries) != len(categories):
            # EAMENA repeats a cause once per effect: the distinct (cause, certainty) pairs are its disturbances.
            entries = list(dict.fromkeys(entries))
        if len(entries) != len(categories):
            self.refuse(f"{len(entries)} distinct cause types but {len(categories)} categories: the causes cannot "
                        "be paired with their categories and dates.", "Disturbance Cause Category Type")  # fmt: skip
            return
        seen = set()
        for position, ((cause, certainty), category) in enumerate(zip(entries, categories, strict=True)):
            disturbance = Disturbance(
                cause=self.cause(cause, "Disturbance Cause Type "),
                certainty=self.choice(CERTAINTIES, certainty, "Disturbance Cause Certainty ", "certainty"),
                category=self.category(category, "Disturbance Cause Category Type"),
            )
            self.dating(disturbance, {name: items[position] if items else "" for name, items in dates.items()})
            key = tuple(vars(disturbance).values())
            if key not in seen:  # the same statement twice is one report
                seen.add(key)
                self.place.disturbances.append(disturbance)

    def cause(self, label, key):
        if not label:
            self.refuse("An empty cause type.", key)
            return ""
        return self.term("causes", CAUSE_SPELLINGS.get(label, label), key, "disturbance cause type")

    def category(self, label, key):
        if not label:
            return ""
        self.term("categories", label, key, "disturbance category")
        return label

    def dating(self, disturbance, texts):
        """A disturbance's EDTF date from EAMENA's four date properties (one kind of date per disturbance)."""
        dates = {name: self.date(text, DATE_KEYS[name]) for name, text in texts.items()}
        start, end, before, on = dates["from"], dates["to"], dates["before"], dates["on"]
        given = [name for name in ("on", "before") if dates[name]] + (["from/to"] if start or end else [])
        if len(given) > 1:
            self.refuse(f"Several kinds of date for one disturbance ({', '.join(given)}).", DATE_KEYS["before"])
        elif on:
            disturbance.occurred = on.isoformat()
        elif before:
            # "Occurred before" a day: up to the day before it.
            disturbance.occurred = f"../{(before - datetime.timedelta(days=1)).isoformat()}"
            disturbance.dating_note = f"EAMENA: occurred before {before.isoformat()}."
        elif start or end:
            if start and end and end < start:
                self.refuse(f"The disturbance ends ({end}) before it starts ({start}).", DATE_KEYS["to"])
            disturbance.occurred = f"{start.isoformat() if start else '..'}/{end.isoformat() if end else '..'}"

    def read_threats(self):
        categories, causes = self.list("Threat Category"), self.list("Threat Cause Type")
        probabilities = self.list("Threat Probability ")
        if not causes:
            return
        if not (len(categories) == len(causes) == len(probabilities)):
            self.refuse(f"{len(categories)} categories, {len(causes)} cause types and {len(probabilities)} "
                        "probabilities: they pair by position.", "Threat Cause Type")  # fmt: skip
            return
        seen = set()
        for category, cause, probability in zip(categories, causes, probabilities, strict=True):
            threat = PlaceThreat(
                cause=self.cause(cause, "Threat Cause Type"),
                category=self.category(category, "Threat Category"),
                probability=self.choice(PROBABILITIES, probability, "Threat Probability ", "threat probability")
                if probability
                else "",
            )
            key = tuple(vars(threat).values())
            if key not in seen:
                seen.add(key)
                self.place.threats.append(threat)


@functools.lru_cache(maxsize=256)
def country_code(name):
    """The ISO 3166-1 code of a country's name ("Iran (Islamic Republic of)": IR), "" if django-countries has none."""
    return countries.by_name(name)


def representative_point(extents):
    """
    (latitude, longitude, certainty) of the place: its centre point, else the centroid of its perimeter, with that
    shape's certainty; None when neither is there or its certainty is not given (a location needs one).
    """
    for qualifier in (GeometryQualifier.CENTRE_POINT, GeometryQualifier.PERIMETER):
        for extent in extents:
            if extent.qualifier == qualifier and extent.certainty:
                centroid = shapely.geometry.shape(extent.geometry).centroid
                return round(centroid.y, 6), round(centroid.x, 6), extent.certainty
    return None
