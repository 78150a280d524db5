"""One run of the generator (`Generator`), and `generate()`, which makes one inside a transaction."""

import random

from django.core.management import call_command
from django.db import transaction
from tqdm import tqdm

from heritage.records.models import DisturbanceCause, Source
from heritage.records.models.vocabularies import TERM_MODELS
from heritage.search import index

from .conflict import ConflictMixin
from .damage import DamageMixin
from .dates import DatePool
from .marks import (
    VOCABULARY_FIXTURES,
    CuratedDataPresent,
    SyntheticDataPresent,
    curated_counts,
    describe_counts,
    synthetic_counts,
)
from .places import PlacesMixin
from .rows import (
    bulk_create,
    link_citations,
)
from .vocabulary import (
    CAUSE_WEIGHTS,
    SITE_PREFIXES,
    SYLLABLES,
    _weighted,
)

# The most a run makes: a hundred times the benchmark's sites, fifty times its reports (a full-size run takes about
# 30 s, all in one transaction); a larger count is a typing slip, not a database anyone waits hours for.
MAX_SITES = 1_000_000
MAX_REPORTS = 10_000_000


class Generator(PlacesMixin, ConflictMixin, DamageMixin):
    """One run of the generator: its random stream, its pools, and the ids of what it has inserted so far."""

    def __init__(self, *, sites, reports, seed, progress=True):
        self.n_sites = sites
        self.n_reports = reports
        self.seed = seed
        self.progress = progress
        self.rng = random.Random(seed)
        self.counts = {}

    # -- helpers -------------------------------------------------------------------------------------------------

    def bar(self, description, total):
        return tqdm(total=total, desc=description, unit=" rows", disable=not self.progress, leave=True, smoothing=0.1)

    def choice(self, mapping):
        keys, weights = _weighted(mapping)
        return self.rng.choices(keys, weights)[0]

    def count(self, model, n):
        label = model._meta.label
        self.counts[label] = self.counts.get(label, 0) + n

    def insert(self, model, objs):
        bulk_create(model, objs)
        self.count(model, len(objs))
        return objs

    def link(self, model, pairs):
        link_citations(model, pairs)
        self.count(model.citations.through, len(pairs))

    def place_name(self):
        rng = self.rng
        parts = rng.sample(SYLLABLES, rng.choice((2, 2, 3)))
        root = "".join(p[0] for p in parts).capitalize()
        root_ar = "".join(p[1] for p in parts)
        if rng.random() < 0.55:
            prefix, prefix_ar = rng.choice(SITE_PREFIXES)
            return f"{prefix} {root}", f"{prefix_ar} {root_ar}", root
        return root, root_ar, None

    # -- phases --------------------------------------------------------------------------------------------------

    def run(self):
        causes = list(DisturbanceCause.objects.order_by("slug"))
        self.causes = causes
        self.cause_weights = [CAUSE_WEIGHTS.get(cause.slug, 1) for cause in causes]
        self.dates = DatePool(self.rng)
        self.make_sources()
        self.make_periods()
        self.make_actors()
        self.make_sites()
        self.make_occupations()
        self.make_threats()
        self.make_damage_reports()
        self.write_texts()
        return self.counts

    def write_texts(self):
        """Each source's whole text, now that every passage is in it, with its checksum and length."""
        sources = []
        for text in self.texts:
            text.source.text = text.text()
            text.source.fix_text()
            sources.append(text.source)
        with self.bar("source texts", len(sources)) as bar:
            for start in range(0, len(sources), 50):  # texts run to about 100 KB each
                Source.objects.bulk_update(sources[start : start + 50], ["text", "text_sha256", "text_length"])
                bar.update(len(sources[start : start + 50]))


def ensure_vocabulary():
    """Load the vocabularies from their fixtures if any of their tables is empty; returns True if it loaded them."""
    if all(model.objects.exists() for model in TERM_MODELS):
        return False
    call_command("loaddata", *map(str, VOCABULARY_FIXTURES), verbosity=0)
    return True


def generate(*, sites, reports, seed=1, force=False, progress=True):
    """
    Fill the database with synthetic records; returns {model label: rows inserted}.

    Refuses (CuratedDataPresent) when the database holds records it did not make, unless `force`; refuses
    (SyntheticDataPresent) when it already holds synthetic records, whose slugs a second run would repeat.
    Everything is inserted in one transaction, the search index rebuilt in it: a failure leaves the database as
    it was.
    """
    if not 1 <= sites <= MAX_SITES or not 0 <= reports <= MAX_REPORTS:
        raise ValueError(f"Need 1 to {MAX_SITES:,} sites and 0 to {MAX_REPORTS:,} damage reports.")
    existing = synthetic_counts()
    if existing:
        raise SyntheticDataPresent(
            f"The database already holds synthetic data ({describe_counts(existing)}). Generate into an empty "
            "database, or empty this one first (manage.py flush)."
        )
    curated = curated_counts()
    if curated and not force:
        raise CuratedDataPresent(
            f"The database holds curated (non-synthetic) data: {describe_counts(curated)}. Synthetic records would be "
            "mixed with it. Use an empty database (e.g. DATABASE_URL=sqlite:///synthetic.sqlite3), or pass --force "
            "to add synthetic records alongside."
        )
    # No SQLite PRAGMA tweaks (synchronous=OFF, journal_mode=MEMORY, a bigger cache): measured at full size they
    # gained nothing (26.1 s with, 25.8 s without), since one transaction already means one sync at the commit.
    with transaction.atomic():
        ensure_vocabulary()
        if not DisturbanceCause.objects.exists():
            raise ValueError("The disturbance-cause vocabulary is empty and could not be loaded.")
        counts = Generator(sites=sites, reports=reports, seed=seed, progress=progress).run()
        # Bulk inserts send no signals: the search index is made once, from everything inserted.
        index.rebuild()
        return counts
