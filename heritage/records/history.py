"""
Change history of every record, kept by django-simple-history.

Why django-simple-history rather than django-reversion: it keeps one history table per model (`records_historicalsite`,
...) with real columns, so "who changed this damage report's severity, and when" is a plain SQL query, and the
tables can be indexed and exported like any other; it tracks many-to-many fields (a record's citations); its admin
integration lists each version with its user and reason, shows what changed, and reverts; and a deleted record's
history rows stay behind.

`RecordHistory` adds one rule to the library: fixture loads (`loaddata`, which saves with raw=True) are not
curators' edits. The library already skips raw saves; here the many-to-many changes `loaddata` makes right after a
raw save are skipped too, so loading the article's fixtures writes no half history (a "changed" without a
"created").
"""

from simple_history.models import HistoricalRecords


class RecordHistory(HistoricalRecords):
    """HistoricalRecords that ignores the many-to-many writes of a fixture load (see the module docstring)."""

    def m2m_changed(self, instance, action, attr, pk_set, reverse, **kwargs):
        if getattr(instance, "_saved_raw", False):
            return
        super().m2m_changed(instance, action, attr, pk_set, reverse, **kwargs)
