"""
The search index follows every write: a record's entry is written when the record, one of its parts (a site's other
names, an actor's aliases), its citations or a cited passage's words change, and the entries of records that show its
name (a site's damage reports, threats and occupations) when its names change. A deleted record's entry goes with it
(`search_entries`, a generic relation). Raw saves (loaddata, restore) and bulk inserts (synthetic data) skip the
signals; they end with `index.rebuild()`. An importer's bulk batches send `written_in_bulk` with what they wrote, as
does a file import, whose rows are saved one by one within `written_together()` and indexed together at its end.
"""

from collections import defaultdict

from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.db import connections
from django.db.migrations.executor import MigrationExecutor
from django.db.models.signals import m2m_changed, post_delete, post_migrate, post_save
from django.dispatch import receiver

from heritage.records.models import Citation
from heritage.records.signals import together, written_in_bulk

from . import index
from .documents import DOCUMENTS, PARTS
from .models import SearchEntry


def reindex(model, queryset, indexed=()):
    """
    Index the records of `queryset`; when their names changed, the records that show those names too, but those in
    `indexed` (dicts of {model: ids}), which are indexed anyway (a document is read from the records, whenever it is
    read).
    """
    shown_by = [(other, spec.names_from[model]) for other, spec in DOCUMENTS.items() if model in spec.names_from]
    before = names_of(model, queryset) if shown_by else {}
    index.index_records(model, queryset)
    renamed = [pk for pk, names in names_of(model, queryset).items() if before.get(pk) != names] if shown_by else []
    for other, lookup in shown_by if renamed else ():
        showing = other._base_manager.using(queryset.db).filter(**{f"{lookup}__in": renamed})
        if skipped := [pk for ids in indexed for pk in ids.get(other, ())]:
            showing = showing.exclude(pk__in=skipped)
        index.index_records(other, showing)


def names_of(model, queryset):
    content_type = ContentType.objects.db_manager(queryset.db).get_for_model(model)
    entries = SearchEntry.objects.using(queryset.db).filter(content_type=content_type)
    return dict(entries.filter(record_id__in=queryset.values("pk")).values_list("record_id", "names"))


def cited_through(model):
    """The table linking `model`'s records to their citations, if they have any."""
    citations = getattr(model, "citations", None)
    return getattr(citations, "through", None)


@receiver(post_save, dispatch_uid="records_search_record_saved")
def record_saved(sender, instance, raw=False, **kwargs):
    if raw:
        return
    if (sender in DOCUMENTS or sender in PARTS) and (written := together()) is not None:
        written[sender].add(instance.pk)  # indexed with the others written together (records.signals)
        return
    if sender in DOCUMENTS:
        queryset = sender._base_manager.using(instance._state.db).filter(pk=instance.pk)
        if kwargs.get("created"):
            # No other record can show the name of one made just now: nothing to follow (most of a new site's cost).
            index.index_records(sender, queryset)
        else:
            reindex(sender, queryset)
    if sender in PARTS:
        part_changed(sender, instance)
    if sender is Citation and not kwargs.get("created"):
        for model in DOCUMENTS:
            if cited_through(model) is not None:
                index.index_records(model, model._base_manager.using(instance._state.db).filter(citations=instance))


@receiver(post_delete, dispatch_uid="records_search_part_deleted")
def part_deleted(sender, instance, origin=None, **kwargs):
    if sender in PARTS:
        owner = sender._meta.get_field(PARTS[sender]).related_model
        if not isinstance(origin, owner):  # when the owner is deleted, its entry goes with it
            part_changed(sender, instance)


def part_changed(sender, instance):
    field = sender._meta.get_field(PARTS[sender])
    owner = field.related_model
    reindex(owner, owner._base_manager.using(instance._state.db).filter(pk=getattr(instance, field.attname)))


@receiver(m2m_changed, dispatch_uid="records_search_citations_changed")
def citations_changed(sender, instance, action, reverse, model, pk_set, **kwargs):
    if action not in ("post_add", "post_remove", "post_clear"):
        return
    using = instance._state.db
    if not reverse and type(instance) in DOCUMENTS and sender is cited_through(type(instance)):
        index.index_records(type(instance), type(instance)._base_manager.using(using).filter(pk=instance.pk))
    elif reverse and model in DOCUMENTS and pk_set and sender is cited_through(model):
        index.index_records(model, model._base_manager.using(using).filter(pk__in=pk_set))


@receiver(written_in_bulk, dispatch_uid="records_search_written_in_bulk")
def records_written_in_bulk(sender, written, created=None, cited=None, using="default", **kwargs):
    """
    An importer's batch: `written` ({model: ids}) what it wrote or newly cited, `created` ({model: [records]}) the
    records among them it inserted, and `cited` ({model: {id: [citations]}}) what its records newly cite. A new record
    holds and cites only what the batch wrote with it, so it is indexed from the batch, without reading it back;
    every other record written, or whose parts were written (a site's names), is read and indexed once, however many
    of the batch's models name it; then the records that show a renamed one's name.
    """
    created, cited = created or {}, cited or {}
    new = {model: {record.pk for record in records} for model, records in created.items()}
    for model, records in created.items():
        if model in DOCUMENTS and records:
            index.index_new(model, records, related_in_batch(model, records, created, cited), using)
    documents = defaultdict(set)
    for model, ids in written.items():
        if ids and model in DOCUMENTS:
            documents[model].update(ids)
        if ids and model in PARTS:
            field = model._meta.get_field(PARTS[model])
            documents[field.related_model].update(getattr(part, field.attname) for part in created.get(model, ()))
            if ids := set(ids) - new.get(model, set()):
                owners = model._base_manager.using(using).filter(pk__in=ids).values_list(field.attname, flat=True)
                documents[field.related_model].update(owners)
    for model, ids in documents.items():
        if ids := ids - new.get(model, set()):
            reindex(model, model._base_manager.using(using).filter(pk__in=ids), indexed=[documents, new])


def related_in_batch(model, records, created, cited):
    """What `index.related_texts` would read of `records`, new in a batch, taken from the batch."""
    related = {record.pk: {} for record in records}
    for lookup in DOCUMENTS[model].related:
        name, attribute = lookup.split("__", 1)
        relation = model._meta.get_field(name)
        if relation.many_to_many:
            assert name == "citations", f"{lookup}: only the citations of a batch's records are known"
            citing = cited.get(model, {})
            for record in records:
                citations = sorted(citing.get(record.pk, ()), key=lambda citation: citation.pk)
                related[record.pk][lookup] = [getattr(citation, attribute) for citation in citations]
        else:  # the records' parts (a site's other names), which point to them
            parts = defaultdict(list)
            for part in sorted(created.get(relation.related_model, ()), key=lambda part: part.pk):
                parts[getattr(part, relation.field.attname)].append(getattr(part, attribute))
            for record in records:
                related[record.pk][lookup] = parts.get(record.pk, [])
    return related


@receiver(post_migrate, dispatch_uid="records_search_install")
def install_after_migrate(sender, using="default", **kwargs):
    """The full-text index exists after every migrate; a database that holds records but no entries gets them."""
    if sender is not apps.get_app_config("search"):
        return
    if SearchEntry._meta.db_table not in connections[using].introspection.table_names():
        return  # a migrate of another app only (`migrate records 0007`): the search app's tables are not made yet
    index.install(using)
    if not fully_migrated(using):
        return  # back to an earlier migration (`migrate records 0017`): today's records do not fit its tables
    if not SearchEntry.objects.using(using).exists() and any(
        model._base_manager.using(using).exists() for model in DOCUMENTS
    ):
        index.rebuild(using)


def fully_migrated(using):
    """Whether every app's newest migration is applied (the records can be read through today's models)."""
    executor = MigrationExecutor(connections[using])
    return not executor.migration_plan(executor.loader.graph.leaf_nodes())
