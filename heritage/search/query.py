"""
Searching: a queryset narrowed to the records whose entry has every word of the query, best match first.

A query is words (`text.words`), all of which must occur (in any order, whole words, folded as the index is). The
rank is the database's: BM25 on SQLite (FTS5), `ts_rank` on PostgreSQL, both weighing a match in the names above a
match in the text. On SQLite a kind of record's rows in the FTS5 index are numbered by record id
(`index.KIND_SHIFT`) and joined directly; on PostgreSQL records reach their entry through their `search_entries`
(a generic relation).
"""

from django.contrib.contenttypes.models import ContentType
from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector
from django.db import connections
from django.db.models import BooleanField, F, Func
from django.db.models.expressions import RawSQL
from django.db.models.sql.where import ExtraWhere, WhereNode

from .index import FTS_TABLE, kind_range
from .models import SearchEntry

# The longest search anyone may send, in characters and in words: the API's `search` and `q`, the admin's search.
MAX_SEARCH_LENGTH = 1000
MAX_SEARCH_WORDS = 32

# The tsvector PostgreSQL's GIN index holds (index.install) and searches match: the same expression, so that the
# planner uses the index.
DOCUMENT = SearchVector("names_folded", weight="A", config="simple") + SearchVector(
    "text_folded", weight="B", config="simple"
)
RELATED_DOCUMENT = SearchVector("search_entries__names_folded", weight="A", config="simple") + SearchVector(
    "search_entries__text_folded", weight="B", config="simple"
)


def ranked(queryset, terms):
    """The records of `queryset` whose entry has every one of `terms` (folded words), best first, then by id."""
    if connections[queryset.db].vendor == "postgresql":
        # Each word quoted as a lexeme: words are letters and digits only, so nothing in them is tsquery syntax.
        query = SearchQuery(" & ".join(f"'{term}'" for term in terms), search_type="raw", config="simple")
        # The entries are found through the GIN index in a subquery of their own (an expression over a joined
        # table would be matched row by row); the rank is then computed for those only.
        matching = SearchEntry.objects.alias(document=DOCUMENT).filter(document=query).values("pk")
        return (
            queryset.filter(search_entries__in=matching)
            .alias(search_rank=SearchRank(RELATED_DOCUMENT, query))
            .order_by("-search_rank", "pk")
        )
    # FTS5: each word a quoted string (no operator can hide in it), all of them required. The index is joined (not
    # asked row by row, which re-reads a word's whole list of matches for each record): its rows of this kind of
    # record, a rowid range, give the record's id and the rank.
    query = " ".join(f'"{term}"' for term in terms)
    content_type = ContentType.objects.db_manager(queryset.db).get_for_model(queryset.model)
    first, last = kind_range(content_type.pk)
    return (
        queryset.extra(
            tables=[FTS_TABLE],
            where=[f"{FTS_TABLE} MATCH %s", f"{FTS_TABLE}.rowid BETWEEN %s AND %s"],
            params=[query, first, last],
        )
        .filter(IndexedAs(F("pk"), first))
        .order_by(RawSQL(f"{FTS_TABLE}.rank", ()).asc(), "pk")
    )


class IndexedAs(Func):
    """
    SQLite: the index's row is the record's (`rowid - first = pk`). Written so, the index can only lead (one pass over
    its matches), whatever other filter narrows the records; an expression, so that the record's table is named as
    the query names it (a subquery renames it).
    """

    output_field = BooleanField()
    conditional = True

    def __init__(self, pk, first):
        super().__init__(pk)
        self.first = first

    def as_sql(self, compiler, connection, **extra):
        pk, params = compiler.compile(self.source_expressions[0])
        return f"{FTS_TABLE}.rowid - %s = {pk}", [self.first, *params]


def searched(queryset):
    """Whether `queryset` joins SQLite's full-text index (`ranked`)."""
    return FTS_TABLE in queryset.query.extra_tables


def without_search(queryset):
    """`queryset` without the join `ranked` made on SQLite (and unordered): its other filters kept."""
    queryset = queryset.order_by()
    query = queryset.query
    query.extra_tables = tuple(table for table in query.extra_tables if table != FTS_TABLE)
    query.where.children = [child for child in query.where.children if not joins_index(child)]
    return queryset


def joins_index(node):
    """Whether a node of a query's WHERE is one `ranked` added on SQLite."""
    if isinstance(node, ExtraWhere | IndexedAs):
        return True
    if isinstance(node, WhereNode):
        return any(joins_index(child) for child in node.children)
    return isinstance(getattr(node, "lhs", None), IndexedAs)
