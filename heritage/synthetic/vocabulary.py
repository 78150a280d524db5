"""
What synthetic records are made of: word lists (names are built from syllables, so that no synthetic record names
a real place or party), the periods, and how often each value of each vocabulary is drawn.
"""

from heritage.records.choices import (
    Certainty,
    CurationStatus,
    Extent,
    Severity,
    SiteKind,
)

# ---------------------------------------------------------------------------------------------------------------
# Word lists. Names are built from syllables so that no synthetic record names a real place or party.

SITE_PREFIXES = [
    ("Tell", "تل"),
    ("Khirbet", "خربة"),
    ("Qasr", "قصر"),
    ("Qal'at", "قلعة"),
    ("Deir", "دير"),
    ("Ain", "عين"),
    ("Jebel", "جبل"),
    ("Umm", "أم"),
    ("Kafr", "كفر"),
    ("Bir", "بئر"),
]
SYLLABLES = [
    ("Ab", "اب"),
    ("Ar", "ار"),
    ("Bel", "بل"),
    ("Dur", "دور"),
    ("Far", "فر"),
    ("Ham", "حم"),
    ("Kal", "كل"),
    ("Mar", "مر"),
    ("Nas", "نص"),
    ("Qat", "قط"),
    ("Ras", "رس"),
    ("Sab", "صب"),
    ("Tad", "تد"),
    ("Zan", "زن"),
    ("Kir", "كر"),
    ("Mun", "من"),
    ("Hul", "هل"),
    ("Sar", "سر"),
    ("Adi", "عدي"),
    ("Bus", "بص"),
    ("Ima", "إما"),
    ("Luk", "لك"),
    ("Ora", "ورا"),
    ("Yab", "يب"),
]
EPITHET_NOUNS = ["Pearl", "Bride", "Queen", "Jewel", "Gate", "Crown", "Star", "Lantern"]
EPITHET_PLACES = ["the Desert", "the Steppe", "the Euphrates", "the Valley", "the North", "the Coast", "the Oasis"]
STRUCTURE_KINDS = [
    "Temple",
    "Great Mosque",
    "Citadel",
    "Tower Tomb",
    "Theatre",
    "Colonnade",
    "Monumental Arch",
    "Church",
    "Souq",
    "Khan",
    "Hammam",
    "Minaret",
    "Necropolis",
    "Agora",
    "Palace",
    "City Wall",
    "Museum",
    "Shrine",
    "Aqueduct",
    "Bathhouse",
]
# Structure kinds are drawn without repetition within a site, so "Old Temple" and "Temple of X" never clash.
STRUCTURE_EPITHETS = ["North", "South", "East", "West", "Upper", "Lower", "Old", "Small"]
# Country codes with weights (conflict-affected regions dominate damage records) and rough bounding boxes.
COUNTRIES = [
    ("SY", 30, (32.5, 37.0), (35.8, 42.0)),
    ("IQ", 25, (29.5, 37.0), (39.0, 48.0)),
    ("YE", 12, (12.8, 18.5), (43.0, 52.0)),
    ("LY", 8, (24.0, 32.5), (10.5, 24.5)),
    ("AF", 6, (29.5, 38.0), (61.0, 71.0)),
    ("UA", 6, (45.5, 51.5), (23.0, 39.5)),
    ("ML", 4, (11.0, 24.0), (-11.0, 3.5)),
    ("SD", 3, (10.0, 21.5), (22.5, 36.5)),
    ("LB", 3, (33.1, 34.6), (35.2, 36.5)),
    ("PS", 3, (31.3, 32.5), (34.3, 35.5)),
]
GROUP_ADJECTIVES = ["Northern", "Southern", "Eastern", "Western", "Free", "United", "Popular", "Revolutionary"]
GROUP_NOUNS = ["Front", "Brigade", "Army", "Movement", "Legion", "Battalion", "Guard", "Alliance"]
GROUP_PLACES = ["of the Desert", "of the Two Rivers", "of the Valley", "of the Coast", "of the Hills", "of the Plain"]
MEDIA_NAMES = ["Courier", "Herald", "Observer", "Chronicle", "Dispatch", "Gazette", "Monitor", "Post"]
STATEMENT_TEXTS = [
    "The destruction of this heritage is a loss for all humanity.",
    "We call on all parties to protect the site and its people.",
    "Those responsible for the damage will be held to account.",
    "Experts must be allowed to assess the damage without delay.",
]

# Synthetic periods: (slug, name, start, stop) in astronomical years; each end is fuzzy by FUZZ years.
PERIODS = [
    ("neolithic", "Neolithic", -9999, -4500),
    ("chalcolithic", "Chalcolithic", -4500, -3300),
    ("early-bronze-age", "Early Bronze Age", -3300, -2000),
    ("middle-bronze-age", "Middle Bronze Age", -2000, -1550),
    ("late-bronze-age", "Late Bronze Age", -1550, -1200),
    ("iron-age", "Iron Age", -1200, -539),
    ("achaemenid", "Achaemenid", -539, -332),
    ("hellenistic", "Hellenistic", -332, -63),
    ("roman", "Roman", -63, 395),
    ("byzantine", "Byzantine", 395, 636),
    ("umayyad", "Umayyad", 661, 750),
    ("abbasid", "Abbasid", 750, 1258),
    ("ayyubid", "Ayyubid", 1171, 1260),
    ("mamluk", "Mamluk", 1250, 1517),
    ("ottoman", "Ottoman", 1516, 1918),
    ("modern", "Modern", 1918, 2000),
]
FUZZ = 25

# How often each shape of damage date occurs (weights). "occupation" is "during the occupation": occurred is empty
# and the bounds are the occupation's; it is only drawn for sites that were occupied.
DATE_SHAPES = {
    "day": 34,
    "month": 18,
    "year": 7,
    "approximate": 10,
    "uncertain": 4,
    "interval": 12,
    "open": 4,
    "occupation": 8,
    "undated": 3,
}
SEVERITY_WEIGHTS = {
    Severity.DESTROYED: 15,
    Severity.SEVERELY_DAMAGED: 25,
    Severity.MODERATELY_DAMAGED: 30,
    Severity.POSSIBLY_DAMAGED: 30,
}
EXTENT_WEIGHTS = {Extent.UNKNOWN: 20, Extent.LIMITED: 30, Extent.PARTIAL: 25, Extent.MAJOR: 17, Extent.TOTAL: 8}
CERTAINTY_WEIGHTS = {
    Certainty.NEGLIGIBLE: 3,
    Certainty.LOW: 15,
    Certainty.MEDIUM: 40,
    Certainty.HIGH: 32,
    Certainty.DEFINITE: 10,
}
STATUS_WEIGHTS = {
    CurationStatus.DRAFT: 10,
    CurationStatus.REPORTED: 45,
    CurationStatus.VERIFIED: 35,
    CurationStatus.DISPUTED: 7,
    CurationStatus.RETRACTED: 3,
}
SITE_KIND_WEIGHTS = {
    SiteKind.ARCHAEOLOGICAL_SITE: 45,
    SiteKind.HISTORIC_CITY: 10,
    SiteKind.MONUMENT: 15,
    SiteKind.RELIGIOUS_BUILDING: 18,
    SiteKind.MUSEUM: 4,
    SiteKind.CULTURAL_LANDSCAPE: 5,
    SiteKind.OTHER: 3,
}
# Disturbance causes that are common in damage reports get more weight; any other term of the table gets 1.
CAUSE_WEIGHTS = {
    "explosion-heavy-weaponry": 30,
    "looting": 20,
    "military-activity": 15,
    "demolition-destruction": 10,
    "vandalism": 8,
    "bulldozing": 6,
    "burning": 5,
    "unknown": 5,
}


def _weighted(mapping):
    return list(mapping), list(mapping.values())


def _a(phrase):
    return f"an {phrase}" if phrase[0] in "aeiou" else f"a {phrase}"


def _and(items):
    return items[0] if len(items) == 1 else f"{', '.join(items[:-1])} and {items[-1]}"


def _year(year):
    return f"{year} CE" if year > 0 else f"{1 - year} BCE"
