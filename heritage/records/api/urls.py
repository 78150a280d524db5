"""Routes of the API, mounted at /api/v1/: plural kebab-case resources, the OpenAPI schema and its docs."""

from django.urls import path
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerSplitView
from rest_framework.routers import DefaultRouter

from . import views

app_name = "api"

# Formats are chosen with ?format= (or Accept), not with suffixes such as sites.csv: one URL per resource.
router = DefaultRouter()
router.include_format_suffixes = False
router.register("sites", views.SiteViewSet, basename="site")
router.register("periods", views.PeriodViewSet, basename="period")
router.register("actors", views.ActorViewSet, basename="actor")
router.register("occupations", views.OccupationViewSet, basename="occupation")
router.register("events", views.EventViewSet, basename="event")
router.register("damage-reports", views.DamageReportViewSet, basename="damage-report")
router.register("threats", views.ThreatViewSet, basename="threat")
router.register("sources", views.SourceViewSet, basename="source")
router.register("citations", views.CitationViewSet, basename="citation")
router.register("disturbance-causes", views.DisturbanceCauseViewSet, basename="disturbance-cause")

urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    # The split view serves Swagger UI's set-up script from a URL of its own, not inline: the Content-Security-Policy
    # allows scripts from this site only.
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="api:schema"), name="docs"),
    path(
        "redoc/",
        SpectacularRedocView.as_view(url_name="api:schema", template_name="records/api/redoc.html"),
        name="redoc",
    ),
    *router.urls,
]
