"""Damage reports (with the verification workflow), threats, and the disturbance-cause vocabulary."""

from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db.models import Count
from import_export.formats.base_formats import CSV, XLSX

from ..choices import CurationStatus
from ..models import DamageReport, DisturbanceCause, Threat
from ..resources import DamageReportResource
from ..services import change_damage_report_status
from .base import ImportExportRecordAdmin, RecordAdmin


def workflow_action(status, description):
    """An admin action moving the selected damage reports to `status`, each through the workflow service."""

    def action(modeladmin, request, queryset):
        moved = 0
        for report in queryset:
            try:
                change_damage_report_status(report=report, status=status, user=request.user)
            except ValidationError as exc:
                # Each refusal names its report; the others still move (each move is its own transaction).
                for message in exc.message_dict.get("status", exc.messages):
                    modeladmin.message_user(request, message, messages.ERROR)
            else:
                moved += 1
        if moved:
            label = CurationStatus(status).label.lower()
            modeladmin.message_user(request, f"{moved} damage report(s) marked {label}.", messages.SUCCESS)

    action.__name__ = f"mark_{status}"
    return admin.action(description=description, permissions=["change_status"])(action)


@admin.register(DamageReport)
class DamageReportAdmin(ImportExportRecordAdmin):
    resource_classes = [DamageReportResource]
    ordering = ["site__name", "occurred_earliest", "slug"]  # explicit: the annotated queryset drops Meta.ordering
    formats = [CSV, XLSX]
    list_display = [
        "slug",
        "site",
        "cause",
        "severity",
        "extent",
        "certainty",
        "status",
        "occurred",
        "occurred_earliest",
        "occurred_latest",
        "perpetrator",
        "citation_count",
    ]
    list_filter = [
        "site__country",
        ("cause", admin.RelatedOnlyFieldListFilter),
        "cause__category",
        "severity",
        "extent",
        "certainty",
        "status",
        "occurred_inferred",
        ("perpetrator", admin.RelatedOnlyFieldListFilter),
        ("site__periods", admin.RelatedOnlyFieldListFilter),
        "site__designations__kind",
    ]
    search_fields = [
        "slug",
        "description",
        "site__name",
        "site__names__name",
        "structure__name",
        "cause__name",
        "perpetrator__name",
        "perpetrator__aliases__name",
    ]
    list_select_related = ["site", "cause", "perpetrator"]
    autocomplete_fields = ["site", "structure", "cause", "occupation", "perpetrator"]
    date_hierarchy = "occurred_earliest"
    prepopulated_fields = {"slug": ["description"]}
    actions = [
        workflow_action(CurationStatus.REPORTED, "Mark selected damage reports as reported"),
        workflow_action(CurationStatus.VERIFIED, "Verify selected damage reports (each needs a citation)"),
        workflow_action(CurationStatus.DISPUTED, "Mark selected damage reports as disputed"),
        workflow_action(CurationStatus.RETRACTED, "Retract selected damage reports"),
    ]
    fieldsets = [
        (None, {"fields": ["slug", "site", "structure", "description"]}),
        ("What", {"fields": ["cause", "severity", "extent", "is_permanent", "perpetrator", "certainty"]}),
        (
            "When",
            {
                "fields": [
                    ("occurred", "occurred_earliest", "occurred_latest"),
                    "occupation",
                    "occurred_inferred",
                    "dating_note",
                ]
            },
        ),
        ("Sources", {"fields": ["citations"]}),
        (
            "Verification",
            {
                "fields": ["status", "status_changed_by", "status_changed_at"],
                "description": "The status changes only through the actions on the list of damage reports.",
            },
        ),
        ("Record", {"fields": ["created", "last_updated"], "classes": ["collapse"]}),
    ]

    def get_readonly_fields(self, request, obj=None):
        # The status is the workflow's: a new report starts as a draft, and only the actions move it.
        return [*super().get_readonly_fields(request, obj), "status", "status_changed_by", "status_changed_at"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(citation_total=Count("citations", distinct=True))

    @admin.display(description="citations", ordering="citation_total")
    def citation_count(self, report):
        return report.citation_total

    def has_change_status_permission(self, request):
        return request.user.has_perm("records.change_status_damagereport")


@admin.register(Threat)
class ThreatAdmin(RecordAdmin):
    list_display = ["slug", "site", "cause", "endangers", "quantity_display", "observed", "certainty", "status"]
    list_filter = ["site__country", ("cause", admin.RelatedOnlyFieldListFilter), "endangers", "certainty", "status"]
    search_fields = ["slug", "site__name", "site__names__name", "cause__name", "consequence", "description"]
    list_select_related = ["site", "cause"]
    autocomplete_fields = ["site", "cause"]
    date_hierarchy = "observed_earliest"
    fieldsets = [
        (None, {"fields": ["slug", "site", "cause", "endangers", "consequence", "description"]}),
        (
            "When and how sure",
            {"fields": [("observed", "observed_earliest", "observed_latest"), "certainty", "status"]},
        ),
        ("Number as reported", {"fields": [("quantity_min", "quantity_max", "quantity_qualifier", "quantity_unit")]}),
        ("Sources", {"fields": ["citations"]}),
        ("Record", {"fields": ["created", "last_updated"], "classes": ["collapse"]}),
    ]


@admin.register(DisturbanceCause)
class DisturbanceCauseAdmin(RecordAdmin):
    list_display = ["name", "category", "scheme", "slug"]
    list_filter = ["category", "scheme"]
    search_fields = ["name", "slug", "scope_note"]
    prepopulated_fields = {"slug": ["name"]}
