"""Shared pytest fixtures: the article's data, loaded the way the README loads it."""

import pytest
from django.apps import apps
from django.core.management import call_command

from heritage.records.models import Site

FIXTURES = ["fixtures/vocabularies.json", "fixtures/palmyra.json"]


def load_article():
    call_command("loaddata", *FIXTURES, verbosity=0)


def record_models():
    """Every model of the records app, including the auto-created many-to-many tables."""
    models = []
    for model in apps.get_app_config("records").get_models(include_auto_created=True):
        models.append(model)
    return models


@pytest.fixture
def palmyra(db):
    """The Palmyra article's fixtures, loaded into the test database; returns the Palmyra site."""
    load_article()
    return Site.objects.get(slug="palmyra")
