"""
Writes that are more than plain CRUD, shared by the admin, the API and management commands.

Each service takes keyword-only arguments, validates with `full_clean()` and writes inside `transaction.atomic()`,
so that whichever door a change comes through, the same rules hold.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from .choices import CurationStatus
from .models import Source
from .models.base import CuratedRecord
from .models.sources import original_path

# --- The verification workflow ----------------------------------------------------------------------------------

# Which status a damage report or a threat may move to from each status. A draft is reported when it is complete; a
# report is verified against its citations or disputed; a retraction can be undone by reporting the claim again (it
# is never deleted, so its history stays readable).
STATUS_TRANSITIONS = {
    CurationStatus.DRAFT: {CurationStatus.REPORTED, CurationStatus.RETRACTED},
    CurationStatus.REPORTED: {CurationStatus.VERIFIED, CurationStatus.DISPUTED, CurationStatus.RETRACTED},
    CurationStatus.VERIFIED: {CurationStatus.DISPUTED, CurationStatus.RETRACTED},
    CurationStatus.DISPUTED: {CurationStatus.VERIFIED, CurationStatus.REPORTED, CurationStatus.RETRACTED},
    CurationStatus.RETRACTED: {CurationStatus.REPORTED},
}


def allowed_statuses(current):
    """The statuses a record in status `current` may move to."""
    return STATUS_TRANSITIONS.get(CurationStatus(current), set())


def may_change_status(user, model):
    """Whether `user` may move `model`'s records (damage reports, threats) through the workflow."""
    return user is not None and user.has_perm(model.status_permission())


@transaction.atomic
def change_status(*, record: CuratedRecord, status: str, user, reason: str = "") -> CuratedRecord:
    """
    Move `record` (a damage report or a threat) to `status`, recording who (`user`) and when; returns the saved
    record.

    Raises PermissionDenied when `user` may not move this kind of record, and ValidationError (on the "status"
    field, naming the record) when the move is not allowed from the record's current status, or when `status` is
    verified and the record cites no source. The history entry gets `user` and a change reason saying which move
    it was (plus `reason`, if given).
    """
    model = type(record)
    if not isinstance(record, CuratedRecord):
        raise TypeError(f"{model.__name__} has no verification workflow.")
    if not may_change_status(user, model):
        raise PermissionDenied(f"You may not change the status of {model._meta.verbose_name_plural}.")
    record = model.objects.select_for_update().get(pk=record.pk)
    try:
        target = CurationStatus(status)
    except ValueError:
        raise ValidationError({"status": f"{status!r} is not a curation status."}) from None
    current = CurationStatus(record.status)
    if target not in allowed_statuses(current):
        raise ValidationError(
            {"status": f"“{record}” ({record.slug}) is {current.label.lower()}; it cannot be {target.label.lower()}."}
        )
    if target == CurationStatus.VERIFIED and not record.citations.exists():
        raise ValidationError(
            {"status": f"“{record}” ({record.slug}) cannot be verified: it cites no source. Add a citation first."}
        )
    record.status = target
    record.status_changed_by = user
    record.status_changed_at = timezone.now()
    record.full_clean()
    # The history entry names the user even outside a request (API tasks, management commands).
    record._history_user = user
    record._change_reason = f"Status: {current.label} → {target.label}" + (f". {reason}" if reason else "")
    record.save()
    return record


# --- Sources ----------------------------------------------------------------------------------------------------


def describe_original(source, document):
    """Give `source` the text taken from `document` (texts.Extracted) and the description of the document itself."""
    source.text = document.text
    source.original_name = document.name[:255]
    source.original_media_type = document.media_type
    source.original_size = document.size
    source.original_sha256 = document.sha256
    source.original.name = original_path(source, document.name)


@transaction.atomic
def save_source(*, source: Source, document=None) -> Source:
    """
    Validate and save `source` (new or changed); with `document` (texts.Extracted, holding the uploaded bytes),
    describe it as the source's original and store its bytes. Returns the saved source.

    Everything is checked first (full_clean: the text, its uniqueness, a cited text left unchanged, the original's
    description), so a refused source writes nothing, in the database or in storage. The original is stored under
    its checksum (models.sources.original_path): the same document is stored once.
    """
    if document is not None:
        describe_original(source, document)
    source.full_clean()
    if document is not None:
        storage = source.original.storage
        if not storage.exists(source.original.name):
            source.original.name = storage.save(source.original.name, ContentFile(document.data))
    source.save()
    return source
