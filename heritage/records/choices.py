"""
The record's fixed scales and closed lists, as choices.

Open vocabularies (event types, quantity units, source types, disturbance causes and categories, site conditions)
are tables curators extend, in models/vocabularies.py.
"""

from django.db import models


class SiteKind(models.TextChoices):
    ARCHAEOLOGICAL_SITE = "archaeological_site", "Archaeological site"
    HISTORIC_CITY = "historic_city", "Historic city"
    MONUMENT = "monument", "Monument or building"
    RELIGIOUS_BUILDING = "religious_building", "Religious building"
    MUSEUM = "museum", "Museum or collection"
    CULTURAL_LANDSCAPE = "cultural_landscape", "Cultural landscape"
    OTHER = "other", "Other"


class LocationCertainty(models.TextChoices):
    """How well the stored coordinates locate the site (EAMENA 'site location certainty')."""

    DEFINITE = "definite", "Definite: surveyed on the ground"
    HIGH = "high", "High: surveyed or verified point"
    MEDIUM = "medium", "Medium: located on imagery or a map"
    LOW = "low", "Low: approximate, e.g. the centre of a town"
    NEGLIGIBLE = "negligible", "Negligible: a guess"


class GeometryQualifier(models.TextChoices):
    """What a site's extent outlines (EAMENA's 'geometry qualifier')."""

    CENTRE_POINT = "centre_point", "Centre point"
    PERIMETER = "perimeter", "Perimeter"
    BOUNDING_BOX = "bounding_box", "Bounding box"
    OTHER = "other", "Other"


class IdentifierScheme(models.TextChoices):
    """The registers that identify heritage places, parties and periods (see models/identifiers.py)."""

    WIKIDATA = "wikidata", "Wikidata"
    PLEIADES = "pleiades", "Pleiades"
    GEONAMES = "geonames", "GeoNames"
    WORLD_HERITAGE_LIST = "whl", "World Heritage List"
    EAMENA = "eamena", "EAMENA"
    PERIODO = "periodo", "PeriodO"
    OTHER = "other", "Other (a URL)"


class NameKind(models.TextChoices):
    OFFICIAL = "official", "Official name"
    LOCAL = "local", "Local name"
    HISTORICAL = "historical", "Historical name"
    EPITHET = "epithet", "Epithet"
    VARIANT = "variant", "Variant spelling or transliteration"


class DesignationKind(models.TextChoices):
    WORLD_HERITAGE = "unesco_world_heritage", "UNESCO World Heritage List"
    WORLD_HERITAGE_IN_DANGER = "unesco_in_danger", "UNESCO List of World Heritage in Danger"
    TENTATIVE_LIST = "unesco_tentative", "UNESCO Tentative List"
    NATIONAL_REGISTER = "national_register", "National heritage register"
    OTHER = "other", "Other protected status"


class ActorKind(models.TextChoices):
    ARMED_FORCES = "armed_forces", "State armed forces"
    ARMED_GROUP = "armed_group", "Non-state armed group"
    GOVERNMENT = "government", "Government or state"
    MINISTRY = "ministry", "Ministry or state agency"
    PERSON = "person", "Person"
    NEWS_MEDIA = "news_media", "News media"
    INTERNATIONAL_BODY = "international_body", "International body"
    COALITION = "coalition", "Coalition or group of states"
    OTHER = "other", "Other"


class Qualifier(models.TextChoices):
    """
    How a reported number relates to the true one, in the source's wording: '500', 'around 500', 'between 30 and 40',
    'more than 2,000'. Which bounds each one states: see QuantityModel.
    """

    EXACTLY = "exactly", "exactly"
    APPROXIMATELY = "approximately", "approximately"
    BETWEEN = "between", "between"
    AT_LEAST = "at_least", "at least"
    MORE_THAN = "more_than", "more than"
    AT_MOST = "at_most", "at most"
    FEWER_THAN = "fewer_than", "fewer than"


class Severity(models.TextChoices):
    """UNOSAT damage assessment scale, and whether the site was assessed at all."""

    DESTROYED = "destroyed", "Destroyed"
    SEVERELY_DAMAGED = "severely_damaged", "Severely damaged"
    MODERATELY_DAMAGED = "moderately_damaged", "Moderately damaged"
    POSSIBLY_DAMAGED = "possibly_damaged", "Possibly damaged"
    NO_VISIBLE_DAMAGE = "no_visible_damage", "No visible damage"
    NOT_ASSESSED = "not_assessed", "Not assessed"


class Extent(models.TextChoices):
    """How much of the site or structure the damage covers; words like 'largely' and 'much of' are MAJOR."""

    UNKNOWN = "unknown", "Unknown"
    LIMITED = "limited", "Limited: a small part"
    PARTIAL = "partial", "Partial: a substantial part, less than half"
    MAJOR = "major", "Major: most of it ('largely', 'much of')"
    TOTAL = "total", "Total: all of it"


class Certainty(models.TextChoices):
    """EAMENA's confidence that the statement is true; not applicable where nothing was identified."""

    NOT_APPLICABLE = "not_applicable", "Not applicable"
    NEGLIGIBLE = "negligible", "Negligible"
    LOW = "low", "Low"
    MEDIUM = "medium", "Medium"
    HIGH = "high", "High"
    DEFINITE = "definite", "Definite"


class DamageExtent(models.TextChoices):
    """How much of a site shows damage, in EAMENA's bands (its "damage extent type"), as last assessed."""

    NONE = "none", "No visible/known damage"
    UP_TO_10 = "1-10", "1–10%"
    UP_TO_30 = "11-30", "11–30%"
    UP_TO_60 = "31-60", "31–60%"
    UP_TO_90 = "61-90", "61–90%"
    UP_TO_100 = "91-100", "91–100%"


class ThreatProbability(models.TextChoices):
    """How likely a threat is to do harm (EAMENA's "threat probability")."""

    POSSIBLE = "possible", "Possible"
    PROBABLE = "probable", "Probable"
    PLANNED = "planned", "Planned (e.g. a development project)"


class CurationStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    REPORTED = "reported", "Reported"
    VERIFIED = "verified", "Verified"
    DISPUTED = "disputed", "Disputed"
    RETRACTED = "retracted", "Retracted"


class OccupationEnd(models.TextChoices):
    """How an armed party's control of a site ended."""

    RECAPTURED = "recaptured", "Recaptured by force"
    WITHDRAWAL = "withdrawal", "Withdrawal"
    HANDOVER = "handover", "Negotiated handover"
    UNKNOWN = "unknown", "Ended, manner unknown"


class ParticipantRole(models.TextChoices):
    AGENT = "agent", "Carried it out"
    SUPPORTER = "supporter", "Supported it"
    OPPONENT = "opponent", "Opposed or targeted by it"
    SPEAKER = "speaker", "Made the statement"
    CRITIC = "critic", "Criticised it"
    REPORTER = "reporter", "Reported it"
    VICTIM = "victim", "Suffered it"
    SUBJECT = "subject", "Is its subject"


class ThreatTarget(models.TextChoices):
    SITE = "site", "The site"
    PEOPLE = "people", "People at the site"
    SITE_AND_PEOPLE = "site_and_people", "The site and its people"


class TextDirection(models.TextChoices):
    """The direction a source's text is written in."""

    LEFT_TO_RIGHT = "ltr", "Left to right"
    RIGHT_TO_LEFT = "rtl", "Right to left"


class RecordType(models.TextChoices):
    """The kinds of record a tombstone can name: each is its resource's name in the API (`/api/v1/<type>/`)."""

    SITES = "sites", "sites"
    PERIODS = "periods", "periods"
    ACTORS = "actors", "actors"
    OCCUPATIONS = "occupations", "occupations"
    EVENTS = "events", "events"
    DAMAGE_REPORTS = "damage-reports", "damage reports"
    THREATS = "threats", "threats"
    SOURCES = "sources", "sources"
    CITATIONS = "citations", "cited passages"
    EVENT_TYPES = "event-types", "event types"
    QUANTITY_UNITS = "quantity-units", "quantity units"
    SOURCE_TYPES = "source-types", "source types"
    DISTURBANCE_CATEGORIES = "disturbance-categories", "disturbance categories"
    DISTURBANCE_CAUSES = "disturbance-causes", "disturbance causes"
    SITE_CONDITIONS = "site-conditions", "site conditions"
