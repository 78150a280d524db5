"""
Atomic batches: `POST` a JSON list of records to a resource's list URL to create them all, or none.

Each record goes through the same serializer as a single create (so the model's `full_clean()`: EDTF dates, named
constraints, quotes found in their sources). They are saved one after another inside one transaction, so record 3 is
checked against records 1 and 2 already written (two records with one slug are refused, not a database error). If
any record is refused, the transaction is rolled back and the answer is a 400 naming each refused record by its
position in the list and the fields at fault:

    {"detail": "No record was saved: 1 of 3 records is invalid.", "errors": {"1": {"occurred": ["..."]}}}
"""

from django.db import transaction
from rest_framework import status
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

MAX_BATCH = 1000


class BatchCreateMixin:
    """For a ModelViewSet: `create()` also takes a list of records, saved in one transaction or not at all."""

    max_batch = MAX_BATCH

    def create(self, request, *args, **kwargs):
        if not isinstance(request.data, list):
            return super().create(request, *args, **kwargs)
        records = request.data
        if not 1 <= len(records) <= self.max_batch:
            raise ValidationError({"detail": f"A batch holds from 1 to {self.max_batch} records, not {len(records)}."})
        serializers, errors = [], {}
        # Its own atomic block (a savepoint under ATOMIC_REQUESTS): raising inside it undoes every record saved so far.
        with transaction.atomic():
            for position, record in enumerate(records):
                serializer = self.get_serializer(data=record)
                if serializer.is_valid():
                    # Saved at once, so that the next records are validated against this one (unique slugs).
                    self.perform_create(serializer)
                    serializers.append(serializer)
                else:
                    errors[str(position)] = serializer.errors
            if errors:
                verb = "is" if len(errors) == 1 else "are"
                raise ValidationError(
                    {
                        "detail": f"No record was saved: {len(errors)} of {len(records)} records {verb} invalid.",
                        "errors": errors,
                    }
                )
        # One ETag per record would not fit one header: each record's `url` gives it.
        self.etag_instance = None
        return Response([serializer.data for serializer in serializers], status=status.HTTP_201_CREATED)
