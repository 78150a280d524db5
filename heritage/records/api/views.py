"""
The API's viewsets: one per resource, each a queryset (with every join its representation needs, in one place),
a serializer and a filterset.

Lists are paginated JSON by default. `?format=csv` (every resource) and `?format=geojson` (sites) instead export the
whole filtered list, unpaginated and streamed: see `ExportMixin`.
"""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from django.db.models import F, Prefetch
from django.http import StreamingHttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.permissions import SAFE_METHODS, BasePermission
from rest_framework.renderers import BrowsableAPIRenderer
from rest_framework.response import Response

from .. import filtersets, services
from ..models import (
    Actor,
    Citation,
    DamageReport,
    Designation,
    DisturbanceCause,
    Event,
    EventParticipant,
    Occupation,
    Period,
    Site,
    Source,
    Threat,
)
from . import schema, serializers
from .batch import BatchCreateMixin
from .preconditions import ConditionalWriteMixin
from .reading import ValuesRows, values_reader
from .renderers import CSVRenderer, GeoJSONRenderer, ORJSONRenderer, stream_csv, stream_geojson

# Each cited passage is shown with its source and who made the claim: fetched with the passages, not per passage.
CITATIONS = Prefetch("citations", queryset=Citation.objects.select_related("source", "attributed_to"))

FORMAT_DESCRIPTIONS = {
    "json": "JSON (the default).",
    "csv": "CSV, UTF-8, with a header row; nested records become columns such as site.slug. On a list: every "
    "matching record, unpaginated and streamed.",
    "geojson": "GeoJSON (RFC 7946). On a list: a FeatureCollection of every matching site, unpaginated and "
    "streamed; sites without coordinates have null geometry.",
}
ERROR_RESPONSES = {
    400: OpenApiResponse(OpenApiTypes.OBJECT, description="A parameter is invalid: its name maps to the problems."),
    404: OpenApiResponse(OpenApiTypes.OBJECT, description="No such record, page or format."),
    429: OpenApiResponse(OpenApiTypes.OBJECT, description="Too many requests: retry after the Retry-After header."),
}


def format_parameter(formats):
    return OpenApiParameter(
        name="format",
        type=OpenApiTypes.STR,
        location=OpenApiParameter.QUERY,
        enum=formats,
        description="Response format: "
        + " ".join(f"`{name}`: {FORMAT_DESCRIPTIONS[name]}" for name in formats)
        + " An Accept header works too.",
    )


def document(serializer_class, *, geojson=False, writable=True):
    """The schema of a resource's operations: formats, their response bodies, and the errors they can answer."""
    formats = ["json", "csv", *(["geojson"] if geojson else [])]
    list_responses = {
        (200, "application/json"): serializer_class(many=True),
        (200, "text/csv"): OpenApiResponse(OpenApiTypes.STR, description="Every matching record as CSV."),
        **ERROR_RESPONSES,
    }
    detail_responses = {
        (200, "application/json"): serializer_class,
        (200, "text/csv"): OpenApiTypes.STR,
        404: ERROR_RESPONSES[404],
        429: ERROR_RESPONSES[429],
    }
    if geojson:
        list_responses[(200, "application/geo+json")] = schema.FEATURE_COLLECTION
        detail_responses[(200, "application/geo+json")] = schema.FEATURE
    operations = {
        "list": extend_schema(parameters=[format_parameter(formats)], responses=list_responses),
        "retrieve": extend_schema(parameters=[format_parameter(formats)], responses=detail_responses),
    }
    if writable:
        # Writes answer in the requested format too (errors always in JSON).
        for action in ("create", "update", "partial_update", "destroy"):
            operations[action] = extend_schema(parameters=[format_parameter(["json", "csv"])])
    return extend_schema_view(**operations)


class ReadsOutsideTransactionMixin:
    """
    Writes run in one transaction (a failed write leaves nothing behind); reads run without one.

    ATOMIC_REQUESTS would wrap reads too, and on SQLite (transaction_mode IMMEDIATE, so that concurrent edits queue
    rather than fail) every transaction takes the write lock: concurrent GETs then wait for one another. So the view
    opts out of ATOMIC_REQUESTS and `dispatch()` opens the transaction itself for unsafe methods only.
    """

    @classmethod
    def as_view(cls, *args, **kwargs):
        return transaction.non_atomic_requests(super().as_view(*args, **kwargs))

    def dispatch(self, request, *args, **kwargs):
        # A read inside someone else's transaction (a test's, a script's) gets a savepoint, as ATOMIC_REQUESTS gave
        # it: DRF's exception handler marks the innermost atomic block for rollback on an error response, which
        # must not be the caller's.
        if request.method in SAFE_METHODS and not transaction.get_connection().in_atomic_block:
            return super().dispatch(request, *args, **kwargs)
        with transaction.atomic():
            return super().dispatch(request, *args, **kwargs)


class VisibleRecordsMixin:
    """Every list, record, export and write starts from the records the requesting user may see (`visible_to`)."""

    def get_queryset(self):
        return super().get_queryset().visible_to(self.request.user)


class ExportMixin:
    """
    Lists in CSV or GeoJSON are exports of everything the filters match: not paginated, and streamed.

    How it streams: `list()` applies the same filters and ordering as the JSON list (`filter_queryset`), then returns
    a `StreamingHttpResponse` over the query's iterator, `export_chunk_size` rows at a time: `.values()` rows read by
    the serializer's compiled reader where it has one (reading.py; each chunk's citations in one query), otherwise
    records with their prefetched relations, serialized one by one. Rows are fetched and written as the response is
    sent, so memory holds one chunk, never the whole table or the whole file. A filter error is raised before the
    first byte, as a normal 400.
    """

    export_chunk_size = 500
    export_formats = {"csv": ("text/csv; charset=utf-8", stream_csv)}

    def list(self, request, *args, **kwargs):
        export = self.export_formats.get(getattr(request.accepted_renderer, "format", None))
        if export is None:
            return super().list(request, *args, **kwargs)
        content_type, stream = export
        queryset = self.filter_queryset(self.get_queryset())
        serializer = self.get_serializer()
        reader = values_reader(self.get_serializer_class())
        if reader is not None:
            rows = queryset.prefetch_related(None).values(*reader.columns)
            records = reader.read_chunks(rows, request, self.export_chunk_size)
        else:
            records = map(serializer.to_representation, queryset.iterator(chunk_size=self.export_chunk_size))
        response = StreamingHttpResponse(stream(serializer, records), content_type=content_type)
        extension = request.accepted_renderer.format
        response["Content-Disposition"] = f'attachment; filename="{self.basename}s.{extension}"'
        return response

    def finalize_response(self, request, response, *args, **kwargs):
        # Errors are always JSON: a 400 explaining a bad filter must be readable whatever format was asked for.
        accepted = getattr(request, "accepted_renderer", None)
        if getattr(response, "exception", False) and isinstance(accepted, CSVRenderer | GeoJSONRenderer):
            request.accepted_renderer = ORJSONRenderer()
            request.accepted_media_type = ORJSONRenderer.media_type
        return super().finalize_response(request, response, *args, **kwargs)


class ValuesListMixin:
    """
    List pages read as `.values()` rows through the serializer's compiled reader (reading.py): the representation
    DRF would give, without building a model instance per record and related record. A serializer that cannot be
    compiled keeps DRF's path, as do details. (Exports read rows too: see ExportMixin.)
    """

    def list(self, request, *args, **kwargs):
        reader = values_reader(self.get_serializer_class())
        if reader is None:
            return super().list(request, *args, **kwargs)
        queryset = self.filter_queryset(self.get_queryset()).prefetch_related(None)
        page = self.paginate_queryset(ValuesRows(queryset, reader))
        return self.get_paginated_response(reader.read(page, request))


class RecordViewSet(
    ReadsOutsideTransactionMixin,
    VisibleRecordsMixin,
    ConditionalWriteMixin,
    BatchCreateMixin,
    ExportMixin,
    ValuesListMixin,
    viewsets.ModelViewSet,
):
    """
    Base for the record's resources: looked up by slug; JSON first, so that non-browser clients get JSON. Records
    carry ETags and writes need If-Match (preconditions.py); POST also takes a list of records (batch.py).
    """

    lookup_field = "slug"
    lookup_value_regex = r"[-a-zA-Z0-9_]+"
    renderer_classes = [ORJSONRenderer, BrowsableAPIRenderer, CSVRenderer]


@document(serializers.SiteSerializer, geojson=True)
class SiteViewSet(RecordViewSet):
    """Heritage places, with their other names, protected statuses, periods and citations."""

    queryset = Site.objects.prefetch_related(
        "names",
        Prefetch("designations", queryset=Designation.objects.select_related("granted_by")),
        "periods",
        CITATIONS,
    ).order_by("name", "pk")
    serializer_class = serializers.SiteSerializer
    filterset_class = filtersets.SiteFilterSet
    renderer_classes = [*RecordViewSet.renderer_classes, GeoJSONRenderer]
    export_formats = {
        **ExportMixin.export_formats,
        "geojson": ("application/geo+json", stream_geojson),
    }


@document(serializers.PeriodSerializer)
class PeriodViewSet(RecordViewSet):
    """Named spans of history with fuzzy start and stop years (astronomical: 1 BCE is 0)."""

    queryset = Period.objects.prefetch_related(CITATIONS).order_by("start_earliest", "stop_latest", "name", "pk")
    serializer_class = serializers.PeriodSerializer
    filterset_class = filtersets.PeriodFilterSet


@document(serializers.ActorSerializer)
class ActorViewSet(RecordViewSet):
    """Parties the record names: armed forces and groups, governments, ministries, media, international bodies."""

    queryset = Actor.objects.select_related("parent").prefetch_related("aliases", CITATIONS).order_by("name", "pk")
    serializer_class = serializers.ActorSerializer
    filterset_class = filtersets.ActorFilterSet


@document(serializers.OccupationSerializer)
class OccupationViewSet(RecordViewSet):
    """Armed control of sites over spans of time, with how and by whom it ended."""

    queryset = (
        Occupation.objects.select_related("site", "occupier", "ending_event")
        .prefetch_related(
            Prefetch("ending_event__participants", queryset=EventParticipant.objects.select_related("actor")),
            CITATIONS,
        )
        .order_by("site__name", F("started_earliest").asc(nulls_last=True), "pk")
    )
    serializer_class = serializers.OccupationSerializer
    filterset_class = filtersets.OccupationFilterSet


@document(serializers.EventSerializer)
class EventViewSet(RecordViewSet):
    """Dated happenings: captures, air campaigns, declarations, statements, discoveries."""

    queryset = (
        Event.objects.select_related("site", "part_of")
        .prefetch_related(
            Prefetch("participants", queryset=EventParticipant.objects.select_related("actor")),
            "figures",
            CITATIONS,
        )
        .order_by(F("occurred_earliest").asc(nulls_last=True), "title", "pk")
    )
    serializer_class = serializers.EventSerializer
    filterset_class = filtersets.EventFilterSet


class CanChangeStatus(BasePermission):
    """The workflow's permission: records.change_status_damagereport (Curator group)."""

    def has_permission(self, request, view):
        return bool(request.user and request.user.has_perm("records.change_status_damagereport"))


@document(serializers.DamageReportSerializer)
class DamageReportViewSet(RecordViewSet):
    """Observed damage to sites: what, how badly, when, by whom, how sure, and on whose word."""

    queryset = (
        DamageReport.objects.select_related(
            "site", "structure", "cause", "occupation__site", "occupation__occupier", "perpetrator"
        )
        .prefetch_related(CITATIONS)
        .order_by("site__name", F("occurred_earliest").asc(nulls_last=True), "slug", "pk")
    )
    serializer_class = serializers.DamageReportSerializer
    filterset_class = filtersets.DamageReportFilterSet

    @extend_schema(
        summary="Move a damage report through the verification workflow",
        description="draft → reported → verified / disputed / retracted (see the README). Verifying needs at least "
        "one citation. Needs the permission to change a report's status (the Curator group has it).",
        request=serializers.StatusChangeSerializer,
        parameters=[format_parameter(["json"])],
        responses={200: serializers.DamageReportSerializer, **ERROR_RESPONSES},
    )
    @action(detail=True, methods=["post"], url_path="status", permission_classes=[CanChangeStatus])
    def change_status(self, request, slug=None):
        report = self.get_object()
        change = serializers.StatusChangeSerializer(data=request.data)
        change.is_valid(raise_exception=True)
        try:
            report = services.change_damage_report_status(report=report, user=request.user, **change.validated_data)
        except DjangoValidationError as exc:
            raise ValidationError(serializers.as_field_errors(exc)) from exc
        return Response(self.get_serializer(self.get_queryset().get(pk=report.pk)).data)


@document(serializers.ThreatSerializer)
class ThreatViewSet(RecordViewSet):
    """Present dangers to sites or their people that are not (yet) recorded as damage."""

    queryset = (
        Threat.objects.select_related("site", "cause")
        .prefetch_related(CITATIONS)
        .order_by("site__name", F("observed_earliest").asc(nulls_last=True), "slug", "pk")
    )
    serializer_class = serializers.ThreatSerializer
    filterset_class = filtersets.ThreatFilterSet


@document(serializers.SourceSerializer)
class SourceViewSet(RecordViewSet):
    """The documents the record rests on."""

    queryset = Source.objects.order_by("title", "pk")
    serializer_class = serializers.SourceSerializer
    filterset_class = filtersets.SourceFilterSet


@document(serializers.CitationSerializer)
class CitationViewSet(RecordViewSet):
    """Cited passages: the exact words of a source, with who made the claim when the source relays it."""

    queryset = Citation.objects.select_related("source", "attributed_to").order_by(
        "source__title", "char_start", "char_end", "pk"
    )
    serializer_class = serializers.CitationSerializer
    filterset_class = filtersets.CitationFilterSet
    lookup_field = "pk"
    lookup_value_regex = r"[0-9]+"


@document(serializers.DisturbanceCauseSerializer, writable=False)
class DisturbanceCauseViewSet(
    ReadsOutsideTransactionMixin, VisibleRecordsMixin, ConditionalWriteMixin, ExportMixin, viewsets.ReadOnlyModelViewSet
):
    """The disturbance-cause vocabulary (EAMENA's thesaurus, extended) that damage reports and threats use."""

    queryset = DisturbanceCause.objects.order_by("category", "name", "pk")
    serializer_class = serializers.DisturbanceCauseSerializer
    filterset_class = filtersets.DisturbanceCauseFilterSet
    lookup_field = "slug"
    lookup_value_regex = r"[-a-zA-Z0-9_]+"
    renderer_classes = RecordViewSet.renderer_classes
