"""Steps the browser tests share (tests/test_browser.py has the browser itself: the `browser` and `page` fixtures)."""


def create_token_in_admin(page, live_server_url, *, name="browser test"):
    """
    With `page` logged in to the admin, issue an API token the way a user does (user tools, "API tokens", "Issue a
    token") and return its key, read from the page that shows it once.
    """
    page.goto(f"{live_server_url}/admin/")
    page.click("#user-tools a:text('API tokens')")
    page.fill("#id_name", name)
    page.click("input[name=_issue]")
    return page.input_value("#new-token-key")
