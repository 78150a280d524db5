"""
The API of sources (`/api/v1/sources/`) and cited passages (`/api/v1/citations/`): the documents the record rests
on, and the exact words of them that records cite.
"""

import django_filters
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Q
from rest_framework import serializers

from .. import selectors
from ..choices import SourceKind
from ..models import Actor, Citation, Source
from .common.fields import BriefRelatedField, api_url
from .common.filters import (
    BaseFilterSet,
    BooleanFilter,
    choice_filter,
    fk_filters,
    ordering,
    search_filter,
    slug_filter,
)
from .common.serializers import RecordSerializer
from .common.views import RecordViewSet, document


class SourceFilterSet(BaseFilterSet):
    q = search_filter("Case-insensitive search in the title, the publisher and the notes.")
    slug = slug_filter()
    kind = choice_filter(SourceKind.choices, "Kind of source; repeat for any of several.")
    publisher = django_filters.CharFilter(lookup_expr="iexact", help_text="Publisher, exactly (case-insensitive).")
    ordering = ordering("title", "slug", "kind", "publisher", "created", "last_updated")

    class Meta:
        model = Source
        fields = []

    def search(self, queryset, name, value):
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

    def search(self, queryset, name, value):
        return queryset.filter(Q(quote__icontains=value) | Q(attribution__icontains=value))


class SourceSerializer(RecordSerializer):
    """A document the record rests on; `web_url` is where it is published, `url` its API address."""

    url = api_url("source")
    # The model's own `url` (where the document is published) is `web_url` here: `url` is the API link everywhere.
    web_url = serializers.URLField(source="url", max_length=500, required=False, allow_blank=True)

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
            "text_path",
            "notes",
            "created",
            "last_updated",
        ]


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
            try:
                instance.locate()
            except OSError as exc:
                raise DjangoValidationError({"source": f"The source's text cannot be read: {exc}."}) from exc

    def derived_attrs(self, attrs, instance):
        return {**attrs, "char_start": instance.char_start, "char_end": instance.char_end}


@document(SourceSerializer)
class SourceViewSet(RecordViewSet):
    """The documents the record rests on."""

    selector = staticmethod(selectors.sources)
    serializer_class = SourceSerializer
    filterset_class = SourceFilterSet


@document(CitationSerializer)
class CitationViewSet(RecordViewSet):
    """Cited passages: the exact words of a source, with who made the claim when the source relays it."""

    selector = staticmethod(selectors.citations)
    serializer_class = CitationSerializer
    filterset_class = CitationFilterSet
    lookup_field = "pk"
    lookup_value_regex = r"[0-9]+"
