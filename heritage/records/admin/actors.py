"""Actors (armed forces, governments, media, international bodies) and their aliases."""

from django.contrib import admin

from ..models import Actor, ActorAlias
from .base import RecordAdmin, TabularInline
from .identifiers import ActorIdentifierInline


class ActorAliasInline(TabularInline):
    model = ActorAlias


@admin.register(Actor)
class ActorAdmin(RecordAdmin):
    list_display = ["name", "kind", "country", "parent"]
    list_filter = ["kind", "country"]
    search_fields = ["name", "slug", "aliases__name", "description"]
    list_select_related = ["parent"]
    autocomplete_fields = ["parent"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [ActorAliasInline, ActorIdentifierInline]


@admin.register(ActorAlias)
class ActorAliasAdmin(RecordAdmin):
    list_display = ["name", "actor", "language"]
    list_filter = ["language", "actor__kind"]
    search_fields = ["name", "actor__name"]
    list_select_related = ["actor"]
    autocomplete_fields = ["actor"]
