"""Sites (the curator's dossier page), their names, structures, designations, periods and extents."""

import orjson
from django import forms
from django.conf import settings
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Count, Q
from django.forms.fields import InvalidJSONInput

from ..models import DamageReport, Designation, Site, SiteExtent, SiteIdentifier, SiteName, SitePeriod, Structure
from ..models.sites import may_see_exact_locations, public_coordinate
from ..resources import SiteResource
from ..selectors import site_dossier
from .base import ImportExportRecordAdmin, RecordAdmin, SiteLocatedAdminMixin, StackedInline, TabularInline
from .identifiers import SiteIdentifierInline
from .imports import may_import

LOCATION_FIELDS = ("latitude", "longitude")


class SiteNameInline(TabularInline):
    # When and in which periods a name is attested is edited on the name's own page (the link): as table columns it
    # ran past a 1,280 px window.
    model = SiteName
    fields = ["name", "kind", "language"]
    show_change_link = True


class DesignationInline(StackedInline):
    # Stacked: as a table row, its dates (with what they were read as), grantor and reference ran 700 px past a
    # 1,280 px window.
    model = Designation
    fields = [
        ("kind", "granted_by", "reference"),
        ("valid_from", "valid_from_earliest", "valid_from_latest"),
        "valid_to",
    ]
    readonly_fields = ["valid_from_earliest", "valid_from_latest"]
    autocomplete_fields = ["granted_by"]


class SitePeriodInline(TabularInline):
    model = SitePeriod
    autocomplete_fields = ["period"]


class StructureInline(TabularInline):
    model = Structure
    prepopulated_fields = {"slug": ["name"]}


class GeometryFormField(forms.JSONField):
    """
    A GeoJSON geometry typed as JSON text. Parsed by orjson, as the API parses it: Python's json raises
    RecursionError on deep nesting and ValueError on integers of thousands of digits, which the form field would let
    through as a 500; orjson refuses the first and the model's check (geometry.py) the second, on the field. What was
    typed is shown again as it was typed.
    """

    widget = forms.Textarea(attrs={"rows": 4, "class": "vLargeTextField"})

    def to_python(self, value):
        if self.disabled or not isinstance(value, str):
            return super().to_python(value)
        if not value.strip():
            return None
        try:
            return orjson.loads(value)
        except orjson.JSONDecodeError as exc:
            raise ValidationError("Enter a GeoJSON geometry as JSON (%(reason)s).", params={"reason": exc}) from None

    def bound_data(self, data, initial):
        return (
            InvalidJSONInput(data) if isinstance(data, str) and not self.disabled else super().bound_data(data, initial)
        )


GEOMETRY_FIELD = {models.JSONField: {"form_class": GeometryFormField, "widget": GeometryFormField.widget}}


def shows_extents_of(site, user):
    """Whether the admin shows `user` the extents of `site` (any site on an add page): its exact shapes, or none."""
    return site is None or site.shows_exact_location_to(user)


class SiteExtentInline(StackedInline):
    """
    A site's shapes. A sensitive site's are shown only to those who may see its exact location (curators,
    researchers); for anyone else the inline is not there at all, so saving the site leaves them as they are.
    """

    model = SiteExtent
    fields = [("position", "qualifier", "certainty"), "geometry"]
    formfield_overrides = GEOMETRY_FIELD

    def has_view_permission(self, request, obj=None):
        return shows_extents_of(obj, request.user) and super().has_view_permission(request, obj)

    def has_add_permission(self, request, obj=None):
        return shows_extents_of(obj, request.user) and super().has_add_permission(request, obj)

    def has_change_permission(self, request, obj=None):
        return shows_extents_of(obj, request.user) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return shows_extents_of(obj, request.user) and super().has_delete_permission(request, obj)


@admin.register(Site)
class SiteAdmin(ImportExportRecordAdmin):
    """
    The dossier of a site: its fields and inlines, then (template admin/records/site/change_form.html) its
    timeline, map, occupations, damage reports, threats, events and every citation behind them.
    """

    resource_classes = [SiteResource]
    change_list_template = "admin/records/site/change_list.html"  # links the EAMENA import page
    revert_protected_fields = ("is_sensitive",)
    ordering = ["name"]  # explicit: the annotated (GROUP BY) queryset drops Meta.ordering
    list_display = ["name", "kind", "country", "designation_kinds", "damage_report_count", "location_certainty"]
    list_filter = ["country", "kind", "designations__kind", ("periods", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["name", "slug", "names__name", "description"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["condition"]
    inlines = [
        SiteNameInline,
        DesignationInline,
        SitePeriodInline,
        SiteExtentInline,
        StructureInline,
        SiteIdentifierInline,
    ]
    fieldsets = [
        (None, {"fields": ["name", "slug", "kind", "country", "description"]}),
        ("Location", {"fields": ["latitude", "longitude", "location_certainty", "is_sensitive"]}),
        ("Condition", {"fields": ["condition", "condition_assessed", "damage_extent"]}),
        ("Sources", {"fields": ["citations"]}),
        ("Record", {"fields": ["created", "last_updated"], "classes": ["collapse"]}),
    ]

    def get_inlines(self, request, obj):
        inlines = super().get_inlines(request, obj)
        if obj is not None and not SiteIdentifier.shown_with(obj, request.user):
            # A sensitive site's identifiers lead to its exact location (models/identifiers.py).
            return [inline for inline in inlines if inline is not SiteIdentifierInline]
        return inlines

    def get_queryset(self, request):
        # The damage reports the user may see: counting drafts would tell those who may not see them how many there
        # are, and sorting by the count, which sites have them.
        visible = DamageReport.objects.visible_to(request.user).values("pk")
        reports = Count("damage_reports", filter=Q(damage_reports__in=visible), distinct=True)
        return super().get_queryset(request).annotate(damage_report_total=reports).prefetch_related("designations")

    @admin.display(description="designations")
    def designation_kinds(self, site):
        return ", ".join(sorted({d.get_kind_display() for d in site.designations.all()})) or "—"

    @admin.display(description="damage reports", ordering="damage_report_total")
    def damage_report_count(self, site):
        return site.damage_report_total

    def changelist_view(self, request, extra_context=None):
        extra_context = {**(extra_context or {}), "may_import_eamena": may_import(request.user)}
        return super().changelist_view(request, extra_context)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        site = self.get_object(request, admin.utils.unquote(object_id))
        if site is not None:
            extra_context = {
                **(extra_context or {}),
                **site_dossier(site, request.user),
                "map_tiles": {"url": settings.MAP_TILE_URL, "attribution": settings.MAP_TILE_ATTRIBUTION},
            }
        return super().change_view(request, object_id, form_url, extra_context)

    # --- A sensitive site's location, for those who may not see it ------------------------------------------------
    # Everything the admin shows of a site (its form, the dossier and its map, a version from its history, the
    # changes its history lists) is built from the site as get_object() or get_form() hand it over, so the location
    # is replaced there by the public point, read-only; saving keeps the stored one (RecordAdmin.save_model).

    def get_object(self, request, object_id, from_field=None):
        site = super().get_object(request, object_id, from_field)
        return site if site is None else self.hide_exact_location(request, site)

    def get_form(self, request, obj=None, **kwargs):
        if obj is not None:
            self.hide_exact_location(request, obj)
        return super().get_form(request, obj, **kwargs)

    def get_readonly_fields(self, request, obj=None):
        fields = super().get_readonly_fields(request, obj)
        if not may_see_exact_locations(request.user) and "is_sensitive" not in fields:
            # Unticking it would show them the location it hides (the API refuses the same: api/sites.py).
            fields = [*fields, "is_sensitive"]
        return [*fields, *LOCATION_FIELDS] if getattr(obj, "location_hidden", False) else fields

    def set_history_delta_changes(self, request, historical_records, **kwargs):
        for version in historical_records:
            self.hide_exact_location(request, version)
        super().set_history_delta_changes(request, historical_records, **kwargs)

    def lookup_allowed(self, lookup, value, request=None):
        # ?latitude__gte=... on the list would find a sensitive site's exact location by bisection.
        if lookup.split("__")[0] in LOCATION_FIELDS and not may_see_exact_locations(getattr(request, "user", None)):
            return False
        return super().lookup_allowed(lookup, value, request)

    def hide_exact_location(self, request, site):
        """
        `site` (the record, or a version of it) with its coordinates as `request.user` may see them. A version is
        hidden if the site is sensitive now or was then: a version from before it was flagged holds the same place.
        """
        if getattr(site, "location_hidden", None) is not None or may_see_exact_locations(request.user):
            return site
        sensitive = site.is_sensitive or Site.objects.filter(pk=site.id, is_sensitive=True).exists()
        site.location_hidden = sensitive and site.latitude is not None
        if site.location_hidden:
            site.latitude, site.longitude = public_coordinate(site.latitude), public_coordinate(site.longitude)
        return site


@admin.register(SiteName)
class SiteNameAdmin(RecordAdmin):
    list_display = ["name", "kind", "language", "site"]
    list_filter = ["kind", "site__country"]
    search_fields = ["name", "site__name"]
    list_select_related = ["site"]
    autocomplete_fields = ["site"]


@admin.register(Structure)
class StructureAdmin(RecordAdmin):
    list_display = ["name", "site"]
    list_filter = ["site__country"]
    search_fields = ["name", "slug", "site__name"]
    list_select_related = ["site"]
    autocomplete_fields = ["site"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Designation)
class DesignationAdmin(RecordAdmin):
    list_display = ["site", "kind", "valid_from", "valid_from_earliest", "valid_to", "granted_by", "reference"]
    list_filter = ["kind", "site__country", ("granted_by", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["site__name", "reference", "justification"]
    list_select_related = ["site", "granted_by"]
    autocomplete_fields = ["site", "granted_by"]
    date_hierarchy = "valid_from_earliest"
    ordering = ["site__name", "valid_from_earliest"]


@admin.register(SitePeriod)
class SitePeriodAdmin(RecordAdmin):
    list_display = ["site", "period"]
    list_filter = [("period", admin.RelatedOnlyFieldListFilter), "site__country"]
    search_fields = ["site__name", "period__name"]
    list_select_related = ["site", "period"]
    autocomplete_fields = ["site", "period"]


@admin.register(SiteExtent)
class SiteExtentAdmin(SiteLocatedAdminMixin, RecordAdmin):
    """
    An extent's own page, where its citations are added. Those who may not see exact locations see no extent of a
    sensitive site: not in the list, its page, its history or an autocomplete (all start from get_queryset()).
    """

    list_display = ["site", "position", "qualifier", "certainty"]
    list_filter = ["qualifier", "certainty", "site__country"]
    search_fields = ["site__name"]
    list_select_related = ["site"]
    autocomplete_fields = ["site"]
    formfield_overrides = GEOMETRY_FIELD

    def get_queryset(self, request):
        extents = super().get_queryset(request)
        return extents if may_see_exact_locations(request.user) else extents.exclude(site__is_sensitive=True)
