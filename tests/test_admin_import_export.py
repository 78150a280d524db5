"""Import and export through the admin: a preview that writes nothing, a confirmation that writes it all or names
why not, the uploaded file kept only while it waits, and exports of the list as it is filtered."""

import os
import time

import pytest
import tablib
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from heritage.records.models import Actor, DamageReport, Site
from heritage.records.resources import SiteResource

from .admin_helpers import make_user
from .conftest import table_counts
from .import_files import (
    ADMIN_FORMATS,
    BAD_SITE,
    GOOD_SITE,
    NAMED_SITE_1252,
    preview,
    sites_csv,
    waiting,
)

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("format", ADMIN_FORMATS)
def test_admin_import_previews_then_confirms(client, palmyra, originals, django_capture_on_commit_callbacks, format):
    """
    Through the admin: the upload shows a preview and writes nothing (its file waits for the confirmation, with the
    other uploads); confirming writes the rows, and the file goes.
    """
    client.force_login(make_user("cora", group="Curator"))
    response = preview(client, GOOD_SITE, format=format)
    assert response.status_code == 200
    assert "Preview" in response.content.decode()
    assert not Site.objects.filter(slug="hatra").exists()
    (name,) = waiting(originals)
    confirm = response.context["confirm_form"]
    assert name == f"pending/{confirm.initial['import_file_name']}"
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("admin:records_site_process_import"), {**confirm.initial})
    assert response.status_code == 302
    assert Site.objects.get(slug="hatra").location_certainty == "high"
    assert waiting(originals) == []


def test_a_refused_admin_import_leaves_no_file_behind(client, palmyra, originals, django_capture_on_commit_callbacks):
    """An upload that can never be confirmed (a row in error, a file that is not what its format says) is not kept."""
    client.force_login(make_user("cora", group="Curator"))
    refusals = [
        ("sites.csv", sites_csv(GOOD_SITE, BAD_SITE).encode(), "0", lambda context: context["result"].invalid_rows),
        ("sites.xlsx", sites_csv(GOOD_SITE).encode(), "1", lambda context: context["form"].errors["import_file"]),
    ]
    for name, content, fmt, reason in refusals:
        upload = SimpleUploadedFile(name, content)
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(reverse("admin:records_site_import"), {"import_file": upload, "format": fmt})
        assert response.status_code == 200 and response.context.get("confirm_form") is None
        assert reason(response.context)
        assert waiting(originals) == []
    assert not Site.objects.filter(slug="hatra").exists()


@pytest.mark.parametrize(
    ("name", "content", "fmt", "message"),
    [
        ("sites.csv", sites_csv(NAMED_SITE_1252).encode("cp1252"), "0", "The file is not in UTF-8"),
        ("sites.xlsx", sites_csv(GOOD_SITE).encode(), "1", "The file cannot be read in the format chosen"),
    ],
    ids=["windows-1252 text", "csv sent as xlsx"],
)
def test_an_admin_import_that_cannot_be_read_says_what_to_do(client, palmyra, originals, name, content, fmt, message):
    """A file in another text encoding, or not in the format chosen: the curator is told how to send it again."""
    client.force_login(make_user("cora", group="Curator"))
    upload = SimpleUploadedFile(name, content)
    response = client.post(reverse("admin:records_site_import"), {"import_file": upload, "format": fmt})
    assert response.status_code == 200
    assert message in response.context["form"].errors["import_file"][0]
    assert not Site.objects.filter(slug="hatra").exists()


def test_an_export_of_named_records_holds_those_and_no_others(client, palmyra, recwarn):
    """
    A selection posted to the export page exports the records it names and no others; a name no record has is
    refused on the form; and the selection is checked without django-import-export's deprecated method (every key of
    the table, on each request).
    """
    client.force_login(make_user("rhea", group="Researcher"))
    first = DamageReport.objects.order_by("pk").first()
    url = reverse("admin:records_damagereport_export")
    form = {"format": "0", "resource": "0", "damagereportresource_slug": "on"}  # the file's one column: slug
    response = client.post(url, {**form, "export_items": [first.pk]})
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    assert tablib.Dataset().load(response.content.decode(), format="csv")["slug"] == [first.slug]
    for named in (["x"], [str(2**64)], [first.pk, 10**9]):
        response = client.post(url, {**form, "export_items": named})
        assert response.status_code == 200 and "export_items" in response.context["form"].errors
    assert not [w for w in recwarn if issubclass(w.category, DeprecationWarning) and "export_item" in str(w.message)]


def test_an_unconfirmed_import_goes_after_a_day(client, palmyra, originals):
    """A preview nobody confirms does not keep its file for good: the next upload sweeps files over a day old."""
    client.force_login(make_user("cora", group="Curator"))
    preview(client, GOOD_SITE)
    (old,) = waiting(originals)
    day_and_a_minute_ago = time.time() - 24 * 3600 - 60
    os.utime(originals.path(old), (day_and_a_minute_ago, day_and_a_minute_ago))
    preview(client, GOOD_SITE)
    (new,) = waiting(originals)
    assert new != old


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        ({}, "the file is no longer waiting (imported already, or over a day old)"),
        ({"import_file_name": "0" * 32}, "the file is no longer waiting"),
        ({"import_file_name": "../../../etc/passwd"}, "import_file_name: not a file waiting for an import"),
        ({"import_file_name": "sites.csv\x00"}, "import_file_name: "),
        ({"format": "2"}, "format: Select a valid choice. 2 is not one of the available choices."),
        ({"format": "-1"}, "format: Select a valid choice."),
        ({"format": "csv"}, "format: Select a valid choice."),
        ({"resource": "1"}, "resource: Select a valid choice."),
    ],
)
def test_a_confirmation_that_cannot_be_followed_imports_nothing_and_says_why(
    client, palmyra, originals, django_capture_on_commit_callbacks, change, reason
):
    """
    A confirmation sent again (a double click), naming no waiting file, naming a format or resource the admin does
    not offer, or a format the file is not in, imports nothing: the curator is sent back to the import page with the
    reason, never a 500.
    """
    client.force_login(make_user("cora", group="Curator"))
    confirm = {**preview(client, GOOD_SITE).context["confirm_form"].initial}
    if not change:  # the confirmation itself, sent twice
        with django_capture_on_commit_callbacks(execute=True):
            client.post(reverse("admin:records_site_process_import"), confirm, follow=True)  # its message shown
        Site.objects.filter(slug="hatra").delete()
    before = table_counts()
    response = client.post(reverse("admin:records_site_process_import"), {**confirm, **change}, follow=True)
    assert response.redirect_chain == [(reverse("admin:records_site_import"), 302)]
    (message,) = [str(message) for message in response.context["messages"]]
    assert message.startswith("The import was not confirmed (") and reason in message
    assert message.endswith("upload the file again.")
    assert table_counts() == before


@pytest.mark.parametrize(("format", "other"), [("csv", "XLSX"), ("xlsx", "CSV")])
def test_a_confirmation_naming_a_format_the_file_is_not_in_imports_nothing_and_says_why(
    client, palmyra, originals, django_capture_on_commit_callbacks, format, other
):
    """The file previewed as CSV, confirmed as XLSX (or the other way): refused, and the file does not wait on."""
    client.force_login(make_user("cora", group="Curator"))
    confirm = {**preview(client, GOOD_SITE, format=format).context["confirm_form"].initial}
    confirm["format"] = {"csv": "1", "xlsx": "0"}[format]
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("admin:records_site_process_import"), confirm, follow=True)
    (message,) = [str(message) for message in response.context["messages"]]
    assert f"(the file cannot be read as {other}): upload the file again." in message
    assert not Site.objects.filter(slug="hatra").exists()
    assert waiting(originals) == []


def test_a_confirmation_whose_rows_became_invalid_imports_nothing_and_names_them(
    client, palmyra, django_capture_on_commit_callbacks
):
    """
    A row valid in the preview that is not by the confirmation (the actor it names was renamed meanwhile): nothing is
    imported, and the curator is told which row, which column and why, not "Import finished".
    """
    client.force_login(make_user("cora", group="Curator"))
    headers = ["slug", "site", "occupier", "started", "ended"]
    rows = tablib.Dataset(["isis-2015", "palmyra", "isis", "2015", ""], headers=headers)
    upload = SimpleUploadedFile("occupations.csv", rows.export("csv").encode())
    response = client.post(reverse("admin:records_occupation_import"), {"import_file": upload, "format": "0"})
    confirm = {**response.context["confirm_form"].initial}
    Actor.objects.filter(slug="isis").update(slug="islamic-state")
    before = table_counts()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("admin:records_occupation_process_import"), confirm, follow=True)
    assert response.redirect_chain == [(reverse("admin:records_occupation_import"), 302)]
    assert [str(message) for message in response.context["messages"]] == [
        "The import was not confirmed (row 1, occupier: No actor has the slug 'isis'; nothing was imported): "
        "upload the file again."
    ]
    assert table_counts() == before


def test_confirming_an_import_needs_the_import_permission(client, palmyra, originals):
    """A user who may not import gets 403 from the confirmation, whatever it names; nothing is written."""
    client.force_login(make_user("cora", group="Curator"))
    confirm = {**preview(client, GOOD_SITE).context["confirm_form"].initial}
    client.force_login(make_user("rhea", group="Researcher"))
    before = table_counts()
    for change in ({}, {"format": "9"}):
        response = client.post(reverse("admin:records_site_process_import"), {**confirm, **change})
        assert response.status_code == 403
    assert table_counts() == before
    assert len(waiting(originals)) == 1


def test_admin_import_with_a_bad_row_shows_row_and_field_and_offers_no_confirm(client, palmyra):
    """The preview of a file with a bad row names row 2 and its column, and offers no confirm."""
    client.force_login(make_user("cora", group="Curator"))
    before = Site.objects.count()
    upload = SimpleUploadedFile("sites.csv", sites_csv(GOOD_SITE, BAD_SITE).encode(), content_type="text/csv")
    response = client.post(reverse("admin:records_site_import"), {"import_file": upload, "format": "0"})
    page = response.content.decode()
    assert "Some rows failed to validate" in page
    assert "Value &#x27;castle&#x27; is not a valid choice." in page
    row = response.context["result"].invalid_rows[0]
    assert (row.number, list(row.field_specific_errors)) == (2, ["kind"])
    assert response.context.get("confirm_form") is None
    assert Site.objects.count() == before


def export_page_csv(client, address):
    """The CSV the admin's export page at `address` (with the list's filters) gives, as its form posts it."""
    form = client.get(address).context["form"]
    data = {name: field.initial for name, field in form.fields.items() if field.initial not in (None, False)}
    response = client.post(address, {**data, "format": "0", "resource": "0"})
    return tablib.Dataset().load(response.content.decode("utf-8-sig"), format="csv")


def test_an_admin_export_holds_the_lists_filtered_rows(client, palmyra):
    """The export page reached from a filtered list exports the rows the list shows, no others."""
    client.force_login(make_user("cora", group="Curator"))
    SiteResource().import_data(tablib.Dataset().load(sites_csv(GOOD_SITE), format="csv"), dry_run=False)
    export = reverse("admin:records_site_export")
    assert sorted(export_page_csv(client, export)["slug"]) == ["hatra", "palmyra"]
    assert export_page_csv(client, f"{export}?slug=palmyra")["slug"] == ["palmyra"]


def test_the_admin_exports_at_most_its_number_of_records(client, palmyra, settings):
    """A list longer than ADMIN_EXPORT_MAX_ROWS is not exported (a request has only so long): filtered, it is."""
    client.force_login(make_user("cora", group="Curator"))
    SiteResource().import_data(tablib.Dataset().load(sites_csv(GOOD_SITE), format="csv"), dry_run=False)
    settings.ADMIN_EXPORT_MAX_ROWS = 1
    export = reverse("admin:records_site_export")
    form = client.get(export).context["form"]
    data = {name: field.initial for name, field in form.fields.items() if field.initial not in (None, False)}
    response = client.post(export, {**data, "format": "0", "resource": "0"})
    assert "Content-Disposition" not in response
    (message,) = [str(message) for message in response.context["messages"]]
    assert message == (
        "Nothing was exported: the list holds 2 sites, more than the 1 an export here writes. Filter the list, or "
        "export on the server with manage.py export."
    )
    assert export_page_csv(client, f"{export}?slug=palmyra")["slug"] == ["palmyra"]


@pytest.mark.parametrize("model", ["site", "damagereport", "occupation"])
@pytest.mark.parametrize("query", ["format=x", "id__in=x", "no_such_field=1", "created__year=0"])
def test_an_admin_export_given_filters_the_list_refuses_says_why(client, palmyra, model, query):
    """
    Filters in the export page's address that the list would refuse (no such field, a value of the wrong type)
    export nothing: the curator is sent back to the list with the reason, whether the page is shown or posted.
    """
    client.force_login(make_user("cora", group="Curator"))
    address = f"{reverse(f'admin:records_{model}_export')}?{query}"
    for response in (client.get(address, follow=True), client.post(address, {"format": "0"}, follow=True)):
        assert response.redirect_chain == [(reverse(f"admin:records_{model}_changelist"), 302)]
        (message,) = [str(message) for message in response.context["messages"]]
        assert message.startswith("Nothing was exported: the list's filters were not understood (")
        assert "Content-Disposition" not in response


def test_admin_offers_csv_and_xlsx(client, palmyra):
    """The formats offered are CSV and XLSX."""
    client.force_login(make_user("cora", group="Curator"))
    page = client.get(reverse("admin:records_occupation_export")).content.decode()
    assert ">csv<" in page and ">xlsx<" in page
