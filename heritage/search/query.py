"""
Searching: a queryset narrowed to the records whose entry has every word of the query, best match first.

A query is words (`text.words`), all of which must occur (in any order, whole words, folded as the index is). The
rank is the database's: BM25 on SQLite (FTS5), `ts_rank` on PostgreSQL, both weighing a match in the names above a
match in the text. Records reach their entry through their `search_entries` (a generic relation).
"""

from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector
from django.db import connections
from django.db.models import F, FloatField, Func
from django.db.models.expressions import RawSQL

from .index import FTS_TABLE
from .models import SearchEntry

# The tsvector PostgreSQL's GIN index holds (index.install) and searches match: the same expression, so that the
# planner uses the index.
DOCUMENT = SearchVector("names_folded", weight="A", config="simple") + SearchVector(
    "text_folded", weight="B", config="simple"
)
RELATED_DOCUMENT = SearchVector("search_entries__names_folded", weight="A", config="simple") + SearchVector(
    "search_entries__text_folded", weight="B", config="simple"
)


class FTS5Rank(Func):
    """SQLite: the BM25 rank (lower is better) of the entry whose id is the expression, for an FTS5 query."""

    output_field = FloatField()

    def __init__(self, entry_id, query):
        super().__init__(entry_id)
        self.query = query

    def as_sql(self, compiler, connection, **extra):
        entry, params = compiler.compile(self.source_expressions[0])
        sql = f"(SELECT rank FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s AND rowid = {entry})"
        return sql, [self.query, *params]


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
    # FTS5: each word a quoted string (no operator can hide in it), all of them required.
    query = " ".join(f'"{term}"' for term in terms)
    matching = RawSQL(f"SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s", [query])
    return (
        queryset.filter(search_entries__id__in=matching)
        .alias(search_rank=FTS5Rank(F("search_entries__id"), query))
        .order_by("search_rank", "pk")
    )
