"""Shared pytest fixtures: the article's data, loaded the way the README loads it."""

import pytest
from django.apps import apps
from django.core.management import call_command
from django.test import override_settings

from heritage.records.models import Site

FIXTURES = ["fixtures/vocabularies.json", "fixtures/palmyra.json"]


def load_article():
    call_command("loaddata", *FIXTURES, verbosity=0)


def record_models(history=True):
    """Every model of the records app, including the auto-created many-to-many tables (and history's, unless not)."""
    return [
        model
        for model in apps.get_app_config("records").get_models(include_auto_created=True)
        if history or not is_history_table(model)
    ]


def is_history_table(model):
    """django-simple-history's tables (HistoricalSite, HistoricalSite_citations, ...): written by edits only."""
    return model.__name__.startswith("Historical")


@pytest.fixture(autouse=True, scope="session")
def own_cache_folder(tmp_path_factory):
    """The throttles' file cache of this test run, apart from a development server's (and another test run's)."""
    cache = {
        "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
        "LOCATION": str(tmp_path_factory.mktemp("cache")),
    }
    with override_settings(CACHES={"default": cache}):
        yield


@pytest.fixture
def palmyra(db):
    """The Palmyra article's fixtures, loaded into the test database; returns the Palmyra site."""
    load_article()
    return Site.objects.get(slug="palmyra")
