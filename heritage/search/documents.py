"""
What the search finds each kind of record by: its names (a match there ranks first) and its other text.

Names are a record's name with its other names and aliases, or, for records without a name of their own, the site
(and the occupier) they are about; the text is its descriptions and notes and the quotes of the passages it cites. A
source's own text is not indexed (it can run to megabytes): its passages are, through the records that cite them.
"""

from dataclasses import dataclass, field

from heritage.records.models import (
    Actor,
    ActorAlias,
    Citation,
    DamageReport,
    Event,
    Occupation,
    Period,
    Site,
    SiteName,
    Source,
    Threat,
)
from heritage.records.models.vocabularies import TERM_MODELS


@dataclass(frozen=True)
class Document:
    """How one model's records are indexed."""

    names: object  # record -> list of texts
    text: object  # record -> list of texts
    select_related: tuple = ()
    prefetch_related: tuple = ()
    # {model: lookup}: this model's records name a record of `model` (its name is among theirs), found by `lookup`.
    names_from: dict = field(default_factory=dict)


def quotes(record):
    return [citation.quote for citation in record.citations.all()]


DOCUMENTS = {
    Site: Document(
        names=lambda site: [site.name, *(other.name for other in site.names.all())],
        text=lambda site: [site.description, *quotes(site)],
        prefetch_related=("names", "citations"),
    ),
    Period: Document(
        names=lambda period: [period.name, period.label],
        text=lambda period: [period.description, *quotes(period)],
        prefetch_related=("citations",),
    ),
    Actor: Document(
        names=lambda actor: [actor.name, *(alias.name for alias in actor.aliases.all())],
        text=lambda actor: [actor.description, *quotes(actor)],
        prefetch_related=("aliases", "citations"),
    ),
    Occupation: Document(
        names=lambda occupation: [occupation.site.name, occupation.occupier.name],
        text=lambda occupation: [occupation.description, occupation.dating_note, *quotes(occupation)],
        select_related=("site", "occupier"),
        prefetch_related=("citations",),
        names_from={Site: "site", Actor: "occupier"},
    ),
    Event: Document(
        names=lambda event: [event.title],
        text=lambda event: [event.description, event.statement, event.dating_note, *quotes(event)],
        prefetch_related=("citations",),
    ),
    DamageReport: Document(
        names=lambda report: [report.site.name],
        text=lambda report: [report.description, report.dating_note, *quotes(report)],
        select_related=("site",),
        prefetch_related=("citations",),
        names_from={Site: "site"},
    ),
    Threat: Document(
        names=lambda threat: [threat.site.name],
        text=lambda threat: [threat.description, threat.consequence, *quotes(threat)],
        select_related=("site",),
        prefetch_related=("citations",),
        names_from={Site: "site"},
    ),
    Source: Document(
        names=lambda source: [source.title],
        text=lambda source: [source.publisher, source.notes],
    ),
    Citation: Document(
        names=lambda citation: [],
        text=lambda citation: [citation.quote, citation.attribution],
    ),
    **{
        model: Document(
            names=lambda term: [term.label, term.label_ar],
            text=lambda term: [term.scope_note, term.scope_note_ar],
        )
        for model in TERM_MODELS
    },
}

# The parts of a record that are indexed with it: {part model: the attribute naming the record}.
PARTS = {SiteName: "site", ActorAlias: "actor"}
