"""
A Pleiades place record (https://pleiades.stoa.org, the JSON of `isawnyu/pleiades.datasets`) read and checked.

`read_place()` takes the file's bytes and returns a `Place`: the Pleiades ID, the names with their BCP 47 language
and attested years, the representative point and bounding box, and the identifiers other registers give the place
(the World Heritage List, Wikidata, GeoNames) from its references; each with the JSON path it comes from, so that
the import (pleiades.py) cites the exact passage. Anything it cannot take as it stands is a `Problem` naming
the path and the reason; nothing is guessed: a language tag that is not BCP 47 is refused, not mapped.

Pleiades writes years as signed integers without a year 0 (-30 is 30 BC); the record stores astronomical years
(30 BC is -29), as periods are stored.
"""

import json
import math
import re
import sys
from dataclasses import dataclass, field

from ..choices import IdentifierScheme as Scheme
from ..choices import NameKind
from ..languages import is_language_tag, standard_tag
from ..models import SiteIdentifier, SiteName
from ..texts import normalise
from ..years import MAX_YEAR, MIN_YEAR
from .json_scan import MAX_DEPTH, Scan

PLACE_URI = "https://pleiades.stoa.org/places/{}"
# The registers whose identifiers a Pleiades reference carries in its link, and the identifier in each link.
REGISTER_LINKS = [
    (Scheme.WORLD_HERITAGE_LIST, re.compile(r"https?://whc\.unesco\.org/en/list/([0-9]+(?:bis|ter|quater|rev)?)/?")),
    (Scheme.WIKIDATA, re.compile(r"https?://(?:www\.)?wikidata\.org/(?:wiki|entity)/(Q[0-9]+)/?")),
    (Scheme.GEONAMES, re.compile(r"https?://(?:www\.|sws\.)?geonames\.org/([0-9]+)(?:/[^/]*)?/?")),
]
# Names of a people ("Palmyrenes"), not of the place.
ETHNIC = "ethnic"
NAME_LENGTH = SiteName._meta.get_field("name").max_length
# Half of a UTF-16 pair: JSON can escape one alone ("\\ud800"), which is no character and cannot be stored.
LONE_SURROGATE = re.compile("[\ud800-\udfff]")


@dataclass(frozen=True)
class Problem:
    """Why part of a record cannot be imported: the kind of record it would have made, the JSON path, the reason."""

    record: str
    path: str
    message: str

    def __str__(self):
        return f"{self.path}: {self.message}" if self.path else self.message


class PlaceRefused(Exception):
    """The file cannot be imported; `problems` say where and why."""

    def __init__(self, problems):
        super().__init__("; ".join(str(p) for p in problems))
        self.problems = list(problems)


@dataclass
class NameForm:
    """One written form of a Pleiades name, as it becomes a `SiteName`."""

    name: str
    kind: str
    language: str
    attested_from: int | None
    attested_to: int | None
    periods: list[str]
    # The JSON paths of what it states (its form, language, years), in groups each cited as one passage.
    cited: list[tuple]
    pleiades_name: str


@dataclass
class Identifier:
    scheme: str
    value: str
    cited: tuple


@dataclass
class Place:
    id: str
    uri: str
    title: str
    text: str
    forms: list[NameForm] = field(default_factory=list)
    point: tuple | None = None  # (longitude, latitude)
    bbox: tuple | None = None  # (west, south, east, north)
    identifiers: list[Identifier] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def match_names(self):
        """The names a site here may go by if it is this place: the title and every form."""
        return sorted({self.title, *(form.name for form in self.forms)})


def read_place(data, *, problems=None):
    """
    The `Place` in `data` (the file's bytes). Raises PlaceRefused when the file is not a Pleiades place at all (not
    UTF-8, not JSON that can be read, no "@type": "Place", no ID) or when any part of it cannot be taken (`problems`
    collects them all first, so one run reports every one).
    """
    problems = [] if problems is None else problems
    try:
        text = normalise(data.decode("utf-8"))
    except UnicodeDecodeError as exc:
        raise PlaceRefused([Problem("source", "", f"The file is not UTF-8 text (byte {exc.start}).")]) from None
    # Python's json recurses a level at a time (RecursionError past about a thousand); a place nests five deep.
    scan = Scan()
    scan.feed(data)
    if scan.too_deep is not None:
        message = f"The file nests arrays or objects more than {MAX_DEPTH} levels deep (byte {scan.too_deep})."
        raise PlaceRefused([Problem("source", "", message)])
    try:
        record = json.loads(text)
    except json.JSONDecodeError as exc:
        raise PlaceRefused(
            [Problem("source", "", f"The file is not JSON: {exc.msg} at line {exc.lineno}, column {exc.colno}.")]
        ) from None
    except ValueError:
        # The one other ValueError json raises: int() refuses a number of more digits than sys.int_info allows.
        message = f"The file holds a number of more than {sys.get_int_max_str_digits():,} digits, which Python refuses."
        raise PlaceRefused([Problem("source", "", message)]) from None
    if not isinstance(record, dict) or record.get("@type") != "Place":
        raise PlaceRefused([Problem("source", "@type", 'Not a Pleiades place: a JSON object with "@type": "Place".')])
    place_id = record.get("id")
    id_errors = SiteIdentifier.value_errors(Scheme.PLEIADES, place_id) if isinstance(place_id, str) else ["missing"]
    if id_errors:
        raise PlaceRefused([Problem("site identifier", "id", f"Not a Pleiades place ID ({id_errors[0]}).")])
    title = record.get("title")
    if not isinstance(title, str) or not title.strip():
        problems.append(Problem("source", "title", "A place needs its title."))
        title = ""
    elif error := _text_error(title):
        problems.append(Problem("source", "title", f"The title {error}."))
        title = ""
    uri = record.get("uri")
    if uri != PLACE_URI.format(place_id):
        problems.append(Problem("site identifier", "uri", f"Expected {PLACE_URI.format(place_id)}, not {uri!r}."))
    place = Place(id=place_id, uri=PLACE_URI.format(place_id), title=title.strip(), text=text)
    _read_location(record, place, problems)
    _read_names(record, place, problems)
    _read_references(record, place, problems)
    if problems:
        raise PlaceRefused(problems)
    return place


def _text_error(text):
    """Why `text` cannot be a name or a title, as the admin's forms refuse it too; None when it can."""
    if "\x00" in text:
        return "holds a NUL character, which no name contains"
    if surrogate := LONE_SURROGATE.search(text):
        return f"holds a lone surrogate ({surrogate[0]!r}): half of a UTF-16 pair, which is no character"
    return None


def _number(value):
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def _position_errors(lon, lat):
    errors = []
    if not -180 <= lon <= 180:
        errors.append(f"longitude {lon} is outside -180 to 180")
    if not -90 <= lat <= 90:
        errors.append(f"latitude {lat} is outside -90 to 90")
    return errors


def _read_location(record, place, problems):
    """reprPoint [lon, lat] and bbox [west, south, east, north]; either may be null (a place not yet located)."""
    point, bbox = record.get("reprPoint"), record.get("bbox")
    if point is not None:
        if not (isinstance(point, list) and len(point) == 2 and all(_number(n) for n in point)):
            problems.append(Problem("site", "reprPoint", "A representative point is [longitude, latitude]."))
        elif errors := _position_errors(*point):
            problems.append(Problem("site", "reprPoint", "; ".join(errors).capitalize() + "."))
        else:
            place.point = tuple(point)
    if bbox is not None:
        if not (isinstance(bbox, list) and len(bbox) == 4 and all(_number(n) for n in bbox)):
            problems.append(Problem("site extent", "bbox", "A bounding box is [west, south, east, north]."))
        elif errors := _position_errors(*bbox[:2]) + _position_errors(*bbox[2:]):
            problems.append(Problem("site extent", "bbox", "; ".join(errors).capitalize() + "."))
        elif bbox[0] > bbox[2] or bbox[1] > bbox[3]:
            problems.append(Problem("site extent", "bbox", "West is east of east, or south north of north."))
        else:
            place.bbox = tuple(bbox)
    if place.point and place.bbox:
        (lon, lat), (west, south, east, north) = place.point, place.bbox
        if not (west <= lon <= east and south <= lat <= north):
            problems.append(
                Problem("site", "reprPoint", f"The point {place.point} lies outside the bbox {place.bbox}.")
            )


def astronomical(year):
    """A Pleiades year (no year 0; -30 is 30 BC) as an astronomical one (30 BC is -29)."""
    return year + 1 if year < 0 else year


def romanized_language(tag):
    """The tag of a romanized form: the language in Latin script (grc -> grc-Latn; la stays la), unless it names one."""
    if not tag:
        return ""
    language, _, rest = tag.partition("-")
    if rest and re.fullmatch(r"[A-Za-z]{4}", rest.split("-")[0]):
        return tag  # a script is named: the record's word stands
    latin = f"{language}-Latn" + (f"-{rest}" if rest else "")
    return standard_tag(latin) if is_language_tag(latin) else tag


def _years(name, path, problems):
    years = []
    for key in ("start", "end"):
        year = name.get(key)
        if year is None:
            years.append(None)
        elif not isinstance(year, int) or isinstance(year, bool):
            problems.append(Problem("site name", f"{path}/{key}", f"A year is a whole number, not {year!r}."))
            years.append(None)
        elif year == 0:
            problems.append(
                Problem("site name", f"{path}/{key}", "Year 0 does not exist in Pleiades' years (1 BC, AD 1).")
            )
            years.append(None)
        elif not MIN_YEAR <= astronomical(year) <= MAX_YEAR:
            digits = len(str(abs(year)))
            shown = year if digits <= 12 else f"a number of {digits} digits"
            message = f"A year is from {MIN_YEAR:,} to {MAX_YEAR:,} (astronomical) here, not {shown}."
            problems.append(Problem("site name", f"{path}/{key}", message))
            years.append(None)
        else:
            years.append(astronomical(year))
    start, end = years
    if start is not None and end is not None and end < start:
        problems.append(Problem("site name", f"{path}/end", "The last attested year is before the first."))
    return start, end


def _read_names(record, place, problems):
    names = record.get("names") or []
    if not isinstance(names, list):
        problems.append(Problem("site name", "names", "A place's names are a list."))
        return
    for index, name in enumerate(names):
        path = f"names/{index}"
        if not isinstance(name, dict):
            problems.append(Problem("site name", path, "A name is a JSON object."))
            continue
        label = name.get("romanized") or name.get("attested") or name.get("id") or path
        if name.get("nameType") == ETHNIC:
            place.notes.append(f"{path} ({label}): an ethnic, the name of a people, not of the place; not added.")
            continue
        language = name.get("language") or ""
        if not isinstance(language, str) or (language and not is_language_tag(language)):
            problems.append(Problem("site name", f"{path}/language", f"{language!r} is not a BCP 47 language tag."))
            continue
        language = standard_tag(language) if language else ""
        start, end = _years(name, path, problems)
        periods = sorted(
            {a.get("timePeriod") for a in name.get("attestations") or [] if isinstance(a, dict) and a.get("timePeriod")}
        )
        forms = []
        attested, romanized = name.get("attested"), name.get("romanized")
        for key, value in (("attested", attested), ("romanized", romanized)):
            if value is not None and not isinstance(value, str):
                problems.append(Problem("site name", f"{path}/{key}", f"A name's form is text, not {value!r}."))
        if isinstance(attested, str) and attested.strip():
            forms.append((attested.strip(), NameKind.HISTORICAL, language, "attested"))
        if isinstance(romanized, str):
            kind = NameKind.VARIANT if forms else NameKind.HISTORICAL
            for form in romanized.split(", "):
                if form.strip():
                    forms.append((form.strip(), kind, romanized_language(language), "romanized"))
        if not forms:
            problems.append(Problem("site name", path, "A name needs an attested or romanized form."))
        seen = set()
        for form, kind, tag, key in forms:
            if form in seen:
                continue  # "Palmyra" attested and romanized: one name
            seen.add(form)
            if len(form) > NAME_LENGTH:
                problems.append(Problem("site name", f"{path}/{key}", f"A name is at most {NAME_LENGTH} characters."))
                continue
            if error := _text_error(form):
                problems.append(Problem("site name", f"{path}/{key}", f"A name {error}."))
                continue
            # Each group is cited as one passage: a romanized form with the start year that follows it.
            at = ("names", index)
            if key == "romanized" and name.get("start") is not None:
                cited = [((*at, key), (*at, "start"))]
            else:
                cited = [((*at, key),)] + ([((*at, "start"),)] if name.get("start") is not None else [])
            cited += [((*at, "language"),)] + ([((*at, "end"),)] if name.get("end") is not None else [])
            place.forms.append(
                NameForm(form, kind, tag, start, end, periods, cited, pleiades_name=str(name.get("id") or index))
            )


def _read_references(record, place, problems):
    references = record.get("references") or []
    if not isinstance(references, list):
        problems.append(Problem("site identifier", "references", "A place's references are a list."))
        return
    for index, reference in enumerate(references):
        if not isinstance(reference, dict):
            continue
        link = reference.get("accessURI")
        for scheme, pattern in REGISTER_LINKS:
            match = pattern.fullmatch(link) if isinstance(link, str) else None
            if match is None:
                continue
            value = match.group(1)
            errors = SiteIdentifier.value_errors(scheme, value)
            if errors:
                problems.append(Problem("site identifier", f"references/{index}/accessURI", errors[0]))
                continue
            # The reference's citation detail ("23: Site of Palmyra") when it states the identifier, else its link.
            detail = reference.get("citationDetail")
            key = "citationDetail" if isinstance(detail, str) and detail.startswith(value) else "accessURI"
            place.identifiers.append(Identifier(scheme, value, ("references", index, key)))
