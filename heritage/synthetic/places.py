"""Synthetic sources, periods and sites: the places, their names, structures, designations and periods."""

from decimal import Decimal

from django.utils.text import slugify

from heritage.records.choices import (
    DesignationKind,
    GeometryQualifier,
    IdentifierScheme,
    LocationCertainty,
    NameKind,
)
from heritage.records.models import (
    Citation,
    Designation,
    Period,
    PeriodIdentifier,
    Site,
    SiteExtent,
    SiteIdentifier,
    SiteName,
    SitePeriod,
    Source,
    Structure,
)

from .marks import (
    SYNTHETIC_PREFIX,
)
from .rows import (
    SITES_PER_SOURCE,
    SiteInfo,
    SourceText,
)
from .vocabulary import (
    COUNTRIES,
    EPITHET_NOUNS,
    EPITHET_PLACES,
    FUZZ,
    PERIODS,
    SITE_KIND_WEIGHTS,
    STRUCTURE_EPITHETS,
    STRUCTURE_KINDS,
    _a,
    _and,
    _weighted,
    _year,
)


def synthetic_outline(site):
    """A square of about 400 m around a site's point, as the perimeter a survey would draw."""
    lon, lat, d = float(site.longitude), float(site.latitude), 0.002
    west, east = max(lon - d, -180.0), min(lon + d, 180.0)
    south, north = max(lat - d, -90.0), min(lat + d, 90.0)
    ring = [[west, south], [east, south], [east, north], [west, north], [west, south]]
    return SiteExtent(
        site_id=site.pk,
        position=1,
        geometry={"type": "Polygon", "coordinates": [[[round(x, 6), round(y, 6)] for x, y in ring]]},
        qualifier=GeometryQualifier.PERIMETER,
        certainty=LocationCertainty.MEDIUM,
    )


class PlacesMixin:
    """The generator's sources, periods and sites."""

    def make_sources(self):
        rng = self.rng
        n_site_sources = max(1, -(-self.n_sites // SITES_PER_SOURCE))
        note = (
            f"Synthetic: invented by manage.py generate_synthetic --seed {self.seed} --sites {self.n_sites} "
            f"--reports {self.n_reports}. Not a real source; nothing in it is a fact."
        )
        sources = [
            Source(
                slug=f"{SYNTHETIC_PREFIX}source-gazetteer",
                title="Synthetic gazetteer of periods and parties",
                kind_id="report",
                publisher="heritage synthetic data",
                published="2024",
                language="en",
                notes=note,
            )
        ]
        kinds = ["imagery_assessment", "report", "news_article"]
        for i in range(n_site_sources):
            first, last = i * SITES_PER_SOURCE + 1, min((i + 1) * SITES_PER_SOURCE, self.n_sites)
            slug = f"{SYNTHETIC_PREFIX}source-{i + 1:04d}"
            sources.append(
                Source(
                    slug=slug,
                    title=f"Synthetic damage assessment no. {i + 1}: sites {first}-{last}",
                    kind_id=rng.choice(kinds),
                    publisher="heritage synthetic data",
                    published=rng.choice(self.dates.months),
                    language="en",
                    notes=note,
                )
            )
        self.texts = [SourceText(source) for source in sources]
        for text in self.texts:
            # Each text opens with its title and the note; the passages the records cite follow (write_texts).
            text.add(f"{text.source.title}\n\n{note}\n\n")
            text.source.text = text.text()
            text.source.fix_text()
        with self.bar("sources", len(sources)) as bar:
            self.insert(Source, sources)
            bar.update(len(sources))
        self.gazetteer = self.texts[0]

    def make_periods(self):
        periods, citations = [], []
        for slug, name, start, stop in PERIODS:
            periods.append(
                Period(
                    slug=f"{SYNTHETIC_PREFIX}period-{slug}",
                    name=name,
                    label=f"c. {_year(start)} - c. {_year(stop)}",
                    start_earliest=start - FUZZ,
                    start_latest=start + FUZZ,
                    stop_earliest=stop - FUZZ,
                    stop_latest=stop + FUZZ,
                    spatial_coverage="Synthetic: Near East",
                )
            )
            citations.append(
                self.gazetteer.cite(f"The {name} period runs from about {_year(start)} to about {_year(stop)}")
            )
        with self.bar("periods", len(periods)) as bar:
            self.insert(Period, periods)
            self.insert(Citation, citations)
            self.link(Period, [(p.pk, c.pk) for p, c in zip(periods, citations, strict=True)])
            # Each period as a (made-up, well-formed) PeriodO definition.
            identifiers = [
                PeriodIdentifier(period_id=p.pk, scheme=IdentifierScheme.PERIODO, value=f"p0synth{i + 1:04d}")
                for i, p in enumerate(periods)
            ]
            self.insert(PeriodIdentifier, identifiers)
            self.link(PeriodIdentifier, [(x.pk, c.pk) for x, c in zip(identifiers, citations, strict=True)])
            bar.update(len(periods))
        self.periods = periods

    def make_sites(self):
        rng = self.rng
        country_codes, country_weights = [c[0] for c in COUNTRIES], [c[1] for c in COUNTRIES]
        boxes = {c[0]: (c[2], c[3]) for c in COUNTRIES}
        site_kinds, site_kind_weights = _weighted(SITE_KIND_WEIGHTS)
        certainties = [LocationCertainty.HIGH, LocationCertainty.MEDIUM, LocationCertainty.LOW]
        self.sites = []
        batch = 5000
        with self.bar("sites", self.n_sites) as bar:
            for first in range(0, self.n_sites, batch):
                sites, citations, extras = [], [], []
                for i in range(first, min(first + batch, self.n_sites)):
                    name, name_ar, root = self.place_name()
                    country = rng.choices(country_codes, country_weights)[0]
                    kind = rng.choices(site_kinds, site_kind_weights)[0]
                    ref = f"SYN-S-{i + 1:06d}"
                    site = Site(
                        slug=f"{SYNTHETIC_PREFIX}{i + 1:06d}-{slugify(name)}",
                        name=name,
                        kind=kind,
                        country=country,
                        description=f"Synthetic {kind.label.lower()} ({ref}).",
                    )
                    if rng.random() < 0.85:
                        (lat0, lat1), (lon0, lon1) = boxes[country]
                        site.latitude = Decimal(f"{rng.uniform(lat0, lat1):.6f}")
                        site.longitude = Decimal(f"{rng.uniform(lon0, lon1):.6f}")
                        site.location_certainty = rng.choice(certainties)
                    names = [(name_ar, NameKind.LOCAL, "ar")]
                    if root and rng.random() < 0.5:
                        names.append((root, NameKind.VARIANT, "en"))
                    if rng.random() < 0.15:
                        names.append(
                            (
                                f"{rng.choice(EPITHET_NOUNS)} of {rng.choice(EPITHET_PLACES)}",
                                NameKind.EPITHET,
                                "en",
                            )
                        )
                    periods = sorted(rng.sample(range(len(self.periods)), rng.choice((1, 1, 2, 2, 3))))
                    n_structures = rng.choices((0, 1, 2, 3, 4, 5), (20, 20, 20, 15, 15, 10))[0]
                    structures = [
                        f"{kind_} of {root or name}"
                        if rng.random() < 0.5
                        else f"{rng.choice(STRUCTURE_EPITHETS)} {kind_}"
                        for kind_ in rng.sample(STRUCTURE_KINDS, n_structures)
                    ]
                    source = self.texts[1 + i // SITES_PER_SOURCE]
                    clauses = [f"{ref}: {name} ({', '.join(n for n, _, _ in names)}), {_a(kind.label.lower())}"]
                    clauses.append(
                        "with remains of the "
                        + _and([self.periods[p].name for p in periods])
                        + (" periods" if len(periods) > 1 else " period")
                    )
                    if structures:
                        clauses.append("comprising " + _and([f"the {s}" for s in structures]))
                    citations.append(source.cite(", ".join(clauses)))
                    designations = []
                    if i == 0 or rng.random() < 0.12:
                        year = rng.choice(self.dates.old_years)
                        designations.append((DesignationKind.WORLD_HERITAGE, year, "", f"{rng.randint(20, 1700)}"))
                        if i == 0 or rng.random() < 0.5:
                            designations.append((DesignationKind.WORLD_HERITAGE_IN_DANGER, "2013", "", ""))
                    elif rng.random() < 0.2:
                        start = rng.choice(self.dates.old_years)
                        end = rng.choice([y for y in self.dates.years if y > start]) if rng.random() < 0.1 else ""
                        designations.append((DesignationKind.NATIONAL_REGISTER, start, end, f"NR-{i + 1:06d}"))
                    elif rng.random() < 0.05:
                        designations.append((DesignationKind.TENTATIVE_LIST, rng.choice(self.dates.old_years), "", ""))
                    designation_citations = [
                        source.cite(
                            f"{ref}: {name} is on the {kind_.label}"
                            + (f" as no. {reference}" if reference else "")
                            + f" from {start}"
                            + (f" to {end}" if end else "")
                        )
                        for kind_, start, end, reference in designations
                    ]
                    citations.extend(designation_citations)
                    sites.append(site)
                    extras.append((names, periods, structures, designations, source, ref))
                self.insert(Site, sites)
                self.insert(Citation, citations)
                site_links, name_rows, period_rows, structure_rows, designation_rows = [], [], [], [], []
                identifier_rows, extent_rows, attested = [], [], []
                citation_iter = iter(citations)
                for site, (names, periods, structures, designations, source, ref) in zip(sites, extras, strict=True):
                    citation = next(citation_iter).pk
                    site_links.append((site.pk, citation))
                    info = SiteInfo(pk=site.pk, name=site.name, ref=ref, source=source, citation_pk=citation)
                    self.sites.append(info)
                    name_rows += [
                        (SiteName(site_id=site.pk, name=n, kind=k, language=lang), citation) for n, k, lang in names
                    ]
                    period_rows += [
                        (SitePeriod(site_id=site.pk, period_id=self.periods[p].pk), citation) for p in periods
                    ]
                    # Without drawing on the generator's randomness, so the rest of the data stays as it was: one
                    # site in five has an EAMENA ID, one located site in three an outline around its point.
                    number = int(ref.removeprefix("SYN-S-"))
                    if number % 4 == 1:
                        # The local name, attested in the site's first period.
                        attested.append((name_rows[-len(names)][0], self.periods[periods[0]].pk))
                    if number % 5 == 1:
                        identifier = SiteIdentifier(
                            site_id=site.pk, scheme=IdentifierScheme.EAMENA, value=f"EAMENA-{number:07d}"
                        )
                        identifier_rows.append((identifier, citation))
                    if number % 3 == 1 and site.latitude is not None:
                        extent_rows.append((synthetic_outline(site), citation))
                    for j, structure in enumerate(structures):
                        slug = f"{SYNTHETIC_PREFIX}{j + 1}-{slugify(structure)}"[:100]
                        structure_rows.append((Structure(site_id=site.pk, slug=slug, name=structure), citation))
                    for kind_, start, end, reference in designations:
                        start_bounds = self.dates.bounds(start)
                        end_bounds = self.dates.bounds(end) if end else (None, None)
                        designation = Designation(
                            site_id=site.pk,
                            kind=kind_,
                            granted_by_id=(
                                self.ministry.pk
                                if kind_ == DesignationKind.NATIONAL_REGISTER
                                else self.heritage_body.pk
                            ),
                            reference=reference,
                            valid_from=start,
                            valid_from_earliest=start_bounds[0],
                            valid_from_latest=start_bounds[1],
                            valid_to=end,
                            valid_to_earliest=end_bounds[0],
                            valid_to_latest=end_bounds[1],
                            justification="Synthetic designation.",
                        )
                        designation_rows.append((designation, next(citation_iter).pk))
                self.link(Site, site_links)
                for model, rows in (
                    (SiteName, name_rows),
                    (SitePeriod, period_rows),
                    (Structure, structure_rows),
                    (Designation, designation_rows),
                    (SiteIdentifier, identifier_rows),
                    (SiteExtent, extent_rows),
                ):
                    self.insert(model, [obj for obj, _ in rows])
                    self.link(model, [(obj.pk, citation) for obj, citation in rows])
                self.insert(
                    SiteName.periods.through,
                    [SiteName.periods.through(sitename_id=n.pk, period_id=period) for n, period in attested],
                )
                by_site = {info.pk: info for info in self.sites[first:]}
                for structure, _ in structure_rows:
                    by_site[structure.site_id].structures.append((structure.pk, structure.name))
                bar.update(len(sites))
