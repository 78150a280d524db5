"""
No lost updates in the API: ETags and `If-Match` (RFC 9110, section 13.1.1).

Every record's ETag is its `version` in quotes (`"7"`), which rises with every save. A client sends the ETag it read
back with its change; the change is applied only to that version:

- `GET` on a record, and every successful write, answers with the record's current `ETag`.
- `PUT`, `PATCH` and `DELETE` without `If-Match` are refused with 428 Precondition Required. `If-Match: *` is refused
  the same way: it matches any version, which is exactly the blind overwrite this guards against.
- An `If-Match` that does not name the current version (or a weak ETag, which If-Match never matches) is a
  412 Precondition Failed whose body carries the record as it now is (`current`), with its ETag in the header, so the
  client can merge and retry.

The check is `concurrency.claim_version()`, a conditional UPDATE inside the request's transaction (ATOMIC_REQUESTS):
of two writers that read the same version, the second waits for the first's row lock and is then refused, on SQLite
and PostgreSQL alike. The admin uses the same function.
"""

from django.db import transaction
from django.utils.http import parse_etags, quote_etag
from rest_framework import status
from rest_framework.exceptions import APIException, NotFound
from rest_framework.response import Response

from ...concurrency import RecordDeleted, StaleVersion, claim_version

UNSAFE_METHODS = frozenset({"PUT", "PATCH", "DELETE"})


def etag_for(instance):
    """The strong ETag of a record's current version: `"<version>"`."""
    return quote_etag(str(instance.version))


def names_version(if_match, version):
    """
    Whether an If-Match header names `version`'s ETag (it may list several).

    Weak ETags (`W/"3"`) never match: If-Match uses strong comparison. Entries that are not ETags match nothing, so a
    malformed header fails as a stale one does.
    """
    for entry in if_match.split(","):
        entry = entry.strip()
        if not entry.startswith("W/") and parse_etags(entry) == [quote_etag(str(version))]:
            return True
    return False


class PreconditionRequired(APIException):
    status_code = status.HTTP_428_PRECONDITION_REQUIRED
    default_detail = (
        "Send If-Match with the record's ETag (from the ETag header of a GET of the record): "
        'changes and deletions apply only to the version you read. If-Match: "*" is not accepted.'
    )
    default_code = "precondition_required"


class ConditionalWriteMixin:
    """
    For a ModelViewSet: ETags on records, and `If-Match` required on PUT, PATCH and DELETE.

    The check sits in `get_object()`, which update and destroy call first (after authentication and permissions, so
    an anonymous write is still a 401): by the time the serializer runs, the row is claimed for this transaction.
    """

    def get_object(self):
        instance = super().get_object()
        if self.request.method in UNSAFE_METHODS:
            self.claim(instance)
        self.etag_instance = instance
        return instance

    def claim(self, instance):
        if_match = self.request.headers.get("If-Match", "").strip()
        if not if_match or if_match == "*":
            raise PreconditionRequired()
        if not names_version(if_match, instance.version):
            # Already stale as read: no need to take the row. The current record is what get_object() just read.
            raise StaleVersion(instance)
        # Read and claimed are two statements: another writer may commit between them. The conditional UPDATE then
        # matches no row and raises StaleVersion with the record as that writer left it.
        claim_version(instance, instance.version)

    def perform_create(self, serializer):
        super().perform_create(serializer)
        self.etag_instance = serializer.instance

    def perform_update(self, serializer):
        super().perform_update(serializer)
        self.etag_instance = serializer.instance

    def handle_exception(self, exc):
        if isinstance(exc, RecordDeleted):  # deleted between this request's read and its claim
            return super().handle_exception(NotFound(str(exc)))
        if not isinstance(exc, StaleVersion):
            return super().handle_exception(exc)
        current = exc.current
        body = {"detail": str(exc), "current": self.get_serializer(current).data}
        # Nothing was written (the claim failed before any change), but roll back anyway, as DRF does for errors.
        # Only now: once marked for rollback, the transaction refuses the queries that serializing the record needs.
        transaction.set_rollback(True)
        response = Response(body, status=status.HTTP_412_PRECONDITION_FAILED, headers={"ETag": etag_for(current)})
        # Marks the response as an error, so that it is rendered as JSON whatever format was asked for.
        response.exception = True
        self.etag_instance = None
        return response

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        instance = getattr(self, "etag_instance", None)
        if instance is not None and response.status_code in (200, 201) and "ETag" not in response:
            response["ETag"] = etag_for(instance)
        return response
