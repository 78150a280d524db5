"""Parties named in the record: armed forces and groups, governments, ministries, media, international bodies."""

from django.db import models

from ..choices import ActorKind
from ..languages import LanguageTagField
from .base import (
    CitedRecord,
    CountryField,
    RecordManager,
    SlugManager,
    SlugNaturalKeyMixin,
    ordering_indexes,
    search_entries,
    updated_index,
)


class Actor(SlugNaturalKeyMixin, CitedRecord):
    """
    A party the record names: who occupied, damaged, recaptured, stated, reported or criticised.

    An actor can belong to a larger one (a ministry to its government). Deleting an actor that any record names is
    refused.
    """

    slug = models.SlugField(verbose_name="slug", max_length=100, unique=True)
    name = models.CharField(verbose_name="name", max_length=200)
    kind = models.CharField(verbose_name="kind", max_length=30, choices=ActorKind.choices)
    country = CountryField(verbose_name="country", blank=True, help_text="The state it belongs to, if any.")
    parent = models.ForeignKey(
        to="self",
        on_delete=models.PROTECT,
        related_name="children",
        null=True,
        blank=True,
        verbose_name="part of",
    )
    description = models.TextField(verbose_name="description", blank=True)

    objects = SlugManager()

    search_entries = search_entries()

    class Meta:
        ordering = ["name"]
        indexes = [updated_index("actor"), *ordering_indexes("actor", "name", "kind", "country", "created")]
        verbose_name = "actor"
        verbose_name_plural = "actors"

    def __str__(self):
        return self.name


class ActorAliasManager(RecordManager):
    def get_by_natural_key(self, actor_slug, name):
        return self.get(actor__slug=actor_slug, name=name)


class ActorAlias(CitedRecord):
    """Another name the same party goes by (ISIL, Daesh, Islamic State for ISIS), so searches find it."""

    actor = models.ForeignKey(to=Actor, on_delete=models.CASCADE, related_name="aliases", verbose_name="actor")
    name = models.CharField(verbose_name="alias", max_length=200)
    language = LanguageTagField(verbose_name="language", blank=True)

    objects = ActorAliasManager()

    class Meta:
        ordering = ["actor", "name"]
        verbose_name = "actor alias"
        verbose_name_plural = "actor aliases"
        constraints = [
            models.UniqueConstraint(
                fields=["actor", "name"],
                name="records_actoralias_unique_name_per_actor",
                violation_error_message="This actor already has this alias.",
            ),
        ]

    def __str__(self):
        return self.name

    def natural_key(self):
        return (*self.actor.natural_key(), self.name)

    natural_key.dependencies = ["records.actor"]
