"""
The API's default permission (common/permissions.py) gives DRF's answer for every method and every kind of user, and
answers a read without building the view's queryset.
"""

import pytest
from django.contrib.auth.models import AnonymousUser, User
from rest_framework.permissions import DjangoModelPermissionsOrAnonReadOnly
from rest_framework.test import APIRequestFactory

from heritage.records.api.common.permissions import ModelPermissionsOrAnonReadOnly
from heritage.records.api.sites import SiteViewSet

from .conftest import permissions

pytestmark = pytest.mark.django_db

METHODS = ["GET", "HEAD", "OPTIONS", "POST", "PUT", "PATCH", "DELETE"]


def users():
    viewer = User.objects.create_user("viewer")
    viewer.user_permissions.set(permissions("view"))
    editor = User.objects.create_user("editor")
    editor.user_permissions.set(permissions("add", "change", "view"))
    inactive = User.objects.create_user("inactive", is_active=False)
    inactive.user_permissions.set(permissions("add", "change", "delete", "view"))
    return {
        "anonymous": AnonymousUser(),
        "no one": None,
        "viewer": viewer,
        "editor": editor,
        "inactive": inactive,
        "superuser": User.objects.create_superuser("root"),
    }


def answer(permission, method, user):
    request = APIRequestFactory().generic(method, "/api/v1/sites/")
    request.user = user
    view = SiteViewSet(request=request, format_kwarg=None, kwargs={})
    return permission.has_permission(request, view)


def test_every_method_and_user_gets_drfs_answer():
    for name, user in users().items():
        for method in METHODS:
            theirs = answer(DjangoModelPermissionsOrAnonReadOnly(), method, user)
            assert answer(ModelPermissionsOrAnonReadOnly(), method, user) == theirs, (name, method)


def test_a_read_builds_no_queryset(monkeypatch):
    def refuse(view):
        raise AssertionError("the queryset was built")

    monkeypatch.setattr(SiteViewSet, "get_queryset", refuse)
    for user in (AnonymousUser(), User.objects.create_user("reader")):
        assert all(answer(ModelPermissionsOrAnonReadOnly(), method, user) for method in ("GET", "HEAD", "OPTIONS"))
