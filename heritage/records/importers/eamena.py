"""
The EAMENA importer: a GeoJSON export of EAMENA heritage places into the record, all or nothing.

`import_eamena(data=..., name=...)` reads the file, maps every place (eamena_places.py), and writes it in one
transaction: a `Site` per place (matched by its EAMENA ID, a `SiteIdentifier`), its other names, its geometries as
`SiteExtent`s, its disturbances as `DamageReport`s and its threats as `Threat`s (drafts unless told otherwise). The
file becomes a `Source` of kind "dataset" (the same file, by checksum, is the same source) and every record cites
the passage of the file it comes from. Every record passes `full_clean()`. Any refusal, or a dry run (the default),
rolls everything back; the report counts what was (or would be) created, updated, left unchanged and refused.

The management command `import_eamena` and the admin's import page both call it.
"""

import collections
import functools
import json
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils.text import slugify

from ..choices import CurationStatus, IdentifierScheme, ThreatTarget
from ..models import Citation, DamageReport, Site, SiteExtent, SiteIdentifier, SiteName, Source, Threat
from ..models.vocabularies import DisturbanceCategory, DisturbanceCause, SiteCondition
from ..services import describe_original
from ..texts import Extracted, check_text, normalise, sha256
from .eamena_places import ID_KEY, PlaceReader, Problem
from .passages import FeaturePassages

MEDIA_TYPE = "application/geo+json"
# The record types of the report's table, in its order.
RECORD_TYPES = ["sources", "sites", "site names", "identifiers", "extents", "damage reports", "threats", "citations"]
COLUMNS = ["created", "updated", "unchanged", "refused"]
SITE_FIELDS = [
    "name", "kind", "country", "description", "latitude", "longitude", "location_certainty", "condition_id",
    "condition_assessed", "damage_extent",
]  # fmt: skip


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

    def rows(self):
        """[(record type, created, updated, unchanged, refused)], for tables."""
        return [(kind, *(self.counts[kind][column] for column in COLUMNS)) for kind in RECORD_TYPES]

    def table(self):
        width = max(len(kind) for kind in RECORD_TYPES)
        lines = [f"{'':<{width}}  " + "  ".join(f"{column:>9}" for column in COLUMNS)]
        for kind, *numbers in self.rows():
            lines.append(f"{kind:<{width}}  " + "  ".join(f"{number:>9,}" for number in numbers))
        return "\n".join(lines)


def read_features(data, report):
    """The file's text and features (a list), or (text or None, None) with the problems in `report`."""
    try:
        text = normalise(data.decode("utf-8"))
    except UnicodeDecodeError as exc:
        report.problems.append(Problem("", 0, "", f"The file is not UTF-8 text (byte {exc.start})."))
        return None, None
    try:
        document = json.loads(text)
    except json.JSONDecodeError as exc:
        report.problems.append(Problem("", 0, "", f"The file is not JSON: {exc.msg} (line {exc.lineno})."))
        return text, None
    features = document.get("features") if isinstance(document, dict) else None
    if not (isinstance(document, dict) and document.get("type") == "FeatureCollection" and isinstance(features, list)):
        report.problems.append(Problem("", 0, "", "The file is not a GeoJSON FeatureCollection with its features."))
        return text, None
    try:
        check_text(text)
    except ValidationError as exc:
        report.problems.append(Problem("", 0, "", " ".join(exc.messages)))
        return text, None
    return text, features


def group_places(features, report):
    """{EAMENA ID: [(index, feature)]}, in the file's order; a feature that is not a place's is a problem."""
    places = {}
    for index, feature in enumerate(features):
        properties = feature.get("properties") if isinstance(feature, dict) else None
        if not isinstance(feature, dict) or feature.get("type") != "Feature" or not isinstance(properties, dict):
            report.problems.append(Problem("", index, "", "Not a GeoJSON feature with properties."))
            continue
        eamena_id = properties.get(ID_KEY)
        errors = SiteIdentifier.value_errors(IdentifierScheme.EAMENA, eamena_id) if isinstance(eamena_id, str) else 1
        if errors:
            report.problems.append(Problem("", index, ID_KEY, f"{eamena_id!r} is not an EAMENA ID (EAMENA-0182033)."))
            continue
        places.setdefault(eamena_id, []).append((index, feature))
    return places


def vocabulary():
    """Labels of the managed vocabularies the file names, to their slugs."""
    return {
        "causes": dict(DisturbanceCause.objects.values_list("label", "pk")),
        "categories": dict(DisturbanceCategory.objects.values_list("label", "slug")),
        "conditions": dict(SiteCondition.objects.values_list("label", "slug")),
    }


def import_eamena(*, data, name, commit=False, status=CurationStatus.DRAFT, sensitive=False, user=None, progress=None):
    """
    Import the EAMENA GeoJSON export `data` (bytes) named `name`; returns an `ImportReport`. Writes only with
    `commit` and no problem at all. New damage reports and threats get `status`; new sites are marked sensitive with
    `sensitive`; the history names `user`. `progress(places)` is called as places are read and as they are written.
    """
    report = ImportReport(file_name=name)
    text, features = read_features(data, report)
    if features is None:
        return report
    report.features = len(features)
    grouped = group_places(features, report)
    report.places = len(grouped)
    passages = FeaturePassages(text, features)
    if grouped and not passages.located:
        report.problems.append(Problem("", 0, ID_KEY, "The features' EAMENA IDs cannot be found in the file's text."))
    reader = PlaceReader(vocabulary())
    places = []
    for features_of_place in grouped.values():
        place, problems = reader.read(features_of_place)
        for problem in problems:
            report.count(record_type(problem.property), "refused")
        report.problems += problems
        if place is not None:
            places.append(place)
        if progress:
            progress(1)
    if not passages.located:
        return report
    with transaction.atomic():
        writer = Writer(report, text=text, data=data, name=name, status=status, sensitive=sensitive, user=user)
        writer.source_of_file()
        try:
            with transaction.atomic():
                for place in places:
                    writer.write(place, passages)
                    if progress:
                        progress(1)
                writer.finish()
        except IntegrityError as exc:
            # What full_clean leaves to the database (uniqueness between rows written in this import).
            report.problems.append(Problem(writer.place.eamena_id, writer.place.feature, "", f"Refused: {exc}."))
        report.committed = commit and report.ok
        if not report.committed:
            transaction.set_rollback(True)
        elif writer.document is not None:
            transaction.on_commit(writer.store_original)
    return report


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


class Writer:
    """Writes mapped places inside the import's transaction, counting and collecting what full_clean refuses."""

    def __init__(self, report, *, text, data, name, status, sensitive, user):
        self.report, self.text, self.data, self.name = report, text, data, name
        self.status, self.sensitive, self.user = status, sensitive, user
        self.document = None
        self.citations = {}
        # Written at the end, in bulk: records' links to citations, and the history of what changed.
        self.links = collections.defaultdict(list)
        self.changed = collections.defaultdict(lambda: {"created": [], "updated": []})

    def source_of_file(self):
        """The file's source: the one holding this text (the same file imported again), or a new one."""
        digest = sha256(self.text)
        source = Source.objects.filter(text_sha256=digest).first()
        if source is not None:
            self.report.count("sources", "unchanged")
        else:
            stem = Path(self.name).stem
            source = Source(
                slug=f"eamena-{slugify(stem)[:40]}-{digest[:8]}",
                title=f"EAMENA heritage places: {Path(self.name).name}"[:300],
                kind_id="dataset",
                publisher="EAMENA (Endangered Archaeology in the Middle East and North Africa)",
                url="https://database.eamena.org/en/",
                language="en",
                notes="EAMENA Database by EAMENA (https://eamena.org), CC BY 4.0. Imported with import_eamena.",
                text=self.text,
            )
            self.document = Extracted(
                text=self.text, media_type=MEDIA_TYPE, size=len(self.data), sha256=sha256(self.data),
                name=Path(self.name).name, data=self.data,
            )  # fmt: skip
            describe_original(source, self.document)
            source.full_clean()
            source.save()
            self.report.count("sources", "created")
        self.report.source = self.source = source
        # The links records already have to this source's citations, by model: {model: {(record pk, citation pk)}}.
        self.linked = {}
        for model in (Site, SiteIdentifier, SiteName, SiteExtent, DamageReport, Threat):
            through = model.citations.through
            column = f"{model._meta.model_name}_id"
            rows = through.objects.filter(citation__source=source).values_list(column, "citation_id")
            self.linked[model] = set(rows) if source.pk else set()

    def finish(self):
        """Write the links to citations and the history entries gathered while writing the places."""
        for model, links in self.links.items():
            through = model.citations.through
            column = f"{model._meta.model_name}_id"
            through.objects.bulk_create([through(**{column: record, "citation_id": cited}) for record, cited in links])
        reason = f"Imported from {Path(self.name).name} (EAMENA)"
        for model, records in self.changed.items():
            for kind, objs in records.items():
                model.history.bulk_history_create(
                    objs, update=kind == "updated", default_user=self.user, default_change_reason=reason
                )

    def store_original(self):
        storage = self.source.original.storage
        if not storage.exists(self.source.original.name):
            storage.save(self.source.original.name, ContentFile(self.document.data))

    # --- One place ------------------------------------------------------------------------------------------------

    def write(self, place, passages):
        self.place = place
        first = place.feature
        place_citation = self.citation(*passages.id_line(first))
        identifier = (
            SiteIdentifier.objects.select_related("site").filter(scheme=IdentifierScheme.EAMENA, value=place.eamena_id)
        ).first()
        site = identifier.site if identifier else None
        latitude, longitude, certainty = place.point or (None, None, "")
        values = {
            "name": place.name[:200], "kind": place.kind, "country": place.country, "description": place.description,
            "latitude": Decimal(str(latitude)) if latitude is not None else None,
            "longitude": Decimal(str(longitude)) if longitude is not None else None,
            "location_certainty": certainty, "condition_id": place.condition,
            "condition_assessed": place.condition_assessed if place.condition else None,
            "damage_extent": place.damage_extent,
        }  # fmt: skip
        new = {"slug": place.eamena_id.lower()}
        if self.sensitive:
            new["is_sensitive"] = True
        site = self.sync("sites", Site, site, values, place_citation, new)
        if site is None:
            return
        self.sync("identifiers", SiteIdentifier, identifier, {}, place_citation,
                  {"site": site, "scheme": IdentifierScheme.EAMENA, "value": place.eamena_id})  # fmt: skip
        names = {name.name: name for name in site.names.all()} if site.pk else {}
        for name, kind, language in place.names:
            self.sync("site names", SiteName, names.get(name), {"kind": kind, "language": language}, place_citation,
                      {"site": site, "name": name})  # fmt: skip
        extents = {extent.position: extent for extent in site.extents.all()}
        for position, extent in enumerate(place.extents, start=1):
            self.sync("extents", SiteExtent, extents.get(position),
                      {"geometry": extent.geometry, "qualifier": extent.qualifier, "certainty": extent.certainty},
                      self.citation(*passages.geometry(extent.feature)), {"site": site, "position": position},
                      feature=extent.feature)  # fmt: skip
        self.write_disturbances(site, passages)
        self.write_threats(site, passages)

    def write_disturbances(self, site, passages):
        quote = passages.through(self.place.feature, ["Disturbance Cause Category Type", "Disturbance Cause Type "])
        citation = self.citation(*quote) if self.place.disturbances else None
        existing = {report.slug: report for report in site.damage_reports.all()}
        for number, disturbance in enumerate(self.place.disturbances, start=1):
            slug = f"{site.slug}-disturbance-{number}"
            category = f"EAMENA disturbance category: {disturbance.category}." if disturbance.category else ""
            values = {
                "cause_id": disturbance.cause, "certainty": disturbance.certainty, "occurred": disturbance.occurred,
                "dating_note": disturbance.dating_note, "description": category,
            }  # fmt: skip
            new = {"slug": slug, "site": site, "severity": "not_assessed", "status": self.status}
            self.sync("damage reports", DamageReport, existing.get(slug), values, citation, new)

    def write_threats(self, site, passages):
        quote = passages.through(self.place.feature, ["Threat Category", "Threat Cause Type"], anchor="resourceid")
        citation = self.citation(*quote) if self.place.threats else None
        existing = {threat.slug: threat for threat in site.threats.all()}
        for number, threat in enumerate(self.place.threats, start=1):
            slug = f"{site.slug}-threat-{number}"
            category = f"EAMENA threat category: {threat.category}." if threat.category else ""
            values = {"cause_id": threat.cause, "probability": threat.probability, "description": category}
            new = {"slug": slug, "site": site, "endangers": ThreatTarget.SITE, "status": self.status}
            self.sync("threats", Threat, existing.get(slug), values, citation, new)

    # --- Records, citations -------------------------------------------------------------------------------------

    def sync(self, kind, model, record, values, citation, new, feature=None):
        """
        Create `record` (with `new` and `values`) or bring its `values` up to date, cite `citation`; count it.
        Returns the record, or None when full_clean refused it (the problem is in the report).
        """
        if record is None:
            record, column = model(**new, **values), "created"
        else:
            changed = {key: value for key, value in values.items() if current(record, key) != value}
            for key, value in changed.items():
                setattr(record, key, value)
            column = "updated" if changed else "unchanged"
        if column != "unchanged":
            try:
                # Check constraints are left to the database (each is a query here; the importer's values keep
                # them, and a row that does not is refused, rolling the import back), and so are the references
                # (to rows the importer has just read or written).
                record.full_clean(exclude=keys(model), validate_unique=model is Site, validate_constraints=False)
            except ValidationError as exc:
                self.refuse(kind, exc, feature)
                return None
            # History is written in bulk at the end (finish), with the import named as its reason.
            record.skip_history_when_saving = True
            record.save()
            del record.skip_history_when_saving
        if citation is not None and (record.pk, citation.pk) not in self.linked[model]:
            self.linked[model].add((record.pk, citation.pk))
            self.links[model].append((record.pk, citation.pk))
            column = "created" if column == "created" else "updated"
        if column != "unchanged":
            self.changed[model][column].append(record)
        self.report.count(kind, column)
        return record

    def citation(self, quote, start):
        """The source's citation of `quote` (a passage of the file at `start`): found, or made and checked."""
        if quote in self.citations:
            return self.citations[quote]
        citation = Citation.objects.filter(source=self.source, quote=quote).first()
        if citation is not None:
            self.report.count("citations", "unchanged")
        else:
            citation = Citation(source=self.source, quote=quote, char_start=start, char_end=start + len(quote))
            # clean() checks the quote stands at its offsets in the source's text.
            citation.full_clean(exclude=keys(Citation), validate_unique=False, validate_constraints=False)
            citation.save()
            self.report.count("citations", "created")
        self.citations[quote] = citation
        return citation

    def refuse(self, kind, error, feature=None):
        self.report.count(kind, "refused")
        for key, messages in error.message_dict.items():
            for message in messages:
                where = self.place.feature if feature is None else feature
                self.report.problems.append(Problem(self.place.eamena_id, where, f"{kind}: {key}", message))


@functools.cache
def keys(model):
    """A model's references to other rows (what full_clean would look up, one query each)."""
    return [field.name for field in model._meta.concrete_fields if field.is_relation]


def current(record, key):
    """A record's stored value of `key`, comparable with the importer's (a country as its code)."""
    value = getattr(record, key)
    return getattr(value, "code", value)
