"""
The API of releases (`/api/v1/releases/`): the numbered, dated data packages of the public record that
`manage.py release` makes (docs/releases.md), newest first, each with its checksum, size and rows per table, and its
zip at `.../file/`. Read-only: releases are made on the server, not through the API. A release that includes drafts
is listed only for those who may read drafts.
"""

from django.http import FileResponse
from django.urls import reverse
from django.utils.http import quote_etag
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema, extend_schema_field, extend_schema_view
from rest_framework import serializers, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.renderers import BrowsableAPIRenderer

from .. import selectors
from ..models import Release
from .common.fields import api_url
from .common.renderers import OneFormatNegotiation, PassthroughRenderer
from .common.views import ERROR_RESPONSES, ErrorsAsJSONMixin, ReadsOutsideTransactionMixin
from .fast.renderers import ORJSONRenderer


@extend_schema_field(OpenApiTypes.URI)
class ReleaseFileField(serializers.Field):
    """The address of the release's zip."""

    def __init__(self, **kwargs):
        super().__init__(source="*", read_only=True, **kwargs)

    def to_representation(self, release):
        path = reverse("api:release-file", kwargs={"number": release.number})
        request = self.context.get("request")
        return request.build_absolute_uri(path) if request is not None else path


class ReleaseSerializer(serializers.ModelSerializer):
    url = api_url("release", lookup_field="number")
    file = ReleaseFileField(help_text="The zip: a Frictionless Data Package (docs/releases.md).")
    file_name = serializers.CharField(read_only=True, help_text="The zip's file name.")
    counts = serializers.DictField(
        child=serializers.IntegerField(), read_only=True, help_text="Rows per table (CSV file of the package)."
    )

    class Meta:
        model = Release
        fields = ["number", "url", "date", "include_drafts", "file", "file_name", "sha256", "size", "counts", "created"]
        read_only_fields = fields


@extend_schema_view(
    list=extend_schema(responses={200: ReleaseSerializer(many=True), **ERROR_RESPONSES}),
    retrieve=extend_schema(responses={200: ReleaseSerializer, **ERROR_RESPONSES}),
)
class ReleaseViewSet(ReadsOutsideTransactionMixin, ErrorsAsJSONMixin, viewsets.ReadOnlyModelViewSet):
    """Releases of the public record: numbered, dated, checksummed data packages to cite. Newest first."""

    serializer_class = ReleaseSerializer
    queryset = Release.objects.none()  # for the permission class's model; get_queryset() says what a user reads
    lookup_field = "number"
    lookup_value_regex = r"[0-9]{1,18}"  # wider than any release, never a 500
    renderer_classes = [ORJSONRenderer, BrowsableAPIRenderer]
    filter_backends = []

    def get_queryset(self):
        return selectors.releases(self.request.user)

    @extend_schema(
        summary="A release's zip",
        description="The release as published: a zip whose SHA-256 is the release's `sha256` (and its ETag).",
        responses={
            (200, "application/zip"): OpenApiTypes.BINARY,
            **{(status, "application/json"): response for status, response in ERROR_RESPONSES.items()},
        },
    )
    @action(
        detail=True,
        methods=["get"],
        url_path="file",
        renderer_classes=[PassthroughRenderer],
        content_negotiation_class=OneFormatNegotiation,
    )
    def file(self, request, number=None):
        release = self.get_object()
        try:
            handle = release.file.open("rb")
        except OSError as exc:
            raise NotFound(f"The release's file is missing from storage ({exc}).") from exc
        response = FileResponse(handle, as_attachment=True, filename=release.file_name, content_type="application/zip")
        response["ETag"] = quote_etag(release.sha256)
        return response
