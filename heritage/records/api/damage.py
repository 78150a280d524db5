"""
The API of damage reports (`/api/v1/damage-reports/`) and threats (`/api/v1/threats/`), each with the verification
workflow's status move (`.../<slug>/status/`), and the Atom feed of damage reports newly verified or retracted
(`/api/v1/feeds/damage-reports.atom`).
"""

from django.contrib.syndication.views import Feed
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Q
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import generics, serializers
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.negotiation import BaseContentNegotiation
from rest_framework.permissions import AllowAny, BasePermission
from rest_framework.response import Response

from .. import selectors, services
from ..choices import Certainty, CurationStatus, Extent, Severity, ThreatProbability, ThreatTarget
from ..models import Actor, DamageReport, DisturbanceCategory, DisturbanceCause, Occupation, Site, Structure, Threat
from .common.fields import BriefRelatedField, BriefTermField, QuantityField, UncertainDateField, api_url
from .common.filters import (
    BaseFilterSet,
    BooleanFilter,
    choice_filter,
    date_filters,
    fk_filters,
    ordering,
    quantity_filters,
    search_filter,
    slug_filter,
    term_filter,
)
from .common.serializers import RecordSerializer, as_field_errors, citations_field
from .common.strict import StrictWritesMixin
from .common.views import (
    ERROR_RESPONSES,
    LocatedRecordViewSet,
    ReadsOutsideTransactionMixin,
    SelectorMixin,
    document,
    format_parameter,
)
from .fast.renderers import ORJSONRenderer


class DamageReportFilterSet(BaseFilterSet):
    q = search_filter("Case-insensitive search in the description, the site's name and the cause's name.")
    slug = slug_filter()
    site_id, site = fk_filters("site", Site)
    structure_id, structure = fk_filters("structure", Structure, label="structure within the site")
    cause_id, cause = fk_filters("cause", DisturbanceCause, label="damage type (disturbance cause)")
    cause_category = term_filter(
        DisturbanceCategory,
        "Category of the damage type (/api/v1/disturbance-categories/); repeat for any of several.",
        "cause__category",
    )
    occupation_id, occupation = fk_filters("occupation", Occupation, label="occupation it happened during")
    perpetrator_id, perpetrator = fk_filters("perpetrator", Actor, label="perpetrator (actor)")
    severity = choice_filter(Severity.choices, "UNOSAT severity; repeat for any of several.")
    extent = choice_filter(Extent.choices, "How much of the site or structure; repeat for any of several.")
    certainty = choice_filter(Certainty.choices, "Confidence that it is true; repeat for any of several.")
    status = choice_filter(CurationStatus.choices, "Curation status; repeat for any of several.")
    is_permanent = BooleanFilter(help_text="Whether the loss is known to be permanent.")
    occurred_inferred = BooleanFilter(help_text="Whether the date was worked out, not stated.")
    occurred_after, occurred_before = date_filters(("occurred_earliest", "occurred_latest"), "Happened")
    ordering = ordering(
        "slug",
        "severity",
        "certainty",
        "status",
        "created",
        "last_updated",
        site="site__name",
        occurred="occurred_earliest",
    )

    class Meta:
        model = DamageReport
        fields = []

    def filter_q(self, queryset, name, value):
        return queryset.filter(
            Q(description__icontains=value) | Q(site__name__icontains=value) | Q(cause__label__icontains=value)
        )


class ThreatFilterSet(BaseFilterSet):
    q = search_filter("Case-insensitive search in the description, the consequence and the site's name.")
    slug = slug_filter()
    site_id, site = fk_filters("site", Site)
    cause_id, cause = fk_filters("cause", DisturbanceCause, label="hazard type (disturbance cause)")
    endangers = choice_filter(ThreatTarget.choices, "What it endangers; repeat for any of several.")
    certainty = choice_filter(Certainty.choices, "Confidence that it is true; repeat for any of several.")
    probability = choice_filter(ThreatProbability.choices, "How likely it is to do harm; repeat for any of several.")
    status = choice_filter(CurationStatus.choices, "Curation status; repeat for any of several.")
    observed_after, observed_before = date_filters(("observed_earliest", "observed_latest"), "Reported")
    quantity_gte, quantity_lte = quantity_filters("The reported number is")
    ordering = ordering(
        "slug", "certainty", "status", "created", "last_updated", site="site__name", observed="observed_earliest"
    )

    class Meta:
        model = Threat
        fields = []

    def filter_q(self, queryset, name, value):
        return queryset.filter(
            Q(description__icontains=value) | Q(consequence__icontains=value) | Q(site__name__icontains=value)
        )


class DamageReportSerializer(RecordSerializer):
    """Observed damage to a site or a structure in it: what, how badly, when, by whom, how sure."""

    url = api_url("damage-report")
    site = BriefRelatedField(queryset=Site.objects.all())
    structure = BriefRelatedField(queryset=Structure.objects.all(), allow_null=True, required=False)
    cause = BriefTermField(queryset=DisturbanceCause.objects.all())
    occurred = UncertainDateField(
        "occurred",
        help_text="When (EDTF). Empty with an occupation: the bounds are then the occupation's, and follow it.",
    )
    occupation = BriefRelatedField(
        queryset=Occupation.objects.select_related("site", "occupier"),
        allow_null=True,
        required=False,
    )
    perpetrator = BriefRelatedField(queryset=Actor.objects.all(), allow_null=True, required=False)
    citations = citations_field()

    class Meta:
        brief_fields = ["id", "url", "slug", "severity"]
        model = DamageReport
        fields = [
            "id",
            "url",
            "slug",
            "site",
            "structure",
            "cause",
            "severity",
            "extent",
            "is_permanent",
            "occurred",
            "occurred_inferred",
            "dating_note",
            "occupation",
            "perpetrator",
            "certainty",
            "status",
            "status_changed_at",
            "description",
            "citations",
            "created",
            "last_updated",
        ]
        # The curation status moves only through the workflow (POST .../status/), which checks the move and the
        # citations and records who made it; a new report starts as a draft.
        read_only_fields = ["status", "status_changed_at"]

    workflow_fields = {"status": "status"}


class StatusChangeSerializer(StrictWritesMixin, serializers.Serializer):
    """A move of a damage report or a threat through the verification workflow."""

    status = serializers.ChoiceField(choices=CurationStatus.choices, help_text="The status to move the record to.")
    reason = serializers.CharField(
        required=False, allow_blank=True, max_length=500, help_text="Why, for the record's history."
    )


class ThreatSerializer(RecordSerializer):
    """A present danger to a site or its people, not (yet) recorded as damage."""

    url = api_url("threat")
    site = BriefRelatedField(queryset=Site.objects.all())
    cause = BriefTermField(queryset=DisturbanceCause.objects.all())
    observed = UncertainDateField("observed", help_text="When the danger was reported to exist (EDTF), with bounds.")
    quantity = QuantityField(help_text="A reported number, e.g. at least 150 mines.")
    citations = citations_field()

    class Meta:
        brief_fields = ["id", "url", "slug"]
        model = Threat
        fields = [
            "id",
            "url",
            "slug",
            "site",
            "cause",
            "endangers",
            "consequence",
            "observed",
            "quantity",
            "certainty",
            "probability",
            "status",
            "status_changed_at",
            "description",
            "citations",
            "created",
            "last_updated",
        ]
        # As a damage report's: the status moves only through the workflow (POST .../status/).
        read_only_fields = ["status", "status_changed_at"]

    workflow_fields = {"status": "status"}


class CanChangeStatus(BasePermission):
    """The workflow's permission for the view's model: records.change_status_<model> (Curator group)."""

    def has_permission(self, request, view):
        return services.may_change_status(request.user, view.serializer_class.Meta.model)


class WorkflowMixin:
    """`POST .../<slug>/status/`: a damage report's or a threat's move through the verification workflow."""

    @action(detail=True, methods=["post"], url_path="status", permission_classes=[CanChangeStatus])
    def change_status(self, request, slug=None):
        record = self.get_object()
        change = StatusChangeSerializer(data=request.data)
        change.is_valid(raise_exception=True)
        try:
            record = services.change_status(record=record, user=request.user, **change.validated_data)
        except DjangoValidationError as exc:
            raise ValidationError(as_field_errors(exc)) from exc
        # The move saved a new version: the ETag is stamped from etag_instance, which still holds the one read.
        self.etag_instance = self.get_queryset().get(pk=record.pk)
        return Response(self.get_serializer(self.etag_instance).data)


def document_status_move(serializer):
    """The schema of a workflow move of the serializer's records (damage reports, threats)."""
    opts = serializer.Meta.model._meta
    name, plural = opts.verbose_name, opts.verbose_name_plural
    return extend_schema(
        summary=f"Move a {name} through the verification workflow",
        description="draft → reported → verified / disputed / retracted (see the README). Verifying needs at least "
        f"one citation. Needs the permission to change the status of {plural} (the Curator group has it).",
        request=StatusChangeSerializer,
        parameters=[format_parameter(["json"])],
        responses={200: serializer, **ERROR_RESPONSES},
    )


# A damage report's and a threat's properties in GeoJSON: {property: path in the record's JSON}.
DAMAGE_REPORT_PROPERTIES = {
    "slug": "slug",
    "url": "url",
    "site": "site.slug",
    "site_name": "site.name",
    "structure": "structure.name",
    "cause": "cause.slug",
    "cause_label": "cause.label",
    "cause_category": "cause.category",
    "severity": "severity",
    "extent": "extent",
    "is_permanent": "is_permanent",
    "occurred": "occurred.edtf",
    "occurred_earliest": "occurred.earliest",
    "occurred_latest": "occurred.latest",
    "occupation": "occupation.slug",
    "perpetrator": "perpetrator.slug",
    "perpetrator_name": "perpetrator.name",
    "certainty": "certainty",
    "status": "status",
    "description": "description",
}
THREAT_PROPERTIES = {
    "slug": "slug",
    "url": "url",
    "site": "site.slug",
    "site_name": "site.name",
    "cause": "cause.slug",
    "cause_label": "cause.label",
    "cause_category": "cause.category",
    "endangers": "endangers",
    "consequence": "consequence",
    "observed": "observed.edtf",
    "observed_earliest": "observed.earliest",
    "observed_latest": "observed.latest",
    "quantity_min": "quantity.min",
    "quantity_max": "quantity.max",
    "quantity_qualifier": "quantity.qualifier",
    "quantity_unit": "quantity.unit",
    "certainty": "certainty",
    "probability": "probability",
    "status": "status",
    "description": "description",
}


@document(DamageReportSerializer, geojson_properties=DAMAGE_REPORT_PROPERTIES)
@extend_schema_view(change_status=document_status_move(DamageReportSerializer))
class DamageReportViewSet(WorkflowMixin, LocatedRecordViewSet):
    """Observed damage to sites: what, how badly, when, by whom, how sure, and on whose word."""

    geojson_properties = DAMAGE_REPORT_PROPERTIES

    selector = staticmethod(selectors.damage_reports)
    serializer_class = DamageReportSerializer
    filterset_class = DamageReportFilterSet


@document(ThreatSerializer, geojson_properties=THREAT_PROPERTIES)
@extend_schema_view(change_status=document_status_move(ThreatSerializer))
class ThreatViewSet(WorkflowMixin, LocatedRecordViewSet):
    """Present dangers to sites or their people that are not (yet) recorded as damage."""

    geojson_properties = THREAT_PROPERTIES

    selector = staticmethod(selectors.threats)
    serializer_class = ThreatSerializer
    filterset_class = ThreatFilterSet


# --- The Atom feed --------------------------------------------------------------------------------------------------

FEED_STATUSES = [CurationStatus.VERIFIED, CurationStatus.RETRACTED]
FEED_LENGTH = 50


class DamageReportFeed(Feed):
    """Atom entries of damage reports, each linking to its record in the API; updated when its status moved."""

    feed_type = Atom1Feed
    title = "Damage reports verified or retracted"
    subtitle = "Damage reports of the heritage record, newest status change first."
    author_name = "Heritage record"

    def __init__(self, reports):
        super().__init__()
        self.reports = reports

    def link(self):
        return reverse("api:damage-report-list")

    def feed_url(self):
        return reverse("api:damage-report-feed")

    def items(self):
        return self.reports

    def item_title(self, report):
        status = CurationStatus(report.status).label.lower()
        return f"{report.site.name}: {report.cause.label}, {status}"

    def item_description(self, report):
        return report.description or f"{report.get_severity_display()} ({report.get_certainty_display()} certainty)."

    def item_link(self, report):
        # Also the entry's id: a report that moves again is the same entry, updated.
        return reverse("api:damage-report-detail", kwargs={"slug": report.slug})

    def item_updateddate(self, report):
        return report.status_changed_at

    def item_pubdate(self, report):
        return report.status_changed_at

    def item_categories(self, report):
        return [report.status, report.severity]


class FirstRendererNegotiation(BaseContentNegotiation):
    """The feed is Atom whatever a reader's Accept says; errors (a bad filter) are JSON."""

    def select_parser(self, request, parsers):
        return parsers[0] if parsers else None

    def select_renderer(self, request, renderers, format_suffix=None):
        return renderers[0], renderers[0].media_type


@extend_schema(
    summary="Atom feed of damage reports newly verified or retracted",
    filters=True,
    responses={
        (200, "application/atom+xml"): OpenApiResponse(OpenApiTypes.STR, description="An Atom 1.0 feed."),
        400: ERROR_RESPONSES[400],
        429: ERROR_RESPONSES[429],
    },
)
class DamageReportFeedView(ReadsOutsideTransactionMixin, SelectorMixin, generics.GenericAPIView):
    """
    The latest damage reports verified or retracted, newest status change first (at most 50), each entry linking to
    the report in the API, its `updated` the time of the move. Takes the damage reports' filters (`site=palmyra`,
    `status=retracted`, `severity=destroyed`, ...).
    """

    selector = staticmethod(selectors.damage_reports)
    filterset_class = DamageReportFilterSet
    pagination_class = None
    renderer_classes = [ORJSONRenderer]
    content_negotiation_class = FirstRendererNegotiation
    permission_classes = [AllowAny]  # read-only: verified and retracted reports are public

    def get(self, request, *args, **kwargs):
        reports = (
            self.filter_queryset(self.get_queryset())
            .filter(status__in=FEED_STATUSES, status_changed_at__isnull=False)
            .order_by("-status_changed_at", "-pk")
            .prefetch_related(None)[:FEED_LENGTH]
        )
        return DamageReportFeed(list(reports))(request._request)
