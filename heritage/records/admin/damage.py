"""Damage reports (with the verification workflow) and threats."""

from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db.models import Count

from ..choices import CurationStatus
from ..models import DamageReport, Threat
from ..resources import DamageReportResource
from ..services import change_status, may_change_status
from .base import ImportExportRecordAdmin, RecordAdmin


def workflow_action(status, description):
    """An admin action moving the selected records (damage reports, threats) to `status`, each through the workflow."""

    def action(modeladmin, request, queryset):
        moved = 0
        for record in queryset:
            try:
                change_status(record=record, status=status, user=request.user)
            except ValidationError as exc:
                # Each refusal names its record; the others still move (each move is its own transaction).
                for message in exc.message_dict.get("status", exc.messages):
                    modeladmin.message_user(request, message, messages.ERROR)
            else:
                moved += 1
        if moved:
            opts = modeladmin.model._meta
            name = opts.verbose_name if moved == 1 else opts.verbose_name_plural
            label = CurationStatus(status).label.lower()
            modeladmin.message_user(request, f"{moved} {name} marked {label}.", messages.SUCCESS)

    action.__name__ = f"mark_{status}"
    return admin.action(description=description, permissions=["change_status"])(action)


def workflow_actions(plural):
    """The workflow's actions on a list of `plural` (damage reports, threats)."""
    return [
        workflow_action(CurationStatus.REPORTED, f"Mark selected {plural} as reported"),
        workflow_action(CurationStatus.VERIFIED, f"Verify selected {plural} (each needs a citation)"),
        workflow_action(CurationStatus.DISPUTED, f"Mark selected {plural} as disputed"),
        workflow_action(CurationStatus.RETRACTED, f"Retract selected {plural}"),
    ]


# The form's last-but-one section for a record under the workflow.
VERIFICATION_FIELDSET = (
    "Verification",
    {
        "fields": ["status", "status_changed_by", "status_changed_at"],
        "description": "The status changes only through the actions on the list: select records, then an action.",
    },
)


class WorkflowAdminMixin:
    """
    The verification workflow in the admin of damage reports or threats: the status is read-only on the form (a new
    record starts as a draft), and the list's actions (`workflow_actions`) move the selected records, for users who
    may.
    """

    def get_readonly_fields(self, request, obj=None):
        return [*super().get_readonly_fields(request, obj), "status", "status_changed_by", "status_changed_at"]

    def has_change_status_permission(self, request):
        return may_change_status(request.user, self.model)


@admin.register(DamageReport)
class DamageReportAdmin(WorkflowAdminMixin, ImportExportRecordAdmin):
    resource_classes = [DamageReportResource]
    ordering = ["site__name", "occurred_earliest", "slug"]  # explicit: the annotated queryset drops Meta.ordering
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
        "cause__label",
        "perpetrator__name",
        "perpetrator__aliases__name",
    ]
    list_select_related = ["site", "cause", "perpetrator"]
    autocomplete_fields = ["site", "structure", "cause", "occupation", "perpetrator"]
    date_hierarchy = "occurred_earliest"
    prepopulated_fields = {"slug": ["description"]}
    actions = workflow_actions("damage reports")
    fieldsets = [
        (None, {"fields": ["site", "structure", "description", "slug"]}),
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
        VERIFICATION_FIELDSET,
        ("Record", {"fields": ["created", "last_updated"], "classes": ["collapse"]}),
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(citation_total=Count("citations", distinct=True))

    @admin.display(description="citations", ordering="citation_total")
    def citation_count(self, report):
        return report.citation_total


@admin.register(Threat)
class ThreatAdmin(WorkflowAdminMixin, RecordAdmin):
    list_display = ["slug", "site", "cause", "endangers", "quantity_display", "observed", "certainty", "status"]
    list_filter = ["site__country", ("cause", admin.RelatedOnlyFieldListFilter), "endangers", "certainty", "status"]
    search_fields = ["slug", "site__name", "site__names__name", "cause__label", "consequence", "description"]
    list_select_related = ["site", "cause", "quantity_unit"]
    autocomplete_fields = ["site", "cause", "quantity_unit"]
    date_hierarchy = "observed_earliest"
    fieldsets = [
        (None, {"fields": ["site", "cause", "endangers", "consequence", "description", "slug"]}),
        (
            "When and how sure",
            {"fields": [("observed", "observed_earliest", "observed_latest"), ("certainty", "probability")]},
        ),
        ("Number as reported", {"fields": [("quantity_min", "quantity_max", "quantity_qualifier", "quantity_unit")]}),
        ("Sources", {"fields": ["citations"]}),
        VERIFICATION_FIELDSET,
        ("Record", {"fields": ["created", "last_updated"], "classes": ["collapse"]}),
    ]
    prepopulated_fields = {"slug": ["description"]}
    actions = workflow_actions("threats")
