"""
Controlled vocabularies of the record.

Fixed scales live here as choices. The open-ended EAMENA disturbance-cause thesaurus is a table
(`DisturbanceCause`) loaded from fixtures, so curators can extend it without a migration.
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

    HIGH = "high", "High: surveyed or verified point"
    MEDIUM = "medium", "Medium: located on imagery or a map"
    LOW = "low", "Low: approximate, e.g. the centre of a town"


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


class QuantityUnit(models.TextChoices):
    SORTIES = "sorties", "sorties"
    TARGETS = "targets", "targets"
    DAYS = "days", "days"
    MONTHS = "months", "months"
    MINES = "mines", "mines"
    PEOPLE = "people", "people"
    OBJECTS = "objects", "objects"


class Severity(models.TextChoices):
    """UNOSAT damage assessment scale."""

    DESTROYED = "destroyed", "Destroyed"
    SEVERELY_DAMAGED = "severely_damaged", "Severely damaged"
    MODERATELY_DAMAGED = "moderately_damaged", "Moderately damaged"
    POSSIBLY_DAMAGED = "possibly_damaged", "Possibly damaged"


class Extent(models.TextChoices):
    """How much of the site or structure the damage covers; words like 'largely' and 'much of' are MAJOR."""

    UNKNOWN = "unknown", "Unknown"
    LIMITED = "limited", "Limited: a small part"
    PARTIAL = "partial", "Partial: a substantial part, less than half"
    MAJOR = "major", "Major: most of it ('largely', 'much of')"
    TOTAL = "total", "Total: all of it"


class Certainty(models.TextChoices):
    """EAMENA-style confidence that the statement is true."""

    NEGLIGIBLE = "negligible", "Negligible"
    LOW = "low", "Low"
    MEDIUM = "medium", "Medium"
    HIGH = "high", "High"
    DEFINITE = "definite", "Definite"


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


class EventKind(models.TextChoices):
    MILITARY_OPERATION = "military_operation", "Military operation"
    AIR_CAMPAIGN = "air_campaign", "Air campaign"
    CAPTURE = "capture", "Capture or recapture of a place"
    DECLARATION = "declaration", "Declaration"
    STATEMENT = "statement", "Public statement"
    CRITICISM = "criticism", "Criticism"
    DISCOVERY = "discovery", "Discovery"
    DISPLACEMENT = "displacement", "Displacement of people"
    CONFLICT = "conflict", "Armed conflict"


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


class SourceKind(models.TextChoices):
    NEWS_ARTICLE = "news_article", "News article"
    REPORT = "report", "Report"
    OFFICIAL_STATEMENT = "official_statement", "Official statement"
    IMAGERY_ASSESSMENT = "imagery_assessment", "Satellite imagery assessment"
    PUBLICATION = "publication", "Scholarly publication"
    WEBSITE = "website", "Website"


class DisturbanceCategory(models.TextChoices):
    """EAMENA disturbance cause categories."""

    CONFLICT = "conflict", "Military / conflict"
    VANDALISM = "vandalism", "Vandalism / intentional destruction"
    LOOTING = "looting", "Looting / illegal excavation"
    DEVELOPMENT = "development", "Building / development"
    AGRICULTURE = "agriculture", "Agricultural / pastoral"
    NATURAL = "natural", "Natural"
    UNKNOWN = "unknown", "Unknown"


class TextDirection(models.TextChoices):
    """The direction a source's text is written in."""

    LEFT_TO_RIGHT = "ltr", "Left to right"
    RIGHT_TO_LEFT = "rtl", "Right to left"
