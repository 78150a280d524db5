"""
The change feed: tombstones of deleted records (`/api/v1/deletions/`), and an Atom feed of damage reports newly
verified or retracted (`/api/v1/feeds/damage-reports.atom`). With `?updated_since=` on every list, a client keeps a
copy of the record current (docs/api.md, "Keeping a copy current").
"""

from django.contrib.syndication.views import Feed
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django_filters.rest_framework import FilterSet
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import generics, mixins, serializers, viewsets
from rest_framework.negotiation import BaseContentNegotiation
from rest_framework.permissions import AllowAny
from rest_framework.renderers import BrowsableAPIRenderer

from .. import selectors
from ..choices import CurationStatus, RecordType
from ..models import Deletion
from ..models.deletions import may_view_model
from .common.filters import TimestampFilter, choice_filter
from .common.views import ERROR_RESPONSES, ReadsOutsideTransactionMixin, SelectorMixin
from .damage import DamageReportFilterSet
from .fast.renderers import ORJSONRenderer

# --- Tombstones ----------------------------------------------------------------------------------------------------


class DeletionFilterSet(FilterSet):
    since = TimestampFilter(
        field_name="deleted_at",
        help_text="Deletions at or after this time (ISO 8601 with a time zone, e.g. 2026-03-01T10:00:00Z).",
    )
    record_type = choice_filter(RecordType.choices, "The kind of record deleted; repeat for any of several.")

    class Meta:
        model = Deletion
        fields = []


class DeletionSerializer(serializers.ModelSerializer):
    """A record deleted: its kind (its resource in the API), identifier, when, why, and who (for curators)."""

    deleted_by = serializers.SerializerMethodField(
        help_text="Who deleted it (their username), shown only to those who may view deletions (curators)."
    )

    class Meta:
        model = Deletion
        fields = ["id", "record_type", "identifier", "deleted_at", "reason", "deleted_by"]

    def get_deleted_by(self, deletion) -> str | None:
        request = self.context.get("request")
        if request is None or not may_view_model(request.user, "deletion") or deletion.deleted_by is None:
            return None
        return deletion.deleted_by.get_username()


@extend_schema_view(list=extend_schema(responses={200: DeletionSerializer(many=True), **ERROR_RESPONSES}))
class DeletionViewSet(ReadsOutsideTransactionMixin, SelectorMixin, mixins.ListModelMixin, viewsets.GenericViewSet):
    """
    Records deleted, oldest first: delete them from your copy. A deleted draft is listed only to those who may view
    drafts; who deleted a record, only to curators.
    """

    selector = staticmethod(selectors.deletions)
    serializer_class = DeletionSerializer
    filterset_class = DeletionFilterSet
    renderer_classes = [ORJSONRenderer, BrowsableAPIRenderer]
    permission_classes = [AllowAny]  # read-only; what each user sees is the selector's


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
