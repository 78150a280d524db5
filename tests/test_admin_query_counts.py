"""
List pages cost the same number of queries with 5 rows as with 50: no query per row (N+1) on any list a curator
uses, related records being joined (list_select_related) or prefetched.
"""

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
    EventType,
    Occupation,
    Period,
    PeriodIdentifier,
    Site,
    SiteCondition,
    SiteExtent,
    SiteIdentifier,
    SiteName,
    SitePeriod,
    Source,
    Structure,
    Threat,
)
from heritage.records.models.vocabularies import TERM_MODELS

from .admin_helpers import make_user

pytestmark = pytest.mark.django_db


class Rows:
    """Makes rows of one model, with the related records its list shows, numbered from where it left off."""

    def __init__(self, palmyra):
        self.site = palmyra
        self.cause = DisturbanceCause.objects.get(slug="vandalism")
        self.source = Source.objects.get()
        self.made = 0

    def actor(self, i):
        return Actor.objects.create(slug=f"actor-{i}", name=f"Actor {i}", kind="armed_group", parent=None)

    def site_(self, i):
        site = Site.objects.create(slug=f"s-{i}", name=f"Site {i}", kind="monument", country="IQ")
        Designation.objects.create(site=site, kind="national_register", valid_from="1990")
        return site

    def make(self, model, count):
        for i in range(self.made, self.made + count):
            if model is Site:
                self.site_(i)
            elif model is DamageReport:
                DamageReport.objects.create(
                    slug=f"r-{i}",
                    site=self.site_(i),
                    cause=self.cause,
                    perpetrator=self.actor(i),
                    severity="destroyed",
                    certainty="low",
                    occurred="2015",
                )
            elif model is Occupation:
                Occupation.objects.create(slug=f"o-{i}", site=self.site_(i), occupier=self.actor(i), started="2015")
            elif model is Event:
                Event.objects.create(slug=f"e-{i}", title=f"Event {i}", kind="statement", site=self.site_(i))
            elif model is EventParticipant:
                event = Event.objects.create(slug=f"e-{i}", title=f"Event {i}", kind="statement")
                EventParticipant.objects.create(event=event, actor=self.actor(i), role="speaker")
            elif model is Designation:
                self.site_(i)
            elif model is Threat:
                Threat.objects.create(
                    slug=f"t-{i}", site=self.site_(i), cause=self.cause, endangers="site", certainty="low"
                )
            elif model is SiteName:
                SiteName.objects.create(site=self.site_(i), name=f"Name {i}", kind="local")
            elif model is SiteExtent:
                point = {"type": "Point", "coordinates": [i % 180, 0]}
                SiteExtent.objects.create(site=self.site_(i), position=1, geometry=point)
            elif model is Actor:
                Actor.objects.create(slug=f"a-{i}", name=f"A {i}", kind="person", parent=self.actor(i))
            elif model is ActorAlias:
                ActorAlias.objects.create(actor=self.actor(i), name=f"Alias {i}")
            elif model is Structure:
                Structure.objects.create(site=self.site_(i), slug=f"st-{i}", name=f"Structure {i}")
            elif model is SitePeriod:
                period = Period.objects.create(
                    slug=f"p-{i}", name=f"P {i}", start_earliest=-i, start_latest=-i, stop_earliest=i, stop_latest=i
                )
                SitePeriod.objects.create(site=self.site_(i), period=period)
            elif model is Period:
                Period.objects.create(
                    slug=f"p-{i}", name=f"P {i}", start_earliest=-i, start_latest=-i, stop_earliest=i, stop_latest=i
                )
            elif model is EventFigure:
                event = Event.objects.create(slug=f"e-{i}", title=f"Event {i}", kind="air_campaign")
                EventFigure.objects.create(
                    event=event,
                    measure="sorties",
                    quantity_min=i,
                    quantity_max=i,
                    quantity_qualifier="exactly",
                    quantity_unit="sorties",
                )
            elif model is Source:
                Source.objects.create(slug=f"src-{i}", title=f"Source {i}", kind="report", text=f"Source {i}.")
            elif model is DisturbanceCause:
                DisturbanceCause.objects.create(slug=f"dc-{i}", label=f"Cause {i}", category_id="natural")
            elif model in TERM_MODELS:
                # Each term used by a record, so that the list's use counts have something to count.
                term = model.objects.create(slug=f"term-{i}", label=f"Term {i}")
                if model is EventType:
                    Event.objects.create(slug=f"e-{i}", title=f"Event {i}", kind=term)
                elif model is SiteCondition:
                    Site.objects.filter(pk=self.site_(i).pk).update(condition=term)
            elif model is SiteIdentifier:
                SiteIdentifier.objects.create(site=self.site_(i), scheme="whl", value=str(i + 1))
            elif model is ActorIdentifier:
                ActorIdentifier.objects.create(actor=self.actor(i), scheme="wikidata", value=f"Q{i + 1}")
            elif model is PeriodIdentifier:
                period = Period.objects.create(
                    slug=f"p-{i}", name=f"P {i}", start_earliest=-i, start_latest=-i, stop_earliest=i, stop_latest=i
                )
                PeriodIdentifier.objects.create(period=period, scheme="wikidata", value=f"Q{i + 1}")
            elif model is Citation:
                start = 100 + i * 40
                quote = self.source.text[start : start + 30]
                Citation.objects.create(
                    source=self.source,
                    quote=quote,
                    char_start=start,
                    char_end=start + len(quote),
                    attributed_to=self.actor(i),
                )
        self.made += count


def list_queries(client, model):
    url = reverse(f"admin:records_{model._meta.model_name}_changelist")
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return response.context["cl"].result_count, len(queries)


ALL_RECORD_MODELS = [
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
    SiteExtent,
    SiteIdentifier,
    SiteName,
    SitePeriod,
    Source,
    Structure,
    Threat,
    *TERM_MODELS,
]
ALL_RECORD_MODELS = list(dict.fromkeys(ALL_RECORD_MODELS))  # DisturbanceCause is both a record and a term


def test_every_registered_model_is_measured():
    from .test_admin_pages import record_models

    assert set(record_models()) == set(ALL_RECORD_MODELS)


@pytest.mark.parametrize("model", ALL_RECORD_MODELS, ids=lambda m: m.__name__)
def test_list_page_query_count_does_not_grow_with_rows(client, palmyra, model):
    """The list page of each model runs as many queries with 50 rows as with 5."""
    client.force_login(make_user("cora", superuser=True))
    rows = Rows(palmyra)
    rows.make(model, 5)
    list_queries(client, model)  # warm caches (content types, permissions) so both measured requests are alike
    shown_few, few = list_queries(client, model)
    rows.make(model, 45)
    shown_many, many = list_queries(client, model)
    assert shown_many >= shown_few + 45
    assert many == few, f"{model.__name__} list: {few} queries for {shown_few} rows, {many} for {shown_many}"
