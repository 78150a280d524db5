"""The browsable API's filter forms never load a whole related table (heritage/records/api/filters.py)."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from heritage.records.models import Actor, Site

pytestmark = pytest.mark.django_db

RELATED_TABLES = [Site._meta.db_table, Actor._meta.db_table]


def add_sites(count, start=0):
    Site.objects.bulk_create(
        Site(slug=f"many-{n}", name=f"Many sites {n}", kind="monument", country="SY")
        for n in range(start, start + count)
    )
    Actor.objects.bulk_create(
        Actor(slug=f"actor-{n}", name=f"Actor {n}", kind="person") for n in range(start, start + count)
    )


def browsable_list(client):
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/api/v1/damage-reports/", HTTP_ACCEPT="text/html")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")
    return response.content.decode(), [query["sql"] for query in queries.captured_queries]


def whole_table_reads(sql_list):
    """Queries that read a related table without any condition: what a <select> of every record costs."""
    return [
        sql
        for sql in sql_list
        for table in RELATED_TABLES
        if re.search(rf'FROM "{table}"(?!.*\bWHERE\b)', sql, flags=re.DOTALL)
    ]


def test_filter_form_reads_no_whole_table_and_costs_the_same_with_more_sites(anonymous):
    """A damage-report list in the browsable API: no <option> per site or actor, no query over their tables."""
    add_sites(5)
    html, few = browsable_list(anonymous)
    assert "Many sites 3" not in html and "Actor 3" not in html
    assert not whole_table_reads(few)

    add_sites(60, start=5)
    html, many = browsable_list(anonymous)
    assert "Many sites 42" not in html and "Actor 42" not in html
    assert not whole_table_reads(many)
    assert len(many) == len(few)


def test_filter_form_still_offers_the_filters(anonymous):
    """The form is there: foreign keys as text inputs, fixed vocabularies as drop-downs."""
    html, _ = browsable_list(anonymous)
    assert re.search(r'<input[^>]+name="site"', html)
    assert re.search(r'<select[^>]+name="severity"', html)


def test_the_whole_table_detector_sees_a_plain_select():
    """The check above can fail: an unconditioned read of the site table is reported."""
    assert whole_table_reads(['SELECT "records_site"."id" FROM "records_site" ORDER BY "records_site"."name"'])
    assert not whole_table_reads(['SELECT "records_site"."id" FROM "records_site" WHERE "records_site"."id" = 1'])
