"""Sites (the curator's dossier page), their names, structures, designations and periods."""

from django.contrib import admin
from django.db.models import Count
from import_export.formats.base_formats import CSV, XLSX

from ..models import Designation, Site, SiteName, SitePeriod, Structure
from ..resources import SiteResource
from ..selectors import site_dossier
from .base import ImportExportRecordAdmin, RecordAdmin, TabularInline


class SiteNameInline(TabularInline):
    model = SiteName


class DesignationInline(TabularInline):
    model = Designation
    fields = ["kind", "valid_from", "valid_from_earliest", "valid_from_latest", "valid_to", "granted_by", "reference"]
    readonly_fields = ["valid_from_earliest", "valid_from_latest"]
    autocomplete_fields = ["granted_by"]


class SitePeriodInline(TabularInline):
    model = SitePeriod
    autocomplete_fields = ["period"]


class StructureInline(TabularInline):
    model = Structure
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Site)
class SiteAdmin(ImportExportRecordAdmin):
    """
    The dossier of a site: its fields and inlines, then (template admin/records/site/change_form.html) its
    timeline, map, occupations, damage reports, threats, events and every citation behind them.
    """

    resource_classes = [SiteResource]
    ordering = ["name"]  # explicit: the annotated (GROUP BY) queryset drops Meta.ordering
    formats = [CSV, XLSX]
    list_display = ["name", "kind", "country", "designation_kinds", "damage_report_count", "location_certainty"]
    list_filter = ["country", "kind", "designations__kind", ("periods", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["name", "slug", "names__name", "description"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [SiteNameInline, DesignationInline, SitePeriodInline, StructureInline]
    fieldsets = [
        (None, {"fields": ["name", "slug", "kind", "country", "description"]}),
        ("Location", {"fields": ["latitude", "longitude", "location_certainty"]}),
        ("Sources", {"fields": ["citations"]}),
        ("Record", {"fields": ["created", "last_updated"], "classes": ["collapse"]}),
    ]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(damage_report_total=Count("damage_reports", distinct=True))
            .prefetch_related("designations")
        )

    @admin.display(description="designations")
    def designation_kinds(self, site):
        return ", ".join(sorted({d.get_kind_display() for d in site.designations.all()})) or "—"

    @admin.display(description="damage reports", ordering="damage_report_total")
    def damage_report_count(self, site):
        return site.damage_report_total

    def change_view(self, request, object_id, form_url="", extra_context=None):
        site = self.get_object(request, admin.utils.unquote(object_id))
        if site is not None:
            extra_context = {**(extra_context or {}), **site_dossier(site)}
        return super().change_view(request, object_id, form_url, extra_context)


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
