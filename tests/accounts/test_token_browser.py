"""
In a real browser: a curator issues an API token in the admin, writes with it through the API, and revokes it. A
screenshot of the page showing the new key goes to artifacts/tokens.png.
"""

import json
import urllib.error
import urllib.request

import pytest

from heritage.accounts.models import ApiToken
from heritage.records.models import Actor

from ..browser_helpers import create_token_in_admin
from ..test_browser import ARTIFACTS, browser, curator, log_in, page  # noqa: F401  (fixtures: a curator; the browser, a page)

pytestmark = pytest.mark.browser


def api_post(url, key, body):
    """A POST with the token alone: no cookie of the browser's session, as a script would send it."""
    request = urllib.request.Request(
        url,
        data=json.dumps(body).encode(),
        headers={"Authorization": f"Token {key}", "Content-Type": "application/json"},
        method="POST",
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def test_a_curator_issues_a_token_in_the_admin_writes_with_it_and_revokes_it(page, live_server, curator):  # noqa: F811
    log_in(page, live_server, curator)
    key = create_token_in_admin(page, live_server.url, name="field laptop")
    assert len(key) == 64
    assert "shown only once" in page.locator("#new-token").inner_text()
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "tokens.png"), full_page=True)
    actors = f"{live_server.url}/api/v1/actors/"
    assert api_post(actors, key, {"slug": "hatra-guards", "name": "Hatra guards", "kind": "armed_group"}) == 201
    assert Actor.objects.get(slug="hatra-guards").history.latest().history_user == curator

    # The list no longer shows the key, only its beginning; revoking it stops it at once.
    page.goto(f"{live_server.url}/admin/tokens/")
    assert key not in page.content()
    token = ApiToken.objects.get(user=curator)
    row = page.locator(f"#token-{token.pk}")
    assert "field laptop" in row.inner_text() and f"{token.prefix}…" in row.inner_text()
    row.locator("input[type=submit]").click()
    page.wait_for_selector(".messagelist .success")
    assert "You have no API tokens." in page.content()
    assert api_post(actors, key, {"slug": "hatra-guards-2", "name": "Hatra guards", "kind": "armed_group"}) == 401
    assert not Actor.objects.filter(slug="hatra-guards-2").exists()
