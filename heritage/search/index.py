"""
Keeping the search index: one `SearchEntry` a searchable record, written by the application from the record
(`index_records`, called by the signals in signals.py on every save and delete, and by `rebuild` for the bulk
paths; `index_new` for an importer's batch, from the records it holds), and the database's own full-text index
over the entries, which the database keeps in step itself:

- SQLite: a contentless FTS5 table over the entries' folded columns (it stores only the index), its rows numbered
  by record (`KIND_SHIFT`), kept by triggers on the entries' table (many new entries at once, an import's batch,
  are indexed by a statement of their own: `insert_many_sqlite`), its ranking BM25 with a name match weighing ten
  times a text match;
- PostgreSQL: a GIN index on the entries' weighted tsvector (names weight A, text weight B; `query.DOCUMENT`).

`install()` makes them; it runs after every `migrate` (post_migrate, so also on test databases built from the
models), and re-making is a no-op. Entries live in an ordinary table, so backups and restores need nothing special:
`restore` and `loaddata` rebuild them afterwards anyway.
"""

from django.contrib.contenttypes.models import ContentType
from django.db import connections, router, transaction

from .documents import DOCUMENTS
from .models import SearchEntry
from .text import document

FTS_TABLE = "search_fts"
GIN_INDEX = "search_searchentry_document"
CHUNK = 2000
# New entries from which SQLite's index is written apart from its insert trigger (insert_many_sqlite).
MANY = 100
ENTRY_FIELDS = ("names", "text", "names_folded", "text_folded")
# The FTS5 row of an entry is numbered by its record, not by the entry: (content type id << 40) + record id. A
# search of one kind of record then reads the record ids from the index alone (a rowid range, with no lookup of the
# entries), and the page joins its records by primary key, as Datasette's `_search` does.
KIND_SHIFT = 40
ROWID = "((new.content_type_id << 40) + new.record_id)"
OLD_ROWID = "((old.content_type_id << 40) + old.record_id)"
# The layout an earlier release made (external content keyed by entry id): replaced on the next migrate.
OLD_FTS_TABLE = "search_searchentry_fts"

SQLITE_INSERT_TRIGGER = f"""CREATE TRIGGER IF NOT EXISTS {FTS_TABLE}_insert AFTER INSERT ON search_searchentry BEGIN
        INSERT INTO {FTS_TABLE}(rowid, names_folded, text_folded) VALUES ({ROWID}, new.names_folded, new.text_folded);
    END"""
SQLITE_SCHEMA = [
    # Contentless: the entries' table holds the text; the index holds only what a search and its rank need.
    f"""CREATE VIRTUAL TABLE IF NOT EXISTS {FTS_TABLE} USING fts5(
        names_folded, text_folded, content='', tokenize='unicode61 remove_diacritics 0')""",
    f"INSERT INTO {FTS_TABLE}({FTS_TABLE}, rank) VALUES ('rank', 'bm25(10.0, 1.0)')",
    SQLITE_INSERT_TRIGGER,
    f"""CREATE TRIGGER IF NOT EXISTS {FTS_TABLE}_delete AFTER DELETE ON search_searchentry BEGIN
        INSERT INTO {FTS_TABLE}({FTS_TABLE}, rowid, names_folded, text_folded)
        VALUES ('delete', {OLD_ROWID}, old.names_folded, old.text_folded);
    END""",
    f"""CREATE TRIGGER IF NOT EXISTS {FTS_TABLE}_update AFTER UPDATE ON search_searchentry BEGIN
        INSERT INTO {FTS_TABLE}({FTS_TABLE}, rowid, names_folded, text_folded)
        VALUES ('delete', {OLD_ROWID}, old.names_folded, old.text_folded);
        INSERT INTO {FTS_TABLE}(rowid, names_folded, text_folded) VALUES ({ROWID}, new.names_folded, new.text_folded);
    END""",
]
SQLITE_FILL = f"""INSERT INTO {FTS_TABLE}(rowid, names_folded, text_folded)
    SELECT (content_type_id << {KIND_SHIFT}) + record_id, names_folded, text_folded FROM search_searchentry"""


def fts_rowid(content_type_id, record_id):
    """An entry's FTS5 rowid (ROWID, as the triggers compute it)."""
    return (content_type_id << KIND_SHIFT) + record_id


def kind_range(content_type_id):
    """The first and last FTS5 rowid of one kind of record."""
    first = content_type_id << KIND_SHIFT
    return first, first + (1 << KIND_SHIFT) - 1


def install(using="default"):
    """Make the database's full-text index over the search entries, if it is not there yet."""
    connection = connections[using]
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            drop_sqlite_index(cursor, OLD_FTS_TABLE)
            cursor.execute(f"SELECT count(*) FROM sqlite_master WHERE name = '{FTS_TABLE}'")
            present = cursor.fetchone()[0]
            for statement in SQLITE_SCHEMA:
                cursor.execute(statement)
            if not present:  # entries written before the index existed (or a table Django re-made) are indexed now
                cursor.execute(SQLITE_FILL)
        elif connection.vendor == "postgresql":
            cursor.execute("SELECT 1 FROM pg_indexes WHERE indexname = %s", [GIN_INDEX])
            if cursor.fetchone() is None:
                from django.contrib.postgres.indexes import GinIndex

                from .query import DOCUMENT

                with connection.schema_editor() as editor:
                    editor.add_index(SearchEntry, GinIndex(DOCUMENT, name=GIN_INDEX))


def drop_sqlite_index(cursor, table):
    for suffix in ("_insert", "_delete", "_update"):
        cursor.execute(f"DROP TRIGGER IF EXISTS {table}{suffix}")
    cursor.execute(f"DROP TABLE IF EXISTS {table}")


def uninstall(using="default"):
    connection = connections[using]
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            drop_sqlite_index(cursor, FTS_TABLE)
        elif connection.vendor == "postgresql":
            cursor.execute(f"DROP INDEX IF EXISTS {GIN_INDEX}")


def searchable(model):
    return model in DOCUMENTS


def entry_values(spec, record, related):
    names, text = spec.names(record, related), spec.text(record, related)
    return {
        "names": "\n".join(filter(None, names)),
        "text": "\n".join(filter(None, text)),
        "names_folded": document(names),
        "text_folded": document(text),
    }


def related_texts(model, lookups, pks, using):
    """{pk: {lookup: [texts]}} of `model`'s records `pks`, each lookup's texts in the order written: a query each."""
    related = {pk: {lookup: [] for lookup in lookups} for pk in pks}
    for lookup in lookups:
        relation = lookup.split("__")[0]
        rows = (
            model._base_manager.using(using)
            .filter(pk__in=pks, **{f"{lookup}__isnull": False})
            .order_by("pk", f"{relation}__pk")
            .values_list("pk", lookup)
        )
        for pk, text in rows:
            related[pk][lookup].append(text)
    return related


def index_records(model, queryset=None):
    """Write the entries of `model`'s records in `queryset` (all of them by default), in chunks; return how many."""
    spec = DOCUMENTS[model]
    queryset = model._base_manager.all() if queryset is None else queryset
    if spec.select_related:
        # select_related() with no names follows every foreign key: a citation would bring its source's whole text.
        queryset = queryset.select_related(*spec.select_related)
    queryset = queryset.defer(*spec.defer).order_by("pk")
    content_type = ContentType.objects.db_manager(queryset.db).get_for_model(model)
    count = 0
    for chunk in chunks(queryset):
        related = related_texts(model, spec.related, [record.pk for record in chunk], queryset.db)
        values = {record.pk: entry_values(spec, record, related[record.pk]) for record in chunk}
        write_entries(content_type, values, queryset.db)
        count += len(chunk)
    return count


def chunks(queryset):
    """
    The records of `queryset`, ordered by key, in lists of CHUNK, each read by a query of its own starting after the
    last key read, rather than through a server-side cursor: on PostgreSQL a cursor costs three round trips (declare,
    fetch, close) even for the one record a save indexes.
    """
    chunk = list(queryset[:CHUNK])
    while chunk:
        yield chunk
        if len(chunk) < CHUNK:
            return
        chunk = list(queryset.filter(pk__gt=chunk[-1].pk)[:CHUNK])


def index_new(model, records, related, using="default"):
    """
    Write the entries of `records`, just inserted with all they hold: `related` gives each one's texts as
    `related_texts` would read them. What an import's batch made is indexed without reading it back.
    """
    spec = DOCUMENTS[model]
    content_type = ContentType.objects.db_manager(using).get_for_model(model)
    for start in range(0, len(records), CHUNK):
        chunk = records[start : start + CHUNK]
        values = {record.pk: entry_values(spec, record, related[record.pk]) for record in chunk}
        write_entries(content_type, values, using, new=True)


def write_entries(content_type, values, using, new=False):
    """
    Insert or update the entries {record id: values} of one kind of record, writing only what changed. With `new`,
    the records were inserted just now, so none has an entry yet: they are not looked for.
    """
    existing = {}
    if not new:
        entries = SearchEntry.objects.using(using).filter(content_type=content_type, record_id__in=list(values))
        existing = {entry.record_id: entry for entry in entries}
    rows, changed = [], []
    for record_id, fields in values.items():
        entry = existing.get(record_id)
        if entry is None:
            rows.append((content_type.pk, record_id, *(fields[name] for name in ENTRY_FIELDS)))
        elif any(getattr(entry, name) != value for name, value in fields.items()):
            for name, value in fields.items():
                setattr(entry, name, value)
            changed.append(entry)
    # Plain rows, as they may be many (an import's batch): bulk_create would make and prepare each through the model.
    columns = ", ".join(["content_type_id", "record_id", *ENTRY_FIELDS])
    marks = ", ".join(["%s"] * (2 + len(ENTRY_FIELDS)))
    insert = f"INSERT INTO {SearchEntry._meta.db_table} ({columns}) VALUES ({marks})"
    connection = connections[using]
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite" and len(rows) >= MANY and has_insert_trigger(cursor):
            insert_many_sqlite(cursor, insert, rows, using)
        else:
            cursor.executemany(insert, rows)
    SearchEntry.objects.using(using).bulk_update(changed, list(ENTRY_FIELDS), batch_size=500)


def has_insert_trigger(cursor):
    cursor.execute("SELECT 1 FROM sqlite_master WHERE type = 'trigger' AND name = %s", [f"{FTS_TABLE}_insert"])
    return cursor.fetchone() is not None


def insert_many_sqlite(cursor, insert, rows, using):
    """
    Many new entries on SQLite, their FTS5 rows inserted by a statement of their own rather than by the insert
    trigger: an FTS5 insert run by a trigger, row by row, costs about four times as much (most of an import's time
    in the database). The trigger is dropped and made again inside this transaction, which holds the write lock
    (IMMEDIATE): no other connection writes meanwhile, nor sees it gone.
    """
    with transaction.atomic(using=using):
        cursor.execute(f"DROP TRIGGER {FTS_TABLE}_insert")
        cursor.executemany(insert, rows)
        cursor.executemany(
            f"INSERT INTO {FTS_TABLE}(rowid, names_folded, text_folded) VALUES (%s, %s, %s)",
            [(fts_rowid(content_type, record), names, text) for content_type, record, _, _, names, text in rows],
        )
        cursor.execute(SQLITE_INSERT_TRIGGER)


def remove(model, ids, using="default"):
    content_type = ContentType.objects.db_manager(using).get_for_model(model)
    SearchEntry.objects.using(using).filter(content_type=content_type, record_id__in=list(ids)).delete()


def rebuild(using="default", models=None, progress=None):
    """
    Make every entry anew from the records (after a bulk insert, a restore, a fixture load). Returns {model: count}.
    """
    # SQLite's index is made anew from the entries once they are written: one pass rather than a trigger's delete and
    # insert per entry, and an index that no longer agrees with its entries is repaired with them.
    anew = connections[using].vendor == "sqlite"
    if not anew:
        install(using)
    counts = {}
    with transaction.atomic(using=using):
        if anew:
            uninstall(using)
        for model in models or DOCUMENTS:
            if not router.allow_migrate_model(using, model):
                continue
            content_type = ContentType.objects.db_manager(using).get_for_model(model)
            SearchEntry.objects.using(using).filter(content_type=content_type).delete()
            counts[model] = index_records(model, model._base_manager.using(using).all())
            if progress:
                progress(model, counts[model])
        if anew:
            install(using)
    return counts
