"""The record's models, one module a topic."""

from .actors import Actor, ActorAlias
from .conflict import Event, EventFigure, EventParticipant, Occupation
from .damage import DamageReport, Threat
from .deletions import Deletion
from .identifiers import ActorIdentifier, ExternalIdentifier, PeriodIdentifier, SiteIdentifier
from .periods import Period
from .releases import Release
from .sites import Designation, Site, SiteExtent, SiteName, SitePeriod, Structure
from .sources import Citation, Source
from .vocabularies import (
    DisturbanceCategory,
    DisturbanceCause,
    EventType,
    QuantityUnit,
    SiteCondition,
    SourceType,
    Term,
)

__all__ = [
    "Actor",
    "ActorAlias",
    "ActorIdentifier",
    "Citation",
    "DamageReport",
    "Deletion",
    "Designation",
    "DisturbanceCategory",
    "DisturbanceCause",
    "Event",
    "EventType",
    "EventFigure",
    "EventParticipant",
    "ExternalIdentifier",
    "Occupation",
    "Period",
    "PeriodIdentifier",
    "QuantityUnit",
    "Release",
    "Site",
    "SiteCondition",
    "SiteExtent",
    "SiteIdentifier",
    "SiteName",
    "SitePeriod",
    "Source",
    "SourceType",
    "Structure",
    "Term",
    "Threat",
]
