"""Synthetic actors and occupations, with the events that began and ended them, participants and figures."""

import datetime

from django.utils.text import slugify

from heritage.records.choices import (
    ActorKind,
    IdentifierScheme,
    OccupationEnd,
    ParticipantRole,
    Qualifier,
)
from heritage.records.models import (
    Actor,
    ActorAlias,
    ActorIdentifier,
    Citation,
    Event,
    EventFigure,
    EventParticipant,
    Occupation,
)

from .marks import (
    SYNTHETIC_PREFIX,
)
from .rows import (
    BATCH_SIZE,
)
from .vocabulary import (
    COUNTRIES,
    GROUP_ADJECTIVES,
    GROUP_NOUNS,
    GROUP_PLACES,
    MEDIA_NAMES,
    STATEMENT_TEXTS,
)


class ConflictMixin:
    """The generator's actors and occupations."""

    def make_actors(self):
        rng = self.rng
        # About one party for 40 sites, capped: real records name a few hundred parties, not thousands.
        n = min(max(16, self.n_sites // 40), 1000)
        actors, citations, alias_specs = [], [], []
        names = set()

        def unique(make):
            """A name from `make` not used yet; the word lists are finite, so after a few tries, number it."""
            for attempt in range(100):
                name = make() if attempt < 5 else f"{make()} {attempt - 3}"
                if name not in names:
                    names.add(name)
                    return name
            raise RuntimeError("Could not make a unique actor name.")

        # Fixed head of the list, so even a tiny run has every kind the other phases need.
        specs = [
            (ActorKind.INTERNATIONAL_BODY, "Heritage Council of the Synthetic Nations"),
            (ActorKind.NEWS_MEDIA, "The Synthetic Courier"),
            (ActorKind.GOVERNMENT, "Government of Norland"),
            (ActorKind.MINISTRY, "Norland Directorate of Antiquities"),
            (ActorKind.ARMED_FORCES, "Norland Armed Forces"),
            (ActorKind.COALITION, "Coalition of the Southern States"),
        ]
        countries = [c[0] for c in COUNTRIES]
        while len(specs) < n:
            roll = rng.random()
            if roll < 0.55:
                specs.append(
                    (
                        ActorKind.ARMED_GROUP,
                        unique(
                            lambda: (
                                f"{rng.choice(GROUP_ADJECTIVES)} {rng.choice(GROUP_NOUNS)} {rng.choice(GROUP_PLACES)}"
                            )
                        ),
                    )
                )
            elif roll < 0.75:
                specs.append((ActorKind.ARMED_FORCES, unique(lambda: f"{self.place_name()[0]} Defence Forces")))
            elif roll < 0.85:
                specs.append(
                    (
                        ActorKind.NEWS_MEDIA,
                        unique(lambda: f"The {self.place_name()[2] or 'Daily'} {rng.choice(MEDIA_NAMES)}"),
                    )
                )
            elif roll < 0.95:
                specs.append((ActorKind.GOVERNMENT, unique(lambda: f"Government of {self.place_name()[0]}")))
            else:
                specs.append(
                    (ActorKind.PERSON, unique(lambda: f"{self.place_name()[2] or 'Adi'} {self.place_name()[0]}"))
                )
        for i, (kind, name) in enumerate(specs):
            actors.append(
                Actor(
                    slug=f"{SYNTHETIC_PREFIX}actor-{i + 1:04d}-{slugify(name)}"[:100],
                    name=name,
                    kind=kind,
                    country=rng.choice(countries) if kind != ActorKind.INTERNATIONAL_BODY else "",
                    description=f"Synthetic {kind.label.lower()}.",
                )
            )
            aliases = []
            if kind in (ActorKind.ARMED_GROUP, ActorKind.ARMED_FORCES):
                acronym = "".join(w[0] for w in name.split() if w[0].isupper())
                aliases.append((acronym, "en"))
                if rng.random() < 0.4:
                    word = rng.choice(["Jabhat", "Liwa", "Jaysh", "Harakat"])
                    aliases.append((f"{word} al-{self.place_name()[2] or 'Sab'}", "ar-Latn"))
            alias_specs.append(aliases)
            said = f" ({', '.join(a for a, _ in aliases)})" if aliases else ""
            citations.append(self.gazetteer.cite(f"Actor {i + 1}: {name}{said} ({kind.label.lower()})"))
        with self.bar("actors", len(actors)) as bar:
            self.insert(Actor, actors)
            # Ministries belong to the government listed before them.
            government = actors[2]
            for actor in actors:
                if actor.kind == ActorKind.MINISTRY:
                    actor.parent_id = government.pk
            Actor.objects.bulk_update([a for a in actors if a.parent_id], ["parent"])
            self.insert(Citation, citations)
            self.link(Actor, [(a.pk, c.pk) for a, c in zip(actors, citations, strict=True)])
            aliases = []
            alias_citations = []
            for actor, citation, specs_ in zip(actors, citations, alias_specs, strict=True):
                for alias, language in specs_:
                    aliases.append(ActorAlias(actor_id=actor.pk, name=alias, language=language))
                    alias_citations.append(citation.pk)
            self.insert(ActorAlias, aliases)
            self.link(ActorAlias, [(a.pk, c) for a, c in zip(aliases, alias_citations, strict=True)])
            # One party in four with a (made-up, well-formed) Wikidata item.
            identifiers = [
                (ActorIdentifier(actor_id=a.pk, scheme=IdentifierScheme.WIKIDATA, value=f"Q{990000000 + i}"), c.pk)
                for i, (a, c) in enumerate(zip(actors, citations, strict=True))
                if i % 4 == 0
            ]
            self.insert(ActorIdentifier, [x for x, _ in identifiers])
            self.link(ActorIdentifier, [(x.pk, c) for x, c in identifiers])
            bar.update(len(actors))
        self.actors = actors
        self.heritage_body, self.media, self.government, self.ministry, self.state_forces, self.coalition = actors[:6]
        self.fighters = [a for a in actors if a.kind in (ActorKind.ARMED_GROUP, ActorKind.ARMED_FORCES)]
        self.groups = [a for a in actors if a.kind == ActorKind.ARMED_GROUP] or self.fighters
        self.forces = [a for a in actors if a.kind == ActorKind.ARMED_FORCES]
        self.speakers = [
            a for a in actors if a.kind in (ActorKind.GOVERNMENT, ActorKind.INTERNATIONAL_BODY, ActorKind.PERSON)
        ]

    def make_occupations(self):
        """Occupations of about a third of the sites, the captures that began them, and the recaptures that ended
        some, with air campaigns and their reported figures; plus statements about the sites' fate."""
        rng, dates = self.rng, self.dates
        start_pool = [t for t in dates.days + dates.months if dates.bounds(t)[1] < datetime.date(2022, 1, 1)]
        occupations, occupation_citations, event_specs = [], [], []
        for index, info in enumerate(self.sites):
            n = 0 if index and rng.random() < 0.65 else (2 if rng.random() < 0.12 else 1)
            previous_end = None
            for k in range(n):
                if previous_end is None:
                    started = rng.choice(start_pool)
                else:
                    started = dates.later_atom(previous_end, within=20)
                    if started is None:
                        break
                if rng.random() < 0.3:
                    started = f"{started}~"
                started_bounds = dates.bounds(started)
                occupier = rng.choice(self.groups)
                ended = ""
                if index == 0 or rng.random() < 0.8:
                    ended = dates.later_atom(started_bounds[1], within=60) or ""
                ended_bounds = dates.bounds(ended) if ended else (None, None)
                end_kind = ""
                if ended:
                    end_kind = (
                        OccupationEnd.RECAPTURED
                        if index == 0
                        else self.choice(
                            {
                                OccupationEnd.RECAPTURED: 60,
                                OccupationEnd.WITHDRAWAL: 25,
                                OccupationEnd.HANDOVER: 8,
                                OccupationEnd.UNKNOWN: 7,
                            }
                        )
                    )
                # The duration as a source would give it from the dates: one number, or a range where they are vague.
                shortest = longest = None
                if ended:
                    longest = max(1, round((ended_bounds[1] - started_bounds[0]).days / 30.44))
                    shortest = min(longest, max(1, round((ended_bounds[0] - started_bounds[1]).days / 30.44)))
                qualifier = Qualifier.APPROXIMATELY if shortest == longest else Qualifier.BETWEEN
                slug = f"{SYNTHETIC_PREFIX}occupation-{info.ref[6:]}-{k + 1}"
                occupation = Occupation(
                    slug=slug,
                    site_id=info.pk,
                    occupier_id=occupier.pk,
                    started=started,
                    started_earliest=started_bounds[0],
                    started_latest=started_bounds[1],
                    started_inferred=rng.random() < 0.2,
                    ended=ended,
                    ended_earliest=ended_bounds[0],
                    ended_latest=ended_bounds[1],
                    ended_inferred=bool(ended) and rng.random() < 0.1,
                    end_kind=end_kind,
                    quantity_min=shortest,
                    quantity_max=longest,
                    quantity_qualifier=qualifier if ended else "",
                    quantity_unit_id="months" if ended else None,
                    description="Synthetic occupation.",
                )
                said = f"{info.ref}: {occupier.name} held {info.name} from {started}"
                said += (
                    f" until {ended} ({end_kind.label.lower() if end_kind else ''})" if ended else ", and still does"
                )
                if ended and qualifier == Qualifier.BETWEEN:
                    said += f", an occupation of between {shortest} and {longest} months"
                elif ended:
                    said += f", an occupation of about {longest} months"
                citation = info.source.cite(said)
                occupations.append(occupation)
                occupation_citations.append(citation)
                info.occupations.append(occupation)  # pk filled in by the insert below
                event_specs.append((info, occupation, occupier, citation, k))
                previous_end = ended_bounds[1]
                if previous_end is None:
                    break
        with self.bar("occupations", len(occupations)) as bar:
            self.insert(Citation, occupation_citations)
            self.insert(Occupation, occupations)
            self.link(Occupation, [(o.pk, c.pk) for o, c in zip(occupations, occupation_citations, strict=True)])
            bar.update(len(occupations))
        for info in self.sites:
            info.occupations = [(o.pk, o.occupier_id, o.started_earliest, o.ended_latest) for o in info.occupations]

        # Events: the capture that began each occupation, the recapture that ended it, air campaigns within
        # recaptures, and statements about the site. Parents are inserted before their parts.
        parents, parts, participants, figures, event_citations = [], [], [], [], {}
        ending = []  # (occupation, recapture event)
        for info, occupation, occupier, citation, k in event_specs:
            ref = f"{info.ref[6:]}-{k + 1}"
            capture = Event(
                slug=f"{SYNTHETIC_PREFIX}capture-{ref}",
                title=f"{occupier.name} captures {info.name}",
                kind_id="capture",
                site_id=info.pk,
                occurred=occupation.started,
                occurred_earliest=occupation.started_earliest,
                occurred_latest=occupation.started_latest,
                description="Synthetic capture.",
            )
            parents.append(capture)
            event_citations[capture.slug] = citation
            participants.append((capture, occupier, ParticipantRole.AGENT))
            if occupation.end_kind == OccupationEnd.RECAPTURED:
                victor = rng.choice(self.forces)
                recapture = Event(
                    slug=f"{SYNTHETIC_PREFIX}recapture-{ref}",
                    title=f"{victor.name} recaptures {info.name}",
                    kind_id="capture",
                    site_id=info.pk,
                    occurred=occupation.ended,
                    occurred_earliest=occupation.ended_earliest,
                    occurred_latest=occupation.ended_latest,
                    description="Synthetic recapture.",
                )
                parents.append(recapture)
                ending.append((occupation, recapture))
                recapture_citation = info.source.cite(
                    f"{info.ref}: {victor.name} recaptured {info.name} from {occupier.name} on {occupation.ended}"
                )
                event_citations[recapture.slug] = recapture_citation
                participants += [
                    (recapture, victor, ParticipantRole.AGENT),
                    (recapture, occupier, ParticipantRole.OPPONENT),
                ]
                if info is self.sites[0] or rng.random() < 0.3:
                    sorties, targets = rng.randrange(50, 900, 10), rng.randrange(100, 3000, 50)
                    # The campaign runs from the start of the recapture's month up to the recapture.
                    month = f"{occupation.ended_earliest:%Y-%m}"
                    campaign_dates = f"{month}/{occupation.ended}" if occupation.ended != month else month
                    bounds = dates.bounds(campaign_dates)
                    campaign = Event(
                        slug=f"{SYNTHETIC_PREFIX}air-campaign-{ref}",
                        title=f"Air campaign over {info.name}",
                        kind_id="air_campaign",
                        site_id=info.pk,
                        occurred=campaign_dates,
                        occurred_earliest=bounds[0],
                        occurred_latest=bounds[1],
                        description="Synthetic air campaign.",
                    )
                    parts.append((campaign, recapture))
                    supporter = self.coalition
                    campaign_citation = info.source.cite(
                        f"{info.ref}-{k + 1}: warplanes flew around {sorties} sorties and hit more than {targets} "
                        "targets",
                        before=f"According to {supporter.name}, ",
                        attributed_to=supporter,
                    )
                    event_citations[campaign.slug] = campaign_citation
                    participants.append((campaign, supporter, ParticipantRole.AGENT))
                    figures += [
                        (campaign, "sorties flown", (sorties, sorties), Qualifier.APPROXIMATELY, "sorties"),
                        # "More than N" is N + 1 and up (see QuantityModel).
                        (campaign, "targets hit", (targets + 1, None), Qualifier.MORE_THAN, "targets"),
                    ]
        for index, info in enumerate(self.sites):
            if index == 0 or rng.random() < 0.08:
                speaker = rng.choice(self.speakers)
                when = rng.choice(dates.days)
                statement = rng.choice(STATEMENT_TEXTS)
                event = Event(
                    slug=f"{SYNTHETIC_PREFIX}statement-{info.ref[6:]}",
                    title=f"{speaker.name} speaks on {info.name}",
                    kind_id="statement",
                    site_id=info.pk,
                    occurred=when,
                    occurred_earliest=dates.bounds(when)[0],
                    occurred_latest=dates.bounds(when)[1],
                    statement=statement,
                    description="Synthetic statement.",
                )
                parents.append(event)
                event_citations[event.slug] = info.source.cite(
                    f"{info.ref}: on {when} {speaker.name} said: {statement}"
                )
                participants += [
                    (event, speaker, ParticipantRole.SPEAKER),
                    (event, self.media, ParticipantRole.REPORTER),
                ]
        with self.bar("events", len(parents) + len(parts)) as bar:
            # Captures cite their occupation's passage, inserted above; only the other events' passages are new.
            self.insert(Citation, [c for c in event_citations.values() if c.pk is None])
            self.insert(Event, parents)
            for part, parent in parts:
                part.part_of_id = parent.pk
            self.insert(Event, [part for part, _ in parts])
            events = parents + [part for part, _ in parts]
            self.link(Event, [(e.pk, event_citations[e.slug].pk) for e in events])
            for occupation, recapture in ending:
                occupation.ending_event_id = recapture.pk
            Occupation.objects.bulk_update([o for o, _ in ending], ["ending_event"], batch_size=BATCH_SIZE)
            rows = [
                EventParticipant(event_id=event.pk, actor_id=actor.pk, role=role) for event, actor, role in participants
            ]
            self.insert(EventParticipant, rows)
            self.link(
                EventParticipant,
                [
                    (row.pk, event_citations[event.slug].pk)
                    for row, (event, _, _) in zip(rows, participants, strict=True)
                ],
            )
            figure_rows = [
                EventFigure(
                    event_id=event.pk,
                    measure=measure,
                    quantity_min=low,
                    quantity_max=high,
                    quantity_qualifier=qualifier,
                    quantity_unit_id=unit,
                )
                for event, measure, (low, high), qualifier, unit in figures
            ]
            self.insert(EventFigure, figure_rows)
            self.link(
                EventFigure,
                [
                    (row.pk, event_citations[event.slug].pk)
                    for row, (event, *_) in zip(figure_rows, figures, strict=True)
                ],
            )
            bar.update(len(events))
