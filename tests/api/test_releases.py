"""/api/v1/releases/: the releases made by manage.py release, listed, described and downloadable."""

import hashlib
import io

import pytest
from django.contrib.auth.models import Permission
from django.core.management import call_command
from django.urls import reverse

from heritage.records.models import Release

from ..admin_helpers import make_user
from .base import content_of


@pytest.fixture
def made(palmyra, releases):
    """Release 1 of the public record and release 2 with drafts."""
    call_command("release", stdout=io.StringIO())
    call_command("release", "--include-drafts", stdout=io.StringIO())
    return Release.objects.get(number=1), Release.objects.get(number=2)


def test_anyone_lists_the_public_releases_newest_first(anonymous, made):
    public, _with_drafts = made
    response = anonymous.get(reverse("api:release-list"))
    assert response.status_code == 200
    (listed,) = response.json()["results"]
    assert listed["number"] == 1 and listed["date"] == public.date.isoformat()
    assert listed["sha256"] == public.sha256 and listed["size"] == public.size
    assert listed["counts"]["sites"] == 1 and listed["include_drafts"] is False
    assert listed["file"].endswith("/api/v1/releases/1/file/")


def test_a_release_with_drafts_is_listed_for_readers_of_drafts_only(anonymous, researcher, made):
    assert [r["number"] for r in researcher.get(reverse("api:release-list")).json()["results"]] == [2, 1]
    assert anonymous.get(reverse("api:release-detail", kwargs={"number": 2})).status_code == 404
    assert anonymous.get(reverse("api:release-file", kwargs={"number": 2})).status_code == 404
    assert researcher.get(reverse("api:release-file", kwargs={"number": 2})).status_code == 200


def test_the_file_is_the_release_with_its_checksum_as_etag(anonymous, made):
    public, _ = made
    response = anonymous.get(reverse("api:release-file", kwargs={"number": 1}))
    assert response.status_code == 200
    body = content_of(response)
    assert hashlib.sha256(body).hexdigest() == public.sha256
    assert response["ETag"] == f'"{public.sha256}"'
    assert response["Content-Type"] == "application/zip"
    assert 'filename="heritage-release-1.zip"' in response["Content-Disposition"]


@pytest.mark.parametrize("number", ["3", "0", "999999999999999999"])
def test_no_such_release_is_a_404(anonymous, made, number):
    response = anonymous.get(f"/api/v1/releases/{number}/")
    assert response.status_code == 404 and response.json()["detail"]


def test_releases_are_made_on_the_server_not_through_the_api(anonymous, curator, deleter, made):
    for client in (anonymous, curator, deleter):
        assert client.post(reverse("api:release-list"), {"number": 3}, format="json").status_code in (401, 403, 405)
        assert client.delete(reverse("api:release-detail", kwargs={"number": 1})).status_code in (401, 403, 405)
    assert Release.objects.count() == 2


def test_the_admin_shows_a_release_with_drafts_only_to_readers_of_drafts(client, made):
    """Regression: the admin listed every release, drafts' counts included, to anyone who may view releases."""
    public, with_drafts = made
    user = make_user("release-viewer")
    user.user_permissions.add(Permission.objects.get(codename="view_release"))
    client.force_login(user)
    listed = client.get(reverse("admin:records_release_changelist"))
    assert listed.status_code == 200
    assert list(listed.context["cl"].result_list) == [public]
    assert client.get(reverse("admin:records_release_change", args=[with_drafts.pk])).status_code == 302
    user.user_permissions.add(*Permission.objects.filter(codename__in=["view_damagereport", "view_threat"]))
    user = type(user).objects.get(pk=user.pk)  # permissions are cached on the instance
    client.force_login(user)
    assert client.get(reverse("admin:records_release_change", args=[with_drafts.pk])).status_code == 200
