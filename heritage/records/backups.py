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

from django.core.serializers import json

FORMAT = "heritage-backup/2"
READS = ("heritage-backup/1", FORMAT)
MANIFEST = "manifest.json"
RECORDS = "records.json"


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
    """

    def start_serialization(self):
        self.use_natural_primary_keys = False
        self.natural_foreign_keys = self.use_natural_foreign_keys
        super().start_serialization()

    def handle_fk_field(self, obj, field):
        self.use_natural_foreign_keys = self.natural_foreign_keys and field.db_constraint
        super().handle_fk_field(obj, field)
        self.use_natural_foreign_keys = self.natural_foreign_keys


Deserializer = json.Deserializer
