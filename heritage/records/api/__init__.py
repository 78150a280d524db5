"""The researcher API: read-only for everyone, writable by curators, under /api/v1/."""
