"""What marks synthetic records (the `syn-` prefix of their slugs), and tells them from curated ones."""

from pathlib import Path

from django.conf import settings

from heritage.records.models import (
    Actor,
    DamageReport,
    Event,
    Occupation,
    Period,
    Site,
    Source,
    Threat,
)

SYNTHETIC_PREFIX = "syn-"
# The managed vocabularies the generator's records name (EAMENA's first: the project's causes name its categories).
VOCABULARY_FIXTURES = [
    Path(settings.BASE_DIR) / "fixtures" / "eamena-vocabularies.json",
    Path(settings.BASE_DIR) / "fixtures" / "vocabularies.json",
]

# Models whose rows are curated records when their slug lacks the synthetic prefix. Every other record model hangs
# off one of these (a site name off its site, a citation off its source), so checking these finds any curated data.
# The vocabularies (models/vocabularies.py) are left out on purpose: shared terms, loaded from fixtures, not records.
SLUGGED_RECORD_MODELS = [Site, DamageReport, Threat, Occupation, Event, Actor, Period, Source]


class CuratedDataPresent(Exception):
    """The database holds records that generate() did not make; adding synthetic ones would mix them."""


class SyntheticDataPresent(Exception):
    """The database already holds synthetic records; generating again would collide with their slugs."""


def curated_counts():
    """{verbose plural name: count} of the records not made by the generator (slug without `syn-`)."""
    counts = {}
    for model in SLUGGED_RECORD_MODELS:
        count = model.objects.exclude(slug__startswith=SYNTHETIC_PREFIX).count()
        if count:
            counts[_name(model, count)] = count
    return counts


def synthetic_counts():
    counts = {}
    for model in SLUGGED_RECORD_MODELS:
        count = model.objects.filter(slug__startswith=SYNTHETIC_PREFIX).count()
        if count:
            counts[_name(model, count)] = count
    return counts


def _name(model, count):
    return str(model._meta.verbose_name if count == 1 else model._meta.verbose_name_plural)


def describe_counts(counts):
    return ", ".join(f"{count:,} {name}" for name, count in counts.items())
