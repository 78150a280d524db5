"""
What `manage.py backup` writes and `restore` reads: a zip archive of the records (a natural-key fixture) and the
sources' original documents, with a manifest giving the SHA-256 of every part.

    manifest.json          {"format": "heritage-backup/1", "written": ..., "sha256": {member: hex, ...}}
    records.json           dumpdata of everything but content types, permissions and sessions
    originals/<name>       each source's original, under its storage name

Texts travel inside records.json with their checksums, which loading verifies (Source.clean); originals are
verified against the manifest and against their sources' `original_sha256` before anything is written.
"""

FORMAT = "heritage-backup/1"
MANIFEST = "manifest.json"
RECORDS = "records.json"


def original_member(name):
    """The archive member holding the original stored as `name`."""
    return f"originals/{name}"
