"""
Releases in the admin: listed and described, read-only (they are made by manage.py release, docs/releases.md). A
release that holds drafts is shown only to those who may read drafts, as in the API.
"""

from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html

from ...admin_input import CheckedInputMixin
from ..models import Release


@admin.register(Release)
class ReleaseAdmin(CheckedInputMixin, admin.ModelAdmin):
    list_display = ["number", "date", "include_drafts", "size", "sha256", "created"]
    list_filter = ["include_drafts"]
    readonly_fields = ["number", "date", "include_drafts", "download", "sha256", "size", "counts", "created"]

    def get_queryset(self, request):
        return super().get_queryset(request).visible_to(request.user)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description="file")
    def download(self, release):
        # The API serves the file (to those who may read the release); the storage has no address of its own.
        url = reverse("api:release-file", kwargs={"number": release.number})
        return format_html('<a href="{}">{}</a>', url, release.file_name)
