"""
Documents a curator has uploaded and not yet confirmed: the admin shows the text taken from an upload before saving
anything, and the upload waits here meanwhile, so that the confirming request need not send it again.

An upload waits in the originals' storage under `pending/<token>`, the token a random 32-digit hex string carried
in the form. It is written only once everything else in the form is valid (a refused upload writes nothing), removed
when the source is saved or the curator cancels, and swept after a day if the curator never comes back. The same
holds for a file a record admin imports (`PendingImport`), between its preview and its confirmation.
"""

import contextlib
import datetime
import re
import secrets

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from import_export.tmp_storages import BaseStorage

from ..models import Source

FOLDER = "pending"
TOKEN = re.compile(r"[0-9a-f]{32}")
KEPT_FOR = datetime.timedelta(days=1)


def _storage():
    return Source.original.field.storage


def _name(token):
    if not TOKEN.fullmatch(token or ""):
        raise KeyError(token)
    return f"{FOLDER}/{token}"


def put(data):
    """Keep `data` (bytes) until it is confirmed; returns its token."""
    sweep()
    token = secrets.token_hex(16)
    _storage().save(_name(token), ContentFile(data))
    return token


def get(token):
    """The bytes waiting under `token`; KeyError when there are none (never uploaded, confirmed, or swept)."""
    try:
        with _storage().open(_name(token), "rb") as handle:
            return handle.read()
    except (OSError, FileNotFoundError) as exc:
        raise KeyError(token) from exc


def discard(token):
    with contextlib.suppress(KeyError):
        _storage().delete(_name(token))


def sweep():
    """Remove uploads left waiting for longer than a day."""
    storage = _storage()
    try:
        _, names = storage.listdir(FOLDER)
    except (OSError, FileNotFoundError, NotImplementedError):
        return
    cutoff = timezone.now() - KEPT_FOR
    for name in names:
        try:
            if storage.get_modified_time(f"{FOLDER}/{name}") < cutoff:
                storage.delete(f"{FOLDER}/{name}")
        except (OSError, NotImplementedError):
            continue


class PendingImport(BaseStorage):
    """
    django-import-export's temporary storage for the record admins' imports (ImportExportRecordAdmin): the uploaded
    file waits here between the preview and the confirmation, whose form names it by its token. Unlike the library's
    own temporary-folder storage, a preview nobody confirms does not stay for good, and a confirmation can name only
    a file that is waiting.
    """

    class Gone(Exception):
        """The file is no longer waiting (imported already, or swept), or the token was never given."""

    def save(self, data):
        self.name = put(data)

    def read(self):
        try:
            data = get(self.name)
        except KeyError:
            raise self.Gone(self.name) from None
        return data if "b" in self.read_mode else data.decode(self.encoding or "utf-8")

    def remove(self):
        # Once the import is committed: an import that fails after reading the file leaves it for another try.
        name = self.name
        transaction.on_commit(lambda: discard(name))
