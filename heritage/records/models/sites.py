"""Heritage places: their names, structures, protected statuses and the periods their remains date from."""

from decimal import Decimal

from django.db import models
from django.db.models import Q

from ..choices import DamageExtent, DesignationKind, GeometryQualifier, LocationCertainty, NameKind, SiteKind
from ..dates import validate_edtf
from ..geometry import (
    exact_range_condition,
    public_coordinate,
    public_geometry,
    public_range_condition,
    validate_geometry,
)
from ..languages import LanguageTagField
from .base import (
    CitedRecord,
    CountryField,
    RecordManager,
    RecordQuerySet,
    SlugManager,
    SlugNaturalKeyMixin,
    TermForeignKey,
    UncertainDatesMixin,
    bounds_in_order,
    date_bound_constraints,
    may_view,
    ordering_indexes,
    search_entries,
    updated_index,
)


def may_see_exact_locations(user):
    """Whether `user` may see sensitive sites' exact coordinates: those who may view sites (curators, researchers)."""
    return may_view(user, Site)


def shows_exact_location(is_sensitive, user):
    """Whether `user` sees the exact location of a site whose sensitivity is `is_sensitive`."""
    return not is_sensitive or may_see_exact_locations(user)


def visible_coordinates(latitude, longitude, is_sensitive, user):
    """A site's (latitude, longitude) as `user` may see them (see `Site.coordinates_for`)."""
    if latitude is None or longitude is None:
        return None, None
    if not shows_exact_location(is_sensitive, user):
        return public_coordinate(latitude), public_coordinate(longitude)
    return latitude, longitude


def visible_geometry(geometry, is_sensitive, user):
    """An extent's geometry as `user` may see it: exact, or coarsened (public_geometry) for a sensitive site."""
    return geometry if shows_exact_location(is_sensitive, user) else public_geometry(geometry)


class SiteQuerySet(RecordQuerySet):
    def located_within(self, min_lon, min_lat, max_lon, max_lat, *, user):
        """
        Sites whose location, as `user` may see it (`Site.coordinates_for`), lies inside the box, edges included. So
        a location filter never tells anyone more than the coordinates they are shown: for those who may not see
        exact locations, a sensitive site matches by its public point, and no box, however small, narrows it
        further. min_lon > max_lon is a box across the antimeridian.
        """
        longitudes = [(min_lon, max_lon)] if min_lon <= max_lon else [(min_lon, Decimal(180)), (Decimal(-180), max_lon)]

        def inside(condition):
            box = condition("latitude", min_lat, max_lat)
            across = Q()
            for low, high in longitudes:
                across |= condition("longitude", low, high)
            return box & across

        if may_see_exact_locations(user):
            return self.filter(inside(exact_range_condition))
        return self.filter(
            (Q(is_sensitive=False) & inside(exact_range_condition))
            | (Q(is_sensitive=True) & inside(public_range_condition))
        )


class Site(SlugNaturalKeyMixin, CitedRecord):
    """
    A heritage place: an ancient city, a monument, a museum.

    The location is optional (many sources give none) and, when given, is a WGS84 point with a statement of how
    certain it is.
    """

    slug = models.SlugField(verbose_name="slug", max_length=100, unique=True)
    name = models.CharField(verbose_name="name", max_length=200, db_index=True)
    kind = models.CharField(verbose_name="kind", max_length=30, choices=SiteKind.choices)
    country = CountryField(verbose_name="country", help_text="ISO 3166-1 country the site lies in.", db_index=True)
    description = models.TextField(verbose_name="description", blank=True)
    latitude = models.DecimalField(
        verbose_name="latitude", max_digits=9, decimal_places=6, null=True, blank=True, help_text="WGS84, degrees."
    )
    longitude = models.DecimalField(
        verbose_name="longitude", max_digits=9, decimal_places=6, null=True, blank=True, help_text="WGS84, degrees."
    )
    location_certainty = models.CharField(
        verbose_name="location certainty", max_length=10, choices=LocationCertainty.choices, blank=True
    )
    is_sensitive = models.BooleanField(
        verbose_name="sensitive location",
        default=False,
        help_text="At risk of looting: the public sees its coordinates only to 0.1 degree (about 11 km).",
    )
    condition = TermForeignKey(
        "records.SiteCondition",
        related_name="sites",
        null=True,
        blank=True,
        verbose_name="overall condition",
        help_text="EAMENA's overall site condition, as last assessed.",
    )
    condition_assessed = models.DateField(
        verbose_name="condition assessed", null=True, blank=True, help_text="When the condition was assessed."
    )
    damage_extent = models.CharField(
        verbose_name="damage extent",
        max_length=10,
        choices=DamageExtent.choices,
        blank=True,
        help_text="How much of the site shows damage, in EAMENA's bands, as last assessed; empty if not assessed.",
    )
    periods = models.ManyToManyField(
        to="records.Period",
        through="records.SitePeriod",
        related_name="sites",
        blank=True,
        verbose_name="periods",
        help_text="The periods its remains date from.",
    )

    objects = SlugManager.from_queryset(SiteQuerySet)()

    search_entries = search_entries()

    class Meta:
        ordering = ["name"]
        indexes = [updated_index("site"), *ordering_indexes("site", "kind", "created")]
        verbose_name = "site"
        verbose_name_plural = "sites"
        constraints = [
            models.CheckConstraint(
                condition=Q(latitude__isnull=True) | Q(latitude__gte=-90, latitude__lte=90),
                name="records_site_latitude_range",
                violation_error_message="Latitude must be between -90 and 90 degrees.",
            ),
            models.CheckConstraint(
                condition=Q(longitude__isnull=True) | Q(longitude__gte=-180, longitude__lte=180),
                name="records_site_longitude_range",
                violation_error_message="Longitude must be between -180 and 180 degrees.",
            ),
            models.CheckConstraint(
                condition=(Q(latitude__isnull=True) & Q(longitude__isnull=True) & Q(location_certainty=""))
                | (Q(latitude__isnull=False) & Q(longitude__isnull=False) & ~Q(location_certainty="")),
                name="records_site_location_complete",
                violation_error_message="A location needs latitude, longitude and its certainty, or none of them.",
            ),
            models.CheckConstraint(
                condition=Q(condition_assessed__isnull=True) | Q(condition__isnull=False),
                name="records_site_condition_assessed_needs_condition",
                violation_error_message="An assessment date (condition assessed) needs the condition assessed.",
            ),
        ]

    def __str__(self):
        return self.name

    @property
    def has_location(self):
        return self.latitude is not None and self.longitude is not None

    def coordinates_for(self, user):
        """
        (latitude, longitude) as `user` may see them: exact for signed-in curators and researchers (anyone with
        permission to view sites), rounded to 0.1 degree for everyone else when the site is sensitive.
        """
        return visible_coordinates(self.latitude, self.longitude, self.is_sensitive, user)

    def shows_exact_location_to(self, user):
        return shows_exact_location(self.is_sensitive, user)


class SiteNameManager(RecordManager):
    def get_by_natural_key(self, site_slug, name):
        return self.get(site__slug=site_slug, name=name)


class SiteName(CitedRecord):
    """
    Another name of a site: a local or historical name (Tadmor, تدمر), an epithet ("Pearl of the Middle East").

    A historical name may say when it is attested: the span of years its sources use it (`attested_from`,
    `attested_to`, astronomical years like a period's), and the periods it is attested in, as a gazetteer such as
    Pleiades records them.
    """

    site = models.ForeignKey(to=Site, on_delete=models.CASCADE, related_name="names", verbose_name="site")
    name = models.CharField(verbose_name="name", max_length=200)
    kind = models.CharField(verbose_name="kind", max_length=20, choices=NameKind.choices)
    language = LanguageTagField(verbose_name="language", blank=True)
    attested_from = models.IntegerField(
        verbose_name="attested from",
        null=True,
        blank=True,
        help_text="The first year the name is attested, astronomical (1 BCE is 0, 300 BCE is -299).",
    )
    attested_to = models.IntegerField(
        verbose_name="attested to",
        null=True,
        blank=True,
        help_text="The last year the name is attested, astronomical; a gazetteer's far-future year means still used.",
    )
    periods = models.ManyToManyField(
        to="records.Period",
        related_name="site_names",
        blank=True,
        verbose_name="attested in",
        help_text="The periods the name is attested in.",
    )

    objects = SiteNameManager()

    class Meta:
        ordering = ["site", "kind", "name"]
        verbose_name = "site name"
        verbose_name_plural = "site names"
        constraints = [
            models.UniqueConstraint(
                fields=["site", "name"],
                name="records_sitename_unique_name_per_site",
                violation_error_message="This site already has this name.",
            ),
            bounds_in_order(
                "sitename",
                "attestation",
                "attested_from",
                "attested_to",
                "The name's last attested year (attested to) must not be before its first (attested from).",
            ),
        ]

    def __str__(self):
        return f"{self.name} ({self.get_kind_display().lower()})"

    def natural_key(self):
        return (*self.site.natural_key(), self.name)

    natural_key.dependencies = ["records.site"]


class SiteExtentManager(RecordManager):
    def get_by_natural_key(self, site_slug, position):
        return self.get(site__slug=site_slug, position=position)


class SiteExtent(CitedRecord):
    """
    A shape of a site beside its representative point: the perimeter of its remains, its centre as a survey placed
    it, several find spots. `geometry` is a GeoJSON geometry (WGS84 longitude, latitude; see geometry.py), with what
    it outlines (`qualifier`) and how certain it is. A sensitive site's extents are shown exactly only to those who
    may see exact locations; everyone else sees them coarsened (`geometry_for`).
    """

    site = models.ForeignKey(to=Site, on_delete=models.CASCADE, related_name="extents", verbose_name="site")
    position = models.PositiveSmallIntegerField(
        verbose_name="position", help_text="Its place among the site's extents (1, 2, …), as the source lists them."
    )
    geometry = models.JSONField(
        verbose_name="geometry",
        validators=[validate_geometry],
        help_text='A GeoJSON geometry, e.g. {"type": "Polygon", "coordinates": [[[lon, lat], …]]}.',
    )
    qualifier = models.CharField(
        verbose_name="qualifier",
        max_length=20,
        choices=GeometryQualifier.choices,
        blank=True,
        help_text="What the shape outlines, when the source says.",
    )
    certainty = models.CharField(
        verbose_name="certainty",
        max_length=10,
        choices=LocationCertainty.choices,
        blank=True,
        help_text="How well the shape locates the site, when the source says.",
    )

    objects = SiteExtentManager()

    class Meta:
        ordering = ["site", "position"]
        verbose_name = "site extent"
        verbose_name_plural = "site extents"
        constraints = [
            models.UniqueConstraint(
                fields=["site", "position"],
                name="records_siteextent_unique_position",
                violation_error_message="This site already has an extent at this position.",
            ),
            models.CheckConstraint(
                condition=Q(position__gte=1),
                name="records_siteextent_position_positive",
                violation_error_message="An extent's position counts from 1.",
            ),
        ]

    def __str__(self):
        qualifier = f", {self.get_qualifier_display().lower()}" if self.qualifier else ""
        kind = self.geometry.get("type") if isinstance(self.geometry, dict) else None
        return f"{self.site}: {kind or 'geometry'} {self.position}{qualifier}"

    def natural_key(self):
        return (*self.site.natural_key(), self.position)

    natural_key.dependencies = ["records.site"]

    def geometry_for(self, user, site=None):
        """The geometry as `user` may see it: exact, or coarsened (geometry.public_geometry) for a sensitive site."""
        site = site or self.site
        return visible_geometry(self.geometry, site.is_sensitive, user)


class StructureManager(RecordManager):
    def get_by_natural_key(self, site_slug, slug):
        return self.get(site__slug=site_slug, slug=slug)


class Structure(CitedRecord):
    """A named structure within a site (a temple, an arch, a tower tomb) that a damage report can point at."""

    site = models.ForeignKey(to=Site, on_delete=models.PROTECT, related_name="structures", verbose_name="site")
    slug = models.SlugField(verbose_name="slug", max_length=100)
    name = models.CharField(verbose_name="name", max_length=200)
    description = models.TextField(verbose_name="description", blank=True)

    objects = StructureManager()

    class Meta:
        ordering = ["site", "name"]
        verbose_name = "structure"
        verbose_name_plural = "structures"
        constraints = [
            models.UniqueConstraint(
                fields=["site", "slug"],
                name="records_structure_unique_slug_per_site",
                violation_error_message="This site already has a structure with this slug.",
            ),
        ]

    def __str__(self):
        return f"{self.name}, {self.site}"

    def natural_key(self):
        return (*self.site.natural_key(), self.slug)

    natural_key.dependencies = ["records.site"]


class DesignationManager(RecordManager):
    def get_by_natural_key(self, site_slug, kind, valid_from):
        return self.get(site__slug=site_slug, kind=kind, valid_from=valid_from)


DESIGNATION_DATES = {
    "valid_from": ("valid_from_earliest", "valid_from_latest"),
    "valid_to": ("valid_to_earliest", "valid_to_latest"),
}


class Designation(UncertainDatesMixin, CitedRecord):
    """
    A protected status a site held over a span of time: inscription on the World Heritage List, listing as World
    Heritage in Danger, a national register entry. `valid_to` is empty while the status holds.
    """

    site = models.ForeignKey(to=Site, on_delete=models.PROTECT, related_name="designations", verbose_name="site")
    kind = models.CharField(verbose_name="kind", max_length=30, choices=DesignationKind.choices, db_index=True)
    granted_by = models.ForeignKey(
        to="records.Actor",
        on_delete=models.PROTECT,
        related_name="designations_granted",
        null=True,
        blank=True,
        verbose_name="granted by",
    )
    reference = models.CharField(
        verbose_name="reference number", max_length=50, blank=True, help_text="E.g. the World Heritage List number."
    )
    valid_from = models.CharField(verbose_name="from (EDTF)", max_length=100, validators=[validate_edtf])
    valid_from_earliest = models.DateField(verbose_name="from, earliest", null=True, blank=True, editable=False)
    valid_from_latest = models.DateField(verbose_name="from, latest", null=True, blank=True, editable=False)
    valid_to = models.CharField(
        verbose_name="to (EDTF)",
        max_length=100,
        blank=True,
        validators=[validate_edtf],
        help_text="Empty while it holds.",
    )
    valid_to_earliest = models.DateField(verbose_name="to, earliest", null=True, blank=True, editable=False)
    valid_to_latest = models.DateField(verbose_name="to, latest", null=True, blank=True, editable=False)
    justification = models.TextField(
        verbose_name="justification", blank=True, help_text="Why the status was granted, as the source states it."
    )

    edtf_fields = DESIGNATION_DATES

    objects = DesignationManager()

    class Meta:
        ordering = ["site", "valid_from_earliest", "kind"]
        verbose_name = "designation"
        verbose_name_plural = "designations"
        constraints = [
            models.UniqueConstraint(
                fields=["site", "kind", "valid_from"],
                name="records_designation_unique_per_site_kind_start",
                violation_error_message="This site already has this designation from this date.",
            ),
            bounds_in_order(
                "designation",
                "validity",
                "valid_from_earliest",
                "valid_to_latest",
                "The designation's end (valid_to) must not be before its start (valid_from).",
            ),
            *date_bound_constraints("designation", DESIGNATION_DATES),
        ]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.site} (from {self.valid_from})"

    def natural_key(self):
        return (*self.site.natural_key(), self.kind, self.valid_from)

    natural_key.dependencies = ["records.site"]

    @property
    def is_current(self):
        return self.holds(self.valid_to)

    @staticmethod
    def holds(valid_to):
        """Whether a designation ending at `valid_to` (EDTF) holds now: while it has no end."""
        return not valid_to

    @classmethod
    def in_danger(cls, designations):
        """Whether (kind, valid_to) pairs hold a current listing as World Heritage in Danger."""
        return any(kind == DesignationKind.WORLD_HERITAGE_IN_DANGER and cls.holds(end) for kind, end in designations)


class SitePeriodManager(RecordManager):
    def get_by_natural_key(self, site_slug, period_slug):
        return self.get(site__slug=site_slug, period__slug=period_slug)


class SitePeriod(CitedRecord):
    """The statement that a site has remains dating from a period ("dating back to the early second millennium BCE")."""

    site = models.ForeignKey(to=Site, on_delete=models.CASCADE, related_name="site_periods", verbose_name="site")
    period = models.ForeignKey(
        to="records.Period", on_delete=models.PROTECT, related_name="site_periods", verbose_name="period"
    )

    objects = SitePeriodManager()

    class Meta:
        ordering = ["site", "period"]
        verbose_name = "site period"
        verbose_name_plural = "site periods"
        constraints = [
            models.UniqueConstraint(
                fields=["site", "period"],
                name="records_siteperiod_unique",
                violation_error_message="This site is already linked to this period.",
            ),
        ]

    def __str__(self):
        return f"{self.site}: {self.period}"

    def natural_key(self):
        return (*self.site.natural_key(), *self.period.natural_key())

    natural_key.dependencies = ["records.site", "records.period"]
