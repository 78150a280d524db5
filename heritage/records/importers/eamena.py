"""
The EAMENA importer: a GeoJSON export of EAMENA heritage places into the record, all or nothing.

`import_eamena(file=..., name=...)` reads the file's features one at a time (ijson), gathers each place's features
(they follow one another in an export), maps the place (eamena_places.py) and writes it, a batch of places at a
time, in one transaction (eamena_writer.py): a `Site` per place (matched by its EAMENA ID, a `SiteIdentifier`), its
other names, its geometries as `SiteExtent`s, its disturbances as `DamageReport`s and its threats as `Threat`s
(drafts unless told otherwise). The file becomes a `Source` of kind "dataset" (the same text, by checksum, is the
same source), or several, one a part, when it is larger than a source may hold (eamena_parts.py); every record
cites the passage of the file it comes from. Any refusal, or a dry run (the default), rolls everything back; the
report counts what was (or would be) created, updated, left unchanged and refused.

Nothing holds the whole file: it is checked in one pass (UTF-8, its type, its checksum, its nesting and its escapes,
json_scan.py), its text is read a part at a time, and its features are parsed one at a time by ijson (a parsed
feature is a hundred keys of strings, about twenty times its size in the file); a place's features and a part's text
are dropped once written. Memory does not grow with the file.

The management command `import_eamena` and the admin's import page both call it.
"""

import collections
import io
import re
from dataclasses import dataclass, field

import ijson
from django.db import IntegrityError, transaction

from ..choices import CurationStatus, IdentifierScheme
from ..models import SiteIdentifier, Source
from ..models.vocabularies import DisturbanceCategory, DisturbanceCause, SiteCondition
from ..texts import max_original_bytes
from .eamena_parts import Cursor, FileParts, check_file, parts
from .eamena_places import ID_KEY, PlaceReader, Problem
from .eamena_writer import PartRefused, Writer
from .json_scan import MAX_DEPTH

# The record types of the report's table, in its order.
RECORD_TYPES = ["sources", "sites", "site names", "identifiers", "extents", "damage reports", "threats", "citations"]
COLUMNS = ["created", "updated", "unchanged", "refused"]
# Places written together: a few queries a batch read what the record holds of them.
BATCH = 500
# The top-level "type" as the document's first or last member: a string value directly inside the outermost object.
FIRST_TYPE = re.compile(r'\s*\{\s*"type"\s*:\s*"([^"\\]*)"')
LAST_TYPE = re.compile(r'"type"\s*:\s*"([^"\\]*)"\s*\}\s*\Z')


@dataclass
class ImportReport:
    """What an import did, or (dry run, or refused) would have done: counts per record type, and every problem."""

    file_name: str
    committed: bool = False
    features: int = 0
    places: int = 0
    counts: dict = field(default_factory=lambda: {kind: collections.Counter() for kind in RECORD_TYPES})
    problems: list = field(default_factory=list)
    sources: list[Source] = field(default_factory=list)  # the file's, one a part (eamena_parts.py)

    @property
    def source(self):
        """The file's source: the first of its parts, when it is too large for one."""
        return self.sources[0] if self.sources else None

    @property
    def ok(self):
        return not self.problems

    def count(self, kind, column, number=1):
        self.counts[kind][column] += number

    def refuse(self, problem):
        self.problems.append(problem)
        self.count(record_type(problem.property), "refused")

    def rows(self):
        """[(record type, created, updated, unchanged, refused)], for tables."""
        return [(kind, *(self.counts[kind][column] for column in COLUMNS)) for kind in RECORD_TYPES]

    def table(self):
        width = max(len(kind) for kind in RECORD_TYPES)
        lines = [f"{'':<{width}}  " + "  ".join(f"{column:>9}" for column in COLUMNS)]
        for kind, *numbers in self.rows():
            lines.append(f"{kind:<{width}}  " + "  ".join(f"{number:>9,}" for number in numbers))
        return "\n".join(lines)


def record_type(key):
    """The record type a property of the file becomes (for the report's refused column)."""
    if key in ("Resource Name", "Name Type"):
        return "site names"
    if key in ("geometry", "Geometry Qualifier", "Geometry Extent Certainty"):
        return "extents"
    if key.startswith("Disturbance"):
        return "damage reports"
    if key.startswith("Threat"):
        return "threats"
    return "sites"


def vocabulary():
    """Labels of the managed vocabularies the file names, to their keys (a cause by its primary key)."""
    return {
        "causes": dict(DisturbanceCause.objects.values_list("label", "pk")),
        "categories": dict(DisturbanceCategory.objects.values_list("label", "slug")),
        "conditions": dict(SiteCondition.objects.values_list("label", "slug")),
    }


def checked_file(file, report):
    """
    Read `file` once through (eamena_parts.check_file): its `FileCheck` if it is a GeoJSON FeatureCollection in UTF-8
    without a NUL character, nested at most json_scan.MAX_DEPTH deep and without a lone surrogate, else None with
    the problem in `report`.
    """
    check = check_file(file)
    if check.invalid_byte is not None:
        report.refuse(Problem("", 0, "", f"The file is not UTF-8 text (byte {check.invalid_byte})."))
        return None
    if check.too_deep is not None:
        message = f"Arrays or objects nested more than {MAX_DEPTH} levels deep (GeoJSON needs ten at most)."
        report.refuse(Problem(*located(file, check.too_deep), message))
        return None
    if check.lone_surrogate is not None:
        file.seek(check.lone_surrogate)
        escape = file.read(6).decode("ascii")
        message = f"{escape} is a lone surrogate: half of a UTF-16 pair, which is no character."
        report.refuse(Problem(*located(file, check.lone_surrogate), message))
        return None
    try:
        kind = collection_type(check, file)
    except ijson.JSONError as exc:
        report.refuse(Problem("", 0, "", f"The file is not JSON: {json_error(exc)}."))
        return None
    if kind != "FeatureCollection":
        report.refuse(Problem("", 0, "", "The file is not a GeoJSON FeatureCollection (its type is not one)."))
        return None
    if check.has_nul:
        report.refuse(Problem("", 0, "", "The text holds a NUL character, which no document's words contain."))
        return None
    return check


def collection_type(check, file):
    """
    The document's "type". Read where exports write it, its first member or (EAMENA's) its last, rather than by
    parsing the whole file once more before the import parses it; elsewhere, found by parsing.
    """
    found = FIRST_TYPE.match(check.head) or LAST_TYPE.search(check.tail)
    if found:
        return found.group(1)
    return next(ijson.items(Cursor(file, json=True), "type"), None)


def located(file, offset):
    """
    (EAMENA ID, feature index, property) of where byte `offset` of the file is, read by parsing the file up to it
    (no further: what is there is what the parser must not read). The EAMENA ID is "" when the feature's properties
    come after that byte; the property is the feature's member ("geometry") or, in its properties, the property's.
    """
    feature, eamena_id, member, key = -1, "", "", ""
    try:
        for prefix, event, value in ijson.parse(Cursor(file, json=True, end=offset)):
            if prefix == "features.item" and event in ("start_map", "start_array"):
                feature, eamena_id, member, key = feature + 1, "", "", ""
            elif prefix == "features.item" and event in ("map_key", "end_map"):
                member, key = value or "", ""
            elif prefix == "features.item.properties" and event == "map_key":
                key = value
            elif prefix == f"features.item.properties.{ID_KEY}" and event == "string":
                eamena_id = value
    except ijson.JSONError:
        pass  # the file's end, at `offset`
    return eamena_id, max(feature, 0), (key if member == "properties" and key else member)


def json_error(exc):
    """ijson's reason, without the drawing of where (its first line)."""
    return (str(exc).strip().splitlines() or ["unreadable"])[0]


def places_of(file, passages, report):
    """
    Each place's features, [(index in the file, feature)], as the file gives them; a feature that is not a place's,
    or a place whose features are not together, is a problem.
    """
    place, seen = [], set()
    features = ijson.items(Cursor(file, json=True), "features.item", use_float=True)
    for index, feature in enumerate(features):
        report.features += 1
        properties = feature.get("properties") if isinstance(feature, dict) else None
        if not isinstance(feature, dict) or feature.get("type") != "Feature" or not isinstance(properties, dict):
            report.refuse(Problem("", index, "", "Not a GeoJSON feature with properties."))
            continue
        eamena_id = properties.get(ID_KEY)
        if not isinstance(eamena_id, str) or SiteIdentifier.value_errors(IdentifierScheme.EAMENA, eamena_id):
            report.refuse(Problem("", index, ID_KEY, f"{eamena_id!r} is not an EAMENA ID (EAMENA-0182033)."))
            continue
        if not passages.check(index, eamena_id):
            report.refuse(Problem(eamena_id, index, ID_KEY, "The feature's EAMENA ID cannot be found in the text."))
            continue
        if place and place[0][1]["properties"][ID_KEY] != eamena_id:
            yield place
            place = []
        if not place and eamena_id in seen:
            report.refuse(Problem(eamena_id, index, ID_KEY, "The place's features are not together in the file."))
            continue
        seen.add(eamena_id)
        place.append((index, feature))
    if place:
        yield place


def import_eamena(
    *, file=None, data=None, name, commit=False, status=CurationStatus.DRAFT, sensitive=False, user=None, progress=None
):
    """
    Import the EAMENA GeoJSON export `file` (binary, seekable; or `data`, its bytes) named `name`; returns an
    `ImportReport`. Writes only with `commit` and no problem at all. New damage reports and threats get `status`;
    new sites are marked sensitive with `sensitive`; the history names `user`. `progress(1)` is called as each place
    is read.
    """
    if file is None:
        file = io.BytesIO(data)
    report = ImportReport(file_name=name)
    file.seek(0)
    check = checked_file(file, report)
    if check is None:
        return report
    reader = PlaceReader(vocabulary())
    with transaction.atomic():
        writer = Writer(report, check=check, file=file, name=name, status=status, sensitive=sensitive, user=user)
        passages = FileParts(parts(Cursor(file), max_original_bytes()), writer.source_of_part)
        try:
            with transaction.atomic():
                batch = []
                for features in places_of(file, passages, report):
                    report.places += 1
                    place, problems = reader.read(features)
                    for problem in problems:
                        report.refuse(problem)
                    if place is not None:
                        batch.append(place)
                    if len(batch) == BATCH:
                        writer.write_batch(batch, passages)
                        batch = []
                        # The place being gathered has been read (report.features counts it): its part stays.
                        passages.release(report.features - 1)
                    if progress:
                        progress(1)
                writer.write_batch(batch, passages)
                if not report.features:
                    report.refuse(Problem("", 0, "", "The file holds no features."))
        except ijson.JSONError as exc:
            report.refuse(Problem("", report.features, "", f"The file is not JSON: {json_error(exc)}."))
        except PartRefused as exc:
            report.refuse(exc.problem)
        except IntegrityError as exc:
            # What full_clean leaves to the database (uniqueness between the rows of one import, check constraints).
            place = getattr(writer, "place", None)
            where = (place.eamena_id, place.feature) if place else ("", 0)
            report.refuse(Problem(*where, "", f"The database refused a record: {exc}."))
        report.committed = commit and report.ok
        if not report.committed:
            transaction.set_rollback(True)
        elif writer.original:
            transaction.on_commit(writer.store_original)
    return report
