"""URL map: the curators' admin (with each user's API tokens) and the researchers' API."""

from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    # Each staff user's own API tokens, a page of the admin (before admin.site.urls, which would take the path).
    path("admin/tokens/", include("heritage.accounts.urls")),
    path("admin/", admin.site.urls),
    path("api/v1/", include("heritage.records.api.urls")),
]
