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
    """
    How one model's records are indexed: `names(record, related)` and `text(record, related)` give its texts, where
    `related` holds, for each lookup of `related` ("names__name": the name of each of its other names), the texts of
    its related records in the order they were written (by primary key).
    """

    names: object  # (record, related) -> list of texts
    text: object  # (record, related) -> list of texts
    select_related: tuple = ()
    related: tuple = ()
    # Fields not read to index a record: large and not indexed (a source's text).
    defer: tuple = ()
    # {model: lookup}: this model's records name a record of `model` (its name is among theirs), found by `lookup`.
    names_from: dict = field(default_factory=dict)


QUOTES = "citations__quote"


DOCUMENTS = {
    Site: Document(
        names=lambda site, related: [site.name, *related["names__name"]],
        text=lambda site, related: [site.description, *related[QUOTES]],
        related=("names__name", QUOTES),
    ),
    Period: Document(
        names=lambda period, related: [period.name, period.label],
        text=lambda period, related: [period.description, *related[QUOTES]],
        related=(QUOTES,),
    ),
    Actor: Document(
        names=lambda actor, related: [actor.name, *related["aliases__name"]],
        text=lambda actor, related: [actor.description, *related[QUOTES]],
        related=("aliases__name", QUOTES),
    ),
    Occupation: Document(
        names=lambda occupation, related: [occupation.site.name, occupation.occupier.name],
        text=lambda occupation, related: [occupation.description, occupation.dating_note, *related[QUOTES]],
        select_related=("site", "occupier"),
        related=(QUOTES,),
        names_from={Site: "site", Actor: "occupier"},
    ),
    Event: Document(
        names=lambda event, related: [event.title],
        text=lambda event, related: [event.description, event.statement, event.dating_note, *related[QUOTES]],
        related=(QUOTES,),
    ),
    DamageReport: Document(
        names=lambda report, related: [report.site.name],
        text=lambda report, related: [report.description, report.dating_note, *related[QUOTES]],
        select_related=("site",),
        related=(QUOTES,),
        names_from={Site: "site"},
    ),
    Threat: Document(
        names=lambda threat, related: [threat.site.name],
        text=lambda threat, related: [threat.description, threat.consequence, *related[QUOTES]],
        select_related=("site",),
        related=(QUOTES,),
        names_from={Site: "site"},
    ),
    Source: Document(
        names=lambda source, related: [source.title],
        text=lambda source, related: [source.publisher, source.notes],
        defer=("text",),
    ),
    Citation: Document(
        names=lambda citation, related: [],
        text=lambda citation, related: [citation.quote, citation.attribution],
    ),
    **{
        model: Document(
            names=lambda term, related: [term.label, term.label_ar],
            text=lambda term, related: [term.scope_note, term.scope_note_ar],
        )
        for model in TERM_MODELS
    },
}

# The parts of a record that are indexed with it: {part model: the attribute naming the record}.
PARTS = {SiteName: "site", ActorAlias: "actor"}
