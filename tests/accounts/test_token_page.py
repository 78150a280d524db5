"""
The admin's API tokens page (/admin/tokens/): a staff user lists, issues and revokes their own tokens, sees a new
key once, and never sees or touches anyone else's.
"""

import datetime
import re

import pytest
from django.test import Client
from django.utils import timezone
from rest_framework.test import APIClient

from heritage.accounts.models import ApiToken

from ..admin_helpers import make_user
from ..tokens import token_header

pytestmark = pytest.mark.django_db

PAGE = "/admin/tokens/"


def revoke_url(token):
    return f"/admin/tokens/{token.pk}/revoke/"


def logged_in(user):
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    return client


def csrf_of(client):
    """The CSRF token a form on the page carries (what a browser would post back)."""
    page = client.get(PAGE)
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.content.decode()).group(1)


def post(client, url, data=None):
    return client.post(url, {**(data or {}), "csrfmiddlewaretoken": csrf_of(client)})


def new_key(response):
    """The key the page shows after issuing a token, or None."""
    found = re.search(r'id="new-token-key" value="([0-9a-f]+)"', response.content.decode())
    return found and found.group(1)


def reads_as(key):
    """The status of an authenticated read with `key`."""
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client.get("/api/v1/sites/").status_code


@pytest.fixture
def researcher(db):
    return make_user("rhea", group="Researcher")


@pytest.fixture
def curator(db):
    return make_user("cyrus", group="Curator")


def test_every_admin_page_links_to_the_token_page(curator):
    page = logged_in(curator).get("/admin/")
    assert f'href="{PAGE}">API tokens</a>' in page.content.decode()


@pytest.mark.parametrize("role", ["researcher", "curator"])
def test_a_staff_user_issues_a_token_and_sees_its_key_once(request, role):
    """The key is in the answer to the POST that issued it, works at once, and is never shown again; only its
    digest is stored."""
    user = request.getfixturevalue(role)
    client = logged_in(user)
    response = post(client, PAGE, {"name": "laptop", "days": "30"})
    assert response.status_code == 200
    key = new_key(response)
    assert key and len(key) == 64
    assert "it is shown only once" in response.content.decode()
    token = ApiToken.objects.get(user=user)
    assert (token.name, key.startswith(token.prefix)) == ("laptop", True)
    assert 29 < (token.expiry - token.created).total_seconds() / 86400 <= 30
    assert key not in {token.digest, token.token_key}
    assert reads_as(key) == 200

    later = client.get(PAGE).content.decode()
    assert key not in later
    assert f"{token.prefix}…" in later and "laptop" in later


def test_the_list_shows_each_tokens_name_key_prefix_dates_and_last_use(researcher):
    token_header(researcher, name="expired")
    ApiToken.objects.filter(name="expired").update(expiry=timezone.now() - datetime.timedelta(days=1))
    token_header(researcher, name="unused")
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=token_header(researcher, name="used"))
    assert client.get("/api/v1/sites/").status_code == 200

    page = logged_in(researcher).get(PAGE).content.decode()
    rows = {int(m.group(1)): m.group(2) for m in re.finditer(r'<tr id="token-(\d+)">(.*?)</tr>', page, re.S)}
    tokens = {token.name: token for token in ApiToken.objects.filter(user=researcher)}
    assert set(rows) == {token.pk for token in tokens.values()}
    for name, token in tokens.items():
        row = rows[token.pk]
        assert name in row and f"{token.prefix}…" in row
        assert f"{token.created:%Y-%m-%d %H:%M}" in row and f"{token.expiry:%Y-%m-%d %H:%M}" in row
        assert ("(expired)" in row) == (name == "expired")
    assert tokens["used"].last_used is not None
    assert f"{tokens['used'].last_used:%Y-%m-%d %H:%M}" in rows[tokens["used"].pk]
    assert "never" in rows[tokens["unused"].pk] and "never" not in rows[tokens["used"].pk]


def test_the_page_lists_only_the_users_own_tokens(researcher, curator):
    token_header(curator, name="the curator's")
    mine = ApiToken.objects.get(user=curator)
    page = logged_in(researcher).get(PAGE).content.decode()
    assert "the curator&#x27;s" not in page and "the curator's" not in page
    assert mine.prefix not in page
    assert "You have no API tokens." in page


def test_a_user_revokes_their_own_token_and_it_stops_working_at_once(curator):
    client = logged_in(curator)
    key = new_key(post(client, PAGE, {"name": "old", "days": "5"}))
    token = ApiToken.objects.get(user=curator)
    assert reads_as(key) == 200
    response = post(client, revoke_url(token))
    assert response.status_code == 302 and response["Location"] == PAGE
    assert not ApiToken.objects.filter(pk=token.pk).exists()
    assert reads_as(key) == 401
    assert f"Revoked the token {token.prefix}… (old)." in client.get(PAGE).content.decode()


def test_another_users_token_cannot_be_revoked(researcher, curator):
    """Another user's token id in the revoke POST is a 404, and that token still works."""
    header = token_header(curator)
    theirs = ApiToken.objects.get(user=curator)
    before = ApiToken.objects.count()
    response = post(logged_in(researcher), revoke_url(theirs))
    assert response.status_code == 404
    assert ApiToken.objects.count() == before
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=header)
    assert client.get("/api/v1/sites/").status_code == 200


def test_revoking_a_token_that_does_not_exist_is_a_404(curator):
    token_header(curator)
    before = ApiToken.objects.count()
    assert post(logged_in(curator), "/admin/tokens/987654/revoke/").status_code == 404
    assert ApiToken.objects.count() == before


def test_revoking_needs_a_post(curator):
    """A GET on the revoke URL (a link, a prefetch) is refused and revokes nothing."""
    token_header(curator)
    token = ApiToken.objects.get(user=curator)
    assert logged_in(curator).get(revoke_url(token)).status_code == 405
    assert ApiToken.objects.filter(pk=token.pk).exists()


def test_posts_without_the_csrf_token_are_refused(curator):
    """Another site cannot make a logged-in user issue or revoke tokens."""
    token_header(curator)
    token = ApiToken.objects.get(user=curator)
    client = logged_in(curator)
    assert client.post(PAGE, {"name": "forged", "days": "5"}).status_code == 403
    assert client.post(revoke_url(token)).status_code == 403
    assert list(ApiToken.objects.filter(user=curator)) == [token]


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"name": "x", "days": "0"}, "days", "greater than or equal to 1"),
        ({"name": "x", "days": "366"}, "days", "less than or equal to 365"),
        ({"name": "x", "days": "soon"}, "days", "Enter a whole number"),
        ({"name": "x"}, "days", "This field is required"),
        ({"name": "x" * 101, "days": "5"}, "name", "at most 100 characters"),
    ],
)
def test_bad_input_is_a_form_error_and_issues_nothing(curator, settings, data, field, message):
    settings.API_TOKEN_DAYS = 365
    before = ApiToken.objects.count()
    response = post(logged_in(curator), PAGE, data)
    assert response.status_code == 400
    assert message in str(response.context["form"].errors[field])
    assert new_key(response) is None
    assert ApiToken.objects.count() == before


def test_the_longest_life_is_api_token_days(curator, settings):
    settings.API_TOKEN_DAYS = 7
    client = logged_in(curator)
    assert post(client, PAGE, {"days": "8"}).status_code == 400
    assert new_key(post(client, PAGE, {"days": "7"}))


def test_anonymous_users_are_sent_to_the_login(db):
    response = Client().get(PAGE)
    assert response.status_code == 302
    assert response["Location"] == f"/admin/login/?next={PAGE}"
    assert Client().post(PAGE, {"days": "5"}).status_code == 302
    assert not ApiToken.objects.exists()


def test_users_who_are_not_staff_are_sent_to_the_login(db):
    user = make_user("outsider")
    user.is_staff = False
    user.save()
    client = Client()
    client.force_login(user)
    assert client.get(PAGE).status_code == 302
