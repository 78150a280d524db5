"""URL map: the curators' admin and the researchers' API."""

from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/v1/", include("heritage.records.api.urls")),
]
