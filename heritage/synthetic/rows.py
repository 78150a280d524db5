"""
Writing synthetic rows fast: bulk inserts, plain tuples through `executemany` for the tables with a row per damage
report (`RowWriter`), and the source texts whose passages the rows cite (`SourceText`).
"""

from dataclasses import dataclass, field

from django.core.exceptions import ImproperlyConfigured
from django.core.management.color import no_style
from django.db import connection, models
from django.utils import timezone

from heritage.records.models import (
    Citation,
    Source,
)

# Rows per INSERT. Django caps this further where the database needs it (SQLite: 999 parameters a statement).
BATCH_SIZE = 2000
# Damage reports are generated, inserted and dropped in chunks of about this many, to bound memory.
REPORT_CHUNK = 20000
# Sites per synthetic source text (one "assessment" covers a block of sites).
SITES_PER_SOURCE = 50

CITATION_COLUMNS = ("source_id", "quote", "char_start", "char_end", "attributed_to_id", "attribution")
DAMAGE_REPORT_COLUMNS = (
    "slug",
    "site_id",
    "structure_id",
    "cause_id",
    "severity",
    "extent",
    "is_permanent",
    "occurred",
    "occurred_earliest",
    "occurred_latest",
    "occurred_inferred",
    "dating_note",
    "occupation_id",
    "perpetrator_id",
    "certainty",
    "status",
    "description",
)

# ---------------------------------------------------------------------------------------------------------------
# Source texts: each passage is appended to its source's text and becomes a Citation at the right offsets.


@dataclass
class SourceText:
    source: Source
    pieces: list = field(default_factory=list)
    length: int = 0
    quotes: set = field(default_factory=set)

    def add(self, text):
        self.pieces.append(text)
        self.length += len(text)

    def cite_values(self, quote, *, before="", after=". ", attributed_to=None):
        """Append `before + quote + after`; return the values (CITATION_COLUMNS) of a Citation of `quote`."""
        if quote in self.quotes:  # The generator makes every quote unique within its source; a slip must not pass.
            raise AssertionError(f"Duplicate synthetic quote: {quote!r}")
        self.quotes.add(quote)
        self.add(before)
        start = self.length
        self.add(quote)
        self.add(after)
        attribution = before.rstrip(", ") if attributed_to else ""
        return (
            self.source.pk,
            quote,
            start,
            start + len(quote),
            attributed_to.pk if attributed_to else None,
            attribution,
        )

    def cite(self, quote, **kwargs):
        """Like cite_values(), as an unsaved Citation."""
        return Citation(**dict(zip(CITATION_COLUMNS, self.cite_values(quote, **kwargs), strict=True)))

    def text(self):
        return "".join(self.pieces)


# ---------------------------------------------------------------------------------------------------------------


@dataclass
class SiteInfo:
    """What the later phases need to know about a generated site, kept instead of the model instance."""

    pk: int
    name: str
    ref: str
    source: SourceText
    citation_pk: int
    structures: list = field(default_factory=list)  # [(pk, name)]
    occupations: list = field(default_factory=list)  # [(pk, occupier pk, started_earliest, ended_latest)]


def bulk_create(model, objs):
    return model.objects.bulk_create(objs, batch_size=BATCH_SIZE)


def link_citations(model, pairs):
    """Insert (record pk, citation pk) rows straight into `model`'s citations through table."""
    through = model.citations.through
    column = f"{model._meta.model_name}_id"
    bulk_create(through, [through(**{column: record, "citation_id": citation}) for record, citation in pairs])


class RowWriter:
    """
    Inserts rows of one model as tuples of column values with a single `executemany` a chunk.

    Used for the three tables that take a row per damage report (the reports, their citations, and the links
    between them): 600,000 rows through `bulk_create` spend most of their time in Django's per-value preparation
    (about 25 s of a 50 s run on this machine); `executemany` of plain tuples takes a fraction of that. Everything
    else goes through `bulk_create`.

    The writer assigns primary keys itself, counting up from the table's current maximum (the load runs in one
    transaction and nothing else writes synthetic data meanwhile), fills the timestamps as `auto_now` would, starts
    `version` and the status-change columns at their defaults, and adapts dates with the backend's own adapters.
    It refuses a column list that leaves a field of the model unset, so a field added to the model later fails here
    loudly instead of being silently left empty.
    """

    TIMESTAMPS = ("created", "last_updated")
    # Columns every new row starts with at their model default: a record's first version is 1, and no one has yet
    # moved a new report's curation status.
    DEFAULTED = ("version", "status_changed_at", "status_changed_by_id")

    def __init__(self, model, columns):
        self.model = model
        self.columns = tuple(columns)
        fields = {field.attname: field for field in model._meta.concrete_fields}
        pk = model._meta.pk.attname
        timestamps = tuple(name for name in self.TIMESTAMPS if name in fields)
        defaulted = tuple(name for name in self.DEFAULTED if name in fields)
        self.defaults = tuple(fields[name].get_default() for name in defaulted)
        missing = set(fields) - {pk, *timestamps, *defaulted, *self.columns}
        unknown = set(self.columns) - set(fields)
        if missing or unknown:
            raise ImproperlyConfigured(
                f"RowWriter for {model._meta.label}: columns not set {sorted(missing)}, unknown {sorted(unknown)}."
            )
        self.timestamps = timestamps
        # Date columns need the backend's adapter (SQLite stores ISO text); the values come from a small pool.
        self.date_positions = [
            i
            for i, name in enumerate(self.columns)
            if isinstance(fields[name], models.DateField) and not isinstance(fields[name], models.DateTimeField)
        ]
        self._dates = {}
        names = [pk, *self.columns, *timestamps, *defaulted]
        quote = connection.ops.quote_name
        self.sql = (
            f"INSERT INTO {quote(model._meta.db_table)} ({', '.join(quote(fields[n].column) for n in names)}) "
            f"VALUES ({', '.join(['%s'] * len(names))})"
        )
        self.next_pk = (model.objects.aggregate(top=models.Max("pk"))["top"] or 0) + 1

    def _date(self, value):
        try:
            return self._dates[value]
        except KeyError:
            adapted = self._dates[value] = connection.ops.adapt_datefield_value(value)
            return adapted

    def write(self, rows):
        """Insert `rows` (tuples in `columns` order); returns the primary keys given to them, in order."""
        first = self.next_pk
        self.next_pk += len(rows)
        stamp = (connection.ops.adapt_datetimefield_value(timezone.now()),) * len(self.timestamps) + self.defaults
        if self.date_positions:
            positions = self.date_positions
            rows = [list(row) for row in rows]
            for row in rows:
                for i in positions:
                    row[i] = self._date(row[i])
        params = [(pk, *row, *stamp) for pk, row in zip(range(first, self.next_pk), rows, strict=True)]
        with connection.cursor() as cursor:
            cursor.executemany(self.sql, params)
        return range(first, self.next_pk)


def reset_sequences(models_):
    """After explicit primary keys, point PostgreSQL's id sequences past them (SQLite needs nothing)."""
    statements = connection.ops.sequence_reset_sql(no_style(), models_)
    if statements:
        with connection.cursor() as cursor:
            for sql in statements:
                cursor.execute(sql)
