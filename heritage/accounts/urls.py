"""The token page, under /admin/tokens/, with the admin's login and look."""

from django.contrib import admin
from django.urls import path

from . import views

app_name = "accounts"
urlpatterns = [
    path("", admin.site.admin_view(views.tokens), name="tokens"),
    path("<int:token_id>/revoke/", admin.site.admin_view(views.revoke), name="revoke"),
]
