"""Synthetic threats and damage reports, inserted a chunk at a time."""

from heritage.records.choices import (
    ActorKind,
    Qualifier,
    ThreatTarget,
)
from heritage.records.models import (
    Citation,
    DamageReport,
    Threat,
)

from .marks import (
    SYNTHETIC_PREFIX,
)
from .rows import (
    CITATION_COLUMNS,
    DAMAGE_REPORT_COLUMNS,
    REPORT_CHUNK,
    RowWriter,
    reset_sequences,
)
from .vocabulary import (
    CERTAINTY_WEIGHTS,
    DATE_SHAPES,
    EXTENT_WEIGHTS,
    SEVERITY_WEIGHTS,
    STATUS_WEIGHTS,
    _weighted,
)

# The dating note of the few synthetic reports whose date is marked inferred (5% of the dated ones).
INFERRED_NOTE = "Synthetic: the source gives the day and month; the year is worked out from its context."


class DamageMixin:
    """The generator's threats and damage reports."""

    def make_threats(self):
        rng, dates = self.rng, self.dates
        causes = {cause.slug: cause for cause in self.causes}
        threat_causes = [causes[s] for s in ("landmines", "looting", "military-activity", "bulldozing") if s in causes]
        threat_causes = threat_causes or self.causes
        targets = [ThreatTarget.SITE, ThreatTarget.PEOPLE, ThreatTarget.SITE_AND_PEOPLE]
        threats, citations = [], []
        observable = dates.days + dates.months
        for index, info in enumerate(self.sites):
            if index and rng.random() > 0.2:
                continue
            cause = rng.choice(threat_causes)
            observed = rng.choice(observable) if rng.random() < 0.8 else ""
            bounds = dates.bounds(observed) if observed else (None, None)
            threat = Threat(
                slug=f"{SYNTHETIC_PREFIX}threat-{info.ref[6:]}",
                site_id=info.pk,
                cause_id=cause.pk,
                endangers=rng.choice(targets),
                consequence="Unsafe for civilians to return." if cause.slug == "landmines" else "",
                observed=observed,
                observed_earliest=bounds[0],
                observed_latest=bounds[1],
                certainty=self.choice(CERTAINTY_WEIGHTS),
                status=self.choice(STATUS_WEIGHTS),
                description=f"Synthetic threat: {cause.label.lower()}.",
            )
            said = f"{info.ref}: {cause.label.lower()} threatens {info.name}"
            if cause.slug == "landmines":
                threat.quantity_min = rng.randrange(10, 500, 10)
                threat.quantity_qualifier = Qualifier.AT_LEAST
                threat.quantity_unit_id = "mines"
                said += f", with at least {threat.quantity_min} mines hidden around it"
            if observed:
                said += f" (observed {observed})"
            threats.append(threat)
            citations.append(info.source.cite(said))
        with self.bar("threats", len(threats)) as bar:
            self.insert(Citation, citations)
            self.insert(Threat, threats)
            self.link(Threat, [(t.pk, c.pk) for t, c in zip(threats, citations, strict=True)])
            bar.update(len(threats))

    def make_damage_reports(self):
        rng, dates = self.rng, self.dates
        # A few sites draw many reports and most draw few, as in real damage records.
        weights = [rng.paretovariate(1.2) for _ in self.sites]
        per_site = [0] * len(self.sites)
        for index in rng.choices(range(len(self.sites)), weights, k=self.n_reports):
            per_site[index] += 1
        if self.n_reports and self.n_sites and per_site[0] == 0:
            # The first site carries one report of every shape the tests look for; take it from the busiest site.
            busiest = max(range(len(per_site)), key=per_site.__getitem__)
            per_site[busiest] -= 1
            per_site[0] += 1

        # Draw each vocabulary column for all reports at once: one call per column instead of one per row.
        n = self.n_reports

        def column(mapping):
            keys, weights = _weighted(mapping)
            return rng.choices(keys, weights, k=n)

        shape_column = column(DATE_SHAPES)
        shape_column[: len(DATE_SHAPES)] = list(DATE_SHAPES)[:n]  # every shape at least once, however small the run
        severity_column = column(SEVERITY_WEIGHTS)
        extent_column = column(EXTENT_WEIGHTS)
        certainty_column = column(CERTAINTY_WEIGHTS)
        status_column = column(STATUS_WEIGHTS)
        cause_column = rng.choices(self.causes, self.cause_weights, k=n)
        permanence_column = rng.choices([None, True, False], [2, 1, 1], k=n)
        random_column = [(rng.random(), rng.random(), rng.random(), rng.random(), rng.random()) for _ in range(n)]
        attributors = [
            a
            for a in self.actors
            if a.kind in (ActorKind.NEWS_MEDIA, ActorKind.GOVERNMENT, ActorKind.INTERNATIONAL_BODY, ActorKind.MINISTRY)
        ]
        self.citation_writer = RowWriter(Citation, CITATION_COLUMNS)
        self.report_writer = RowWriter(DamageReport, DAMAGE_REPORT_COLUMNS)
        self.link_writer = RowWriter(DamageReport.citations.through, ("damagereport_id", "citation_id"))
        number = 0
        with self.bar("damage reports", self.n_reports) as bar:
            pending = []  # (report, citation, second citation pk or None)
            for index, info in enumerate(self.sites):
                for _ in range(per_site[index]):
                    row = number
                    number += 1
                    ref = f"SYN-DR-{number:07d}"
                    shape = shape_column[row]
                    p_structure, p_perpetrator, p_attributed, p_second, p_inferred = random_column[row]
                    occupation = None
                    if shape == "occupation":
                        if info.occupations:
                            occupation = rng.choice(info.occupations)
                        else:
                            shape = "day"
                    occurred = "" if shape in ("occupation", "undated") else rng.choice(dates.shapes[shape])
                    if occupation:
                        earliest, latest = occupation[2], occupation[3]
                    elif occurred:
                        earliest, latest = dates.bounds(occurred)
                    else:
                        earliest = latest = None
                    # A dated report whose source gave the day without the year, which the curator worked out.
                    inferred = bool(occurred) and p_inferred < 0.05
                    structure = None
                    if info.structures and p_structure < 0.6:
                        structure = rng.choice(info.structures)
                    cause = cause_column[row]
                    severity = severity_column[row]
                    extent = extent_column[row]
                    perpetrator = occupation[1] if occupation else None
                    if perpetrator is None and p_perpetrator < 0.35:
                        perpetrator = rng.choice(self.fighters).pk
                    report = (  # DAMAGE_REPORT_COLUMNS
                        f"{SYNTHETIC_PREFIX}dr-{number:07d}",
                        info.pk,
                        structure[0] if structure else None,
                        cause.pk,
                        severity,
                        extent,
                        permanence_column[row],
                        occurred,
                        earliest,
                        latest,
                        inferred,
                        INFERRED_NOTE if inferred else "",
                        occupation[0] if occupation else None,
                        perpetrator,
                        certainty_column[row],
                        status_column[row],
                        f"Synthetic report {ref}.",
                    )
                    what = f"{structure[1]} at {info.name}" if structure else info.name
                    when = (
                        "during the occupation"
                        if occupation
                        else (f"in {occurred}" if occurred else "at an unknown date")
                    )
                    quote = f"{ref}: {what} {severity.label.lower()} ({cause.label.lower()}, {extent}) {when}"
                    if p_attributed < 0.1:
                        attributor = rng.choice(attributors)
                        citation = info.source.cite_values(
                            quote, before=f"According to {attributor.name}, ", attributed_to=attributor
                        )
                    else:
                        citation = info.source.cite_values(quote)
                    second = info.citation_pk if p_second < 0.1 else None
                    pending.append((report, citation, second))
                    if len(pending) >= REPORT_CHUNK:
                        self._flush_reports(pending)
                        bar.update(len(pending))
                        pending = []
            if pending:
                self._flush_reports(pending)
                bar.update(len(pending))
        reset_sequences([Citation, DamageReport, DamageReport.citations.through])

    def _flush_reports(self, pending):
        citation_pks = self.citation_writer.write([citation for _, citation, _ in pending])
        report_pks = self.report_writer.write([report for report, _, _ in pending])
        links = list(zip(report_pks, citation_pks, strict=True))
        links += [(pk, second) for pk, (_, _, second) in zip(report_pks, pending, strict=True) if second]
        self.link_writer.write(links)
        self.count(Citation, len(pending))
        self.count(DamageReport, len(pending))
        self.count(DamageReport.citations.through, len(links))
