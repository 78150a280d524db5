"""
The API's errors: Django's validation errors as DRF's, and the exception handler (what DRF leaves as a 500 but is
the client's doing becomes a 4xx).
"""

import logging

from django.core.exceptions import NON_FIELD_ERRORS
from django.db import IntegrityError
from django.db.models import ProtectedError, RestrictedError
from rest_framework import status
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.views import exception_handler as drf_exception_handler
from rest_framework.views import set_rollback

from ... import selectors

logger = logging.getLogger(__name__)


def as_field_errors(exc):
    """A Django ValidationError as DRF error detail, with whole-record errors under `non_field_errors`."""
    if hasattr(exc, "error_dict"):
        errors = {}
        for field, messages in exc.message_dict.items():
            key = api_settings.NON_FIELD_ERRORS_KEY if field == NON_FIELD_ERRORS else field
            errors.setdefault(key, []).extend(messages)
        return errors
    return {api_settings.NON_FIELD_ERRORS_KEY: exc.messages}


def referring_records(records, user):
    """
    The records that keep one from being deleted, for the 409: named where `user` may see them, counted where not
    ("1 damage report you may not see"), so that the refusal shows no draft.
    """
    records = set(records)
    visible = selectors.visible_among(records, user)
    named = sorted(f"{record._meta.verbose_name}: {record}" for record in visible)
    return [*named, *selectors.unseen_counts(records, visible)]


def exception_handler(exc, context):
    """
    DRF's handler, plus: deleting a record that others still point at (PROTECT) is a 409 Conflict that names them
    (and counts those the user may not see), instead of the 500 an unhandled ProtectedError gives; a write that a
    concurrent one made violate a unique constraint after validation passed is a 409 too.
    """
    if isinstance(exc, ProtectedError | RestrictedError):
        referring = exc.protected_objects if isinstance(exc, ProtectedError) else exc.restricted_objects
        blockers = referring_records(referring, getattr(context.get("request"), "user", None))
        return Response(
            {"detail": "This record cannot be deleted while other records refer to it.", "referenced_by": blockers},
            status=status.HTTP_409_CONFLICT,
        )
    if isinstance(exc, IntegrityError):
        # Validation (full_clean) checks unique values before saving, but two requests creating the same slug at
        # once both pass it; the database refuses the second. That is a conflict with a concurrent write, not a crash.
        logger.warning("Write refused by a database constraint: %s", exc)
        set_rollback()
        return Response(
            {
                "detail": "This write conflicts with another saved at the same time (for example the same slug); "
                "nothing was saved. Read the current records and try again."
            },
            status=status.HTTP_409_CONFLICT,
        )
    return drf_exception_handler(exc, context)
