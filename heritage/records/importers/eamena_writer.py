"""
Writing mapped EAMENA places (eamena_places.Place) into the record, a batch of places at a time, inside the import's
transaction (eamena.py).

Each batch reads what the record already holds of its places in a few queries (sites by EAMENA ID, their names,
extents, damage reports and threats, the citations of the file), compares, and writes: new records are validated
one by one (`full_clean`, each field's check of a value made once: rows.FieldChecks) and inserted as plain rows
(rows.insert), changed ones are saved one by one; their links to citations are plain rows too, and the history of
both (the import named as its reason) is copied by the database from the records' rows (rows.copy_history). The
batch's `written_in_bulk` names the new records themselves, which the search index takes without reading them
back. What full_clean refuses becomes a `Problem` of the report.
"""

import collections
import functools
from decimal import Decimal
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.files.base import File
from django.utils.text import slugify

from .. import signals
from ..choices import IdentifierScheme, Severity, ThreatTarget
from ..models import Citation, DamageReport, Site, SiteExtent, SiteIdentifier, SiteName, Source, Threat
from ..services import describe_original
from ..texts import Extracted
from .eamena_places import Problem
from .rows import FieldChecks, build, copy_history, insert, insert_links

MEDIA_TYPE = "application/geo+json"
# Inserted in this order, each after what it refers to.
CITED_MODELS = [Site, SiteIdentifier, SiteName, SiteExtent, DamageReport, Threat]
# Fields whose every value the reader (eamena_places.py) has checked with the field's own validators: an extent's
# geometry, with geometry_errors (the field's validate_geometry), before its representative point is taken.
CHECKED_BY_READER = {SiteExtent: ["geometry"]}


@functools.cache
def keys(model):
    """A model's references to other rows (what full_clean would look up, one query each)."""
    return [field.name for field in model._meta.concrete_fields if field.is_relation]


def current(record, key):
    """A record's stored value of `key`, comparable with the importer's (a country as its code)."""
    value = getattr(record, key)
    return getattr(value, "code", value)


class PartRefused(Exception):
    """A part of the file that no source can hold (eamena_parts.py): the import stops, refused."""

    def __init__(self, problem):
        super().__init__(problem.message)
        self.problem = problem


class Writer:
    """Writes the places of one import, batch by batch, counting into `report` and collecting what is refused."""

    def __init__(self, report, *, check, file, name, status, sensitive, user):
        # check: the file's eamena_parts.FileCheck (its checksum and size); file: the file, for its original.
        self.report, self.check, self.file, self.name = report, check, file, name
        self.status, self.sensitive, self.user = status, sensitive, user
        self.sources = report.sources  # the file's, a part each, as they are read
        self.new_sources = set()  # those this import made (their primary keys)
        self.original = None  # the storage name of the file, once a new source names it as its original
        self.made = set()  # the citations this import made (their primary keys)
        self.made_quotes = set()  # and their (source, quote)s' hashes
        self.reason = f"Imported from {Path(name).name} (EAMENA)"

    # --- The file's sources -------------------------------------------------------------------------------------

    def source_of_part(self, part):
        """
        Give `part` (eamena_parts.Part) its source: the one holding this text (the same file imported again), or a
        new one naming the whole file as its original.
        """
        name = Path(self.name).name
        title = f"EAMENA heritage places: {name}"
        if not part.whole:
            title += f", features {part.first + 1:,}–{part.end:,}"
        source = Source(
            title=title[:300],
            kind_id="dataset",
            publisher="EAMENA (Endangered Archaeology in the Middle East and North Africa)",
            url="https://database.eamena.org/en/",
            language="en",
            notes="EAMENA Database by EAMENA (https://eamena.org), CC BY 4.0. Imported with import_eamena.",
            text=part.text,
        )
        source.fix_text(utf8=part.utf8)  # its checksum, taken once: full_clean and save keep it
        held = Source.objects.filter(text_sha256=source.text_sha256).first()
        if held is not None:
            source = held
            self.report.count("sources", "unchanged")
        else:
            source.slug = f"eamena-{slugify(Path(self.name).stem)[:40]}-{source.text_sha256[:8]}"
            describe_original(source, Extracted(text=part.text, media_type=MEDIA_TYPE, size=self.check.size,
                                                sha256=self.check.sha256, name=name, data=b""))  # fmt: skip
            try:
                # The check constraints are the database's (validating them here would send the whole text to it,
                # as a query's parameter, once for each).
                source.full_clean(validate_constraints=False)
            except ValidationError as exc:
                where = f"features {part.first + 1:,} to {part.end:,}" if part.features else "the file's end"
                message = f"The part of the file from {where}: {' '.join(exc.messages)}"
                raise PartRefused(Problem("", part.first, "", message)) from None
            source.save()
            self.new_sources.add(source.pk)
            self.original = source.original.name
            self.report.count("sources", "created")
        part.source = source
        # Kept without its text, which goes with its part once the part's features are written.
        self.sources.append(Source.objects.defer("text").get(pk=source.pk))

    def store_original(self):
        """Store the whole file as the original of the sources made (once: it is stored by its checksum)."""
        storage = Source.original.field.storage
        if not storage.exists(self.original):
            self.file.seek(0)
            storage.save(self.original, File(self.file))

    # --- A batch of places ------------------------------------------------------------------------------------

    def write_batch(self, places, passages):
        """Write `places` (mapped, each with its features' passages in `passages`)."""
        self.checks = FieldChecks()
        self.created = collections.defaultdict(list)
        self.updated = collections.defaultdict(list)
        self.links = collections.defaultdict(list)  # model: [(record, citation)]
        self.load_existing(places)
        self.load_citations(places, passages)
        for place in places:
            self.place = place
            self.write_place(place, passages)
        self.flush()

    def load_existing(self, places):
        # Unordered, each of these lookups: a model's ordering would lead the database to walk an ordering index
        # of the whole table rather than look the batch's keys up (for the source's citations, every batch).
        identifiers = SiteIdentifier.objects.select_related("site").order_by()
        identifiers = identifiers.filter(
            scheme=IdentifierScheme.EAMENA, value__in=[place.eamena_id for place in places]
        )
        self.identifiers = {identifier.value: identifier for identifier in identifiers}
        sites = [identifier.site_id for identifier in self.identifiers.values()]
        self.names = {(n.site_id, n.name): n for n in SiteName.objects.filter(site__in=sites).order_by()}
        self.extents = {(e.site_id, e.position): e for e in SiteExtent.objects.filter(site__in=sites).order_by()}
        self.reports = {r.slug: r for r in DamageReport.objects.filter(site__in=sites).order_by()}
        self.threats = {t.slug: t for t in Threat.objects.filter(site__in=sites).order_by()}
        new_slugs = [place.eamena_id.lower() for place in places if place.eamena_id not in self.identifiers]
        self.taken_slugs = set(Site.objects.filter(slug__in=new_slugs).order_by().values_list("slug", flat=True))
        # Which of these records already cite which citations: {model: {(record pk, citation pk)}}.
        existing = {
            Site: [identifier.site_id for identifier in self.identifiers.values()],
            SiteIdentifier: [identifier.pk for identifier in self.identifiers.values()],
            SiteName: [n.pk for n in self.names.values()],
            SiteExtent: [e.pk for e in self.extents.values()],
            DamageReport: [r.pk for r in self.reports.values()],
            Threat: [t.pk for t in self.threats.values()],
        }
        self.linked = {}
        for model, pks in existing.items():
            through, column = model.citations.through, f"{model._meta.model_name}_id"
            rows = through.objects.filter(**{f"{column}__in": pks}, citation__source__in=self.sources) if pks else []
            self.linked[model] = set(rows.order_by().values_list(column, "citation_id")) if pks else set()

    def load_citations(self, places, passages):
        """The citations of the batch's passages: the sources' own where they have them, new ones made and inserted."""
        wanted = {}  # (source, quote): start
        for place in places:
            for source, quote, start in self.quotes(place, passages).values():
                wanted.setdefault((source, quote), start)
            for extent in place.extents:
                source, quote, start = passages.geometry(extent.feature)
                wanted.setdefault((source, quote), start)
        self.citations = {}  # (source pk, quote): citation
        # Earlier batches' citations too: two places may share a passage word for word (the same geometry). A source
        # new with this import holds only those, so only a quote an earlier batch made may be there to find.
        held = collections.defaultdict(list)
        for source, quote in wanted:
            if source.pk not in self.new_sources or hash((source.pk, quote)) in self.made_quotes:
                held[source].append(quote)
        for source, quotes in held.items():
            for chunk in chunks(quotes, 500):
                for citation in Citation.objects.filter(source=source, quote__in=chunk).order_by():
                    self.citations[source.pk, citation.quote] = citation
                    if citation.pk not in self.made:
                        self.report.count("citations", "unchanged")
        new = []
        for (source, quote), start in wanted.items():
            if (source.pk, quote) not in self.citations:
                values = {"source": source, "quote": quote, "char_start": start, "char_end": start + len(quote)}
                citation = build(Citation, values)
                # clean() checks the quote stands at its offsets in the source's text.
                self.checks.full_clean(citation, exclude=keys(Citation))
                new.append(citation)
                self.citations[source.pk, quote] = citation
        insert(Citation, new)
        copy_history(Citation, new, update=False, user=self.user, reason=self.reason)
        written = {Citation: {citation.pk for citation in new}}
        signals.written_in_bulk.send(sender=type(self), written=written, created={Citation: new})
        self.made.update(citation.pk for citation in new)
        self.made_quotes.update(hash((citation.source_id, citation.quote)) for citation in new)
        self.report.count("citations", "created", len(new))

    def quotes(self, place, passages):
        """
        The passages a place's records cite, each (source, quote, start): its EAMENA ID line, its disturbances' and
        its threats' lines.
        """
        quotes = {"place": passages.id_line(place.feature)}
        if place.disturbances:
            keys = ["Disturbance Cause Category Type", "Disturbance Cause Type "]
            quotes["disturbances"] = passages.through(place.feature, keys)
        if place.threats:
            keys = ["Threat Category", "Threat Cause Type"]
            quotes["threats"] = passages.through(place.feature, keys, anchor="resourceid")
        return quotes

    def cited(self, passage):
        source, quote, _ = passage
        return self.citations[source.pk, quote]

    def write_place(self, place, passages):
        quotes = {what: self.cited(passage) for what, passage in self.quotes(place, passages).items()}
        identifier = self.identifiers.get(place.eamena_id)
        latitude, longitude, certainty = place.point or (None, None, "")
        values = {
            "name": place.name, "kind": place.kind, "country": place.country, "description": place.description,
            "latitude": Decimal(str(latitude)) if latitude is not None else None,
            "longitude": Decimal(str(longitude)) if longitude is not None else None,
            "location_certainty": certainty, "condition_id": place.condition,
            "condition_assessed": place.condition_assessed if place.condition else None,
            "damage_extent": place.damage_extent,
        }  # fmt: skip
        new = {"slug": place.eamena_id.lower()}
        if identifier is None and new["slug"] in self.taken_slugs:
            self.problem("sites", "slug", f"Another site already has the slug {new['slug']!r}.")
            return
        if self.sensitive:
            new["is_sensitive"] = True
        site = self.sync("sites", Site, identifier.site if identifier else None, values, quotes["place"], new)
        if site is None:
            return
        identifier_of = {"site": site, "scheme": IdentifierScheme.EAMENA, "value": place.eamena_id}
        self.sync("identifiers", SiteIdentifier, identifier, {}, quotes["place"], identifier_of)
        for name, kind, language in place.names:
            self.sync("site names", SiteName, self.names.get((site.pk, name)), {"kind": kind, "language": language},
                      quotes["place"], {"site": site, "name": name})  # fmt: skip
        for position, extent in enumerate(place.extents, start=1):
            values = {"geometry": extent.geometry, "qualifier": extent.qualifier, "certainty": extent.certainty}
            citation = self.cited(passages.geometry(extent.feature))
            self.sync("extents", SiteExtent, self.extents.get((site.pk, position)), values, citation,
                      {"site": site, "position": position}, feature=extent.feature)  # fmt: skip
        for number, disturbance in enumerate(place.disturbances, start=1):
            slug = f"{site.slug}-disturbance-{number}"
            category = f"EAMENA disturbance category: {disturbance.category}." if disturbance.category else ""
            values = {
                "cause_id": disturbance.cause, "certainty": disturbance.certainty, "occurred": disturbance.occurred,
                "dating_note": disturbance.dating_note, "description": category,
            }  # fmt: skip
            new = {"slug": slug, "site": site, "severity": Severity.NOT_ASSESSED, "status": self.status}
            self.sync("damage reports", DamageReport, self.reports.get(slug), values, quotes["disturbances"], new)
        for number, threat in enumerate(place.threats, start=1):
            slug = f"{site.slug}-threat-{number}"
            category = f"EAMENA threat category: {threat.category}." if threat.category else ""
            values = {"cause_id": threat.cause, "probability": threat.probability, "description": category}
            new = {"slug": slug, "site": site, "endangers": ThreatTarget.SITE, "status": self.status}
            self.sync("threats", Threat, self.threats.get(slug), values, quotes["threats"], new)

    def sync(self, kind, model, record, values, citation, new, feature=None):
        """
        A new record (with `new` and `values`, inserted at the batch's end) or `record` brought up to date (saved
        now), citing `citation`; counted. Returns the record, or None when full_clean refused it.
        """
        if record is None:
            record, column = build(model, {**new, **values}), "created"
        else:
            changed = {key: value for key, value in values.items() if current(record, key) != value}
            for key, value in changed.items():
                setattr(record, key, value)
            column = "updated" if changed else "unchanged"
        if column != "unchanged":
            try:
                # Check constraints and references are left to the database (each is a query here): the
                # importer's values keep them, and a row that does not is refused, rolling the import back.
                self.checks.full_clean(record, exclude=[*keys(model), *CHECKED_BY_READER.get(model, ())])
            except ValidationError as exc:
                self.refuse(kind, exc, feature)
                return None
        if column == "updated":
            # History is written in bulk (flush), with the import named as its reason.
            record.skip_history_when_saving = True
            record.save()
            del record.skip_history_when_saving
        if column == "created" or (record.pk, citation.pk) not in self.linked[model]:
            self.links[model].append((record, citation))
            column = "created" if column == "created" else "updated"
        if column != "unchanged":
            (self.created if column == "created" else self.updated)[model].append(record)
        self.report.count(kind, column)
        return record

    def flush(self):
        """Insert the batch's new records, their links to citations, and the history of what changed."""
        for model in CITED_MODELS:
            insert(model, self.created[model])
        for model, links in self.links.items():
            insert_links(model, [(record.pk, citation.pk) for record, citation in links])
        for changes, update in ((self.created, False), (self.updated, True)):
            for model, records in changes.items():
                copy_history(model, records, update=update, user=self.user, reason=self.reason)
        written = collections.defaultdict(set)
        for changes in (self.created, self.updated):
            for model, records in changes.items():
                written[model].update(record.pk for record in records)
        cited = collections.defaultdict(lambda: collections.defaultdict(list))
        for model, links in self.links.items():
            written[model].update(record.pk for record, _ in links)
            for record, citation in links:
                cited[model][record.pk].append(citation)
        signals.written_in_bulk.send(sender=type(self), written=written, created=self.created, cited=cited)

    def problem(self, kind, key, message, feature=None):
        self.report.count(kind, "refused")
        self.describe(kind, key, message, feature)

    def describe(self, kind, key, message, feature=None):
        where = self.place.feature if feature is None else feature
        self.report.problems.append(Problem(self.place.eamena_id, where, f"{kind}: {key}", message))

    def refuse(self, kind, error, feature=None):
        self.report.count(kind, "refused")
        for key, messages in error.message_dict.items():
            for message in messages:
                self.describe(kind, key, message, feature)


def chunks(items, size):
    for start in range(0, len(items), size):
        yield items[start : start + size]
