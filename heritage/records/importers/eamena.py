"""
The EAMENA importer: a GeoJSON export of EAMENA heritage places into the record, all or nothing.

`import_eamena(data=..., name=...)` reads the file's features one at a time (ijson), gathers each place's features
(they follow one another in an export), maps the place (eamena_places.py) and writes it, a batch of places at a
time, in one transaction (eamena_writer.py): a `Site` per place (matched by its EAMENA ID, a `SiteIdentifier`), its
other names, its geometries as `SiteExtent`s, its disturbances as `DamageReport`s and its threats as `Threat`s
(drafts unless told otherwise). The file becomes a `Source` of kind "dataset" (the same file, by checksum, is the
same source) and every record cites the passage of the file it comes from. Any refusal, or a dry run (the default),
rolls everything back; the report counts what was (or would be) created, updated, left unchanged and refused.

Why ijson: a parsed feature is a hundred keys of strings, about twenty times its size in the file, so a file read
whole would hold every feature at once; ijson's C backend hands them over one by one, and a place's are dropped
once it is written. The file's text itself stays in memory: it is the source's text, saved whole.

The management command `import_eamena` and the admin's import page both call it.
"""

import collections
import io
import re
from dataclasses import dataclass, field

import ijson
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from ..choices import CurationStatus, IdentifierScheme
from ..models import SiteIdentifier, Source
from ..models.vocabularies import DisturbanceCategory, DisturbanceCause, SiteCondition
from ..texts import check_text, normalise
from .eamena_passages import FeaturePassages
from .eamena_places import ID_KEY, PlaceReader, Problem
from .eamena_writer import Writer

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
    source: Source | None = None

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


def file_text(data, report):
    """
    The file's text, checked to be a GeoJSON FeatureCollection a source can hold, and `data` again when it is that
    text's UTF-8 (nothing was normalised), else None; (None, None) with a problem if the file cannot be imported.
    """
    try:
        decoded = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        report.refuse(Problem("", 0, "", f"The file is not UTF-8 text (byte {exc.start})."))
        return None, None
    text = normalise(decoded)
    # The file's bytes are then measured and fingerprinted as they are, not the text encoded again (twice).
    utf8 = data if text is decoded else None
    try:
        kind = collection_type(text, data)
    except ijson.JSONError as exc:
        report.refuse(Problem("", 0, "", f"The file is not JSON: {json_error(exc)}."))
        return None, None
    if kind != "FeatureCollection":
        report.refuse(Problem("", 0, "", "The file is not a GeoJSON FeatureCollection (its type is not one)."))
        return None, None
    try:
        check_text(text, size=None if utf8 is None else len(utf8))
    except ValidationError as exc:
        report.refuse(Problem("", 0, "", " ".join(exc.messages)))
        return None, None
    return text, utf8


def collection_type(text, data):
    """
    The document's "type". Read where exports write it, its first member or (EAMENA's) its last, rather than by
    parsing the whole file once more before the import parses it; elsewhere, found by parsing.
    """
    found = FIRST_TYPE.match(text) or LAST_TYPE.search(text, max(0, len(text) - 200))
    if found:
        return found.group(1)
    return next(ijson.items(io.BytesIO(data), "type"), None)


def json_error(exc):
    """ijson's reason, without the drawing of where (its first line)."""
    return (str(exc).strip().splitlines() or ["unreadable"])[0]


def places_of(data, passages, report):
    """
    Each place's features, [(index in the file, feature)], as the file gives them; a feature that is not a place's,
    or a place whose features are not together, is a problem.
    """
    place, seen = [], set()
    features = ijson.items(io.BytesIO(data), "features.item", use_float=True)
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


def import_eamena(*, data, name, commit=False, status=CurationStatus.DRAFT, sensitive=False, user=None, progress=None):
    """
    Import the EAMENA GeoJSON export `data` (bytes) named `name`; returns an `ImportReport`. Writes only with
    `commit` and no problem at all. New damage reports and threats get `status`; new sites are marked sensitive with
    `sensitive`; the history names `user`. `progress(1)` is called as each place is read.
    """
    report = ImportReport(file_name=name)
    text, utf8 = file_text(data, report)
    if text is None:
        return report
    passages = FeaturePassages(text)
    reader = PlaceReader(vocabulary())
    with transaction.atomic():
        writer = Writer(report, text=text, utf8=utf8, data=data, name=name, status=status, sensitive=sensitive,
                        user=user)  # fmt: skip
        writer.source_of_file()
        try:
            with transaction.atomic():
                batch = []
                for features in places_of(data, passages, report):
                    report.places += 1
                    place, problems = reader.read(features)
                    for problem in problems:
                        report.refuse(problem)
                    if place is not None:
                        batch.append(place)
                    if len(batch) == BATCH:
                        writer.write_batch(batch, passages)
                        batch = []
                    if progress:
                        progress(1)
                writer.write_batch(batch, passages)
                if not report.features:
                    report.refuse(Problem("", 0, "", "The file holds no features."))
        except ijson.JSONError as exc:
            report.refuse(Problem("", report.features, "", f"The file is not JSON: {json_error(exc)}."))
        except IntegrityError as exc:
            # What full_clean leaves to the database (uniqueness between the rows of one import, check constraints).
            place = getattr(writer, "place", None)
            where = (place.eamena_id, place.feature) if place else ("", 0)
            report.refuse(Problem(*where, "", f"The database refused a record: {exc}."))
        report.committed = commit and report.ok
        if not report.committed:
            transaction.set_rollback(True)
        elif writer.document is not None:
            transaction.on_commit(writer.store_original)
    return report
