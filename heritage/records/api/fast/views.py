"""
The `rows` piece in the views: list pages and exports read as `.values()` rows through the serializer's compiled
reader (rows.py). A serializer the reader cannot compile, and every detail, keep DRF's path.
"""

from . import enabled
from .pages import ValuesRows
from .rows import values_reader


class RowsListMixin:
    """For a list view with ExportMixin: pages and exports from rows, on the fast path."""

    def reader(self):
        return values_reader(self.get_serializer_class()) if enabled("rows") else None

    def list(self, request, *args, **kwargs):
        reader = self.reader()
        if reader is None or self.export_format(request) is not None:
            return super().list(request, *args, **kwargs)
        queryset = self.filter_queryset(self.get_queryset()).prefetch_related(None)
        # Cursor pages order and slice the rows' query themselves, and never count; page numbers count the
        # filtered queryset and fetch a page of rows (ValuesRows).
        if self.paginator.cursor_query_param in request.query_params:
            rows = queryset.values(*reader.columns)
        else:
            rows = ValuesRows(queryset, reader)
        page = self.paginate_queryset(rows)
        return self.get_paginated_response(reader.read(page, request))

    def export_records(self, queryset, request):
        reader = self.reader()
        if reader is None:
            return super().export_records(queryset, request)
        rows = queryset.prefetch_related(None).values(*reader.columns)
        return reader.read_chunks(rows, request, self.export_chunk_size)
