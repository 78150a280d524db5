"""
The curators' admin: every record of the heritage database, one module a topic.

Every model admin keeps history (django-simple-history: who, when, what changed, revert), joins or prefetches what
its list shows so that a page costs the same number of queries however many rows it has, and uses autocomplete for
foreign keys. Sites, damage reports and occupations import and export as CSV and XLSX.
"""

from django.contrib import admin

from . import (  # noqa: F401  (registers the admins)
    actors,
    conflict,
    damage,
    deletions,
    identifiers,
    periods,
    releases,
    sites,
    sources,
    vocabularies,
)

admin.site.site_header = "Heritage record: curators' admin"
admin.site.site_title = "Heritage record"
admin.site.index_title = "Records"
# "View site": the researchers' API, which a browser shows as the browsable API (there is no public site beside it).
admin.site.site_url = "/api/v1/"
