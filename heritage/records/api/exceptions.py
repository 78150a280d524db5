"""The API's exception handler: what DRF leaves as a 500 but is the client's doing becomes a 4xx."""

from django.db.models import ProtectedError, RestrictedError
from rest_framework import status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler


def exception_handler(exc, context):
    """
    DRF's handler, plus: deleting a record that others still point at (PROTECT) is a 409 Conflict that names them,
    instead of the 500 an unhandled ProtectedError gives.
    """
    if isinstance(exc, ProtectedError | RestrictedError):
        referring = exc.protected_objects if isinstance(exc, ProtectedError) else exc.restricted_objects
        blockers = sorted({f"{obj._meta.verbose_name}: {obj}" for obj in referring})
        return Response(
            {"detail": "This record cannot be deleted while other records refer to it.", "referenced_by": blockers},
            status=status.HTTP_409_CONFLICT,
        )
    return drf_exception_handler(exc, context)
