"""The API of actors (`/api/v1/actors/`): the parties the record names, and their aliases."""

from django.db.models import Exists, OuterRef, Q
from django_countries import countries
from rest_framework import serializers

from .. import selectors
from ..choices import ActorKind
from ..models import Actor, ActorAlias, ActorIdentifier
from .common.fields import BriefRelatedField, api_url
from .common.filters import (
    BaseFilterSet,
    ChoiceFilter,
    choice_filter,
    fk_filters,
    ordering,
    search_filter,
    slug_filter,
)
from .common.identifiers import IdentifierFilter, IdentifierSerializer, identifiers_field
from .common.serializers import RecordSerializer, citations_field, country_field
from .common.views import RecordViewSet, document


class ActorFilterSet(BaseFilterSet):
    q = search_filter("Case-insensitive search in the name, the aliases (e.g. ISIL, Daesh) and the description.")
    slug = slug_filter()
    kind = choice_filter(ActorKind.choices, "Kind of party; repeat for any of several.")
    country = ChoiceFilter(
        choices=list(countries), distinct=False, help_text="ISO 3166-1 alpha-2 code of the state it belongs to."
    )
    parent_id, parent = fk_filters("parent", Actor, label="parent actor (part of)")
    identifier = IdentifierFilter()
    ordering = ordering("name", "slug", "kind", "country", "created", "last_updated")

    class Meta:
        model = Actor
        fields = []

    def filter_q(self, queryset, name, value):
        aliases = ActorAlias.objects.filter(actor=OuterRef("pk"), name__icontains=value)
        return queryset.filter(Q(name__icontains=value) | Q(description__icontains=value) | Exists(aliases))


class ActorIdentifierSerializer(IdentifierSerializer):
    """An actor's identifier in another register (its Wikidata item)."""

    class Meta(IdentifierSerializer.Meta):
        model = ActorIdentifier


class ActorSerializer(RecordSerializer):
    """A party the record names. Its `identifiers` are written with it (common/nested.py)."""

    url = api_url("actor")
    country = country_field(allow_blank=True, required=False)
    parent = BriefRelatedField(queryset=Actor.objects.all(), allow_null=True, required=False, help_text="Part of.")
    aliases = serializers.SlugRelatedField(
        slug_field="name", many=True, read_only=True, help_text="Other names it goes by."
    )
    identifiers = identifiers_field(ActorIdentifierSerializer)
    citations = citations_field()

    class Meta:
        brief_fields = ["id", "url", "slug", "name"]
        model = Actor
        fields = [
            "id",
            "url",
            "slug",
            "name",
            "kind",
            "country",
            "parent",
            "aliases",
            "description",
            "identifiers",
            "citations",
            "created",
            "last_updated",
        ]


@document(ActorSerializer)
class ActorViewSet(RecordViewSet):
    """Parties the record names: armed forces and groups, governments, ministries, media, international bodies."""

    selector = staticmethod(selectors.actors)
    serializer_class = ActorSerializer
    filterset_class = ActorFilterSet
