"""
Pagination for every list: page numbers by default (50 records a page, up to 500 with `page_size`), or cursors for
bulk reading (`?cursor=`), which never count the matching rows.
"""

from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.pagination import CursorPagination, PageNumberPagination

from .fields import MAX_PK


class IdCursorPagination(CursorPagination):
    """Cursor pages in id order: the primary key is unique and indexed, so each page is one index range read."""

    ordering = "id"

    def decode_cursor(self, request):
        # DRF checks a cursor's offset but not its position, which goes into the query: a cursor that was not
        # handed out, with a position that is not an id (`p=abc`, `p=1.5`), is a 404 like any other invalid cursor.
        cursor = super().decode_cursor(request)
        if cursor is not None and cursor.position is not None:
            position = cursor.position
            if not (position.isascii() and position.isdigit() and int(position) <= MAX_PK):
                raise NotFound(self.invalid_cursor_message)
        return cursor


class StandardPagination(PageNumberPagination):
    """
    `?page=N&page_size=M`, with `count`, `next`, `previous` and `results`. A page_size that is not a whole number
    from 1 to `max_page_size` is a 400 rather than being silently replaced (DRF's default), so a notebook asking for
    1000 rows learns it gets at most 500.

    `?cursor=` (empty to start) switches a list to cursor pagination for bulk reading: records in id order, `next`
    and `previous` links carrying an opaque cursor, and no `count`, so no page costs a COUNT(*) of the matching
    rows (page numbers count them on every page). The filters apply as usual; `ordering` does not combine with it.
    """

    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 500
    cursor_query_param = "cursor"

    cursor_paginator = None

    def get_page_size(self, request):
        raw = request.query_params.get(self.page_size_query_param)
        if raw is None or raw == "":
            return self.page_size
        try:
            size = int(raw)
        except ValueError:
            size = None
        if size is None or not 1 <= size <= self.max_page_size:
            raise ValidationError(
                {self.page_size_query_param: [f"Must be a whole number from 1 to {self.max_page_size}, not {raw!r}."]}
            )
        return size

    def requested_rows(self, request):
        """The rows of the page the request asks for by its number (a slice), or None if it asks otherwise."""
        try:
            number, size = int(request.query_params.get(self.page_query_param, 1)), self.get_page_size(request)
        except (ValueError, ValidationError):  # the paginator refuses it in its own words
            return None
        # No table holds more rows than a primary key can number: a page beyond that is the paginator's 404, and
        # its offset would not fit the database's integers.
        return slice((number - 1) * size, number * size) if 1 <= number * size <= MAX_PK else None

    def paginate_queryset(self, queryset, request, view=None):
        if self.cursor_query_param not in request.query_params:
            return super().paginate_queryset(queryset, request, view)
        if request.query_params.get("ordering"):
            raise ValidationError({"ordering": ["Cursor pages come in id order: leave out ordering, or cursor."]})
        if request.query_params.get(self.page_query_param):
            raise ValidationError({"page": ["Use either page or cursor, not both."]})
        self.cursor_paginator = IdCursorPagination()
        self.cursor_paginator.page_size = self.get_page_size(request)
        return self.cursor_paginator.paginate_queryset(queryset, request, view)

    def get_paginated_response(self, data):
        if self.cursor_paginator is not None:
            return self.cursor_paginator.get_paginated_response(data)
        return super().get_paginated_response(data)

    def get_html_context(self):
        if self.cursor_paginator is not None:
            return self.cursor_paginator.get_html_context()
        return super().get_html_context()

    def to_html(self):
        if self.cursor_paginator is not None:
            return self.cursor_paginator.to_html()
        return super().to_html()

    def get_paginated_response_schema(self, schema):
        response = super().get_paginated_response_schema(schema)
        # Cursor pages have no count.
        response["required"] = [name for name in response["required"] if name != "count"]
        response["properties"]["count"]["description"] = "How many records match (page-number pages only)."
        return response

    def get_schema_operation_parameters(self, view):
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            if parameter["name"] == self.page_size_query_param:
                parameter["schema"].update({"minimum": 1, "maximum": self.max_page_size, "default": self.page_size})
                parameter["description"] = f"Records per page: 1 to {self.max_page_size} (default {self.page_size})."
            elif parameter["name"] == self.page_query_param:
                parameter["schema"]["minimum"] = 1
                parameter["description"] = "Page number, from 1. A page past the last one is a 404."
        parameters.append(
            {
                "name": self.cursor_query_param,
                "required": False,
                "in": "query",
                "description": "Cursor pagination for bulk reading: give it empty (`?cursor=`) to start, then follow "
                "`next`. Records come in id order; the response has no `count` (no page counts the matches). Not "
                "with `page` or `ordering`. An invalid cursor is a 404.",
                "schema": {"type": "string"},
            }
        )
        return parameters
