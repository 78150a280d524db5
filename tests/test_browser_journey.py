"""
A curator's whole job through the admin, in a real browser, for a site the Palmyra article never mentions: Nimrud.
The admin's counterpart of tests/api/test_curator_journey.py (Hatra, through the API): a source pasted in and cited
from its reader, a period typed with BCE years, the site with a name, a designation and the period, an actor, the
destruction with its participants and a ranged figure, two damage reports citing passages and verified through the
list's actions; then an API token issued on the admin's token page reads everything back as it was entered.
"""

import json
import urllib.request

import pytest

from heritage.records.models import Source

from .browser_helpers import create_token_in_admin
from .test_browser import browser, curator, drag_select, log_in, pick_autocomplete  # noqa: F401  (fixtures: a curator, the browser)
from .test_browser import page as page  # a page of the browser (fixture); the helpers below take it as an argument

pytestmark = [pytest.mark.browser, pytest.mark.long]

TEXT = (
    "Nimrud, the Assyrian city of Kalhu, lies on the Tigris south of Mosul.\n"
    "Its ruins date from the Neo-Assyrian period.\n"
    "Iraq placed Nimrud on the UNESCO Tentative List in 2000.\n"
    "In March 2015 militants of the Islamic State bulldozed the Northwest Palace.\n"
    "A video released in April 2015 showed them blowing up the palace; between 20 and 30 reliefs were destroyed.\n"
    "They also flattened the ziggurat with heavy machinery.\n"
)
QUOTES = {
    "kalhu": "the Assyrian city of Kalhu",
    "palace": "militants of the Islamic State bulldozed the Northwest Palace",
    "reliefs": "between 20 and 30 reliefs were destroyed",
    "ziggurat": "flattened the ziggurat with heavy machinery",
}


def api_get(url, key, *, parse=True):
    """A GET with the token alone, as a script would send it: no cookie of the browser's session."""
    request = urllib.request.Request(url, headers={"Authorization": f"Token {key}"})
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.load(response) if parse else response.read().decode()


def save(page):
    page.click("input[name=_save]")
    page.wait_for_selector(".messagelist .success")


def add_inline_row(page, group):
    """Click the inline group's "Add another …" link: the admin shows no empty rows (extra = 0)."""
    page.click(f"#{group}-group .add-row a")


def cite(page, live_server, source_pk, passage):
    """In the source's reader, select `passage` with the mouse and cite it."""
    page.goto(f"{live_server.url}/admin/records/source/{source_pk}/change/")
    page.wait_for_selector("#reader-text")
    drag_select(page, passage)
    page.wait_for_selector("#cite-form:not([hidden])")
    assert page.locator("#cite-quote").inner_text() == f"“{passage}”"
    page.click("#cite-submit")
    page.wait_for_selector(".messagelist .success")


def add_damage_report(page, live_server, *, slug, cause, severity, certainty, quote):
    page.goto(f"{live_server.url}/admin/records/damagereport/add/")
    pick_autocomplete(page, "site", "Nimrud")
    pick_autocomplete(page, "cause", cause)
    page.select_option("#id_severity", severity)
    page.select_option("#id_certainty", certainty)
    page.select_option("#id_extent", "partial")
    page.fill("#id_occurred", "2015-03")
    pick_autocomplete(page, "perpetrator", "ISIS")
    pick_autocomplete(page, "citations", quote[:40])  # the option shows a long quote cut short
    page.fill("#id_slug", slug)
    save(page)


def test_a_curator_records_nimrud_through_the_admin_and_reads_it_back_with_a_token(page, live_server, curator):  # noqa: F811
    log_in(page, live_server, curator)

    # The source, its text pasted in; then the passages cited from its reader.
    page.goto(f"{live_server.url}/admin/records/source/add/")
    page.fill("#id_title", "Notes on Nimrud")
    pick_autocomplete(page, "kind", "Report")
    page.fill("#id_language", "en")
    page.fill("#id_text", TEXT)
    save(page)
    source_pk = Source.objects.get(title="Notes on Nimrud").pk
    for quote in QUOTES.values():
        cite(page, live_server, source_pk, quote)

    # The period, its years typed as historians write them.
    page.goto(f"{live_server.url}/admin/records/period/add/")
    page.fill("#id_name", "Neo-Assyrian")
    page.fill("#id_start_earliest", "911 BCE")
    page.fill("#id_start_latest", "911 BCE")
    page.fill("#id_stop_earliest", "609 BCE")
    page.fill("#id_stop_latest", "609 BCE")
    save(page)

    # An actor who took part.
    page.goto(f"{live_server.url}/admin/records/actor/add/")
    page.fill("#id_name", "Iraqi State Board of Antiquities and Heritage")
    page.select_option("#id_kind", "ministry")
    page.select_option("#id_country", "IQ")
    save(page)

    # The site, with a name, a designation and the period, in one form.
    page.goto(f"{live_server.url}/admin/records/site/add/")
    page.fill("#id_name", "Nimrud")
    page.select_option("#id_kind", "archaeological_site")
    page.select_option("#id_country", "IQ")
    page.fill("#id_description", "A capital of the Neo-Assyrian empire on the Tigris.")
    pick_autocomplete(page, "citations", QUOTES["kalhu"])
    add_inline_row(page, "names")
    page.fill("#id_names-0-name", "Kalhu")
    page.select_option("#id_names-0-kind", "historical")
    page.fill("#id_names-0-language", "akk")
    add_inline_row(page, "designations")
    page.select_option("#id_designations-0-kind", "unesco_tentative")
    page.fill("#id_designations-0-reference", "1463")
    page.fill("#id_designations-0-valid_from", "2000")
    pick_autocomplete(page, "granted_by", "UNESCO")
    add_inline_row(page, "site_periods")
    pick_autocomplete(page, "period", "Neo-Assyrian")
    save(page)

    # The destruction, with who took part and a ranged figure.
    page.goto(f"{live_server.url}/admin/records/event/add/")
    page.fill("#id_title", "Destruction of the Northwest Palace")
    pick_autocomplete(page, "kind", "Destruction")
    pick_autocomplete(page, "site", "Nimrud")
    page.fill("#id_occurred", "2015-03/2015-04")
    pick_autocomplete(page, "citations", QUOTES["reliefs"])
    add_inline_row(page, "participants")
    pick_autocomplete(page, "actor", "ISIS")
    page.select_option("#id_participants-0-role", "agent")
    add_inline_row(page, "participants")
    page.locator("#participants-1 .field-actor .select2-selection").click()
    page.fill(".select2-container--open .select2-search__field", "Iraqi State Board")
    page.locator(".select2-container--open .select2-results__option", has_text="Iraqi State Board").first.click()
    page.select_option("#id_participants-1-role", "reporter")
    add_inline_row(page, "figures")
    page.fill("#id_figures-0-measure", "reliefs destroyed")
    page.fill("#id_figures-0-quantity_min", "20")
    page.fill("#id_figures-0-quantity_max", "30")
    page.select_option("#id_figures-0-quantity_qualifier", "between")
    pick_autocomplete(page, "quantity_unit", "artefacts")
    save(page)

    # Two damage reports, each citing its passage; then verified through the list's actions.
    reports = {
        "nimrud-palace-bulldozed": ("Bulldozing", "severely_damaged", "high", QUOTES["palace"]),
        "nimrud-ziggurat-flattened": ("Levelling", "destroyed", "medium", QUOTES["ziggurat"]),
    }
    for slug, (cause, severity, certainty, quote) in reports.items():
        add_damage_report(
            page, live_server, slug=slug, cause=cause, severity=severity, certainty=certainty, quote=quote
        )
    for action in ("mark_reported", "mark_verified"):
        page.goto(f"{live_server.url}/admin/records/damagereport/?q=nimrud")
        for slug in reports:
            page.locator("#result_list tr", has_text=slug).locator("input.action-select").check()
        page.select_option("select[name=action]", action)
        page.click("button[name=index]")
        assert "2 damage reports marked" in page.locator(".messagelist .success").inner_text()

    # A token from the admin's token page reads it all back through the API.
    key = create_token_in_admin(page, live_server.url, name="Nimrud check")
    api = f"{live_server.url}/api/v1"
    site = api_get(f"{api}/sites/nimrud/", key)
    assert [(n["name"], n["kind"], n["language"]) for n in site["names"]] == [("Kalhu", "historical", "akk")]
    [designation] = site["designations"]
    assert (designation["kind"], designation["reference"]) == ("unesco_tentative", "1463")
    assert (designation["valid_from"]["edtf"], designation["granted_by"]["slug"]) == ("2000", "unesco")
    assert [p["period"]["slug"] for p in site["periods"]] == ["neo-assyrian"]
    assert [c["quote"] for c in site["citations"]] == [QUOTES["kalhu"]]
    period = api_get(f"{api}/periods/neo-assyrian/", key)
    assert (period["start_earliest"], period["stop_latest"]) == (-910, -608)  # 911 and 609 BCE, astronomically
    assert period["years_display"] == "911 BCE – 609 BCE"

    event = api_get(f"{api}/events/destruction-of-the-northwest-palace/", key)
    assert (event["kind"], event["site"]["slug"], event["occurred"]["edtf"]) == (
        "destruction",
        "nimrud",
        "2015-03/2015-04",
    )
    assert [(p["actor"]["slug"], p["role"]) for p in event["participants"]] == [
        ("isis", "agent"),
        ("iraqi-state-board-of-antiquities-and-heritage", "reporter"),
    ]
    assert [(f["measure"], f["quantity"]) for f in event["figures"]] == [
        ("reliefs destroyed", {"min": 20, "max": 30, "qualifier": "between", "unit": "artefacts"})
    ]
    assert [c["quote"] for c in event["citations"]] == [QUOTES["reliefs"]]

    for slug, (_, severity, certainty, quote) in reports.items():
        report = api_get(f"{api}/damage-reports/{slug}/", key)
        assert (report["site"]["slug"], report["severity"], report["certainty"]) == ("nimrud", severity, certainty)
        assert (report["occurred"]["edtf"], report["perpetrator"]["slug"]) == ("2015-03", "isis")
        assert report["status"] == "verified"
        assert [c["quote"] for c in report["citations"]] == [quote]
    source = api_get(f"{api}/sources/notes-on-nimrud/", key)
    assert (source["title"], source["kind"], source["language"]) == ("Notes on Nimrud", "report", "en")
    assert api_get(source["text_url"], key, parse=False) == TEXT  # the pasted words, exactly
    cited = api_get(f"{api}/citations/?source=notes-on-nimrud", key)["results"]
    assert sorted(c["quote"] for c in cited) == sorted(QUOTES.values())
