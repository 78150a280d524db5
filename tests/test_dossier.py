"""The site's dossier page: timeline (BCE included) on a broken axis, map when located, linked records, citations."""

import re

import pytest
from django.contrib.staticfiles import finders
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from heritage.records.models import Citation, DamageReport, Event, Period, Site, Threat
from heritage.records.selectors import site_dossier
from heritage.records.timeline import BREAK_GAP_YEARS, Item, build_segments, render_svg

from .admin_helpers import make_damage_reports, make_user

pytestmark = pytest.mark.django_db


def dossier_page(client, site):
    client.force_login(make_user("rita", group="Researcher"))
    response = client.get(reverse("admin:records_site_change", args=[site.pk]))
    assert response.status_code == 200
    return response.content.decode()


def test_timeline_shows_every_kind_of_dated_record_and_bce_years(client, palmyra):
    """Periods (in BCE), designations, occupations, events and damage reports share one timeline."""
    page = dossier_page(client, palmyra)
    svg = page[page.index("<svg xmlns") : page.index("</svg>", page.index("<svg xmlns"))]
    for kind in ("period", "designation", "occupation", "event", "damage"):
        assert f'data-kind="{kind}"' in svg
    assert "Early second millennium BCE" in svg
    assert "2000 BCE" in svg  # a tick of the BCE segment
    assert ">2016<" in svg
    assert "UNESCO World Heritage List (1980–now)" in svg
    assert 'class="axis-break"' in svg


def test_undated_records_are_listed_not_drawn(client, palmyra):
    """A record without a date is listed under the timeline; one dated by its occupation is drawn."""
    page = dossier_page(client, palmyra)
    undated = page[page.index('class="undated"') :]
    undated = undated[: undated.index("</p>")]
    assert "Destroyed: Demolition" in undated  # "permanently destroyed", no date given
    assert "Severely damaged" not in undated  # dated by its occupation


def test_dossier_lists_linked_records_and_highlighted_citations(client, palmyra):
    """The dossier links the site's records and shows every citation behind them, highlighted."""
    page = dossier_page(client, palmyra)
    assert "Occupations (1)" in page and "Damage reports (2)" in page and "Threats (1)" in page
    assert reverse("admin:records_damagereport_change", args=[palmyra.damage_reports.first().pk]) in page
    assert re.search(r"<mark><a href=\"[^\"]+\">At least 150 mines", page)


def citation_rows(page):
    """The rows of the dossier's citations table, each as its HTML."""
    table = page[page.index('id="dossier-citations"') :]
    table = table[: table.index("</table>")]
    return re.findall(r"<tr><td class=\"quote-context\">.*?</tr>", table, flags=re.S)


def test_each_citation_says_which_records_it_supports(client, palmyra):
    """A passage's row names each record it supports, by kind, with a link to the record."""
    page = dossier_page(client, palmyra)
    [mines] = [row for row in citation_rows(page) if re.search(r"<mark><a [^>]+>At least 150 mines", row)]
    threat = Threat.objects.get(slug="palmyra-landmines-2016")
    link = reverse("admin:records_threat_change", args=[threat.pk])
    assert f'Threat: <a href="{link}">{threat}</a>' in mines


def test_the_citations_table_includes_every_record_of_the_site(client, palmyra):
    """The site's period (and the period itself), events within its events, their participants and figures."""
    page = dossier_page(client, palmyra)
    rows = citation_rows(page)
    period = Period.objects.get(slug="early-second-millennium-bce")
    period_link = reverse("admin:records_period_change", args=[period.pk])
    assert any(f'Period: <a href="{period_link}">' in row for row in rows)
    assert any("Site period: <a " in row for row in rows)
    assert any("Event figure: <a " in row for row in rows)
    assert any("Event participant: <a " in row for row in rows)
    cited = {c.pk for c in Citation.objects.filter(periods=period)}
    listed = {int(pk) for pk in re.findall(r"/admin/records/citation/(\d+)/change/", "".join(rows))}
    assert cited <= listed
    assert len(rows) == len(listed)  # one row a passage, however many records it supports


def test_a_draft_is_not_listed_as_supported_to_those_who_may_not_see_drafts(palmyra):
    """The dossier's citations follow what the user may see: an anonymous reader's list names no draft."""
    DamageReport.objects.filter(slug="palmyra-defaced-by-isis").update(status="draft")
    kinds = {record["label"] for *_, supports in site_dossier(palmyra, None)["citations"] for record in supports}
    draft = str(DamageReport.objects.get(slug="palmyra-defaced-by-isis"))
    assert draft not in kinds
    assert draft in {
        record["label"]
        for *_, supports in site_dossier(palmyra, make_user("rita", group="Researcher"))["citations"]
        for record in supports
    }


def test_no_map_without_coordinates(client, palmyra):
    """A site without coordinates gets no map and loads no Leaflet."""
    page = dossier_page(client, palmyra)
    assert 'id="site-map"' not in page
    assert "leaflet.js" not in page


def test_map_with_coordinates_uses_the_vendored_leaflet(client, palmyra):
    """A located site gets a map; Leaflet comes from this server's static files, never from a CDN."""
    Site.objects.filter(pk=palmyra.pk).update(latitude="34.551000", longitude="38.268000", location_certainty="high")
    page = dossier_page(client, Site.objects.get(pk=palmyra.pk))
    assert 'id="site-map"' in page and 'data-latitude="34.551000"' in page
    scripts = re.findall(r'<script[^>]+src="([^"]+)"', page)
    assert "/static/records/vendor/leaflet-1.9.4/leaflet.js" in scripts
    assert not [src for src in scripts if src.startswith(("http:", "https:", "//"))]
    assert finders.find("records/vendor/leaflet-1.9.4/leaflet.js")
    assert finders.find("records/vendor/leaflet-1.9.4/leaflet.css")


def test_dossier_query_count_does_not_depend_on_the_number_of_records(palmyra):
    """The dossier's extra data costs the same number of queries with 2 damage reports as with 22."""
    with CaptureQueriesContext(connection) as few:
        site_dossier(palmyra, None)
    make_damage_reports(20, site=palmyra)
    for i in range(5):
        Event.objects.create(slug=f"extra-{i}", title=f"Extra {i}", kind="statement", site=palmyra, occurred="2016")
    with CaptureQueriesContext(connection) as many:
        dossier = site_dossier(palmyra, None)
    assert len(dossier["damage_reports"]) == 22
    assert len(many) == len(few)


def test_broken_axis_gives_each_cluster_its_own_segment():
    """Points 2000 BCE and 2015-16 land in separate segments; within a segment, the scale is linear."""
    items = [
        Item("period", "p", "#", outer_start=-1999, outer_end=-1598),
        Item("occupation", "o", "#", outer_start=2015.33, outer_end=2016.24),
        Item("event", "e", "#", outer_start=2014.42, outer_end=2014.5),
    ]
    segments = build_segments(items, 0, 700)
    assert len(segments) == 2
    bce, modern = segments
    assert bce.end < 0 < modern.start
    assert modern.start - bce.end > BREAK_GAP_YEARS
    # 2014-2016 gets room: a year there is far wider than a year of the BCE segment.
    assert modern.x(2016) - modern.x(2015) > 50 * (bce.x(-1700) - bce.x(-1701))
    assert any("BCE" in label for _, label in bce.ticks)


def test_nothing_dated_renders_nothing():
    """No dated record, no chart (the page says so instead)."""
    assert render_svg([Item("event", "e", "#", outer_start=None, outer_end=None)]) == ""
