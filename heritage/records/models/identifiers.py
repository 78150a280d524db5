"""
External identifiers: how other registers (Wikidata, Pleiades, GeoNames, the World Heritage List, EAMENA, PeriodO)
name the same site, actor or period, so that records join across datasets and imports match what is already here.
"""

import re

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import models
from django.db.models import Q

from ..choices import IdentifierScheme
from .base import CitedRecord, RecordManager, RecordQuerySet
from .sites import may_see_exact_locations

Scheme = IdentifierScheme

# Each scheme's form of an identifier, as its register writes it.
_NUMBER = r"[1-9][0-9]{0,11}"
PATTERNS = {
    Scheme.WIKIDATA: (re.compile(rf"Q{_NUMBER}"), "a Wikidata item, e.g. Q5747"),
    Scheme.PLEIADES: (re.compile(_NUMBER), "a Pleiades place number, e.g. 668331"),
    Scheme.GEONAMES: (re.compile(_NUMBER), "a GeoNames feature number, e.g. 163809"),
    Scheme.WORLD_HERITAGE_LIST: (
        re.compile(rf"{_NUMBER}(bis|ter|quater|rev)?"),
        "a World Heritage List number, e.g. 23",
    ),
    Scheme.EAMENA: (re.compile(r"EAMENA-[0-9]{7}"), "an EAMENA ID, e.g. EAMENA-0182033"),
    Scheme.PERIODO: (re.compile(r"p0[0-9a-z]{9}"), "a PeriodO period, e.g. p0qhb66fhbb"),
}
# Pleiades names its periods by key ("roman-early-empire-parthian-middle-east"), not by number.
PLEIADES_PERIOD = (re.compile(r"[a-z0-9]+(-[a-z0-9]+)*"), "a Pleiades time period key, e.g. roman")

LINKS = {
    Scheme.WIKIDATA: "https://www.wikidata.org/wiki/{}",
    Scheme.PLEIADES: "https://pleiades.stoa.org/places/{}",
    Scheme.GEONAMES: "https://www.geonames.org/{}",
    Scheme.WORLD_HERITAGE_LIST: "https://whc.unesco.org/en/list/{}",
    Scheme.PERIODO: "http://n2t.net/ark:/99152/{}",
    Scheme.OTHER: "{}",
}
PLEIADES_PERIOD_LINK = "https://pleiades.stoa.org/vocabularies/time-periods/{}"

_url = URLValidator(schemes=["http", "https"])


def parse_identifier(text):
    """
    "pleiades:668331" → ("pleiades", "668331"): the form the API's `identifier` filter takes. ValueError, with the
    reason, when it is not scheme:value with a known scheme.
    """
    scheme, colon, value = str(text).partition(":")
    if not colon or not value:
        raise ValueError("Give an identifier as scheme:value, e.g. pleiades:668331.")
    if scheme not in Scheme.values:
        raise ValueError(f"Unknown identifier scheme {scheme!r}; one of: {', '.join(Scheme.values)}.")
    return scheme, value


class IdentifierManager(RecordManager):
    def get_by_natural_key(self, scheme, value):
        return self.get(scheme=scheme, value=value)


class SiteIdentifierQuerySet(RecordQuerySet):
    def visible_to(self, user):
        """
        A sensitive site's identifiers only for those who may see its exact location: Pleiades, GeoNames, Wikidata
        and the World Heritage List publish where the place is.
        """
        return self.all() if may_see_exact_locations(user) else self.exclude(site__is_sensitive=True)


class ExternalIdentifier(CitedRecord):
    """
    The identifier another register gives the same thing: scheme and value (`pleiades` `668331`). A value
    identifies one record in this database: two sites cannot both be Pleiades 668331.
    """

    # The record identified, and the schemes that can identify one; set by each subclass.
    owner_field = None
    schemes = ()

    scheme = models.CharField(verbose_name="scheme", max_length=20, choices=Scheme.choices)
    value = models.CharField(
        verbose_name="identifier",
        max_length=300,
        help_text="As the register writes it (Q5747, 668331, EAMENA-0182033); for “other”, the record's URL.",
    )

    objects = IdentifierManager()

    class Meta:
        abstract = True

    def __str__(self):
        return f"{self.scheme}:{self.value}"

    def natural_key(self):
        return (self.scheme, self.value)

    @classmethod
    def shown_with(cls, record, user):
        """Whether `user` may see the identifiers of `record` (as `visible_to` decides for the rows)."""
        return True

    @classmethod
    def holder(cls, scheme, value):
        """The record that `scheme` `value` identifies in this database, or None."""
        row = cls.objects.filter(scheme=scheme, value=value).select_related(cls.owner_field).first()
        return None if row is None else getattr(row, cls.owner_field)

    @classmethod
    def taken_message(cls, scheme, value, record, user):
        """
        Why `record` cannot have `scheme` `value` when another record holds it (None when none does): naming that
        record only where `user` may see it and its identifiers, so that the refusal shows no hidden identifier.
        """
        holder = cls.holder(scheme, value)
        if holder is None or holder == record:
            return None
        owner = type(holder)
        if cls.shown_with(holder, user) and owner.objects.visible_to(user).filter(pk=holder.pk).exists():
            return f"{scheme}:{value} already identifies the {owner._meta.verbose_name} “{holder}” ({holder.slug})."
        return f"{scheme}:{value} already identifies another record."

    @classmethod
    def value_errors(cls, scheme, value):
        """Why `value` cannot identify this kind of record in `scheme` (a list of messages; empty if it can)."""
        if scheme not in cls.schemes:
            allowed = ", ".join(Scheme(s).label for s in cls.schemes)
            return [f"A {cls.owner_label()} cannot have a {Scheme(scheme).label} identifier; schemes: {allowed}."]
        if value != value.strip() or not value:
            return ["An identifier cannot be empty or begin or end with a space."]
        if scheme == Scheme.OTHER:
            try:
                _url(value)
            except ValidationError:
                return ["An identifier of another register is the URL of its record (http:// or https://)."]
            return []
        pattern, example = cls.pattern(scheme)
        if not pattern.fullmatch(value):
            return [f"{value!r} is not {example}."]
        return []

    @classmethod
    def pattern(cls, scheme):
        return PATTERNS[scheme]

    @classmethod
    def owner_label(cls):
        return cls._meta.get_field(cls.owner_field).related_model._meta.verbose_name

    @property
    def url(self):
        """The identified record in its register, or None where the register has no address for it (EAMENA)."""
        return self.link(self.scheme, self.value)

    @classmethod
    def link(cls, scheme, value):
        """The address of `value` in the register `scheme`, or None where the register has none."""
        link = LINKS.get(scheme)
        return link.format(value) if link else None

    def clean(self):
        super().clean()
        if self.scheme and self.value is not None:
            errors = self.value_errors(self.scheme, self.value)
            if errors:
                raise ValidationError({"value": errors})


def identifier_constraints(model_name, schemes):
    return [
        models.UniqueConstraint(
            fields=["scheme", "value"],
            name=f"records_{model_name}identifier_unique",
            violation_error_message="Another record already has this identifier.",
        ),
        models.CheckConstraint(
            condition=Q(scheme__in=[str(s) for s in schemes]) & ~Q(value=""),
            name=f"records_{model_name}identifier_scheme",
            violation_error_message="This scheme cannot identify this kind of record, or the identifier is empty.",
        ),
    ]


SITE_SCHEMES = (
    Scheme.WIKIDATA,
    Scheme.PLEIADES,
    Scheme.GEONAMES,
    Scheme.WORLD_HERITAGE_LIST,
    Scheme.EAMENA,
    Scheme.OTHER,
)
ACTOR_SCHEMES = (Scheme.WIKIDATA, Scheme.OTHER)
PERIOD_SCHEMES = (Scheme.WIKIDATA, Scheme.PERIODO, Scheme.PLEIADES, Scheme.OTHER)


class SiteIdentifier(ExternalIdentifier):
    """A site's identifier in another register: its Pleiades place, World Heritage List entry, EAMENA ID."""

    owner_field = "site"
    schemes = SITE_SCHEMES

    site = models.ForeignKey(
        to="records.Site", on_delete=models.CASCADE, related_name="identifiers", verbose_name="site"
    )

    objects = IdentifierManager.from_queryset(SiteIdentifierQuerySet)()

    class Meta:
        ordering = ["site", "scheme", "value"]
        verbose_name = "site identifier"
        verbose_name_plural = "site identifiers"
        constraints = identifier_constraints("site", SITE_SCHEMES)

    @classmethod
    def shown_with(cls, site, user):
        return site.shows_exact_location_to(user)


class ActorIdentifier(ExternalIdentifier):
    """An actor's identifier in another register (its Wikidata item)."""

    owner_field = "actor"
    schemes = ACTOR_SCHEMES

    actor = models.ForeignKey(
        to="records.Actor", on_delete=models.CASCADE, related_name="identifiers", verbose_name="actor"
    )

    class Meta:
        ordering = ["actor", "scheme", "value"]
        verbose_name = "actor identifier"
        verbose_name_plural = "actor identifiers"
        constraints = identifier_constraints("actor", ACTOR_SCHEMES)


class PeriodIdentifier(ExternalIdentifier):
    """A period's identifier in another register: its PeriodO definition, Pleiades time period, Wikidata item."""

    owner_field = "period"
    schemes = PERIOD_SCHEMES

    period = models.ForeignKey(
        to="records.Period", on_delete=models.CASCADE, related_name="identifiers", verbose_name="period"
    )

    class Meta:
        ordering = ["period", "scheme", "value"]
        verbose_name = "period identifier"
        verbose_name_plural = "period identifiers"
        constraints = identifier_constraints("period", PERIOD_SCHEMES)

    @classmethod
    def pattern(cls, scheme):
        return PLEIADES_PERIOD if scheme == Scheme.PLEIADES else PATTERNS[scheme]

    @classmethod
    def link(cls, scheme, value):
        if scheme == Scheme.PLEIADES:
            return PLEIADES_PERIOD_LINK.format(value)
        return super().link(scheme, value)
