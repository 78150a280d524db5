"""
Deleting in the admin leaves a tombstone (changes.py) naming the curator and, if they say, why: the confirmation
pages of the kinds of record the API lists ask for a reason, and name only the records the user may see. The
tombstones themselves are listed, read-only, for those who may view them (the Curator group).
"""

from django.contrib import admin, messages
from django.contrib.admin.actions import delete_selected
from django.contrib.admin.utils import NestedObjects, quote
from django.db import router
from django.http import HttpResponseRedirect
from django.urls import NoReverseMatch, reverse
from django.utils.html import format_html
from django.utils.text import capfirst

from ...admin_input import CheckedInputMixin
from .. import selectors
from ..changes import deleting
from ..models import Deletion
from ..models.deletions import TRACKED

REASON_MAX_LENGTH = Deletion._meta.get_field("reason").max_length


def posted_reason(request):
    return request.POST.get("reason", "").strip()


def delete_selected_with_reason(modeladmin, request, queryset):
    """Django's "Delete selected" action, whose confirmation also asks why."""
    if request.POST.get("post") and modeladmin.refuse_bad_reason(request):
        return None  # back to the list, which shows the message
    response = delete_selected(modeladmin, request, queryset)
    if response is not None:  # the confirmation page, rendered after this
        response.context_data["reason_max_length"] = REASON_MAX_LENGTH
    return response


class TombstoneAdminMixin:
    """For a record's admin: deletions name who made them and why (see the module docstring)."""

    def __init__(self, model, admin_site):
        super().__init__(model, admin_site)
        if model._meta.model_name in TRACKED:
            self.delete_confirmation_template = "admin/records/tombstone_delete_confirmation.html"
            self.delete_selected_confirmation_template = "admin/records/tombstone_delete_selected_confirmation.html"

    def refuse_bad_reason(self, request):
        """
        Whether the posted reason cannot be kept (too long, or holding a NUL character, which PostgreSQL cannot
        store: the tombstone's write would fail with a 500); if so, the user is told why and nothing is deleted.
        """
        reason = posted_reason(request)
        if "\x00" in reason:
            problem = "The reason holds a NUL character, which no text column can store."
        elif len(reason) > REASON_MAX_LENGTH:
            problem = f"The reason is {len(reason)} characters long; at most {REASON_MAX_LENGTH} are kept."
        else:
            return False
        self.message_user(request, f"{problem} Nothing was deleted.", messages.ERROR)
        return True

    def delete_view(self, request, object_id, extra_context=None):
        if request.method == "POST" and self.refuse_bad_reason(request):
            return HttpResponseRedirect(request.get_full_path())
        extra_context = {"reason_max_length": REASON_MAX_LENGTH, **(extra_context or {})}
        return super().delete_view(request, object_id, extra_context)

    def get_deleted_objects(self, objs, request):
        """
        As Django's (what the deletion takes with it, and what keeps it from happening), but a record the user may
        not see (a draft, for one who may not view its kind) is neither named nor linked: "Damage report you may
        not see" among what goes with it, "1 damage report you may not see" among what protects it.
        """
        collector = NestedObjects(using=router.db_for_write(self.model), origin=objs)
        collector.collect(objs)
        collected = [*(obj for group in collector.data.values() for obj in group), *collector.protected]
        visible = selectors.visible_among(collected, request.user)
        perms_needed = set()

        def format_callback(obj):
            opts = obj._meta
            registered = self.admin_site.is_registered(type(obj))
            if registered and not self.admin_site.get_model_admin(type(obj)).has_delete_permission(request, obj):
                perms_needed.add(opts.verbose_name)
            if obj not in visible:
                return f"{capfirst(opts.verbose_name)} you may not see"
            try:
                url = reverse(f"{self.admin_site.name}:{opts.app_label}_{opts.model_name}_change", args=[quote(obj.pk)])
            except NoReverseMatch:
                registered = False
            if not registered:
                return f"{capfirst(opts.verbose_name)}: {obj}"
            return format_html('{}: <a href="{}">{}</a>', capfirst(opts.verbose_name), url, obj)

        to_delete = collector.nested(format_callback)
        protecting = list(collector.protected)
        named = [format_callback(obj) for obj in protecting]  # each noting the permission its deletion would need
        protected = [
            *(name for obj, name in zip(protecting, named, strict=True) if obj in visible),
            *selectors.unseen_counts(protecting, visible),
        ]
        model_count = {model._meta.verbose_name_plural: len(group) for model, group in collector.model_objs.items()}
        return to_delete, model_count, perms_needed, protected

    def delete_model(self, request, obj):
        with deleting(user=request.user, reason=posted_reason(request)):
            super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        with deleting(user=request.user, reason=posted_reason(request)):
            super().delete_queryset(request, queryset)

    def get_actions(self, request):
        actions = super().get_actions(request)
        if "delete_selected" in actions:
            _, name, description = actions["delete_selected"]
            actions["delete_selected"] = (delete_selected_with_reason, name, description)
        return actions


@admin.register(Deletion)
class DeletionAdmin(CheckedInputMixin, admin.ModelAdmin):
    """The tombstones, as the API's /api/v1/deletions/ lists them, with who deleted each record."""

    list_display = ["deleted_at", "record_type", "identifier", "deleted_by", "reason", "public"]
    list_filter = ["record_type", "public"]
    search_fields = ["identifier", "reason"]
    date_hierarchy = "deleted_at"
    list_select_related = ["deleted_by"]
    list_per_page = 50

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
