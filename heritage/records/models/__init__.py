"""The record's models, one module a topic."""

from .actors import Actor, ActorAlias
from .conflict import Event, EventFigure, EventParticipant, Occupation
from .damage import DamageReport, DisturbanceCause, Threat
from .periods import Period
from .sites import Designation, Site, SiteName, SitePeriod, Structure
from .sources import Citation, Source

__all__ = [
    "Actor",
    "ActorAlias",
    "Citation",
    "DamageReport",
    "Designation",
    "DisturbanceCause",
    "Event",
    "EventFigure",
    "EventParticipant",
    "Occupation",
    "Period",
    "Site",
    "SiteName",
    "SitePeriod",
    "Source",
    "Structure",
    "Threat",
]
