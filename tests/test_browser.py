"""
End to end, in a real browser: Playwright for Python driving Debian's Chromium against pytest-django's live server.

A curator logs in, opens Palmyra's dossier, adds a damage report with an EDTF date and a citation (a malformed
date first, to see the error), and finds the report in the list, on the site's timeline and in its history. A
curator adds a source by uploading its document, cites a passage selected with the mouse in the source's reader, and
verifies a new report citing it. Screenshots of the dossier and the reader go to artifacts/ (git-ignored); the
README's are copies of them.

Never `playwright install`: the browser is the system's Chromium (`apt-get install chromium`). Without it these
tests skip locally, saying so, and fail in CI (CI=true), where .ci/run installs it.
"""

import os
import re
from pathlib import Path

import pytest
from django.db import connections

from heritage.records.dates import EDTF_HELP
from heritage.records.models import Citation, DamageReport, Site, Source

from .admin_helpers import PASSWORD, make_user
from .documents import HATRA_HTML

pytestmark = pytest.mark.browser

CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parent.parent / "artifacts"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def require_chromium():
    if CHROMIUM.exists():
        return
    message = f"Chromium is not installed at {CHROMIUM}; install it with: apt-get install chromium"
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"{message} (in CI the browser tests must run, not skip)")
    pytest.skip(message)


@pytest.fixture(scope="module")
def browser():
    """
    One Chromium for the module's tests (launching it costs most of a second); each test has a context of its own
    (`page`), so no cookie, storage or cache passes from one test to the next.
    """
    require_chromium()
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop in this thread while it lives; the ORM calls made here meanwhile (the
    # tests', and the transactional tests' set-up and tear-down) are still synchronous and safe (the live server
    # answers requests in its own thread).
    with pytest.MonkeyPatch.context() as patch, sync_playwright() as playwright:
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, device_scale_factor=1)
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()
    # ORM calls made while Playwright's loop runs can open a connection of their own (Django keeps connections per
    # context); close it, or PostgreSQL refuses to drop the test database at the end of the run.
    connections.close_all()


@pytest.fixture
def curator(transactional_db):
    """A curator, beside the baseline (which tests/conftest.py loads again after each transactional test's flush)."""
    return make_user("curator", group="Curator")


def log_in(page, live_server, user):
    page.goto(f"{live_server.url}/admin/login/?next=/admin/")
    page.fill("#id_username", user.username)
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_selector("#site-name")


def pick_autocomplete(page, field, search):
    """In an admin autocomplete (select2) field, type `search` and click the result that contains it."""
    page.click(f".field-{field} .select2-selection")
    page.fill(".select2-container--open .select2-search__field", search)
    page.locator(".select2-container--open .select2-results__option", has_text=search).first.click()


def open_palmyra(page, live_server):
    page.goto(f"{live_server.url}/admin/records/site/")
    page.click("text=Palmyra")
    page.wait_for_selector("#timeline svg")


def test_curator_adds_a_dated_cited_damage_report_and_sees_it_everywhere(page, live_server, curator):
    """The issue's journey: add a dated, cited damage report; find it in the list, timeline and history."""
    log_in(page, live_server, curator)
    open_palmyra(page, live_server)
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "dossier.png"), full_page=True)
    assert page.locator("#timeline svg text", has_text="Early second millennium BCE").count() == 1

    page.click("#dossier-damage a.addlink")
    page.wait_for_selector("#damagereport_form")
    page.fill("#id_slug", "temple-of-bel-destroyed")
    page.fill("#id_description", "The Temple of Bel was blown up.")
    pick_autocomplete(page, "cause", "Vandal")
    page.select_option("#id_severity", "destroyed")
    page.select_option("#id_certainty", "high")
    pick_autocomplete(page, "citations", "largely defaced")

    # A malformed date first: refused, with what EDTF expects, and nothing saved.
    page.fill("#id_occurred", "2015-08-31 to 2015-09-01")
    page.click("input[name=_save]")
    error = page.locator(".field-occurred .errorlist")
    assert "is not a valid EDTF date" in error.inner_text()
    assert EDTF_HELP[:40] in error.inner_text()
    assert not DamageReport.objects.filter(slug="temple-of-bel-destroyed").exists()

    page.fill("#id_occurred", "2015-08~/2015-09-01")
    page.click("input[name=_save]")
    page.wait_for_selector(".messagelist .success")
    # Back on the list: the new report is there, as a draft.
    row = page.locator("#result_list tr", has_text="temple-of-bel-destroyed")
    assert row.count() == 1
    assert "Draft" in row.inner_text()
    report = DamageReport.objects.get(slug="temple-of-bel-destroyed")
    assert [c.quote for c in report.citations.all()] == [
        "Palmyra was largely defaced by ISIS during the group’s ten month occupation"
    ]

    # On the timeline of the dossier.
    open_palmyra(page, live_server)
    bars = page.locator('#timeline a[data-kind="damage"] title').all_text_contents()
    assert "Destroyed: Vandalism (2015-08~/2015-09-01)" in bars
    page.screenshot(path=str(ARTIFACTS / "dossier-after.png"), full_page=True)
    # The part of the dossier the README shows (docs/dossier.png is a copy of it): timeline to damage reports.
    top = page.locator("fieldset:has(#timeline)").bounding_box()
    bottom = page.locator("#dossier-damage").bounding_box()
    page.screenshot(
        path=str(ARTIFACTS / "dossier-timeline.png"),
        full_page=True,
        clip={
            "x": top["x"] - 10,
            "y": top["y"] - 10,
            "width": top["width"] + 20,
            "height": bottom["y"] + bottom["height"] - top["y"] + 20,
        },
    )

    # In its history, by the curator, with the derived dates shown on its page.
    page.goto(f"{live_server.url}/admin/records/damagereport/{report.pk}/change/")
    assert "Aug. 1, 2015" in page.locator(".fieldBox.field-occurred_earliest").inner_text()
    page.click("a.historylink")
    history = page.locator("#change-history").inner_text()
    assert "curator" in history
    assert re.search(r"Created|Added|\+", history)


def test_the_site_form_fits_a_1280_pixel_window(page, live_server, curator):
    """The dossier (form, inlines, timeline, tables) needs no horizontal scrolling in a 1,280 px wide window."""
    assert page.viewport_size["width"] == 1280
    log_in(page, live_server, curator)
    open_palmyra(page, live_server)
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "site-form-1280.png"), full_page=True)
    assert page.evaluate("document.documentElement.scrollWidth") <= 1280, page.evaluate(TOO_WIDE)
    page.goto(f"{live_server.url}/admin/records/site/add/")
    assert page.evaluate("document.documentElement.scrollWidth") <= 1280, page.evaluate(TOO_WIDE)


# The innermost elements that reach past the window's right edge, to say what overflows when something does.
TOO_WIDE = """
[...document.querySelectorAll("body *")]
  .filter(e => e.getBoundingClientRect().right > window.innerWidth)
  .filter(e => ![...e.children].some(c => c.getBoundingClientRect().right > window.innerWidth))
  .slice(0, 10)
  .map(e => `${e.tagName.toLowerCase()}#${e.id}.${e.className} (${Math.round(e.getBoundingClientRect().right)} px)`)
"""


def test_bad_edtf_date_on_an_occupation_shows_the_error(page, live_server, curator):
    """A malformed date on another form shows the EDTF error on its field."""
    log_in(page, live_server, curator)
    page.goto(f"{live_server.url}/admin/records/occupation/add/")
    page.fill("#id_slug", "isis-palmyra-2017")
    pick_autocomplete(page, "site", "Palm")
    pick_autocomplete(page, "occupier", "ISIS")
    page.fill("#id_started", "December 2016")
    page.click("input[name=_save]")
    assert "is not a valid EDTF date" in page.locator(".field-started .errorlist").inner_text()


def test_map_shows_the_site_when_tiles_cannot_load(page, live_server, curator):
    """With coordinates, the dossier draws a Leaflet map with the site's marker, even offline (tiles refused)."""
    Site.objects.filter(slug="palmyra").update(latitude="34.551000", longitude="38.268000", location_certainty="high")
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.route("**/tile.openstreetmap.org/**", lambda route: route.abort())
    log_in(page, live_server, curator)
    open_palmyra(page, live_server)
    page.wait_for_selector("#site-map.leaflet-container .leaflet-marker-icon")
    assert page.locator("#site-map .leaflet-marker-icon").get_attribute("title") == "Palmyra"
    assert errors == []
    assert page.locator("#timeline svg").count() == 1  # the rest of the dossier is unaffected


def test_every_page_works_under_the_content_security_policy(page, live_server, curator):
    """
    The admin (list, dossier with its map, a form with autocompletes), Swagger UI, Redoc and the browsable API all
    render under the policy: nothing of this site's is refused (no inline script, no script, style or image of its
    own). The one thing the policy refuses is from outside, as it should: Redoc's "API docs by Redocly" logo, which
    it would fetch from its makers' CDN.
    """
    violations = []

    def violation(message):
        if "Content Security Policy" in message.text and "https://cdn.redoc.ly/" not in message.text:
            violations.append(message.text)

    page.on("console", violation)
    page.on("pageerror", lambda error: violations.append(str(error)))
    Site.objects.filter(slug="palmyra").update(latitude="34.551000", longitude="38.268000", location_certainty="high")
    page.route("**/tile.openstreetmap.org/**", lambda route: route.abort())
    log_in(page, live_server, curator)
    open_palmyra(page, live_server)
    page.wait_for_selector("#site-map.leaflet-container .leaflet-marker-icon")
    page.goto(f"{live_server.url}/admin/records/damagereport/add/")
    pick_autocomplete(page, "cause", "Vandal")
    page.goto(f"{live_server.url}/api/v1/docs/")
    page.wait_for_selector(".swagger-ui .information-container")
    page.goto(f"{live_server.url}/api/v1/redoc/")
    page.wait_for_selector("#redoc-container, redoc h1, [role=navigation]")
    page.goto(f"{live_server.url}/api/v1/sites/")
    page.wait_for_selector(".response-info")
    assert violations == []


def test_a_sensitive_sites_map_shows_only_its_public_cell_to_those_who_may_not_see_it(page, live_server, curator):
    """
    For a staff user who may change sites but not view them, the map draws the 0.1-degree cell around the public
    point, no marker, and loads no tile closer than zoom 10: the tile server learns the cell, not the site.
    """
    from django.contrib.auth.models import Permission

    Site.objects.filter(slug="palmyra").update(
        latitude="34.551234", longitude="38.268765", location_certainty="high", is_sensitive=True
    )
    changer = make_user("changer")
    changer.user_permissions.set(Permission.objects.filter(codename="change_site"))
    tiles = []

    def refuse(route):
        tiles.append(route.request.url)
        route.abort()

    page.route("**/tile.openstreetmap.org/**", refuse)
    log_in(page, live_server, changer)
    page.goto(f"{live_server.url}/admin/records/site/")
    page.click("text=Palmyra")
    page.wait_for_selector("#site-map.leaflet-container path.leaflet-interactive")
    assert page.locator("#site-map .leaflet-marker-icon").count() == 0
    assert "34.551234" not in page.content()
    assert tiles and all(int(url.split("/")[-3]) <= 10 for url in tiles)


# --- Sources and the reader ---------------------------------------------------------------------------------------

PASSAGE = "destroyed parts of the city with sledgehammers and assault rifles"


def drag_select(page, passage):
    """Select `passage` in the reader with the mouse: press before its first letter, release after its last."""
    box = page.evaluate(
        """(passage) => {
            const container = document.getElementById("reader-text");
            const walker = document.createTreeWalker(container, NodeFilter.SHOW_TEXT);
            const text = container.textContent, at = text.indexOf(passage);
            function position(offset) {
                let node, seen = 0;
                while ((node = walker.nextNode())) {
                    if (seen + node.data.length > offset) return [node, offset - seen];
                    seen += node.data.length;
                }
            }
            const [startNode, startOffset] = position(at);
            walker.currentNode = container;
            const [endNode, endOffset] = position(at + passage.length - 1);
            const first = document.createRange(), last = document.createRange();
            first.setStart(startNode, startOffset); first.setEnd(startNode, startOffset + 1);
            last.setStart(endNode, endOffset); last.setEnd(endNode, endOffset + 1);
            const top = window.scrollY + first.getBoundingClientRect().top - window.innerHeight / 3;
            window.scrollTo({top: top, behavior: "instant"});  // the admin's CSS scrolls smoothly otherwise
            const a = first.getBoundingClientRect(), b = last.getBoundingClientRect();
            return {x1: a.left + 1, y1: a.top + a.height / 2, x2: b.right - 1, y2: b.top + b.height / 2};
        }""",
        passage,
    )
    page.mouse.move(box["x1"], box["y1"])
    page.mouse.down()
    page.mouse.move(box["x2"], box["y2"], steps=8)
    page.mouse.up()


def test_curator_uploads_a_source_cites_a_selected_passage_and_verifies_a_report(page, live_server, curator):
    Site.objects.create(slug="hatra", name="Hatra", kind="archaeological_site", country="IQ")
    log_in(page, live_server, curator)

    # Upload the document (made in memory), see the text taken from it, confirm it.
    page.goto(f"{live_server.url}/admin/records/source/add/")
    page.fill("#id_title", "Hatra (encyclopaedia)")
    pick_autocomplete(page, "kind", "Website")
    page.fill("#id_language", "en")
    page.set_input_files(
        "#id_document", files=[{"name": "hatra.html", "mimeType": "text/html", "buffer": HATRA_HTML.encode()}]
    )
    page.click("input[name=_save]")
    assert "sledgehammers" in page.locator("#extracted").inner_text()
    assert not Source.objects.filter(title="Hatra (encyclopaedia)").exists()
    page.check("#id_confirmed")
    page.click("input[name=_save]")
    page.wait_for_selector(".messagelist .success")
    source = Source.objects.get(title="Hatra (encyclopaedia)")
    assert source.original_name == "hatra.html"

    # The reader: select the passage with the mouse, cite it.
    page.goto(f"{live_server.url}/admin/records/source/{source.pk}/change/")
    page.wait_for_selector("#reader-text")
    drag_select(page, PASSAGE)
    page.wait_for_selector("#cite-form:not([hidden])")
    assert page.locator("#cite-quote").inner_text() == f"“{PASSAGE}”"
    page.fill("#id_attribution", "according to Iraq's Ministry of Tourism and Antiquities")
    page.click("#cite-submit")
    page.wait_for_selector(".messagelist .success")
    citation = Citation.objects.get(source=source)
    assert citation.quote == PASSAGE
    assert source.text[citation.char_start : citation.char_end] == PASSAGE
    page.wait_for_selector("#reader-text .cited.pinned")

    # Start a new damage report already citing it.
    page.locator(".messagelist .success a", has_text="a damage report").click()
    page.wait_for_selector("#damagereport_form")
    assert PASSAGE[:30] in page.locator(".field-citations").inner_text()
    page.fill("#id_slug", "hatra-statues-smashed-2015")
    page.fill("#id_description", "Parts of the city destroyed with sledgehammers and assault rifles.")
    pick_autocomplete(page, "site", "Hatra")
    pick_autocomplete(page, "cause", "Vandal")
    page.select_option("#id_severity", "severely_damaged")
    page.select_option("#id_certainty", "high")
    page.fill("#id_occurred", "2015-03")
    page.click("input[name=_save]")
    page.wait_for_selector(".messagelist .success")
    report = DamageReport.objects.get(slug="hatra-statues-smashed-2015")
    assert list(report.citations.all()) == [citation]

    # Verify it through the workflow: reported, then verified.
    for action in ("mark_reported", "mark_verified"):
        page.goto(f"{live_server.url}/admin/records/damagereport/?q=hatra-statues-smashed-2015")
        page.locator("#result_list tr", has_text="hatra-statues-smashed-2015").locator("input.action-select").check()
        page.select_option("select[name=action]", action)
        page.click("button[name=index]")
        page.wait_for_selector(".messagelist .success")
    report.refresh_from_db()
    assert report.status == "verified"


def test_the_reader_shows_the_records_a_highlighted_passage_supports(page, live_server, curator):
    """A highlight of the article, clicked, lists the records it supports (the README's picture of the reader)."""
    log_in(page, live_server, curator)
    page.goto(f"{live_server.url}/admin/records/source/{Source.objects.get().pk}/change/")
    page.locator("#reader-text .cited", has_text="around 500 sorties").first.click()  # click: it stays shown
    about = page.locator("#reader-about")
    about.wait_for()
    assert "around 500 sorties" in about.inner_text()
    assert "event figure: sorties flown" in about.inner_text()
    assert "Claim made by Russian Defense Ministry" in about.inner_text()
    ARTIFACTS.mkdir(exist_ok=True)
    page.locator("#reader").screenshot(path=str(ARTIFACTS / "reader.png"))
