"""
What `manage.py backup` writes and `restore` reads: a zip archive of the records and the sources' original documents,
with a manifest giving the SHA-256 of every part.

    manifest.json          {"format": "heritage-backup/2", "written": ..., "sha256": {member: hex, ...}}
    records.json           dumpdata of everything but content types, permissions, sessions and the search index,
                           in this module's JSON (`dumpdata --format backup`, below)
    originals/<name>       each source's original, under its storage name

Texts travel inside records.json with their checksums, which loading verifies (Source.clean); originals are
verified against the manifest and against their sources' `original_sha256` before anything is written.

Format 1 wrote the records without their primary keys (dumpdata --natural-foreign --natural-primary): restored
records were numbered afresh, so history naming a record by its number could name another, and a history row naming
a deleted record stopped the backup. `restore` still reads it.
"""

import functools

from django.core.serializers import json

FORMAT = "heritage-backup/2"
READS = ("heritage-backup/1", FORMAT)
MANIFEST = "manifest.json"
RECORDS = "records.json"
# The natural keys the records' writer keeps (Serializer): bounded, so that memory does not grow with the database.
NATURAL_KEYS_KEPT = 100_000


def original_member(name):
    """The archive member holding the original stored as `name`."""
    return f"originals/{name}"


class Serializer(json.Serializer):
    """
    Django's JSON, every row with its primary key: history and the admin's log name records by their keys, and a
    restored record keeps its own. A reference the database guarantees (a foreign key with its constraint) is written
    by natural key where the model has one, as in the fixtures: content types and permissions are numbered by each
    database's own `migrate`, and loaddata resolves a natural key that a later record in the file answers. A
    reference the database does not guarantee (history naming a record since deleted) is written as the key it holds.

    A record is named by many rows (a site by its reports, names and history; a user by every history row), so the
    natural keys last asked for are kept rather than read again for each row that names them.
    """

    def start_serialization(self):
        self.use_natural_primary_keys = False
        self.natural_foreign_keys = self.use_natural_foreign_keys
        self.natural_key = functools.lru_cache(maxsize=NATURAL_KEYS_KEPT)(self.read_natural_key)
        super().start_serialization()

    def handle_fk_field(self, obj, field):
        value = getattr(obj, field.attname)
        if value is None or not self.by_natural_key(field):
            self._current[field.name] = self._value_from_field(obj, field)
        else:
            self._current[field.name] = self.natural_key(field.related_model, field.target_field.attname, value)

    def handle_m2m_field(self, obj, field):
        if not field.remote_field.through._meta.auto_created:
            return
        related = getattr(obj, field.name).values_list("pk", flat=True)
        if self.by_natural_key(field):
            self._current[field.name] = [self.natural_key(field.related_model, "pk", pk) for pk in related]
        else:
            self._current[field.name] = list(related)

    def by_natural_key(self, field):
        guaranteed = field.many_to_many or field.db_constraint
        return self.natural_foreign_keys and guaranteed and hasattr(field.related_model, "natural_key")

    @staticmethod
    def read_natural_key(model, name, value):
        # The relations a natural key follows come in the same query (a citation's source, a name's site).
        return model._base_manager.select_related().get(**{name: value}).natural_key()


Deserializer = json.Deserializer
