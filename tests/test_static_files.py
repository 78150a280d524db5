"""
Static files as production serves them: with DEBUG off, under gunicorn and no other server, the app answers for the
admin's, the API documentation's and its own static files (WhiteNoise), from what `manage.py collectstatic` gathered
into STATIC_ROOT, with the security headers of every answer.
"""

import pytest
from django.contrib.staticfiles import finders
from django.core.management import call_command
from django.test import Client

SERVED = [
    "admin/css/base.css",  # the curators' admin
    "admin/js/vendor/select2/select2.full.min.js",  # its autocomplete fields
    "drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js",  # /api/v1/docs/
    "records/vendor/leaflet-1.9.4/leaflet.js",  # the dossier's map
    "records/reader.js",  # the source reader
]


@pytest.fixture
def collected(settings, tmp_path):
    settings.DEBUG = False
    settings.STATIC_ROOT = tmp_path / "static"
    call_command("collectstatic", "--noinput", verbosity=0)


def body_of(response):
    return b"".join(response.streaming_content) if response.streaming else response.content


@pytest.mark.parametrize("path", SERVED)
def test_collected_static_files_are_served_by_the_app(collected, path):
    response = Client().get(f"/static/{path}")
    assert response.status_code == 200
    with open(finders.find(path), "rb") as original:
        assert body_of(response) == original.read()
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Cache-Control"].startswith("max-age=")


def test_a_static_file_that_is_not_there_is_a_404(collected):
    assert Client().get("/static/admin/css/nothing-here.css").status_code == 404
    assert Client().get("/static/../heritage/settings.py").status_code == 404


def test_without_collectstatic_nothing_is_served(settings, tmp_path):
    """With DEBUG off the apps' own folders are not read: a deployment runs `collectstatic` (README, Production)."""
    settings.DEBUG = False
    settings.STATIC_ROOT = tmp_path / "empty"
    settings.STATIC_ROOT.mkdir()
    assert Client().get(f"/static/{SERVED[0]}").status_code == 404
