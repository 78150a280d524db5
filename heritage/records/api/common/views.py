"""
The base of every resource's viewset: what a user may read (a selector), reads outside transactions, ETags and
If-Match, batches, and exports; and how each resource's operations are documented.

Lists are paginated JSON by default. `?format=csv` (every resource) and `?format=geojson` (sites) instead export the
whole filtered list, unpaginated and streamed: see `ExportMixin`.
"""

import functools
from urllib.parse import unquote_to_bytes

from django.db import transaction
from django.http import StreamingHttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import viewsets
from rest_framework.exceptions import ValidationError
from rest_framework.permissions import SAFE_METHODS
from rest_framework.renderers import BrowsableAPIRenderer

from ... import selectors
from ...changes import deleting
from ...models.deletions import Deletion
from ..fast.renderers import ORJSONRenderer
from ..fast.views import RowsListMixin
from .batch import BatchCreateMixin
from .preconditions import ConditionalWriteMixin
from .renderers import CSVRenderer, LocatedGeoJSONRenderer, cites, stream_csv, stream_located_geojson
from .schema import geojson_schema, located_geojson_schema
from .search import SearchMatchMixin

FORMAT_DESCRIPTIONS = {
    "json": "JSON (the default).",
    "csv": "CSV, UTF-8, with a header row; nested records become columns such as site.slug. On a list: every "
    "matching record, unpaginated and streamed.",
    "geojson": "GeoJSON (RFC 7946). On a list: a FeatureCollection of every matching site, unpaginated and "
    "streamed; sites without coordinates have null geometry. With geometry=extents, one feature per extent.",
    "geojson-located": "GeoJSON (RFC 7946): each record a Feature at its site's point (coarsened for sensitive "
    "sites unless you may see exact locations; null when the site has none), its main fields as flat properties. "
    "On a list: a FeatureCollection of every matching record, unpaginated and streamed.",
}
ERROR_RESPONSES = {
    400: OpenApiResponse(OpenApiTypes.OBJECT, description="A parameter is invalid: its name maps to the problems."),
    404: OpenApiResponse(OpenApiTypes.OBJECT, description="No such record, page or format."),
    429: OpenApiResponse(OpenApiTypes.OBJECT, description="Too many requests: retry after the Retry-After header."),
}


REASON_MAX_LENGTH = Deletion._meta.get_field("reason").max_length
REASON_PARAMETER = OpenApiParameter(
    name="reason",
    type=OpenApiTypes.STR,
    location=OpenApiParameter.QUERY,
    description=f"Why the record is deleted (at most {REASON_MAX_LENGTH} characters): kept with its tombstone, "
    "listed at /api/v1/deletions/.",
)


def is_utf8(query_string):
    """Whether a raw query string (WSGI's latin-1 text of its bytes) percent-decodes to UTF-8."""
    try:
        unquote_to_bytes(query_string.encode("latin-1")).decode("utf-8")
    except UnicodeError:
        return False
    return True


def format_parameter(formats, located=False):
    return OpenApiParameter(
        name="format",
        type=OpenApiTypes.STR,
        location=OpenApiParameter.QUERY,
        enum=formats,
        description="Response format: "
        + " ".join(
            f"`{name}`: {FORMAT_DESCRIPTIONS['geojson-located' if located and name == 'geojson' else name]}"
            for name in formats
        )
        + " An Accept header works too.",
    )


def document(serializer_class, *, geojson=False, geojson_properties=None, writable=True):
    """
    The schema of a resource's operations: formats, their response bodies, and the errors they can answer. GeoJSON:
    `geojson` for sites, `geojson_properties` (a LocatedRecordViewSet's) for records of a site.
    """
    located = geojson_properties is not None
    formats = ["json", "csv", *(["geojson"] if geojson or located else [])]
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
        component = serializer_class.Meta.model.__name__
        list_responses[(200, "application/geo+json")] = geojson_schema(component, many=True)
        detail_responses[(200, "application/geo+json")] = geojson_schema(component, many=False)
    if located:
        list_responses[(200, "application/geo+json")] = located_geojson_schema(geojson_properties, many=True)
        detail_responses[(200, "application/geo+json")] = located_geojson_schema(geojson_properties, many=False)
    operations = {
        "list": extend_schema(parameters=[format_parameter(formats, located)], responses=list_responses),
        "retrieve": extend_schema(parameters=[format_parameter(formats, located)], responses=detail_responses),
    }
    if writable:
        # Writes answer in the requested format too (errors always in JSON).
        for action in ("create", "update", "partial_update"):
            operations[action] = extend_schema(parameters=[format_parameter(["json", "csv"])])
        operations["destroy"] = extend_schema(parameters=[format_parameter(["json", "csv"]), REASON_PARAMETER])
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


class SelectorMixin:
    """
    Every list, record, export and write starts from the records the requesting user may read: `selector(user)`, a
    function of selectors.py (the model's `visible_to`, with what the representation needs joined).
    """

    selector = None

    def get_queryset(self):
        return type(self).selector(self.request.user)


class ErrorsAsJSONMixin:
    """Errors are always JSON: a 400 explaining a bad filter, or a 404 for a file, must be readable whatever format."""

    def finalize_response(self, request, response, *args, **kwargs):
        accepted = getattr(request, "accepted_renderer", None)
        if getattr(response, "exception", False) and not isinstance(accepted, ORJSONRenderer | BrowsableAPIRenderer):
            request.accepted_renderer = ORJSONRenderer()
            request.accepted_media_type = ORJSONRenderer.media_type
        return super().finalize_response(request, response, *args, **kwargs)


class ExportMixin(ErrorsAsJSONMixin):
    """
    Lists in CSV or GeoJSON are exports of everything the filters match: not paginated, and streamed.

    How it streams: `list()` applies the same filters and ordering as the JSON list (`filter_queryset`), then returns
    a `StreamingHttpResponse` over the records, `export_chunk_size` at a time (`export_records`: records with their
    prefetched relations, serialized one by one; on the fast path, `.values()` rows, see fast/views.py). Rows are
    fetched and written as the response is sent, so memory holds one chunk, never the whole table or the whole file.
    A filter error is raised before the first byte, as a normal 400.
    """

    export_chunk_size = 500
    export_formats = {"csv": ("text/csv; charset=utf-8", stream_csv)}

    def export_format(self, request):
        return self.export_formats.get(getattr(request.accepted_renderer, "format", None))

    def export_options(self, export_format, queryset, serializer):
        """
        What the stream of `export_format` needs to know of the whole export before its first row: for a CSV of
        cited records, how to count the groups of citation columns of its header (the most passages a row cites),
        counted when the body starts, as the rows are read.
        """
        if export_format == "csv" and cites(serializer):
            return {"citation_groups": functools.partial(selectors.most_citations, queryset)}
        return {}

    def export_records(self, queryset, request):
        serializer = self.get_serializer()
        return map(serializer.to_representation, queryset.iterator(chunk_size=self.export_chunk_size))

    def list(self, request, *args, **kwargs):
        export = self.export_format(request)
        if export is None:
            return super().list(request, *args, **kwargs)
        content_type, stream = export
        extension = request.accepted_renderer.format
        queryset, serializer = self.filter_queryset(self.get_queryset()), self.get_serializer()
        options = self.export_options(extension, queryset, serializer)
        records = self.export_records(queryset, request)
        response = StreamingHttpResponse(stream(serializer, records, **options), content_type=content_type)
        response["Content-Disposition"] = f'attachment; filename="{self.basename}s.{extension}"'
        return response


class RecordViewSet(
    ReadsOutsideTransactionMixin,
    SelectorMixin,
    ConditionalWriteMixin,
    BatchCreateMixin,
    SearchMatchMixin,
    RowsListMixin,
    ExportMixin,
    viewsets.ModelViewSet,
):
    """
    Base for the record's resources: looked up by slug; JSON first, so that non-browser clients get JSON. Records
    carry ETags and writes need If-Match (preconditions.py); POST also takes a list of records (batch.py).
    """

    lookup_field = "slug"
    lookup_value_regex = r"[-a-zA-Z0-9_]+"
    renderer_classes = [ORJSONRenderer, BrowsableAPIRenderer, CSVRenderer]

    def perform_destroy(self, instance):
        # The deletion leaves a tombstone naming who deleted the record and why (changes.py).
        if len(self.request.query_params.getlist("reason")) > 1:
            raise ValidationError({"reason": ["Give one reason: the tombstone keeps one."]})
        reason = self.request.query_params.get("reason", "").strip()
        if len(reason) > REASON_MAX_LENGTH:
            raise ValidationError({"reason": [f"At most {REASON_MAX_LENGTH} characters, not {len(reason)}."]})
        if "\ufffd" in reason and not is_utf8(self.request.META.get("QUERY_STRING", "")):
            # Django reads bytes that are not UTF-8 as U+FFFD: the reason would not be what the client sent.
            raise ValidationError({"reason": ["Not UTF-8 text: percent-encode the reason's UTF-8 bytes."]})
        with deleting(user=self.request.user, reason=reason):
            super().perform_destroy(instance)


class LocatedRecordViewSet(RecordViewSet):
    """
    Records of a site (damage reports, threats, occupations), with `?format=geojson`: each a Feature at its site's
    point as the user may see it, with `geojson_properties` ({property: dotted path in the record's JSON}) as its
    flat properties (renderers.located_feature).
    """

    geojson_properties = {}
    renderer_classes = [*RecordViewSet.renderer_classes, LocatedGeoJSONRenderer]
    export_formats = {**ExportMixin.export_formats, "geojson": ("application/geo+json", stream_located_geojson)}

    def export_options(self, export_format, queryset, serializer):
        if export_format == "geojson":
            sites = queryset.order_by().values("site")
            points = functools.partial(selectors.site_points, sites, self.request.user)
            return {"points": points, "properties": self.geojson_properties}
        return super().export_options(export_format, queryset, serializer)
