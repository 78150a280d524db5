"""
The API keeps the record's trust: throttles no client can dodge, no formula in a CSV cell, no input that gets a
500, no lost evidence, errors in JSON, and drafts only for those who may view them.
"""

import json

import pytest
from django.conf import settings as django_settings
from django.contrib.auth.models import AnonymousUser
from rest_framework.test import APIClient
from rest_framework.throttling import SimpleRateThrottle

from heritage.records import dates
from heritage.records.api.common import preconditions
from heritage.records.concurrency import claim_version
from heritage.records.models import Citation, DamageReport, Site, Threat
from heritage.records.services import change_status

from ..processes import run_python
from .base import csv_rows, if_match
from .conftest import token_client

REPORT = "/api/v1/damage-reports/hatra-statues-smashed/"


@pytest.fixture
def low_rates(monkeypatch):
    monkeypatch.setattr(
        SimpleRateThrottle, "THROTTLE_RATES", {"anon": "3/minute", "user": "6/minute", "failed_login": "3/minute"}
    )


def counts():
    return {model: model.objects.count() for model in (Site, DamageReport, Threat, Citation)}


# --- 4. Throttles: one client is one client -------------------------------------------------------------------


def test_a_forwarded_for_header_does_not_make_a_new_client(world, anonymous, low_rates):
    """With no trusted proxy (the default), X-Forwarded-For is ignored: changing it on each request gets no more."""
    answers = [anonymous.get("/api/v1/sites/", HTTP_X_FORWARDED_FOR=f"192.0.2.{n}").status_code for n in range(4)]
    assert answers == [200, 200, 200, 429]


def test_behind_trusted_proxies_clients_are_told_apart_by_the_address_the_proxy_saw(
    world, anonymous, low_rates, settings
):
    """TRUSTED_PROXIES=1: the last X-Forwarded-For entry is the client; what a client prepends itself is not."""
    settings.TRUSTED_PROXIES = 1
    proxy = {"REMOTE_ADDR": "10.0.0.1"}
    one = [
        anonymous.get("/api/v1/sites/", HTTP_X_FORWARDED_FOR=f"192.0.2.{n}, 198.51.100.7", **proxy).status_code
        for n in range(4)
    ]
    assert one == [200, 200, 200, 429]
    assert anonymous.get("/api/v1/sites/", HTTP_X_FORWARDED_FOR="203.0.113.5", **proxy).status_code == 200


def test_throttle_counts_are_shared_between_worker_processes(world, anonymous, low_rates, tmp_path):
    """
    Another process (as another gunicorn worker would) counts into the same cache: after its three requests, this
    process's first request from the same client is already throttled.
    """
    cache = django_settings.CACHES["default"]["LOCATION"]
    script = (
        "import django, os;"
        "os.environ['DJANGO_SETTINGS_MODULE'] = 'heritage.settings';"
        "django.setup();"
        "from rest_framework.throttling import AnonRateThrottle;"
        "from django.test import RequestFactory;"
        "throttle = AnonRateThrottle(); throttle.rate = '3/minute'; throttle.num_requests, throttle.duration = 3, 60;"
        "request = RequestFactory().get('/api/v1/sites/', REMOTE_ADDR='127.0.0.1');"
        "from rest_framework.request import Request;"
        "print([throttle.allow_request(Request(request), None) for _ in range(3)])"
    )
    env = {"PATH": "/usr/bin:/bin", "CACHE_DIR": cache, "HOME": str(tmp_path)}
    result = run_python(["-c", script], env=env, timeout=60)
    assert result.stdout.strip() == "[True, True, True]", result.stderr
    assert anonymous.get("/api/v1/sites/", REMOTE_ADDR="127.0.0.1").status_code == 429


def test_guessing_tokens_is_throttled_and_then_even_a_right_token_is_refused(world, researcher, low_rates):
    """After three wrong tokens from one address, every token login from it is a 429, so a lucky guess shows nothing."""
    guesser = APIClient()
    for n in range(3):
        guesser.credentials(HTTP_AUTHORIZATION=f"Token {n:040d}")
        assert guesser.get("/api/v1/sites/").status_code == 401
    guesser.credentials(HTTP_AUTHORIZATION="Token " + "f" * 40)
    assert guesser.get("/api/v1/sites/").status_code == 429
    guesser.credentials(**{"HTTP_AUTHORIZATION": researcher.credentials_header["Authorization"]})
    refused = guesser.get("/api/v1/sites/")
    assert refused.status_code == 429 and int(refused["Retry-After"]) > 0


# --- 5. CSV cells are text ------------------------------------------------------------------------------------


@pytest.mark.parametrize("text", ['=HYPERLINK("https://evil.example","x")', "+1+2", "-2+3", "@SUM(A1)", "\t=1"])
def test_csv_cells_that_would_be_formulas_are_escaped(world, researcher, text):
    DamageReport.objects.filter(slug="hatra-statues-smashed").update(description=text)
    for response in (researcher.get(REPORT, {"format": "csv"}), researcher.get("/api/v1/damage-reports/?format=csv")):
        header, *rows = csv_rows(response)
        row = next(row for row in rows if row[header.index("slug")] == "hatra-statues-smashed")
        assert row[header.index("description")] == "'" + text


def test_numbers_in_csv_stay_numbers(world, researcher):
    Site.objects.filter(slug="hatra").update(latitude="-35.588300", longitude="-42.718300")
    header, row = csv_rows(researcher.get("/api/v1/sites/hatra/", {"format": "csv"}))
    assert (row[header.index("latitude")], row[header.index("longitude")]) == ("-35.588300", "-42.718300")


# --- 6. Cursors and boxes that are not what they say ----------------------------------------------------------


@pytest.mark.parametrize("position", ["abc", "1.5", "%00", "-1", "99999999999999999999999", "١٢"])
def test_a_forged_cursor_is_a_404(world, anonymous, position):
    import base64

    cursor = base64.b64encode(f"p={position}".encode()).decode()
    response = anonymous.get("/api/v1/damage-reports/", {"cursor": cursor})
    assert response.status_code == 404
    assert response.json()["detail"] == "Invalid cursor"


@pytest.mark.parametrize("bbox", ["1e-999999999,0,1,1", "0,0,1e-30,1", "-0e-99999,-1,0.0000001,1e-7"])
def test_numbers_of_any_exponent_in_a_bbox(world, anonymous, bbox):
    response = anonymous.get("/api/v1/sites/", {"bbox": bbox})
    assert response.status_code == 200, response.content


# --- 7. A record deleted between a request's read and its claim -----------------------------------------------


@pytest.mark.parametrize("method", ["patch", "delete"])
def test_a_record_deleted_meanwhile_is_a_404(world, deleter, monkeypatch, method):
    """The record is read, then someone else deletes it before this request claims its version: 404, not a 500."""
    url = "/api/v1/threats/hatra-looting/"
    headers = if_match(deleter, url)

    def deleted_first(instance, version):
        Threat.objects.filter(pk=instance.pk).delete()
        return claim_version(instance, version)

    monkeypatch.setattr(preconditions, "claim_version", deleted_first)
    response = getattr(deleter, method)(url, {"certainty": "high"}, format="json", **headers)
    assert response.status_code == 404
    assert "deleted by someone else" in response.json()["detail"]


# --- 8. EDTF is measured before it is parsed ------------------------------------------------------------------


@pytest.fixture
def parses(monkeypatch):
    calls = []
    parse = dates.parse_edtf

    def counting(text):
        calls.append(text)
        return parse(text)

    monkeypatch.setattr(dates, "parse_edtf", counting)
    dates.parse_edtf_bounds.cache_clear()
    return calls


@pytest.mark.parametrize(
    "text", ["{" + ",".join(["2015-01-01"] * 300) + "}", "[" + ",".join(["1667"] * 11) + "]", "2" * 101]
)
def test_an_oversized_edtf_date_is_refused_without_parsing_it(world, curator, parses, text):
    body = {"slug": "big", "site": "hatra", "cause": "looting", "severity": "destroyed", "certainty": "low"}
    response = curator.post("/api/v1/damage-reports/", {**body, "occurred": text}, format="json")
    assert response.status_code == 400
    assert "at most" in response.json()["occurred"][0]
    assert parses == []


# --- 9. A verified report keeps a citation --------------------------------------------------------------------


def test_a_verified_report_cannot_drop_its_last_citation(world, curator):
    assert DamageReport.objects.get(slug="hatra-statues-smashed").status == "verified"
    response = curator.patch(REPORT, {"citations": []}, format="json", **if_match(curator, REPORT))
    assert response.status_code == 400
    assert "citations" in response.json()
    assert DamageReport.objects.get(slug="hatra-statues-smashed").citations.exists()


def test_deleting_the_only_citation_of_a_verified_report_is_a_409(world, deleter):
    url = f"/api/v1/citations/{world['citation'].pk}/"
    response = deleter.delete(url, **if_match(deleter, url))
    assert response.status_code == 409
    assert any("hatra" in name.lower() for name in response.json()["referenced_by"])
    assert Citation.objects.filter(pk=world["citation"].pk).exists()


def test_a_disputed_report_may_lose_its_citations(world, curator):
    report = DamageReport.objects.get(slug="hatra-statues-smashed")
    change_status(record=report, status="disputed", user=curator.user)
    response = curator.patch(REPORT, {"citations": []}, format="json", **if_match(curator, REPORT))
    assert response.status_code == 200, response.content


# --- 11. Bodies no parser or field should choke on ------------------------------------------------------------


def raw_post(client, url, body):
    return client.post(url, body, content_type="application/json")


@pytest.mark.parametrize(
    "body",
    [
        "[" * 1200 + "]" * 1200,
        '{"slug": "x", "site": ' + '{"id": ' * 40 + "1" + "}" * 40 + "}",
        '{"slug": "x", "site": "\\ud800", "cause": "looting"}',
        '{"slug": "x", "site": "hatra", "severity": "\\udfff"}',
        '{"slug": "x", "site": "hat\\u0000ra", "cause": "looting", "severity": "destroyed", "certainty": "low"}',
        '{"slug": "x", "site": "hatra", "cause": "loo\\u0000ting", "severity": "destroyed", "certainty": "low"}',
        '{"slug": "x", "site": 1e999}',
        '{"slug": "x", "site": 123456789012345678901234567890}',
        '{"slug": "x", "site": -1, "cause": 0, "occupation": 18446744073709551616}',
        '{"slug": "\\u0000", "site": "hatra", "cause": "looting", "severity": "destroyed", "certainty": "low"}',
        b'{"slug": "\xff\xfe"}',
    ],
    ids=[
        "deep list",
        "deep object",
        "lone high",
        "lone low",
        "nul slug",
        "nul cause",
        "1e999",
        "big",
        "negative",
        "nul own slug",
        "bad utf-8",
    ],  # fmt: skip
)
def test_malformed_bodies_are_400s_and_write_nothing(world, curator, body):
    before = counts()
    response = raw_post(curator, "/api/v1/damage-reports/", body)
    assert response.status_code == 400, response.content
    assert response["Content-Type"] == "application/json"
    assert counts() == before


# --- 13. A location one may not see cannot be overwritten -----------------------------------------------------


@pytest.fixture
def sensitive(world):
    Site.objects.filter(slug="hatra").update(is_sensitive=True)
    return world


def test_putting_back_the_public_point_keeps_the_exact_location(sensitive):
    """A user who may change but not view sites PUTs back what they read: the exact coordinates stay."""
    changer = token_client("changer", "change")
    url = "/api/v1/sites/hatra/"
    body = changer.get(url).json()
    assert (body["latitude"], body["longitude"]) == ("35.600000", "42.700000")
    body["description"] = "Edited without seeing the location."
    response = changer.put(url, body, format="json", **if_match(changer, url))
    assert response.status_code == 200, response.content
    site = Site.objects.get(slug="hatra")
    assert (str(site.latitude), str(site.longitude)) == ("35.588300", "42.718300")
    assert site.description == "Edited without seeing the location."


def test_changing_a_location_one_may_not_see_is_refused(sensitive):
    changer = token_client("changer", "change")
    url = "/api/v1/sites/hatra/"
    response = changer.patch(url, {"latitude": "35.5"}, format="json", **if_match(changer, url))
    assert response.status_code == 400
    assert "hidden from you" in response.json()["latitude"][0]
    assert str(Site.objects.get(slug="hatra").latitude) == "35.588300"


@pytest.mark.parametrize("value", [False, True])
def test_the_sensitivity_flag_is_set_and_cleared_only_by_those_who_see_exact_locations(sensitive, value):
    """Clearing it would show a user who may change but not view sites the location it hides: a 400, nothing written."""
    changer = token_client("changer", "add", "change")
    url = "/api/v1/sites/hatra/"
    version = Site.objects.get(slug="hatra").version
    response = changer.patch(url, {"is_sensitive": value}, format="json", **if_match(changer, url))
    assert response.status_code == 400
    assert "may see exact locations" in response.json()["is_sensitive"][0]
    site = Site.objects.get(slug="hatra")
    assert (site.is_sensitive, site.version) == (True, version)
    new = {"slug": "new-tell", "name": "New tell", "kind": "archaeological_site", "country": "SY"}
    assert changer.post("/api/v1/sites/", {**new, "is_sensitive": value}, format="json").status_code == 400
    assert not Site.objects.filter(slug="new-tell").exists()


# --- 16. Every error under /api/ is JSON ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "path", ["/api/v1/nowhere/", "/api/v1/sites/not%20a%20slug/", "/api/v1/citations/abc/", "/api/", "/api/v2/sites/"]
)
def test_paths_no_route_matches_are_json_404s(world, anonymous, path):
    response = anonymous.get(path)
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"detail": "Not Found."}


def test_a_body_over_the_size_limit_is_a_json_error(world, curator):
    body = json.dumps({"slug": "x", "description": "x" * (django_settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 10)})
    response = raw_post(curator, "/api/v1/damage-reports/", body)
    assert response.status_code in (400, 413)
    assert response["Content-Type"] == "application/json"


def test_a_nul_in_a_query_parameter_is_a_400_naming_it(world, anonymous):
    response = anonymous.get("/api/v1/damage-reports/?status=%00")
    assert response.status_code == 400
    assert response.json() == {"status": ["NUL characters are not allowed."]}


def test_server_errors_are_json(world, anonymous, monkeypatch):
    from heritage.records.api import sites

    def broken(self, request, *args, **kwargs):
        raise RuntimeError("a bug")

    monkeypatch.setattr(sites.SiteViewSet, "list", broken)
    client = APIClient(raise_request_exception=False)
    response = client.get("/api/v1/sites/")
    assert response.status_code == 500
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"detail": "Internal Server Error."}


# --- 17. Drafts only for those who may view them --------------------------------------------------------------


@pytest.fixture
def draft(world):
    DamageReport.objects.filter(slug="hatra-statues-smashed").update(status="draft")
    return DamageReport.objects.get(slug="hatra-statues-smashed")


def test_a_409_counts_the_drafts_it_may_not_name(draft, deleter):
    """A user who may delete sites but not view drafts is told a draft blocks the delete, not which one."""
    url = "/api/v1/sites/hatra/"
    remover = token_client("remover", "delete")
    response = remover.delete(url, **if_match(remover, url))
    assert response.status_code == 409
    blockers = response.json()["referenced_by"]
    assert "1 damage report you may not see" in blockers
    assert f"damage report: {draft}" not in blockers
    assert f"damage report: {draft}" in deleter.delete(url, **if_match(deleter, url)).json()["referenced_by"]
    assert Site.objects.filter(slug="hatra").exists()


@pytest.mark.parametrize("who", ["anonymous", "stranger", "changer"])
def test_the_public_never_sees_a_draft(draft, anonymous, who):
    client = {"anonymous": anonymous, "stranger": token_client("stranger"), "changer": token_client("ch", "change")}[
        who
    ]
    assert client.get(REPORT).status_code == 404
    listed = client.get("/api/v1/damage-reports/", {"page_size": 500}).json()
    assert draft.slug not in {row["slug"] for row in listed["results"]}
    assert listed["count"] == DamageReport.objects.visible_to(AnonymousUser()).count()
    assert client.get("/api/v1/damage-reports/", {"status": "draft"}).json()["count"] == 0
    csv_slugs = {row[2] for row in csv_rows(client.get("/api/v1/damage-reports/", {"format": "csv"}))}
    assert draft.slug not in csv_slugs
    # Nor does a draft show through a site's "has damage".
    DamageReport.objects.exclude(pk=draft.pk).filter(site=draft.site).delete()
    assert client.get("/api/v1/sites/", {"has_damage": "true", "slug": "hatra"}).json()["count"] == 0
    assert client.get("/api/v1/sites/", {"has_damage": "false", "slug": "hatra"}).json()["count"] == 1
    assert client.get("/api/v1/threats/hatra-looting/").status_code == 404  # a draft threat too


def test_those_who_may_view_reports_see_drafts(draft, researcher):
    assert researcher.get(REPORT).json()["status"] == "draft"
    assert researcher.get("/api/v1/damage-reports/", {"status": "draft"}).json()["count"] >= 1
    assert researcher.get("/api/v1/sites/", {"has_damage": "true", "slug": "hatra"}).json()["count"] == 1


def test_a_retracted_report_is_public_and_says_so(world, anonymous):
    report = DamageReport.objects.get(slug="hatra-statues-smashed")
    DamageReport.objects.filter(pk=report.pk).update(status="retracted")
    assert anonymous.get(REPORT).json()["status"] == "retracted"
