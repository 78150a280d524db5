"""
Import a Pleiades place record into the record: `import_place()`, which `manage.py import_pleiades` calls.

The place is matched to a site here by its identifier `pleiades:<id>`, or by name with a person's confirmation
(a prompt, or `--site`), never silently. The file becomes a `Source` (kind `dataset`; the same file is the same
source, by its text's SHA-256) and everything added cites the exact passage of it that states it: the identifiers
(Pleiades; the World Heritage List, Wikidata and GeoNames entries its references link to), the representative
point as the site's location when it has none, the bounding box as an extent, the World Heritage List number on
the site's World Heritage designation, and the names with their languages and attested years. What the site
already says is never changed: its location, its names and their languages, its designation's facts.

Everything happens in one transaction: a dry run (the default) rolls it back, so it reports exactly what a run
with `commit=True` writes; any problem refuses the whole file, with nothing written. Running it again on the same
file changes nothing.
"""

from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q

from .. import services
from ..choices import DesignationKind, GeometryQualifier, LocationCertainty
from ..choices import IdentifierScheme as Scheme
from ..geometry import STORED_STEP
from ..models import Citation, PeriodIdentifier, Site, SiteExtent, SiteIdentifier, SiteName, Source
from ..texts import Extracted, sha256
from .passages import JsonPassages, pointer
from .pleiades_record import PlaceRefused, Problem, read_place

# A representative point is where Pleiades puts the place on its map, digitised from maps and imagery (the
# Barrington Atlas, OpenStreetMap): "located on imagery or a map".
POINT_CERTAINTY = LocationCertainty.MEDIUM
MEDIA_TYPE = "application/json"
RECORD_TYPES = ["source", "citation", "site identifier", "site", "site extent", "designation", "site name"]
OUTCOMES = ["created", "updated", "unchanged", "refused"]


class Summary:
    """What an import did (or would do) per kind of record, and what it noticed but did not add."""

    def __init__(self):
        self.counts = {record: dict.fromkeys(OUTCOMES, 0) for record in RECORD_TYPES}
        self.notes = []

    def count(self, record, outcome):
        self.counts[record][outcome] += 1

    def table(self):
        width = max(map(len, RECORD_TYPES))
        lines = [f"{'record':<{width}}  " + "  ".join(f"{o:>9}" for o in OUTCOMES)]
        for record in RECORD_TYPES:
            lines.append(f"{record:<{width}}  " + "  ".join(f"{self.counts[record][o]:>9}" for o in OUTCOMES))
        return "\n".join(lines)


class ImportRefused(Exception):
    """Nothing was written: `problems` say where and why; `summary` counts them per kind of record."""

    def __init__(self, problems, summary):
        super().__init__("; ".join(str(p) for p in problems))
        self.problems = list(problems)
        self.summary = summary
        for problem in self.problems:
            summary.count(problem.record if problem.record in RECORD_TYPES else "source", "refused")


@dataclass
class Outcome:
    summary: Summary
    site: Site
    source: Source
    matched_by: str
    committed: bool


def import_place(*, data, filename, site=None, confirm=None, commit=False):
    """
    Import the Pleiades place in `data` (the file's bytes, named `filename`).

    `site` is the slug of the site to import into, a person's confirmation of a match by name (or their choice);
    `confirm(site)` asks a person whether a site matched by name is the place (None: no one to ask, so a match by
    name alone is refused). With `commit=False` nothing is written. Returns an `Outcome`; raises ImportRefused.
    """
    summary = Summary()
    try:
        place = read_place(data)
    except PlaceRefused as refused:
        raise ImportRefused(refused.problems, summary) from None
    summary.notes.extend(place.notes)
    try:
        with transaction.atomic():
            run = _PlaceImport(place, data, filename, summary, commit)
            outcome = run.run(site, confirm)
            if not commit:
                transaction.set_rollback(True)
    except _Refused as refused:
        raise ImportRefused(refused.problems, summary) from None
    return outcome


class _Refused(Exception):
    def __init__(self, problems):
        self.problems = problems


def _refuse(record, path, message):
    raise _Refused([Problem(record, path, message)])


class _PlaceImport:
    def __init__(self, place, data, filename, summary, commit):
        self.place, self.data, self.filename, self.summary, self.commit = place, data, filename, summary, commit
        self.passages = JsonPassages(place.text)
        self.reason = f"Imported from Pleiades place {place.id}"
        self.cited = set()
        self.source = None

    def run(self, slug, confirm):
        site, matched_by = self.match(slug, confirm)
        self.check(site)
        self.source = self.make_source()
        self.add_identifiers(site)
        self.add_location(site)
        self.add_extent(site)
        self.add_designation_reference(site)
        self.add_names(site)
        return Outcome(self.summary, site, self.source, matched_by, self.commit)

    # --- Which site ------------------------------------------------------------------------------------------

    def match(self, slug, confirm):
        place = self.place
        known = SiteIdentifier.objects.filter(scheme=Scheme.PLEIADES, value=place.id).select_related("site").first()
        if known is not None:
            if slug and known.site.slug != slug:
                _refuse("site", "id", f"pleiades:{place.id} identifies the site {known.site.slug!r}, not {slug!r}.")
            return known.site, f"its identifier pleiades:{place.id}"
        if slug:
            site = Site.objects.filter(slug=slug).first()
            if site is None:
                _refuse("site", "", f"There is no site {slug!r}.")
            return site, f"--site {slug}"
        names = place.match_names
        candidates = list(Site.objects.filter(Q(name__in=names) | Q(names__name__in=names)).distinct())
        if not candidates:
            _refuse(
                "site",
                "title",
                f"No site here has the name {place.title!r} or another of the record's names: add the site first, "
                "or name it with --site.",
            )
        if confirm is None:
            found = ", ".join(f"{site.name} ({site.slug})" for site in candidates)
            _refuse("site", "title", f"Matched by name only, to {found}: confirm with --site SLUG.")
        for site in candidates:
            if confirm(site):
                return site, "its name, confirmed"
        _refuse("site", "title", "No site matched by name was confirmed.")

    def check(self, site):
        """Refuse a record that contradicts what is here, before anything is written (all problems at once)."""
        problems = []
        other = site.identifiers.filter(scheme=Scheme.PLEIADES).exclude(value=self.place.id).first()
        if other is not None:
            problems.append(
                Problem(
                    "site identifier", "id", f"{site.slug!r} is already Pleiades place {other.value}, not this one."
                )
            )
        for identifier in self.place.identifiers:
            owner = SiteIdentifier.objects.filter(scheme=identifier.scheme, value=identifier.value).first()
            if owner is not None and owner.site_id != site.pk:
                problems.append(
                    Problem(
                        "site identifier",
                        pointer(*identifier.cited).lstrip("/"),
                        f"{identifier.scheme}:{identifier.value} already identifies the site {owner.site.slug!r}.",
                    )
                )
        for identifier in self.whl():
            for designation in self.world_heritage(site):
                if designation.reference and designation.reference != identifier.value:
                    problems.append(
                        Problem(
                            "designation",
                            pointer(*identifier.cited).lstrip("/"),
                            f"The site's World Heritage designation has the reference {designation.reference!r}, "
                            f"not {identifier.value!r}.",
                        )
                    )
        if problems:
            raise _Refused(problems)

    # --- The source and its passages -------------------------------------------------------------------------

    def make_source(self):
        place = self.place
        digest = sha256(place.text)
        source = Source.objects.filter(text_sha256=digest).first()
        if source is not None:
            self.summary.count("source", "unchanged")
            return source
        previous = Source.objects.filter(url=place.uri).order_by("-created", "-pk").first()
        slug = f"pleiades-{place.id}"
        if Source.objects.filter(slug=slug).exists():
            slug = f"{slug}-{digest[:12]}"
        source = Source(
            slug=slug,
            title=f"Pleiades: {place.title}"[:300],
            kind="dataset",
            publisher="Pleiades",
            url=place.uri,
            language="en",
            text=place.text,
            supersedes=previous,
            notes="A Pleiades gazetteer record (https://pleiades.stoa.org), licensed CC BY 3.0: "
            "https://creativecommons.org/licenses/by/3.0/",
        )
        document = Extracted(
            text=place.text,
            media_type=MEDIA_TYPE,
            size=len(self.data),
            sha256=sha256(self.data),
            name=self.filename,
            data=self.data,
        )
        self.save_checked("source", lambda: self._save_source(source, document), path="", what=f"the source {slug!r}")
        self.summary.count("source", "created")
        return source

    def _save_source(self, source, document):
        if self.commit:
            services.save_source(source=source, document=document)
        else:  # a dry run stores no file: the database rows are rolled back, a stored file would stay
            services.describe_original(source, document)
            source.full_clean()
            source.save()

    def cite(self, *paths):
        """The citation of the passage stating the members at `paths` (made once, then found again)."""
        found = self.passages.passage(*paths)
        if found is None:
            _refuse("citation", pointer(*paths[0]).lstrip("/"), "No passage of at most 600 characters states it once.")
        start, end, quote = found
        citation = Citation.objects.filter(source=self.source, char_start=start, char_end=end).first()
        if citation is None:
            citation = Citation(source=self.source, quote=quote, char_start=start, char_end=end)
            self.save_checked("citation", lambda: self._save(citation), path=pointer(*paths[0]), what="a citation")
            self.summary.count("citation", "created")
        elif citation.pk not in self.cited:
            self.summary.count("citation", "unchanged")
        self.cited.add(citation.pk)
        return citation

    # --- What the place says ---------------------------------------------------------------------------------

    def add_identifiers(self, site):
        identifiers = [(Scheme.PLEIADES, self.place.id, ("uri",))]
        identifiers += [(i.scheme, i.value, i.cited) for i in self.place.identifiers]
        seen = set()
        for scheme, value, path in identifiers:
            if (scheme, value) in seen:
                continue
            seen.add((scheme, value))
            citation = self.cite(path)
            identifier = SiteIdentifier.objects.filter(scheme=scheme, value=value).first()
            if identifier is None:
                identifier = SiteIdentifier(site=site, scheme=scheme, value=value)
                self.create("site identifier", identifier, [citation], path)
            else:
                self.update("site identifier", identifier, [citation])

    def add_location(self, site):
        if self.place.point is None:
            self.summary.notes.append("reprPoint: the place has no representative point; no location added.")
            return
        longitude, latitude = (Decimal(repr(n)).quantize(STORED_STEP) for n in self.place.point)
        if site.has_location and (site.latitude, site.longitude) != (latitude, longitude):
            self.summary.notes.append(
                "reprPoint: the site already has a location, which differs from Pleiades' point: kept as it is."
            )
            self.summary.count("site", "unchanged")
            return
        changed = not site.has_location
        if changed:
            site.latitude, site.longitude, site.location_certainty = latitude, longitude, POINT_CERTAINTY
        self.update("site", site, [self.cite(("reprPoint",))], changed=changed, path="/reprPoint")

    def add_extent(self, site):
        if self.place.bbox is None:
            return
        west, south, east, north = self.place.bbox
        if west == east or south == north:
            self.summary.notes.append("bbox: the bounding box is a point or a line, not an area; no extent added.")
            return
        ring = [[west, south], [east, south], [east, north], [west, north], [west, south]]
        geometry = {"type": "Polygon", "coordinates": [ring]}
        citation = self.cite(("bbox",))
        boxes = site.extents.filter(qualifier=GeometryQualifier.BOUNDING_BOX)
        extent = next((box for box in boxes if box.geometry == geometry), None)
        if extent is not None:
            self.update("site extent", extent, [citation])
            return
        position = max(site.extents.values_list("position", flat=True), default=0) + 1
        extent = SiteExtent(
            site=site, position=position, geometry=geometry, qualifier=GeometryQualifier.BOUNDING_BOX, certainty=""
        )
        self.create("site extent", extent, [citation], ("bbox",))

    def whl(self):
        return [i for i in self.place.identifiers if i.scheme == Scheme.WORLD_HERITAGE_LIST][:1]

    def world_heritage(self, site):
        return list(site.designations.filter(kind=DesignationKind.WORLD_HERITAGE))

    def add_designation_reference(self, site):
        for identifier in self.whl():
            designations = self.world_heritage(site)
            if len(designations) != 1:
                self.summary.notes.append(
                    f"{pointer(*identifier.cited).lstrip('/')}: the site has "
                    f"{'no' if not designations else len(designations)} World Heritage designation"
                    f"{'s' if len(designations) > 1 else ''}; the List number {identifier.value} is kept as an "
                    "identifier only."
                )
                continue
            designation = designations[0]
            changed = not designation.reference
            designation.reference = identifier.value
            self.update("designation", designation, [self.cite(identifier.cited)], changed=changed)

    def add_names(self, site):
        present = {site.name, *site.names.values_list("name", flat=True)}
        added = {}
        unmatched = set()
        for form in self.place.forms:
            if form.name in present:
                if form.name in added:
                    self.summary.notes.append(
                        f"{pointer(*form.cited[0][0]).lstrip('/')} ({form.name}): added already from the Pleiades name "
                        f"{added[form.name]}; not added again."
                    )
                self.summary.count("site name", "unchanged")
                continue
            periods = dict(
                PeriodIdentifier.objects.filter(scheme=Scheme.PLEIADES, value__in=form.periods).values_list(
                    "value", "period_id"
                )
            )
            unmatched |= set(form.periods) - set(periods)
            name = SiteName(
                site=site,
                name=form.name,
                kind=form.kind,
                language=form.language,
                attested_from=form.attested_from,
                attested_to=form.attested_to,
            )
            citations = [self.cite(*group) for group in form.cited]
            self.create("site name", name, citations, form.cited[0][0])
            name.periods.set(sorted(set(periods.values())))
            present.add(form.name)
            added[form.name] = form.pleiades_name
        if unmatched:
            self.summary.notes.append(
                "names/*/attestations: no period here has these Pleiades time periods as an identifier, so the "
                f"names are not linked to them: {', '.join(sorted(unmatched))}."
            )

    # --- Writing ---------------------------------------------------------------------------------------------

    def create(self, record_type, record, citations, path):
        self.save_checked(record_type, lambda: self._save(record), path=pointer(*path), what=f"“{record}”")
        record.citations.add(*citations)
        self.summary.count(record_type, "created")

    def update(self, record_type, record, citations, *, changed=False, path=""):
        """Give an existing record its citations (and save the fields set on it, when `changed`)."""
        held = set(record.citations.values_list("pk", flat=True))
        missing = [citation for citation in citations if citation.pk not in held]
        if not changed and not missing:
            self.summary.count(record_type, "unchanged")
            return
        record.citations.add(*missing)
        self.save_checked(record_type, lambda: self._save(record), path=path, what=f"“{record}”")
        self.summary.count(record_type, "updated")

    def _save(self, record):
        record.full_clean()
        record._change_reason = self.reason
        record.save()

    def save_checked(self, record_type, save, *, path, what):
        try:
            save()
        except ValidationError as error:
            messages = (
                [f"{field}: {m}" for field, ms in error.message_dict.items() for m in ms]
                if hasattr(error, "error_dict")
                else error.messages
            )
            _refuse(record_type, path.lstrip("/"), f"{what} is refused: {'; '.join(messages)}")
