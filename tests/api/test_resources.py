"""List, detail, 404, formats and permissions for every resource (see base.APIResourceTests)."""

from heritage.records.models import (
    Actor,
    Citation,
    DamageReport,
    DisturbanceCategory,
    DisturbanceCause,
    Event,
    EventType,
    Occupation,
    Period,
    QuantityUnit,
    Site,
    SiteCondition,
    Source,
    SourceType,
    Threat,
)

from .base import APIResourceTests


class TestSites(APIResourceTests):
    basename = "site"
    model = Site
    create_data = {
        "slug": "dura-europos",
        "name": "Dura-Europos",
        "kind": "archaeological_site",
        "country": "SY",
        "latitude": "34.747000",
        "longitude": "40.730000",
        "location_certainty": "medium",
    }
    update_data = {"description": "A Hellenistic, Parthian and Roman border city on the Euphrates."}


class TestPeriods(APIResourceTests):
    basename = "period"
    model = Period
    create_data = {
        "slug": "roman-syria",
        "name": "Roman Syria",
        "start_earliest": -63,
        "start_latest": -63,
        "stop_earliest": 395,
        "stop_latest": 636,
    }
    update_data = {"label": "64 BCE – c. 636 CE"}


class TestActors(APIResourceTests):
    basename = "actor"
    model = Actor
    create_data = {"slug": "amaq", "name": "Amaq", "kind": "news_media", "parent": "isis"}
    update_data = {"description": "News agency linked to ISIS."}


class TestOccupations(APIResourceTests):
    basename = "occupation"
    model = Occupation
    create_data = {
        "slug": "isis-palmyra-2016",
        "site": "palmyra",
        "occupier": "isis",
        "started": "2016-12-11",
        "ended": "2017-03-02",
        "end_kind": "recaptured",
        "reported_duration": {"min": 3, "max": 3, "qualifier": "approximately", "unit": "months"},
    }
    update_data = {"dating_note": "Both dates are stated by later sources."}


class TestEvents(APIResourceTests):
    basename = "event"
    model = Event
    create_data = {"slug": "tetrapylon-destroyed", "title": "Tetrapylon destroyed", "kind": "statement"}
    update_data = {"description": "Reported in January 2017."}


class TestDamageReports(APIResourceTests):
    basename = "damage-report"
    model = DamageReport
    update_data = {"certainty": "high"}  # (the status moves only through the workflow: test_workflow_api.py)

    def get_create_data(self, world):
        return {
            "slug": "palmyra-tetrapylon",
            "site": "palmyra",
            "cause": "demolition-destruction",
            "severity": "destroyed",
            "certainty": "high",
            "occurred": "2017-01~",
            "perpetrator": "isis",
            "citations": [world["citation"].pk],
        }


class TestThreats(APIResourceTests):
    basename = "threat"
    model = Threat
    create_data = {
        "slug": "palmyra-uxo",
        "site": "palmyra",
        "cause": "explosion-heavy-weaponry",
        "endangers": "site_and_people",
        "certainty": "low",
        "quantity": {"min": 10, "max": 20, "qualifier": "between", "unit": "objects"},
    }
    update_data = {"consequence": "Clearance needed before survey."}


class TestSources(APIResourceTests):
    basename = "source"
    model = Source
    create_data = {
        "slug": "article-copy",
        "title": "A second copy of the article",
        "kind": "report",
        "language": "en",
        "text": "A second report of the recapture.\r\nIt quotes nobody.",
    }
    update_data = {"publisher": "Test Press"}


class TestCitations(APIResourceTests):
    basename = "citation"
    model = Citation
    lookup_field = "pk"
    create_data = {"source": "palmyra-recapture-2016", "quote": "the desert city"}
    update_data = {"attribution": "As the article puts it"}


class TestEventTypes(APIResourceTests):
    basename = "event-type"
    model = EventType
    create_data = {"slug": "siege", "label": "Siege", "scope_note": "A place cut off by armed forces."}
    update_data = {"label_ar": "حصار"}


class TestQuantityUnits(APIResourceTests):
    basename = "quantity-unit"
    model = QuantityUnit
    create_data = {"slug": "minarets", "label": "minarets"}
    update_data = {"scope_note": "Towers of mosques."}


class TestSourceTypes(APIResourceTests):
    basename = "source-type"
    model = SourceType
    create_data = {"slug": "podcast", "label": "Podcast"}
    update_data = {"is_active": False}


class TestDisturbanceCategories(APIResourceTests):
    basename = "disturbance-category"
    model = DisturbanceCategory
    create_data = {"slug": "urban-warfare", "label": "Urban Warfare", "scheme": "heritage"}
    update_data = {"scope_note": "Fighting street by street."}


class TestDisturbanceCauses(APIResourceTests):
    basename = "disturbance-cause"
    model = DisturbanceCause
    create_data = {"slug": "tunnel-bombing", "label": "Tunnel bombing", "category": "military-armed-conflict"}
    update_data = {"category": "vandalism"}


class TestSiteConditions(APIResourceTests):
    basename = "site-condition"
    model = SiteCondition
    create_data = {"slug": "partly-rebuilt", "label": "Partly rebuilt"}
    update_data = {"label_ar": "أعيد بناؤه جزئيا"}
