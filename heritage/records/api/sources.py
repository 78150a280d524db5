"""
The API of sources (`/api/v1/sources/`) and cited passages (`/api/v1/citations/`): the documents the record rests
on, and the exact words of them that records cite.
"""

from django.conf import settings
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Q
from django.http import FileResponse, HttpResponse, HttpResponseNotModified
from django.urls import reverse
from django.utils.http import parse_etags, quote_etag
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_field
from rest_framework import serializers
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.parsers import MultiPartParser
from rest_framework.permissions import BasePermission

from .. import selectors, services, texts
from ..choices import TextDirection
from ..models import Actor, Citation, Source, SourceType
from ..models.base import may_view
from .common.fields import BriefRelatedField, TermField, api_url
from .common.filters import (
    BaseFilterSet,
    BooleanFilter,
    fk_filters,
    ordering,
    search_filter,
    slug_filter,
    term_filter,
    text_filter,
)
from .common.parsers import JSONParser
from .common.renderers import OneFormatNegotiation, PassthroughRenderer, PlainTextRenderer
from .common.serializers import RecordSerializer, as_field_errors
from .common.views import ERROR_RESPONSES, RecordViewSet, document


class MayViewSources(BasePermission):
    """Originals are for users who may view sources (curators, researchers): they may be others' copyright."""

    message = "Original documents are for signed-in users who may view sources; the text is at .../text/."

    def has_permission(self, request, view):
        return may_view(request.user, Source)


class SourceFilterSet(BaseFilterSet):
    q = search_filter("Case-insensitive search in the title, the publisher and the notes.")
    slug = slug_filter()
    kind = term_filter(SourceType, "Source type (/api/v1/source-types/); repeat for any of several.")
    publisher = text_filter(Source, "publisher", "Publisher, exactly (case-insensitive).", lookup_expr="iexact")
    language = text_filter(
        Source,
        "language",
        "BCP 47 language tag of the text, exactly (case-insensitive), e.g. ar.",
        lookup_expr="iexact",
    )
    text_sha256 = text_filter(
        Source, "text_sha256", "SHA-256 of the text (hex): whether the database holds this text, and as which source."
    )
    original_sha256 = text_filter(Source, "original_sha256", "SHA-256 of the original document's bytes (hex).")
    original_media_type = text_filter(
        Source, "original_media_type", "Media type of the original, e.g. application/pdf."
    )
    supersedes_id, supersedes = fk_filters("supersedes", Source, label="source it corrects")
    ordering = ordering(
        "title", "slug", "publisher", "language", "text_length", "created", "last_updated", kind="kind_id"
    )

    class Meta:
        model = Source
        fields = []

    def filter_q(self, queryset, name, value):
        return queryset.filter(Q(title__icontains=value) | Q(publisher__icontains=value) | Q(notes__icontains=value))


class CitationFilterSet(BaseFilterSet):
    q = search_filter("Case-insensitive search in the quoted words and the attribution.")
    source_id, source = fk_filters("source", Source)
    attributed_to_id, attributed_to = fk_filters("attributed_to", Actor, label="who made the claim (actor)")
    attributed = BooleanFilter(
        field_name="attributed_to",
        lookup_expr="isnull",
        exclude=True,
        help_text="true: passages relaying someone else's claim (attributed_to set); false: the source's own words.",
    )
    ordering = ordering(
        "char_start", "char_end", "created", "last_updated", source="source__title", attributed_to="attributed_to__name"
    )

    class Meta:
        model = Citation
        fields = []

    def filter_q(self, queryset, name, value):
        return queryset.filter(Q(quote__icontains=value) | Q(attribution__icontains=value))


class OriginalSerializer(serializers.Serializer):
    """The document a source's text was taken from, as received."""

    name = serializers.CharField(source="original_name", help_text="The file's name as uploaded.")
    media_type = serializers.CharField(source="original_media_type", help_text="text/plain, text/html or PDF.")
    size = serializers.IntegerField(source="original_size", help_text="In bytes.")
    sha256 = serializers.CharField(source="original_sha256", help_text="SHA-256 of the file's bytes.")
    url = serializers.SerializerMethodField(help_text="Where to download it (for users who may view sources).")

    def get_url(self, source) -> str:
        path = reverse("api:source-original", kwargs={"slug": source.slug})
        request = self.context.get("request")
        return request.build_absolute_uri(path) if request is not None else path


class OriginalField(serializers.Field):
    """A source's original document, or null when its text was typed or pasted."""

    csv_subfields = ["name", "media_type", "size", "sha256", "url"]

    def __init__(self, **kwargs):
        super().__init__(source="*", read_only=True, **kwargs)

    def to_representation(self, source):
        if not source.original:
            return None
        return OriginalSerializer(source, context=self.context).data


@extend_schema_field(OriginalSerializer(allow_null=True))
class DocumentedOriginalField(OriginalField):
    pass


class SourceSerializer(RecordSerializer):
    """
    A document the record rests on; `web_url` is where it is published, `url` its API address.

    Its text is not in this representation (it can run to megabytes): `text_url` serves it, exactly, with its SHA-256
    as the ETag. To add a source, POST its `text` in JSON, or its `file` (plain text in UTF-8, HTML or PDF) as
    multipart/form-data, from which the text is taken. The text is fixed once a citation relies on it: correct it
    with a new source that `supersedes` this one.
    """

    url = api_url("source")
    # The model's own `url` (where the document is published) is `web_url` here: `url` is the API link everywhere.
    web_url = serializers.URLField(source="url", max_length=500, required=False, allow_blank=True)
    kind = TermField(queryset=SourceType.objects.all(), help_text="A source type's slug (/api/v1/source-types/).")
    text = serializers.CharField(
        write_only=True,
        required=False,
        allow_blank=True,
        trim_whitespace=False,
        style={"base_template": "textarea.html"},
        help_text="Write only: the document's words (line endings are normalised to \\n). Or upload `file`.",
    )
    file = serializers.FileField(
        write_only=True,
        required=False,
        allow_empty_file=True,
        help_text="Write only (multipart/form-data): the document, as .txt (UTF-8), .html or .pdf; its text is "
        f"extracted. At most {settings.SOURCE_MAX_BYTES // (1024 * 1024)} MB.",
    )
    text_url = serializers.SerializerMethodField(help_text="The text, exactly, as text/plain; its ETag is the SHA-256.")
    direction = serializers.ChoiceField(
        choices=TextDirection.choices,
        required=False,
        allow_blank=True,
        help_text="How the text is written; empty on write: as its language is written (Arabic: rtl).",
    )
    original = DocumentedOriginalField(help_text="The uploaded document the text was taken from, or null.")
    supersedes = BriefRelatedField(
        queryset=Source.objects.defer("text"),
        allow_null=True,
        required=False,
        help_text="The source this one corrects.",
    )
    superseded_by = BriefRelatedField(
        model=Source, many=True, read_only=True, help_text="Sources that correct this one."
    )

    class Meta:
        brief_fields = ["id", "url", "slug", "title"]
        model = Source
        fields = [
            "id",
            "url",
            "slug",
            "title",
            "kind",
            "publisher",
            "web_url",
            "published",
            "language",
            "direction",
            "text",
            "file",
            "text_url",
            "text_sha256",
            "text_length",
            "original",
            "retrieved",
            "archive_url",
            "supersedes",
            "superseded_by",
            "notes",
            "created",
            "last_updated",
        ]
        # full_clean() checks the unique text (naming the source that holds it); DRF's validator would not.
        validators = []

    def get_text_url(self, source) -> str:
        path = reverse("api:source-text", kwargs={"slug": source.slug})
        request = self.context.get("request")
        return request.build_absolute_uri(path) if request is not None else path

    def validate(self, attrs):
        upload = attrs.pop("file", None)
        self.document = None
        if upload is not None:
            if self.instance is not None:
                raise serializers.ValidationError(
                    {"file": "A source's document cannot be replaced: add a new source that supersedes this one."}
                )
            if "text" in attrs:
                raise serializers.ValidationError({"file": "Send the text or a file, not both."})
            try:
                self.document = texts.extract(upload.read(), name=upload.name, declared_type=upload.content_type)
            except DjangoValidationError as exc:
                raise serializers.ValidationError(as_field_errors(exc)) from exc
            attrs["text"] = self.document.text
        elif self.instance is None and "text" not in attrs:
            raise serializers.ValidationError({"text": "Give the source's text, or upload its document as `file`."})
        try:
            return super().validate(attrs)
        except serializers.ValidationError as exc:
            if self.document is not None and isinstance(exc.detail, dict) and "text" in exc.detail:
                exc.detail["file"] = exc.detail.pop("text")  # the curator sent a file: say so there
            raise

    def prepare_instance(self, instance):
        if self.document is not None:
            services.describe_original(instance, self.document)

    def create(self, validated_data):
        source = Source(**validated_data)
        return services.save_source(source=source, document=self.document)

    def update(self, instance, validated_data):
        for name, value in validated_data.items():
            setattr(instance, name, value)
        return services.save_source(source=instance)


class CitationSerializer(RecordSerializer):
    """
    A cited passage. On write, give `source` and the exact `quote`; the offsets are found in the source's text when
    left out, and checked against it when given.
    """

    url = api_url("citation", lookup_field="pk")
    source = BriefRelatedField(queryset=Source.objects.all())
    attributed_to = BriefRelatedField(queryset=Actor.objects.all(), allow_null=True, required=False)

    class Meta:
        brief_fields = ["id", "url", "quote", "attribution", "attributed_to", "source"]
        model = Citation
        fields = [
            "id",
            "url",
            "source",
            "quote",
            "char_start",
            "char_end",
            "attributed_to",
            "attribution",
            "created",
            "last_updated",
        ]
        # full_clean() checks the unique constraints; DRF's own validators for them would make the offsets required.
        validators = []
        extra_kwargs = {
            "char_start": {"required": False, "max_value": 2**31 - 1},
            "char_end": {"required": False, "max_value": 2**31 - 1},
        }

    def prepare_instance(self, instance):
        if instance.char_start is None and instance.char_end is None and instance.quote and instance.source_id:
            instance.locate()

    def derived_attrs(self, attrs, instance):
        # The quote as checked: its line endings normalised as the text's were, and the offsets found for it.
        return {**attrs, "quote": instance.quote, "char_start": instance.char_start, "char_end": instance.char_end}


@document(SourceSerializer)
class SourceViewSet(RecordViewSet):
    """The documents the record rests on, their texts, and the documents the texts were taken from."""

    selector = staticmethod(selectors.sources)
    serializer_class = SourceSerializer
    filterset_class = SourceFilterSet
    parser_classes = [JSONParser, MultiPartParser]

    @extend_schema(
        summary="A source's text, exactly",
        description="The text citations' offsets count in (Python string indices: Unicode code points), as "
        "text/plain in UTF-8. The ETag is the text's SHA-256, the same as the record's `text_sha256`; send it as "
        "If-None-Match to get a 304 when it has not changed (a cited text never does).",
        responses={
            (200, "text/plain"): OpenApiTypes.STR,
            304: None,
            **{(status, "application/json"): ERROR_RESPONSES[status] for status in (404, 429)},
        },
    )
    @action(
        detail=True,
        methods=["get"],
        url_path="text",
        renderer_classes=[PlainTextRenderer],
        content_negotiation_class=OneFormatNegotiation,
    )
    def text(self, request, slug=None):
        source = self.get_object()
        etag = quote_etag(source.text_sha256)
        if etag in parse_etags(request.headers.get("If-None-Match", "")):
            return HttpResponseNotModified(headers={"ETag": etag})
        return HttpResponse(source.text, content_type="text/plain; charset=utf-8", headers={"ETag": etag})

    @extend_schema(
        summary="A source's original document",
        description="The file the text was taken from, as it was received (for users who may view sources; "
        "its ETag is its SHA-256). 404 when the text was typed or pasted.",
        responses={
            (200, "application/octet-stream"): OpenApiTypes.BINARY,
            **{(status, "application/json"): response for status, response in ERROR_RESPONSES.items()},
            (401, "application/json"): OpenApiResponse(OpenApiTypes.OBJECT, description="Not signed in."),
            (403, "application/json"): OpenApiResponse(OpenApiTypes.OBJECT, description="May not view sources."),
        },
    )
    @action(
        detail=True,
        methods=["get"],
        url_path="original",
        renderer_classes=[PassthroughRenderer],
        content_negotiation_class=OneFormatNegotiation,
        permission_classes=[MayViewSources],
    )
    def original(self, request, slug=None):
        source = self.get_object()
        if not source.original:
            raise NotFound("This source's text was typed or pasted: it has no original document.")
        try:
            handle = source.original.open("rb")
        except OSError as exc:
            raise NotFound(f"The original document is missing from storage ({exc}).") from exc
        response = FileResponse(
            handle, as_attachment=True, filename=source.original_name, content_type=source.original_media_type
        )
        response["ETag"] = quote_etag(source.original_sha256)
        return response


@document(CitationSerializer)
class CitationViewSet(RecordViewSet):
    """Cited passages: the exact words of a source, with who made the claim when the source relays it."""

    selector = staticmethod(selectors.citations)
    serializer_class = CitationSerializer
    filterset_class = CitationFilterSet
    lookup_field = "pk"
    lookup_value_regex = r"[0-9]+"
