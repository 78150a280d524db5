"""
The API of sites (`/api/v1/sites/`): heritage places with their other names, protected statuses, periods and
citations; their filters; and their GeoJSON.

A sensitive site (models/sites.py) shows its exact coordinates and extents only to users who may view sites;
everyone else gets them to 0.1 degree (extents.py), in every representation (JSON, CSV and GeoJSON, lists and
records, the body of a 412) and every location filter (`bbox` matches by the coordinates the user may see). Which
sites are sensitive is itself shown only to those users: to anyone else it would be a list of places worth looting.
The schema's example shows coarse, generic coordinates, never a real site's exact ones.
"""

from django.db.models import Exists, OuterRef, Q
from django_countries import countries
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiParameter,
    extend_schema,
    extend_schema_serializer,
    extend_schema_view,
)
from rest_framework import serializers

from .. import selectors
from ..choices import DamageExtent, DesignationKind, LocationCertainty, SiteKind
from ..models import (
    Actor,
    DamageReport,
    Designation,
    Period,
    Site,
    SiteCondition,
    SiteIdentifier,
    SiteName,
    SitePeriod,
    Structure,
)
from ..models.sites import may_see_exact_locations, visible_coordinates
from .common.fields import (
    BriefRelatedField,
    DerivedBooleanField,
    DerivedField,
    ItemsBooleanField,
    TermField,
    UncertainDateField,
    api_url,
)
from .common.filters import (
    BaseFilterSet,
    BBoxFilter,
    BooleanFilter,
    ChoiceFilter,
    choice_filter,
    fk_filters,
    ordering,
    search_filter,
    slug_filter,
    term_filter,
)
from .common.identifiers import IdentifierFilter, IdentifierSerializer, identifiers_field
from .common.nested import NestedItemSerializer
from .common.renderers import GEOJSON_LAYOUTS, GeoJSONRenderer, stream_geojson, stream_geojson_extents
from .common.serializers import RecordSerializer, citations_field, country_field
from .common.views import ExportMixin, RecordViewSet, document
from .extents import SiteExtentSerializer, keep_hidden_extents

# --- Filters ------------------------------------------------------------------------------------------------------


class SiteFilterSet(BaseFilterSet):
    q = search_filter("Case-insensitive search in the name, the other names (e.g. epithets) and the description.")
    slug = slug_filter()
    kind = choice_filter(SiteKind.choices, "Kind of site; repeat for any of several.")
    country = ChoiceFilter(
        choices=list(countries),
        distinct=False,
        help_text="ISO 3166-1 alpha-2 country code (e.g. SY); repeat for several.",
    )
    location_certainty = choice_filter(LocationCertainty.choices, "How well the coordinates locate the site.")
    condition = term_filter(SiteCondition, "Overall condition (/api/v1/site-conditions/); repeat for any of several.")
    damage_extent = choice_filter(DamageExtent.choices, "How much of the site shows damage (EAMENA's bands).")
    has_location = BooleanFilter(
        method="filter_has_location", help_text="true: sites with coordinates; false: sites without."
    )
    designation = choice_filter(
        DesignationKind.choices,
        "Sites that hold or held a protected status of this kind; repeat for any of several.",
        field_name="designations__kind",
        distinct=True,
    )
    in_danger = BooleanFilter(
        method="filter_in_danger",
        help_text="true: sites currently on the List of World Heritage in Danger (a designation with no end date).",
    )
    period_id, period = fk_filters("period", Period, field_name="periods", distinct=True)
    identifier = IdentifierFilter()
    occupied_by_id, occupied_by = fk_filters(
        "occupied_by", Actor, field_name="occupations__occupier", label="occupier (actor)", distinct=True
    )
    has_damage = BooleanFilter(
        method="filter_has_damage", help_text="true: sites with at least one damage report; false: sites with none."
    )
    bbox = BBoxFilter(
        method="filter_bbox",
        help_text="min_lon,min_lat,max_lon,max_lat (WGS84, RFC 7946 order): sites located inside the box, edges "
        "included. min_lon greater than max_lon means a box crossing the antimeridian. Unlocated sites never match.",
    )
    ordering = ordering("name", "slug", "kind", "country", "created", "last_updated")

    class Meta:
        model = Site
        fields = []

    def filter_q(self, queryset, name, value):
        other_names = SiteName.objects.filter(site=OuterRef("pk"), name__icontains=value)
        return queryset.filter(Q(name__icontains=value) | Q(description__icontains=value) | Exists(other_names))

    def filter_has_location(self, queryset, name, value):
        if value is None:
            return queryset
        located = Q(latitude__isnull=False, longitude__isnull=False)
        return queryset.filter(located) if value else queryset.exclude(located)

    def filter_in_danger(self, queryset, name, value):
        if value is None:
            return queryset
        current = Designation.objects.filter(
            site=OuterRef("pk"), kind=DesignationKind.WORLD_HERITAGE_IN_DANGER, valid_to=""
        )
        return queryset.filter(Exists(current)) if value else queryset.exclude(Exists(current))

    def filter_has_damage(self, queryset, name, value):
        if value is None:
            return queryset
        # Only the reports this user may read: a draft must not show through as "this site has damage".
        damaged = DamageReport.objects.visible_to(self.user).filter(site=OuterRef("pk"))
        return queryset.filter(Exists(damaged)) if value else queryset.exclude(Exists(damaged))

    def filter_bbox(self, queryset, name, value):
        if not value:
            return queryset
        # On the coordinates this user may see: a sensitive site matches by its public point (models/sites.py).
        return queryset.located_within(*value, user=self.user)


# --- Representations ----------------------------------------------------------------------------------------------

SITE_EXAMPLE = OpenApiExample(
    "A site",
    description="Coordinates of a sensitive site, as the public sees them: rounded to 0.1 degree.",
    response_only=True,
    value={
        "id": 1,
        "url": "https://heritage.example.org/api/v1/sites/example-tell/",
        "slug": "example-tell",
        "name": "Example Tell",
        "kind": "archaeological_site",
        "country": "SY",
        "country_name": "Syria",
        "description": "A settlement mound.",
        "latitude": "34.600000",
        "longitude": "38.300000",
        "location_certainty": "high",
        "is_sensitive": None,
        "names": [],
        "designations": [],
        "in_danger": False,
        "periods": [],
        "extents": [
            {
                "position": 1,
                "geometry": {
                    "type": "Polygon",
                    "coordinates": [[[38.2, 34.5], [38.4, 34.5], [38.4, 34.7], [38.2, 34.7], [38.2, 34.5]]],
                },
                "qualifier": "perimeter",
                "certainty": "high",
                "citations": [],
            }
        ],
        "identifiers": [],
        "citations": [],
        "created": "2026-01-01T00:00:00Z",
        "last_updated": "2026-01-01T00:00:00Z",
    },
)


class VisibleCoordinateField(serializers.DecimalField):
    """
    A site's latitude or longitude as the requesting user may see it (`Site.coordinates_for`). Without a request
    in the context (a serializer used outside a view) the user is unknown and gets the public coordinate: the safe
    default.
    """

    def __init__(self, axis, **kwargs):
        self.axis = ("latitude", "longitude").index(axis)
        kwargs.update(max_digits=9, decimal_places=6, required=False, allow_null=True, help_text="WGS84, degrees.")
        super().__init__(**kwargs)

    # The columns it is computed from, for the fast path (fast/rows.py), which also passes the requesting user.
    reads_user = True

    def get_attribute(self, instance):
        return instance.coordinates_for(getattr(self.context.get("request"), "user", None))[self.axis]

    def value_columns(self, model):
        return ["latitude", "longitude", "is_sensitive"]

    def from_values(self, latitude, longitude, is_sensitive, *, user):
        value = visible_coordinates(latitude, longitude, is_sensitive, user)[self.axis]
        return None if value is None else self.to_representation(value)


class VisibleSensitivityField(serializers.BooleanField):
    """
    Whether a site's location is sensitive, for users who may see exact locations (`may_see_exact_locations`); null
    for everyone else. Those of them who may change sites set and clear it.
    """

    def __init__(self, **kwargs):
        kwargs.update(
            required=False,
            allow_null=True,
            help_text="Sensitive location: the public sees the coordinates only to 0.1 degree. Shown only to users "
            "who may see exact locations (null for others), and set or cleared only by them.",
        )
        super().__init__(**kwargs)

    reads_user = True  # see VisibleCoordinateField

    def get_attribute(self, instance):
        return self.shown(instance.is_sensitive, getattr(self.context.get("request"), "user", None))

    @staticmethod
    def shown(is_sensitive, user):
        return is_sensitive if may_see_exact_locations(user) else None

    def to_representation(self, value):
        # A method of its own, so that the fast path never takes it for a plain column (fast/serializers.is_plain)
        # and reads the flag past get_attribute.
        return None if value is None else bool(value)

    def value_columns(self, model):
        return ["is_sensitive"]

    def from_values(self, is_sensitive, *, user):
        value = self.shown(is_sensitive, user)
        return None if value is None else self.to_representation(value)


def country_name(country):
    """The country's English name, from its code (or from the Country the model gives)."""
    return str(Site._meta.get_field("country").countries.name(country))


class SiteNameSerializer(NestedItemSerializer):
    """Another name of a site: local, historical, an epithet."""

    citations = citations_field()

    class Meta:
        model = SiteName
        fields = ["name", "kind", "language", "citations"]


class DesignationSerializer(NestedItemSerializer):
    """A protected status a site held over a span of time."""

    valid_from = UncertainDateField("valid_from", required=True, help_text="Since when (EDTF), with the bounds.")
    valid_to = UncertainDateField("valid_to", help_text="Until when (EDTF); empty while the status holds.")
    granted_by = BriefRelatedField(queryset=Actor.objects.all(), allow_null=True, required=False)
    is_current = DerivedBooleanField(Designation.holds, ["valid_to"], help_text="Whether it holds now (no end date).")
    citations = citations_field()

    class Meta:
        model = Designation
        fields = ["kind", "reference", "valid_from", "valid_to", "is_current", "granted_by", "citations"]

    @staticmethod
    def csv_label(item):
        """In CSV: `unesco_world_heritage from 1980 to 2016 (ref 23, by unesco)`."""
        text = f"{item['kind']} from {(item.get('valid_from') or {}).get('edtf') or '?'}"
        if (item.get("valid_to") or {}).get("edtf"):
            text += f" to {item['valid_to']['edtf']}"
        notes = [f"ref {item['reference']}" if item.get("reference") else ""]
        notes.append(f"by {item['granted_by']['slug']}" if item.get("granted_by") else "")
        notes = ", ".join(note for note in notes if note)
        return f"{text} ({notes})" if notes else text


class SitePeriodSerializer(NestedItemSerializer):
    """The statement that a site's remains date from a period, with the passages that say so."""

    period = BriefRelatedField(queryset=Period.objects.all())
    citations = citations_field()

    class Meta:
        model = SitePeriod
        fields = ["period", "citations"]


class SiteIdentifierSerializer(IdentifierSerializer):
    """A site's identifier in another register: its Pleiades place, World Heritage List entry, EAMENA ID."""

    class Meta(IdentifierSerializer.Meta):
        model = SiteIdentifier


class StructureSerializer(RecordSerializer):
    """A structure within a site, as damage reports nest it (structures have no resource of their own)."""

    class Meta:
        model = Structure
        fields = brief_fields = ["id", "slug", "name"]


@extend_schema_serializer(examples=[SITE_EXAMPLE])
class SiteSerializer(RecordSerializer):
    """
    A heritage place. Its `names`, `designations`, `periods`, `extents` and `identifiers` are written with it: a
    list sent replaces the site's list (common/nested.py). A sensitive site's coordinates are exact only for users who
    may view sites, and only they see its identifiers (common/identifiers.py).
    """

    url = api_url("site")
    country = country_field()
    country_name = DerivedField(country_name, ["country"])
    latitude = VisibleCoordinateField("latitude")
    longitude = VisibleCoordinateField("longitude")
    condition = TermField(
        queryset=SiteCondition.objects.all(),
        allow_null=True,
        required=False,
        help_text="EAMENA's overall site condition's slug (/api/v1/site-conditions/), or null.",
    )
    is_sensitive = VisibleSensitivityField()
    names = SiteNameSerializer(many=True, required=False, help_text="Other names: local, historical, epithets.")
    designations = DesignationSerializer(many=True, required=False, help_text="Protected statuses, past and present.")
    in_danger = ItemsBooleanField(
        Designation.in_danger,
        "designations",
        ["kind", "valid_to"],
        help_text="Currently on the List of World Heritage in Danger.",
    )
    periods = SitePeriodSerializer(
        source="site_periods", many=True, required=False, help_text="The periods its remains date from."
    )
    extents = SiteExtentSerializer(
        many=True, required=False, help_text="Its shapes (GeoJSON geometries) beside its point, by position."
    )
    identifiers = identifiers_field(SiteIdentifierSerializer)
    citations = citations_field()

    class Meta:
        model = Site
        brief_fields = ["id", "url", "slug", "name"]
        fields = [
            "id",
            "url",
            "slug",
            "name",
            "kind",
            "country",
            "country_name",
            "description",
            "latitude",
            "longitude",
            "location_certainty",
            "condition",
            "condition_assessed",
            "damage_extent",
            "is_sensitive",
            "names",
            "designations",
            "in_danger",
            "periods",
            "extents",
            "identifiers",
            "citations",
            "created",
            "last_updated",
        ]

    def validate(self, attrs):
        site = self.instance
        user = getattr(self.context.get("request"), "user", None)
        if site is not None and not site.shows_exact_location_to(user):
            # The client was shown the public point only: sending it back changes nothing; sending anything else
            # would overwrite a location it cannot see, and is refused.
            shown = dict(zip(("latitude", "longitude"), site.coordinates_for(user), strict=True))
            for name, value in shown.items():
                if name in attrs and attrs[name] != value:
                    raise serializers.ValidationError(
                        {name: "This site's exact location is hidden from you, so you cannot change it."}
                    )
                attrs.pop(name, None)
            keep_hidden_extents(site, attrs)
        return super().validate(attrs)

    def validate_is_sensitive(self, value):
        user = getattr(self.context.get("request"), "user", None)
        if not may_see_exact_locations(user):
            # Clearing the flag would show them the location it hides; setting it is refused too, so that the flag
            # has one rule: it is set and cleared by those who see what it hides. The null they were shown, sent back
            # (a GET then PUT), leaves it as it is.
            if value is not None:
                raise serializers.ValidationError(
                    "Only users who may see exact locations may set or clear whether a site is sensitive."
                )
            return (
                self.instance.is_sensitive
                if self.instance is not None
                else Site._meta.get_field("is_sensitive").get_default()
            )
        if value is None:
            raise serializers.ValidationError("Must be true or false.")
        return value


# --- Views --------------------------------------------------------------------------------------------------------


GEOMETRY_PARAMETER = OpenApiParameter(
    name="geometry",
    type=OpenApiTypes.STR,
    location=OpenApiParameter.QUERY,
    enum=list(GEOJSON_LAYOUTS),
    description="With format=geojson, what each feature is: "
    + "; ".join(f"`{name}`: {meaning}" for name, meaning in GEOJSON_LAYOUTS.items())
    + ". A FeatureCollection either way, but for one site's point.",
)


@extend_schema_view(
    list=extend_schema(parameters=[GEOMETRY_PARAMETER]), retrieve=extend_schema(parameters=[GEOMETRY_PARAMETER])
)
@document(SiteSerializer, geojson=True)
class SiteViewSet(RecordViewSet):
    """Heritage places, with their other names, protected statuses, periods, extents and citations."""

    selector = staticmethod(selectors.sites)
    serializer_class = SiteSerializer
    filterset_class = SiteFilterSet
    renderer_classes = [*RecordViewSet.renderer_classes, GeoJSONRenderer]
    export_formats = {**ExportMixin.export_formats, "geojson": ("application/geo+json", stream_geojson)}

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        if request.query_params.get("geometry", "point") not in GEOJSON_LAYOUTS:
            raise serializers.ValidationError({"geometry": [f"One of: {', '.join(GEOJSON_LAYOUTS)}."]})

    def export_format(self, request):
        export = super().export_format(request)
        if export is not None and export[1] is stream_geojson and request.query_params.get("geometry") == "extents":
            return export[0], stream_geojson_extents
        return export
