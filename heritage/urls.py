"""URL map: the curators' admin (with each user's API tokens) and the researchers' API."""

from django.contrib import admin
from django.urls import include, path

from heritage.records.admin.imports import eamena_import_view

urlpatterns = [
    # Each staff user's own API tokens, a page of the admin (before admin.site.urls, which would take the path).
    path("admin/tokens/", include("heritage.accounts.urls")),
    # The EAMENA import page, in the admin's look and login (also before admin.site.urls).
    path("admin/import/eamena/", admin.site.admin_view(eamena_import_view), name="eamena-import"),
    path("admin/", admin.site.urls),
    path("api/v1/", include("heritage.records.api.urls")),
]
