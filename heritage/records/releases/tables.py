"""
The tables of a release: which records each holds (what `user` may read, from the same querysets as the API) and
its columns, each a model field or a link to another table, described as a Frictionless Table Schema.

The columns are listed, not taken from the models: a field added later is released only when it is added here, so a
new field never reaches the public by default. Foreign keys name the other table's key (a slug where the record has
one, else its id), so the package's schemas let a validator check every link.
"""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import models
from django_countries.fields import CountryField

from .. import selectors
from ..geometry import wkt
from ..models import (
    Actor,
    ActorAlias,
    ActorIdentifier,
    Citation,
    DamageReport,
    Designation,
    DisturbanceCategory,
    DisturbanceCause,
    Event,
    EventFigure,
    EventParticipant,
    EventType,
    Occupation,
    Period,
    PeriodIdentifier,
    QuantityUnit,
    Site,
    SiteCondition,
    SiteExtent,
    SiteIdentifier,
    SiteName,
    SitePeriod,
    Source,
    SourceType,
    Structure,
    Threat,
)
from ..spreadsheets import escape_formula

# Table Schema types of model fields, most specific first (a DateTimeField is a DateField); any other is a string.
TYPES = (
    (models.BooleanField, "boolean"),
    (models.IntegerField, "integer"),
    (models.DecimalField, "number"),
    (models.DateTimeField, "datetime"),
    (models.DateField, "date"),
)


def schema_type(model_field):
    if model_field.is_relation:
        return schema_type(model_field.target_field)
    for classes, name in TYPES:
        if isinstance(model_field, classes):
            return name
    return "string"


def cell(value):
    """A value as its CSV cell: ISO dates, true/false, plain numbers; text escaped against formulas."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime.datetime):
        return value.astimezone(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    if isinstance(value, datetime.date | int | Decimal):
        return str(value)
    return escape_formula(str(value))


@dataclass
class Column:
    name: str
    lookup: str  # what `.values()` reads
    type: str
    description: str
    reference: tuple | None = None  # (model, its key column) for a foreign key
    enum: list | None = None


@dataclass
class Table:
    """A table of the release: its name (and file, data/NAME.csv), model, key column and columns."""

    name: str
    model: type
    records: object  # user -> queryset
    fields: list
    description: str
    key: str = "id"
    computed: dict = field(default_factory=dict)  # column name -> (lookups read, function of them, schema type)

    def columns(self):
        result = []
        for name in self.fields:
            if name in self.computed:
                lookups, _function, kind, description = self.computed[name]
                result.append(Column(name, lookups[0], kind, description))
                continue
            model_field = self.model._meta.get_field(name)
            description = str(model_field.help_text or model_field.verbose_name)
            if model_field.is_relation:
                target = model_field.related_model
                key = key_of(target)
                column = Column(
                    name, f"{name}__{key}", schema_type(target._meta.get_field(key)), description, (target, key)
                )
            else:
                # A choice field's values are an enum the validator checks; not countries' (ISO 3166-1, 250 codes).
                choices = (
                    [] if isinstance(model_field, CountryField) else [str(v) for v, _ in model_field.choices or ()]
                )
                column = Column(name, name, schema_type(model_field), description, enum=choices or None)
            result.append(column)
        return result

    def rows(self, user):
        """The rows `user` may read, as CSV cells, in the API's order (every ordering ends with the key)."""
        columns = self.columns()
        lookups = []
        for column in columns:
            needed = self.computed[column.name][0] if column.name in self.computed else (column.lookup,)
            lookups.extend(lookup for lookup in needed if lookup not in lookups)
        queryset = self.records(user).prefetch_related(None).values(*lookups)
        for values in queryset.iterator(chunk_size=2000):
            row = []
            for column in columns:
                if column.name in self.computed:
                    needed, function, _kind, _description = self.computed[column.name]
                    row.append(cell(function(user, *(values[lookup] for lookup in needed))))
                else:
                    row.append(cell(values[column.lookup]))
            yield row


def key_of(model):
    return "slug" if any(f.name == "slug" and f.unique for f in model._meta.fields) else "id"


def public_coordinate(axis):
    def value(user, latitude, longitude, is_sensitive):
        site = Site(latitude=latitude, longitude=longitude, is_sensitive=is_sensitive)
        return site.coordinates_for(user)[axis]

    return value


def public_geometry(user, geometry, is_sensitive):
    return wkt([SiteExtent(geometry=geometry).geometry_for(user, site=Site(is_sensitive=is_sensitive))])


LOCATION = ("latitude", "longitude", "is_sensitive")
QUANTITY = ["quantity_min", "quantity_max", "quantity_qualifier", "quantity_unit"]


def dated(name):
    return [name, f"{name}_earliest", f"{name}_latest"]


def of_sites(model):
    return lambda user: model.objects.visible_to(user).filter(site__in=selectors.sites(user).values("pk"))


def of(model, parent, parent_selector):
    return lambda user: model.objects.visible_to(user).filter(**{f"{parent}__in": parent_selector(user).values("pk")})


def terms(model):
    return lambda user: selectors.terms(model, user)


TERM_FIELDS = ["slug", "label", "label_ar", "scope_note", "scope_note_ar", "scheme", "is_active"]

TABLES = [
    Table(
        "sites",
        Site,
        selectors.sites,
        [
            "slug",
            "name",
            "kind",
            "country",
            "description",
            "latitude",
            "longitude",
            "location_certainty",
            "condition",
            "condition_assessed",
            "damage_extent",
            "last_updated",
        ],
        "Heritage places. A sensitive site's coordinates are rounded to 0.1 degree, as the public sees them.",
        key="slug",
        computed={
            "latitude": (LOCATION, public_coordinate(0), "number", "WGS84 latitude, degrees (public precision)."),
            "longitude": (LOCATION, public_coordinate(1), "number", "WGS84 longitude, degrees (public precision)."),
        },
    ),
    Table(
        "site_names",
        SiteName,
        of_sites(SiteName),
        ["id", "site", "name", "kind", "language", "attested_from", "attested_to"],
        "Other names of sites.",
    ),
    Table(
        "site_identifiers",
        SiteIdentifier,
        of_sites(SiteIdentifier),
        ["id", "site", "scheme", "value"],
        "Sites' identifiers in other registers (Wikidata, Pleiades, EAMENA...).",
    ),
    Table(
        "site_extents",
        SiteExtent,
        of_sites(SiteExtent),
        ["id", "site", "position", "geometry", "qualifier", "certainty"],
        "Shapes of sites as WKT (WGS84 longitude latitude); a sensitive site's as the public sees them.",
        computed={
            "geometry": (("geometry", "site__is_sensitive"), public_geometry, "string", "The shape, as WKT."),
        },
    ),
    Table(
        "structures",
        Structure,
        of_sites(Structure),
        ["id", "site", "slug", "name", "description"],
        "Named structures within sites.",
    ),
    Table(
        "designations",
        Designation,
        of_sites(Designation),
        ["id", "site", "kind", "granted_by", "reference", *dated("valid_from"), *dated("valid_to"), "justification"],
        "Protected statuses of sites over time (EDTF dates with their earliest and latest days).",
    ),
    Table(
        "periods",
        Period,
        selectors.periods,
        [
            "slug",
            "name",
            "label",
            "start_earliest",
            "start_latest",
            "stop_earliest",
            "stop_latest",
            "spatial_coverage",
            "description",
        ],
        "Named spans of history; years astronomical (1 BCE is 0).",
        key="slug",
    ),
    Table(
        "period_identifiers",
        PeriodIdentifier,
        of(PeriodIdentifier, "period", selectors.periods),
        ["id", "period", "scheme", "value"],
        "Periods' identifiers (PeriodO, Pleiades).",
    ),
    Table(
        "site_periods",
        SitePeriod,
        of_sites(SitePeriod),
        ["id", "site", "period"],
        "The periods sites' remains date from.",
    ),
    Table(
        "actors",
        Actor,
        selectors.actors,
        ["slug", "name", "kind", "country", "parent", "description"],
        "Parties named in the record.",
        key="slug",
    ),
    Table(
        "actor_aliases",
        ActorAlias,
        of(ActorAlias, "actor", selectors.actors),
        ["id", "actor", "name", "language"],
        "Other names of actors.",
    ),
    Table(
        "actor_identifiers",
        ActorIdentifier,
        of(ActorIdentifier, "actor", selectors.actors),
        ["id", "actor", "scheme", "value"],
        "Actors' identifiers (Wikidata).",
    ),
    Table(
        "occupations",
        Occupation,
        selectors.occupations,
        [
            "slug",
            "site",
            "occupier",
            *dated("started"),
            "started_inferred",
            *dated("ended"),
            "ended_inferred",
            "dating_note",
            "end_kind",
            "ending_event",
            *QUANTITY,
            "description",
        ],
        "Armed actors' control of sites; the quantity is the reported duration.",
        key="slug",
    ),
    Table(
        "events",
        Event,
        selectors.events,
        [
            "slug",
            "title",
            "kind",
            "site",
            "part_of",
            *dated("occurred"),
            "occurred_inferred",
            "dating_note",
            "description",
            "statement",
        ],
        "Dated happenings.",
        key="slug",
    ),
    Table(
        "event_participants",
        EventParticipant,
        of(EventParticipant, "event", selectors.events),
        ["id", "event", "actor", "role", "description"],
        "Actors' parts in events.",
    ),
    Table(
        "event_figures",
        EventFigure,
        of(EventFigure, "event", selectors.events),
        ["id", "event", "measure", *QUANTITY],
        "Numbers reported about events.",
    ),
    Table(
        "damage_reports",
        DamageReport,
        selectors.damage_reports,
        [
            "slug",
            "site",
            "structure",
            "cause",
            "severity",
            "extent",
            "is_permanent",
            *dated("occurred"),
            "occurred_inferred",
            "occupation",
            "dating_note",
            "perpetrator",
            "certainty",
            "status",
            "description",
        ],
        "Observations that a site or structure was damaged.",
        key="slug",
    ),
    Table(
        "threats",
        Threat,
        selectors.threats,
        [
            "slug",
            "site",
            "cause",
            "endangers",
            "consequence",
            *QUANTITY,
            *dated("observed"),
            "certainty",
            "probability",
            "status",
            "description",
        ],
        "Present dangers to sites or their people.",
        key="slug",
    ),
    Table(
        "sources",
        Source,
        selectors.sources,
        [
            "slug",
            "title",
            "kind",
            "publisher",
            "url",
            "published",
            "language",
            "direction",
            "text_sha256",
            "text_length",
            "original_media_type",
            "original_size",
            "original_sha256",
            "retrieved",
            "archive_url",
            "supersedes",
            "notes",
        ],
        "Documents the record rests on (their texts are not included: see the citations' quotes, and text_sha256).",
        key="slug",
    ),
    Table(
        "citations",
        Citation,
        selectors.citations,
        ["id", "source", "quote", "char_start", "char_end", "attributed_to", "attribution"],
        "Passages of sources: the verbatim quote at its character offsets, and who made the claim.",
    ),
    Table("event_types", EventType, terms(EventType), TERM_FIELDS, "Vocabulary: kinds of event.", key="slug"),
    Table(
        "quantity_units", QuantityUnit, terms(QuantityUnit), TERM_FIELDS, "Vocabulary: units of quantities.", key="slug"
    ),
    Table("source_types", SourceType, terms(SourceType), TERM_FIELDS, "Vocabulary: kinds of source.", key="slug"),
    Table(
        "disturbance_categories",
        DisturbanceCategory,
        terms(DisturbanceCategory),
        TERM_FIELDS,
        "Vocabulary: EAMENA disturbance categories.",
        key="slug",
    ),
    Table(
        "disturbance_causes",
        DisturbanceCause,
        terms(DisturbanceCause),
        [*TERM_FIELDS, "category"],
        "Vocabulary: EAMENA disturbance causes.",
        key="slug",
    ),
    Table(
        "site_conditions",
        SiteCondition,
        terms(SiteCondition),
        TERM_FIELDS,
        "Vocabulary: EAMENA site conditions.",
        key="slug",
    ),
]
TABLE_OF_MODEL = {table.model: table for table in TABLES}


def citation_links(user):
    """
    The `citation_links` table: (table, record's key, citation id) for every released record that cites a
    passage, by table, record and citation. One table rather than one per kind of record: a spreadsheet joins once.
    """
    citations = selectors.citations(user).values("pk")
    for table in TABLES:
        if not any(f.name == "citations" for f in table.model._meta.many_to_many):
            continue
        through = table.model.citations.through
        column = f"{table.model._meta.model_name}"
        links = (
            through.objects.filter(**{f"{column}__in": table.records(user).values("pk"), "citation__in": citations})
            .values_list(f"{column}__{table.key}", "citation_id")
            .order_by(f"{column}__{table.key}", "citation_id")
        )
        for record, citation in links.iterator(chunk_size=2000):
            yield [table.name, cell(record), str(citation)]


CITATION_LINK_COLUMNS = [
    Column("table", "", "string", "The table of the record that cites the passage.", enum=None),
    Column("record", "", "string", "The record's key in that table (its slug, or its id)."),
    Column("citation", "", "integer", "The passage it cites.", (Citation, "id")),
]
