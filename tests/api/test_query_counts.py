"""Every list costs the same number of queries for 1 record as for 50: relations are fetched per page, not per row."""

import csv
import io
import itertools
import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from heritage.records.models import (
    Actor,
    ActorAlias,
    ActorIdentifier,
    Citation,
    DamageReport,
    Designation,
    DisturbanceCause,
    Event,
    EventFigure,
    EventParticipant,
    Occupation,
    Period,
    PeriodIdentifier,
    Site,
    SiteIdentifier,
    SiteName,
    SitePeriod,
    Source,
    Structure,
    Threat,
)

from ..recorded import replayed

counter = itertools.count(1)


@pytest.fixture
def base(db):
    """What every record below points at (beside the baseline's vocabularies): a source, a cited passage attributed
    to an actor (written once per session, then replayed: tests/recorded.py)."""
    return replayed(build_base)


def build_base():
    source = Source.objects.create(
        slug="src",
        title="Source",
        kind="report",
        text=Source.objects.get(slug="palmyra-recapture-2016").text + "\n(a copy)",
    )
    actor = Actor.objects.create(slug="base-actor", name="Base actor", kind="armed_group")
    citation = Citation(source=source, quote="recaptured the desert city of Palmyra", attributed_to=actor)
    citation.locate()
    citation.save()
    return {"source": source, "actor": actor, "citation": citation, "cause": DisturbanceCause.objects.first()}


def cited(record, base):
    record.citations.add(base["citation"])
    return record


def make_site(base):
    n = next(counter)
    site = Site.objects.create(slug=f"site-{n}", name=f"Site {n}", kind="monument", country="SY")
    SiteName.objects.create(site=site, name=f"Other name {n}", kind="variant")
    Designation.objects.create(site=site, kind="unesco_in_danger", valid_from="2013", granted_by=base["actor"])
    period = Period.objects.create(
        slug=f"period-{n}", name="P", start_earliest=1, start_latest=1, stop_earliest=2, stop_latest=2
    )
    SitePeriod.objects.create(site=site, period=period)
    cited(SiteIdentifier.objects.create(site=site, scheme="whl", value=str(n)), base)
    return cited(site, base)


def make_period(base):
    n = next(counter)
    period = Period.objects.create(
        slug=f"p-{n}", name="P", start_earliest=1, start_latest=1, stop_earliest=2, stop_latest=2
    )
    cited(PeriodIdentifier.objects.create(period=period, scheme="wikidata", value=f"Q{n}"), base)
    return cited(period, base)


def make_actor(base):
    n = next(counter)
    actor = Actor.objects.create(slug=f"actor-{n}", name=f"Actor {n}", kind="person", parent=base["actor"])
    ActorAlias.objects.create(actor=actor, name=f"Alias {n}")
    cited(ActorIdentifier.objects.create(actor=actor, scheme="wikidata", value=f"Q{n}"), base)
    return cited(actor, base)


def make_event(base):
    n = next(counter)
    site = Site.objects.create(slug=f"esite-{n}", name="S", kind="monument", country="SY")
    parent = Event.objects.create(slug=f"parent-{n}", title="Parent", kind="conflict")
    event = Event.objects.create(
        slug=f"event-{n}", title=f"Event {n}", kind="capture", site=site, part_of=parent, occurred="2016-03"
    )
    EventParticipant.objects.create(event=event, actor=base["actor"], role="agent")
    EventFigure.objects.create(
        event=event, measure="m", quantity_min=1, quantity_max=2, quantity_qualifier="between", quantity_unit="days"
    )
    return cited(event, base)


def make_occupation(base):
    n = next(counter)
    event = make_event(base)
    return cited(
        Occupation.objects.create(
            slug=f"occ-{n}",
            site=event.site,
            occupier=base["actor"],
            started="2015",
            ended="2016-03-27",
            ending_event=event,
            quantity_min=10,
            quantity_max=10,
            quantity_qualifier="approximately",
            quantity_unit="months",
        ),
        base,
    )


def make_damage_report(base):
    n = next(counter)
    occupation = make_occupation(base)
    structure = Structure.objects.create(site=occupation.site, slug=f"st-{n}", name="Structure")
    return cited(
        DamageReport.objects.create(
            slug=f"dr-{n}",
            site=occupation.site,
            structure=structure,
            cause=base["cause"],
            severity="destroyed",
            occupation=occupation,
            perpetrator=base["actor"],
            certainty="high",
            status="reported",  # public: the anonymous client below lists it
        ),
        base,
    )


def make_threat(base):
    n = next(counter)
    site = Site.objects.create(slug=f"tsite-{n}", name="S", kind="monument", country="SY")
    return cited(
        Threat.objects.create(
            slug=f"threat-{n}",
            site=site,
            cause=base["cause"],
            endangers="people",
            certainty="low",
            observed="2016",
            quantity_min=3,
            quantity_qualifier="at_least",
            quantity_unit="mines",
            status="reported",
        ),
        base,
    )


def make_source(base):
    n = next(counter)
    return Source.objects.create(slug=f"s-{n}", title="S", kind="report", text=f"Source {n}.")


def make_citation(base):
    n = next(counter)
    text = base["source"].text
    start = (n * 3) % (len(text) - 30)
    citation = Citation(source=base["source"], quote=text[start : start + 25], char_start=start, char_end=start + 25)
    citation.attributed_to = base["actor"]
    citation.save()
    return citation


def make_disturbance_cause(base):
    n = next(counter)
    return DisturbanceCause.objects.create(slug=f"dc-{n}", label=f"Cause {n}", category_id="unknown")


FACTORIES = {
    "site": (Site, make_site),
    "period": (Period, make_period),
    "actor": (Actor, make_actor),
    "occupation": (Occupation, make_occupation),
    "event": (Event, make_event),
    "damage-report": (DamageReport, make_damage_report),
    "threat": (Threat, make_threat),
    "source": (Source, make_source),
    "citation": (Citation, make_citation),
    "disturbance-cause": (DisturbanceCause, make_disturbance_cause),
}


def builder(make, count):
    """`count` records made by `make`, as a build for `replayed` (one function per factory and count, so that each is
    recorded once a session and replayed for the other formats)."""

    def build():
        source = Source.objects.get(slug="src")
        base = {
            "source": source,
            "actor": Actor.objects.get(slug="base-actor"),
            "citation": Citation.objects.filter(source=source).order_by("pk").first(),  # base's, the first
            "cause": DisturbanceCause.objects.first(),
        }
        return {str(n): make(base) for n in range(count)}

    return build


# The first record, then 49 more: the queries are counted after each.
BUILDS = {(basename, count): builder(make, count) for basename, (_, make) in FACTORIES.items() for count in (1, 49)}


def count_queries(client, url, params):
    """(queries run, body) for a GET, counting the queries a streamed body runs while it is read."""
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, params)
        assert response.status_code == 200
        body = b"".join(response.streaming_content) if response.streaming else response.content
    return len(queries), body


GEOJSON = {"site", "damage-report", "threat", "occupation"}


@pytest.mark.parametrize(
    ("basename", "fmt"),
    [
        (basename, fmt)
        for basename in FACTORIES
        for fmt in ("json", "csv", "geojson")
        if fmt != "geojson" or basename in GEOJSON
    ],
)
def test_list_query_count_does_not_grow_with_rows(base, anonymous, basename, fmt):
    """The list (JSON page, or CSV export) runs as many queries for 50 records as for 1."""
    url = reverse(f"api:{basename}-list")
    params = {"format": fmt}
    # Only the records made here are listed: filter by the ids of what the factory made.
    made = [record.pk for record in replayed(BUILDS[basename, 1]).values()]
    one, _ = count_queries(anonymous, url, {**params, "id": ",".join(map(str, made))})
    made += [record.pk for record in replayed(BUILDS[basename, 49]).values()]
    fifty, body = count_queries(anonymous, url, {**params, "id": ",".join(map(str, made))})
    if fmt == "json":
        assert json.loads(body)["count"] == 50
    elif fmt == "geojson":
        assert len(json.loads(body)["features"]) == 50
    else:
        assert len(list(csv.reader(io.StringIO(body.decode())))) == 51
    assert fifty == one, f"{basename} ({fmt}): {one} queries for 1 record, {fifty} for 50"
