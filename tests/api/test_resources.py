"""List, detail, 404, formats and permissions for every resource (see base.APIResourceTests)."""

from heritage.records.models import (
    Actor,
    Citation,
    DamageReport,
    DisturbanceCause,
    Event,
    Occupation,
    Period,
    Site,
    Source,
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


class TestDisturbanceCauses(APIResourceTests):
    basename = "disturbance-cause"
    model = DisturbanceCause
    writable = False
