"""
A copy of the record kept current through the change feed, as docs/api.md ("Keeping a copy current") describes:
read everything once; then, each time, the records `updated_since` the moment the previous pass began, and the
`deletions` since then. Across creates, edits (of records, of their lists' items, of their citations), status
moves and deletes (one of a record re-created under its slug), the copy equals a fresh read of the database.
"""

from urllib.parse import urlsplit

import pytest
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from heritage.records.models import Citation, Site, SiteName

from .base import if_match

RESOURCES = ["sites", "damage-reports", "actors", "occupations"]


def key_of(row):
    return row.get("slug") or row["id"]


def stored(row):
    """
    A record as a copy stores it: a related record by its URL (the copy holds that record itself), the items of
    its lists whole.
    """
    return {name: related(value) for name, value in row.items()}


def related(value):
    if isinstance(value, dict):
        if "url" in value and "id" in value:
            return value["url"]
        return {name: related(item) for name, item in value.items()}
    if isinstance(value, list):
        return [related(item) for item in value]
    return value


def read_all(client, path, **params):
    """Every row of a list, through its cursor pages."""
    rows, url, query = [], path, {"cursor": "", "page_size": 200, **params}
    while url:
        response = client.get(url, query)
        assert response.status_code == 200, response.content
        rows += response.json()["results"]
        following = response.json()["next"]
        url, query = (urlsplit(following).path + "?" + urlsplit(following).query, None) if following else (None, None)
    return rows


class Copy:
    """A client's copy of some resources: {(resource, key): record}, and the moment its last pass began."""

    def __init__(self, client):
        self.client = client
        self.records = {}
        self.since = None
        self.pulled = 0  # rows read by the passes after the first

    def sync(self):
        began = timezone.now().isoformat()  # a real client subtracts a margin: see docs/api.md
        changed = {"updated_since": self.since} if self.since else {}
        for resource in RESOURCES:
            rows = read_all(self.client, f"/api/v1/{resource}/", **changed)
            self.pulled += len(rows) if self.since else 0
            for row in rows:
                self.records[(resource, key_of(row))] = stored(row)
        if self.since:
            for tombstone in read_all(self.client, "/api/v1/deletions/", since=self.since):
                key = (tombstone["record_type"], tombstone["identifier"])
                held = self.records.get(key)
                # A record deleted and then made again under its slug is newer than its tombstone: keep it.
                if held is not None and parse_datetime(held["last_updated"]) < parse_datetime(tombstone["deleted_at"]):
                    del self.records[key]
        self.since = began

    def fresh(self):
        return {
            (resource, key_of(row)): stored(row)
            for resource in RESOURCES
            for row in read_all(self.client, f"/api/v1/{resource}/")
        }


@pytest.fixture
def writer(deleter):
    """A token that may add, change, delete, view and move records through the workflow."""
    return deleter


def write(client, method, url, body=None, **params):
    headers = if_match(client, url) if method in ("patch", "delete") else {}
    target = url + ("?" + "&".join(f"{k}={v}" for k, v in params.items()) if params else "")
    response = getattr(client, method)(target, body, format="json", **headers)
    assert response.status_code in (200, 201, 204), (method, url, response.content)
    return response


def report(slug, site):
    return {"slug": slug, "site": site, "cause": "looting", "severity": "destroyed", "certainty": "low"}


@pytest.mark.usefixtures("unthrottled")
def test_a_copy_kept_through_updated_since_and_deletions_equals_the_database(world, writer, anonymous):
    public = Copy(anonymous)
    private = Copy(writer)  # who also sees drafts
    for copy in (public, private):
        copy.sync()
    assert public.records == public.fresh() and private.records == private.fresh()

    # Creates: a site with its names, a report (a draft, then reported), a draft deleted before anyone saw it.
    write(
        writer,
        "post",
        "/api/v1/sites/",
        {
            "slug": "nimrud",
            "name": "Nimrud",
            "kind": "archaeological_site",
            "country": "IQ",
            "names": [{"name": "Kalhu", "kind": "historical"}],
        },
    )
    write(
        writer,
        "post",
        "/api/v1/damage-reports/",
        {**report("nimrud-bulldozed", "nimrud"), "citations": [world["citation"].pk]},
    )
    write(writer, "post", "/api/v1/damage-reports/nimrud-bulldozed/status/", {"status": "reported"})
    write(writer, "post", "/api/v1/damage-reports/", report("fleeting-draft", "hatra"))
    # Edits: a record's field, a site renamed (the reports nest it), one of a site's names replaced (a nested item).
    write(writer, "patch", "/api/v1/sites/hatra/", {"description": "Parthian city; sacked in 2015."})
    write(writer, "patch", "/api/v1/sites/nimrud/", {"name": "Nimrud (Kalhu)"})
    write(
        writer,
        "patch",
        "/api/v1/sites/palmyra/",
        {"names": [{"name": "Tadmur", "kind": "local", "language": "ar-Latn"}]},
    )
    write(writer, "patch", "/api/v1/actors/pmf/", {"name": "Popular Mobilisation Forces"})
    # Deletes: a report, an occupation, a draft, and a site deleted and made again under its slug.
    write(writer, "delete", "/api/v1/damage-reports/fleeting-draft/", reason="Entered twice.")
    write(writer, "delete", "/api/v1/occupations/pmf-hatra/")
    write(
        writer, "post", "/api/v1/sites/", {"slug": "ashur", "name": "Ashur", "kind": "historic_city", "country": "IQ"}
    )
    write(writer, "delete", "/api/v1/sites/ashur/")
    write(
        writer, "post", "/api/v1/sites/", {"slug": "ashur", "name": "Assur", "kind": "historic_city", "country": "IQ"}
    )
    for copy in (public, private):
        copy.sync()
        assert copy.records == copy.fresh()
    assert ("damage-reports", "fleeting-draft") not in public.records
    assert ("sites", "ashur") in public.records and public.records[("sites", "ashur")]["name"] == "Assur"

    # Changes made around the API: an item's own page (a name), a citation attached from the passage's side, a
    # status move, and a site removed by a script.
    name = SiteName.objects.get(site__slug="nimrud", name="Kalhu")
    name.language = "akk"
    name.save()
    Citation.objects.get(pk=world["citation"].pk).sites.add(Site.objects.get(slug="ashur"))
    write(writer, "post", "/api/v1/damage-reports/nimrud-bulldozed/status/", {"status": "retracted"})
    Site.objects.create(slug="brief", name="Brief", kind="monument", country="SY").delete()
    before = public.pulled
    for copy in (public, private):
        copy.sync()
        assert copy.records == copy.fresh()
    # The pass read what changed, not everything.
    assert 0 < public.pulled - before < len(public.records) / 4
    assert public.records[("sites", "nimrud")]["names"][0]["language"] == "akk"
