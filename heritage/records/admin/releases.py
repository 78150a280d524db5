"""
Releases in the admin: listed and described, read-only (they are made by manage.py release, docs/releases.md). A
release that holds drafts is shown only to those who may read drafts, as in the API.
"""

from django.contrib import admin

from ...admin_input import CheckedInputMixin
from ..models import Release


@admin.register(Release)
class ReleaseAdmin(CheckedInputMixin, admin.ModelAdmin):
    list_display = ["number", "date", "include_drafts", "size", "sha256", "created"]
    list_filter = ["include_drafts"]
    readonly_fields = ["number", "date", "include_drafts", "file", "sha256", "size", "counts", "created"]

    def get_queryset(self, request):
        return super().get_queryset(request).visible_to(request.user)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
