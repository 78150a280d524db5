"""Routes of the API, mounted at /api/v1/: plural kebab-case resources, the OpenAPI schema and its docs."""

from django.urls import path
from drf_spectacular.views import SpectacularRedocView, SpectacularSwaggerSplitView
from rest_framework.routers import DefaultRouter, SimpleRouter

from .actors import ActorViewSet
from .common.served_schema import SchemaView
from .conflict import EventViewSet, OccupationViewSet
from .damage import DamageReportFeedView, DamageReportViewSet, ThreatViewSet
from .deletions import DeletionViewSet
from .periods import PeriodViewSet
from .releases import ReleaseViewSet
from .sites import SiteViewSet
from .sources import CitationViewSet, SourceViewSet
from .vocabularies import (
    DisturbanceCategoryViewSet,
    DisturbanceCauseViewSet,
    EventTypeViewSet,
    QuantityUnitViewSet,
    SiteConditionViewSet,
    SourceTypeViewSet,
)

app_name = "api"

# Formats are chosen with ?format= (or Accept), not with suffixes such as sites.csv: one URL per resource.
router = DefaultRouter()
router.include_format_suffixes = False
router.register("sites", SiteViewSet, basename="site")
router.register("periods", PeriodViewSet, basename="period")
router.register("actors", ActorViewSet, basename="actor")
router.register("occupations", OccupationViewSet, basename="occupation")
router.register("events", EventViewSet, basename="event")
router.register("damage-reports", DamageReportViewSet, basename="damage-report")
router.register("threats", ThreatViewSet, basename="threat")
router.register("sources", SourceViewSet, basename="source")
router.register("citations", CitationViewSet, basename="citation")
# The managed vocabularies.
router.register("event-types", EventTypeViewSet, basename="event-type")
router.register("quantity-units", QuantityUnitViewSet, basename="quantity-unit")
router.register("source-types", SourceTypeViewSet, basename="source-type")
router.register("disturbance-categories", DisturbanceCategoryViewSet, basename="disturbance-category")
router.register("disturbance-causes", DisturbanceCauseViewSet, basename="disturbance-cause")
router.register("site-conditions", SiteConditionViewSet, basename="site-condition")

# What is published about the record rather than a record itself: releases (routes of their own, so that what
# iterates over the record's resources, such as their tests, meets only records).
published = SimpleRouter()
published.include_format_suffixes = False
published.register("releases", ReleaseViewSet, basename="release")

urlpatterns = [
    path("schema/", SchemaView.as_view(), name="schema"),
    # The split view serves Swagger UI's set-up script from a URL of its own, not inline: the Content-Security-Policy
    # allows scripts from this site only.
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="api:schema"), name="docs"),
    path(
        "redoc/",
        SpectacularRedocView.as_view(url_name="api:schema", template_name="records/api/redoc.html"),
        name="redoc",
    ),
    # The change feed (changes.py): beside the records' resources, not one of them.
    path("deletions/", DeletionViewSet.as_view({"get": "list"}), name="deletion-list"),
    path("feeds/damage-reports.atom", DamageReportFeedView.as_view(), name="damage-report-feed"),
    *router.urls,
    *published.urls,
]
