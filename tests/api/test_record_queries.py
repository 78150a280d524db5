"""
A record (`/api/v1/<resource>/<slug>/`), and a page of sites, cost a small, fixed number of queries however many rows
they nest, and a record's answer on the fast path (a record read from one row, fast/views.py) is the plain path's:
status, body and ETag, for
the public and for a researcher, for drafts, missing records, lookups that cannot match, and filters.
"""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from heritage.records.models import Citation, DamageReport, SiteExtent, SiteName

from .base import content_of
from .test_query_counts import FACTORIES, base  # noqa: F401 (base is a fixture)

# The queries of each resource's record, as the public reads it: the record with its foreign keys joined, then one
# query for each to-many relation (a site's names, designations, periods, extents, identifiers, and their citations).
RECORD_QUERIES = {
    "site": 11,
    "period": 4,
    "actor": 5,
    "occupation": 3,
    "event": 6,
    "damage-report": 2,
    "threat": 2,
    "source": 2,
    "citation": 1,
    "disturbance-cause": 1,
}


def selects(client, url):
    """The SELECTs a read of `url` runs (inside the test's transaction a read also takes a savepoint)."""
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return [query["sql"] for query in queries if query["sql"].startswith("SELECT")]


def enrich(record, made):
    """Many more rows under the record: ten more citations, and for a site five more other names."""
    source = made["source"]
    text = source.text
    for n in range(10):
        start = 200 + n * 40
        citation = Citation.objects.filter(source=source, char_start=start).first()
        if citation is None:
            citation = Citation(source=source, quote=text[start : start + 30], char_start=start)
            citation.char_end = start + 30
            citation.save()
        if hasattr(record, "citations"):
            record.citations.add(citation)
    if record._meta.model_name == "site":
        for n in range(5):
            SiteName.objects.create(site=record, name=f"{record.name} {n}", kind="variant")


@pytest.mark.parametrize("basename", list(FACTORIES))
def test_a_record_costs_the_same_few_queries_however_much_it_nests(base, anonymous, basename):  # noqa: F811
    model, make = FACTORIES[basename]
    plain, rich = make(base), make(base)
    enrich(rich, base)

    def url(record):
        lookup = "pk" if basename == "citation" else "slug"
        return reverse(f"api:{basename}-detail", kwargs={lookup: getattr(record, lookup)})

    few, many = len(selects(anonymous, url(plain))), len(selects(anonymous, url(rich)))
    assert (few, many) == (RECORD_QUERIES[basename], RECORD_QUERIES[basename])


def filled_site(made):
    """A site with every nested list filled and each item cited: names, designations, periods, extents, identifiers."""
    site = FACTORIES["site"][1](made)
    for item in [*site.names.all(), *site.designations.all(), *site.site_periods.all()]:
        item.citations.add(made["citation"])
    extent = SiteExtent.objects.create(site=site, position=1, geometry={"type": "Point", "coordinates": [38.3, 34.6]})
    extent.citations.add(made["citation"])
    SiteName.objects.create(site=site, name=f"{site.name}, again", kind="variant")
    return site


@pytest.mark.parametrize("who", ["anonymous", "researcher"])
def test_a_page_of_sites_costs_the_same_queries_for_one_site_as_for_twenty(base, request, who):  # noqa: F811
    """
    The count, the page, then one query for each nested list of the page's sites and one for each list's citations
    (names, designations, periods, extents, identifiers), and the sites' own citations: 13, however many sites and
    items. DRF's path ran a query per list too, but built a model instance for every row.
    """
    client = request.getfixturevalue(who)
    sites = [filled_site(base) for _ in range(20)]

    def page(count):
        ids = ",".join(str(site.pk) for site in sites[:count])
        return selects(client, f"/api/v1/sites/?id={ids}&page_size=50")

    # A researcher's token, then its permissions (may it see exact locations?), read once a request.
    signing_in = {"anonymous": 0, "researcher": 3}[who]
    assert (len(page(1)), len(page(20))) == (signing_in + 13, signing_in + 13)
    assert len(selects(client, f"/api/v1/sites/{sites[0].slug}/")) == signing_in + 12  # the record: no count


def answer(client, url, params=None):
    response = client.get(url, params or {})
    return response.status_code, response.get("ETag"), response["Content-Type"], content_of(response)


@pytest.mark.parametrize("who", ["anonymous", "researcher"])
def test_a_record_read_from_a_row_is_the_record_drf_gives(world, request, settings, unthrottled, who):
    client = request.getfixturevalue(who)
    draft = DamageReport.objects.filter(status="reported").first()
    DamageReport.objects.filter(pk=draft.pk).update(status="draft")
    report = DamageReport.objects.exclude(status="draft").order_by("pk").first()
    reads = [
        (f"/api/v1/damage-reports/{report.slug}/", None),
        (f"/api/v1/damage-reports/{draft.slug}/", None),  # the public's 404, a researcher's record
        ("/api/v1/damage-reports/no-such-report/", None),
        (f"/api/v1/damage-reports/{report.slug}/", {"severity": "no_visible_damage"}),  # filtered out: 404
        (f"/api/v1/damage-reports/{report.slug}/", {"severity": report.severity}),
        (f"/api/v1/damage-reports/{report.slug}/", {"severity": "not-a-severity"}),  # 400
        ("/api/v1/citations/not-an-id/", None),
        (f"/api/v1/citations/{Citation.objects.order_by('pk').first().pk}/", None),
    ]
    settings.API_FAST_PATH = "on"
    fast = [answer(client, url, params) for url, params in reads]
    settings.API_FAST_PATH = "off"
    plain = [answer(client, url, params) for url, params in reads]
    assert fast == plain
    statuses = [status for status, _, _, _ in fast]
    assert statuses == [200, 200 if who == "researcher" else 404, 404, 404, 200, 400, 404, 200]
    assert fast[0][1] == f'"{report.version}"'
