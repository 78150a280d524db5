"""
The `rows` piece in the views: list pages, exports and records read as `.values()` rows through the serializer's
compiled reader (rows.py). A serializer the reader cannot compile keeps DRF's path, and so does a record asked for
as the browsable API's page.
"""

from django.core.exceptions import ValidationError
from django.http import Http404
from rest_framework.response import Response

from . import enabled
from .pages import ValuesRows, record_rows
from .rows import values_reader

# The formats whose renderers read a record's data alone; the browsable API's page builds forms from the serializer
# and its instance, and keeps DRF's path.
ROW_FORMATS = {"json", "csv", "geojson"}


class RowsListMixin:
    """For a list view with ExportMixin and ConditionalWriteMixin: pages, exports and records from rows."""

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
            rows = ValuesRows(queryset, reader, self.paginator.requested_rows(request))
        page = self.paginate_queryset(rows)
        return self.get_paginated_response(reader.read(page, request))

    def export_records(self, queryset, request):
        """An export's records from rows, `export_chunk_size` at a time (each chunk's to-many lists in one query)."""
        reader = self.reader()
        if reader is None:
            return super().export_records(queryset, request)
        rows = queryset.prefetch_related(None).values(*reader.columns)
        return reader.read_chunks(rows, request, self.export_chunk_size)

    def retrieve(self, request, *args, **kwargs):
        """
        A record as its list shows it, from one row. Through DRF, each request builds the serializer's fields
        (model introspection, a deep copy of every declared field) and a model instance for the record and each
        related one: for a damage report of the benchmark's data, in-process, about 20 ms against 10 ms from a row
        (measured on a loaded machine), for the same two queries.
        """
        reader = self.reader()
        if reader is None or getattr(request.accepted_renderer, "format", None) not in ROW_FORMATS:
            return super().retrieve(request, *args, **kwargs)
        row = self.get_row(reader)
        return Response(reader.read([row], request)[0])

    def get_row(self, reader):
        """DRF's get_object() as a row: the filtered records, looked up, 404 if absent, its version for the ETag."""
        queryset = self.get_queryset()
        # Without query parameters no filter applies (django-filter skips an empty value), and building the filter
        # set to find that out (a deep copy of every filter, a form validated) took a quarter of a record's time.
        if self.request.query_params:
            queryset = self.filter_queryset(queryset)
        queryset = queryset.prefetch_related(None)
        lookup = {self.lookup_field: self.kwargs[self.lookup_url_kwarg or self.lookup_field]}
        try:
            rows = record_rows(queryset.filter(**lookup), reader, [*reader.columns, "version"])
        except (TypeError, ValueError, ValidationError):  # a lookup value the field cannot hold, as DRF's 404
            raise Http404 from None
        if len(rows) != 1:  # as Django's get_object_or_404 says it
            raise Http404(f"No {queryset.model._meta.object_name} matches the given query.")
        # What the permissions and the ETag read of a record (ConditionalWriteMixin.finalize_response).
        record = queryset.model(pk=rows[0]["id"], version=rows[0]["version"])
        self.check_object_permissions(self.request, record)
        self.etag_instance = record
        return rows[0]
