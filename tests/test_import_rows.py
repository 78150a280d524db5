"""
The importers' plain writes (heritage/records/importers/rows.py): `insert` stores what `bulk_create` stores, under
keys no one else has or had, and `copy_history` writes the history rows `bulk_history_create` writes. On both
databases.
"""

import contextlib

import pytest
from django.db import transaction
from django.db.models.signals import post_init, pre_init
from django.forms.models import model_to_dict

from heritage.records.importers.rows import build, copy_history, insert
from heritage.records.models import Citation, DamageReport, Deletion, Release, Site, SiteName, Source

from .admin_helpers import make_user

pytestmark = pytest.mark.django_db

# What a row is, beside its key, its slug and when it was written.
UNCOMPARED = {"id", "slug", "created", "last_updated", "site"}


def sites_with_names(prefix):
    """New sites, each with a name of a language tag written loosely, made before either is saved."""
    sites = [
        Site(slug=f"{prefix}-{n}", name=f"Qal'eh {n}", kind="monument", country="IR", description="Kārvānsarā")
        for n in range(3)
    ]
    names = [
        SiteName(site=site, name=f"کاروانسرای {n}", kind="local", language="FA-latn") for n, site in enumerate(sites)
    ]
    return sites, names


def stored(model, records):
    rows = model._base_manager.filter(pk__in=[record.pk for record in records]).order_by("pk")
    return [{k: v for k, v in model_to_dict(row).items() if k not in UNCOMPARED} for row in rows]


def state(record):
    """Everything a new instance holds: its attributes, its database and the related records it has cached."""
    values = {name: value for name, value in vars(record).items() if name != "_state"}
    return values, record._state.adding, record._state.db, dict(record._state.fields_cache)


@contextlib.contextmanager
def connected(signal, receiver):
    signal.connect(receiver)
    try:
        yield
    finally:
        signal.disconnect(receiver)


def test_build_makes_what_the_constructor_makes():
    """
    A record built from keywords holds what `Model(**keywords)` gives: the values, a parent given as a record (saved
    or not) cached with its key, the defaults of the fields not given, a callable default called for each record;
    and the model's signals are sent as the constructor sends them.
    """
    parent = Site(slug="new", name="New", kind="monument")
    source = Source.objects.get()
    cases = [
        (Site, {"slug": "a", "name": "A", "kind": "monument", "country": "IR", "latitude": None}),
        (SiteName, {"site": parent, "name": "کاروانسرا", "kind": "local", "language": "fa"}),
        (DamageReport, {"slug": "a-1", "site": Site.objects.first(), "cause_id": None, "occurred": "2015"}),
        (Citation, {"source": source, "quote": "Palmyra", "char_start": 0, "char_end": 7}),
        (Release, {"number": 1}),  # counts: a dict for each record (default=dict)
        (Deletion, {"record_type": "site", "identifier": "palmyra"}),  # deleted_at: now (default=timezone.now)
    ]
    for model, keywords in cases:
        built, made = build(model, keywords), model(**keywords)
        built_state, made_state = state(built), state(made)
        if model is Deletion:
            assert built.deleted_at <= made.deleted_at
            built_state[0].pop("deleted_at"), made_state[0].pop("deleted_at")
        assert built_state == made_state, model
    assert build(Release, {"number": 1}).counts is not build(Release, {"number": 2}).counts
    heard = []
    keywords = {"site": parent, "name": "Kārvānsarā", "kind": "local", "language": "fa"}
    with (
        connected(pre_init, lambda sender, kwargs, **_: heard.append(("pre", sender, kwargs))),
        connected(post_init, lambda sender, instance, **_: heard.append(("post", sender, instance.name))),
    ):
        build(SiteName, dict(keywords))
    assert heard == [("pre", SiteName, keywords), ("post", SiteName, "Kārvānsarā")]
    with pytest.raises(TypeError, match="unexpected keyword arguments: 'nonsense'"):
        build(Site, {"slug": "c", "nonsense": 1})


def test_insert_stores_what_bulk_create_stores():
    """Each field's pre_save (a language tag in its standard form, timestamps), a parent saved after assignment."""
    with transaction.atomic():
        sites, names = sites_with_names("bulk")
        Site.objects.bulk_create(sites)
        SiteName.objects.bulk_create(names)
        plain_sites, plain_names = sites_with_names("plain")
        insert(Site, plain_sites)
        insert(SiteName, plain_names)
    assert stored(Site, plain_sites) == stored(Site, sites)
    assert stored(SiteName, plain_names) == stored(SiteName, names)
    assert {name.language for name in SiteName.objects.filter(pk__in=[n.pk for n in plain_names])} == {"fa-Latn"}
    assert [name.site_id for name in plain_names] == [site.pk for site in plain_sites]
    assert all(site.created and site.last_updated for site in Site.objects.filter(pk__in=[s.pk for s in plain_sites]))
    assert all(not site._state.adding for site in plain_sites)


def test_insert_takes_keys_no_record_has_had_and_leaves_the_next_free():
    """After a deletion, an inserted row does not take the deleted one's key; a save after it takes a new one."""
    gone = Site.objects.create(slug="gone", name="Gone", kind="monument")
    gone_pk = gone.pk
    gone.delete()
    with transaction.atomic():
        sites, _ = sites_with_names("new")
        insert(Site, sites)
    assert min(site.pk for site in sites) > gone_pk
    after = Site.objects.create(slug="after", name="After", kind="monument")
    assert after.pk > max(site.pk for site in sites)


def test_copy_history_writes_the_rows_bulk_history_create_writes():
    curator = make_user("cora")
    with transaction.atomic():
        sites, _ = sites_with_names("kept")
        insert(Site, sites)
        copy_history(Site, sites, update=False, user=curator, reason="Imported from test")
        sites[0].name = "Renamed"
        sites[0].save_without_historical_record()
        copy_history(Site, sites[:1], update=True, user=curator, reason="Imported again")
    rows = Site.history.filter(id__in=[site.pk for site in sites]).order_by("history_id")
    assert [(row.id, row.history_type, row.history_user_id) for row in rows] == [
        *((site.pk, "+", curator.pk) for site in sites),
        (sites[0].pk, "~", curator.pk),
    ]
    assert [row.name for row in rows] == ["Qal'eh 0", "Qal'eh 1", "Qal'eh 2", "Renamed"]
    assert [row.history_change_reason for row in rows] == ["Imported from test"] * 3 + ["Imported again"]
    assert rows.last().instance.description == "Kārvānsarā" and rows.last().instance.country == "IR"
