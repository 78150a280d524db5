"""
After every `migrate`, the search app installs its full-text index and indexes a database that holds records but no
entries (heritage/search/signals.py). Migrating back to an earlier migration must not try it: today's models do not
fit the older tables. A copy of the run's migrated snapshot (tests/databases.py), in subprocesses, as an operator
would run it.
"""

import pytest

from .processes import manage

pytestmark = pytest.mark.long

EARLIER = "0017_releases"  # before 0018 gave sites their damage extent

# A site inserted in bulk, which sends no signal: records, and no search entries.
WRITE_A_SITE = """
from heritage.records.models import Site
from heritage.search.models import SearchEntry
Site.objects.bulk_create([Site(slug="hatra", name="Hatra", kind="archaeological_site", country="IQ")])
assert not SearchEntry.objects.exists()
"""

COUNT_ENTRIES = """
from heritage.search.models import SearchEntry
print(SearchEntry.objects.filter(names__contains="Hatra").count())
"""


def test_migrating_back_leaves_the_index_for_the_next_full_migrate(migrated_database):
    database = migrated_database("latest")
    manage(database, "shell", "--no-imports", "-c", WRITE_A_SITE)
    manage(database, "migrate", "records", EARLIER, "-v0")  # would read sites through today's model, and fail
    manage(database, "migrate", "-v0")
    assert manage(database, "shell", "--no-imports", "-c", COUNT_ENTRIES).stdout.strip() == "1"
