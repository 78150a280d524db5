"""
The change feed's tombstones: records deleted (`/api/v1/deletions/`). With `?updated_since=` on every list and the
Atom feed of damage reports (damage.py), a client keeps a copy of the record current (docs/api.md, "Keeping a copy
current").
"""

from django_filters.rest_framework import FilterSet
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, serializers, viewsets
from rest_framework.permissions import AllowAny
from rest_framework.renderers import BrowsableAPIRenderer

from .. import selectors
from ..choices import RecordType
from ..models import Deletion
from ..models.deletions import may_view_model
from .common.filters import TimestampFilter, choice_filter
from .common.views import ERROR_RESPONSES, ReadsOutsideTransactionMixin, SelectorMixin
from .fast.renderers import ORJSONRenderer


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
