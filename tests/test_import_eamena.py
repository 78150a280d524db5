"""
The EAMENA importer (manage.py import_eamena, the admin's import page): heritage places from an EAMENA GeoJSON
export become sites with their names, identifiers, extents, damage reports and threats, each citing the file; a dry
run by default; all or nothing; the same file twice changes nothing; every refusal names the place, the feature and
the property (what it refuses: test_import_eamena_refusals.py). Data: tests/data/eamena/ (CC BY 4.0, see its
README).
"""

import copy
import json

import pytest
from django.contrib.auth.models import Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import connection
from django.urls import reverse

from heritage.records.geometry import validate_geometry
from heritage.records.importers import eamena
from heritage.records.importers.eamena import import_eamena
from heritage.records.importers.eamena_places import values
from heritage.records.importers.eamena_writer import CHECKED_BY_READER
from heritage.records.integrity import run_checks
from heritage.records.models import (
    Citation,
    DamageReport,
    Site,
    SiteExtent,
    SiteIdentifier,
    SiteName,
    Source,
    Threat,
)
from heritage.records.texts import sha256
from heritage.search import index
from heritage.search.models import SearchEntry

from .admin_helpers import make_user
from .conftest import stored_files, table_counts
from .eamena_files import TRIMMED, WHOLE, edited, run, set_property, unknown_condition

pytestmark = pytest.mark.django_db


def test_a_dry_run_reports_what_it_would_create_and_writes_nothing():
    """Without commit, the import counts every record it would create and leaves the database as it was."""
    before = table_counts()
    report = run()
    assert report.ok and not report.committed
    assert report.features == 9 and report.places == 5
    counts = {kind: created for kind, created, *_ in report.rows()}
    assert counts["sites"] == 5 and counts["identifiers"] == 5 and counts["extents"] == 9
    assert counts["damage reports"] > 0 and counts["threats"] > 0 and counts["citations"] > 0
    assert table_counts() == before


def test_a_committed_import_makes_a_site_per_place_with_its_names_identifier_and_condition():
    """A place is a site: its first toponym as name, its other names by script, its EAMENA ID, country, condition."""
    report = run(commit=True)
    assert report.committed, report.problems
    site = SiteIdentifier.objects.get(scheme="eamena", value="EAMENA-0182033").site
    assert site.name == "Nosrat Abad Caravanserai"
    assert site.country.code == "IR" and site.kind == "monument"
    assert site.condition_id == "poor" and str(site.condition_assessed) == "2021-05-21"
    assert site.damage_extent == "31-60"
    names = set(site.names.values_list("name", "kind", "language"))
    assert names == {("کاروانسرای نصرت آباد", "local", "und-Arab"), ("CVNS-IR", "variant", "und-Latn")}
    # A place named only by a project code is listed by its EAMENA ID, the code kept as another name.
    coded = Site.objects.get(slug="eamena-0207124")
    assert coded.name == "EAMENA-0207124" and coded.names.get().name.startswith("CVNS")


def test_geometries_become_extents_and_the_centre_point_the_sites_location():
    """Each feature's geometry is an extent in file order, qualified by position; the centre point locates the site."""
    run(commit=True)
    site = Site.objects.get(slug="eamena-0207205")
    extents = list(site.extents.order_by("position"))
    assert [e.geometry["type"] for e in extents] == ["Point", "MultiPolygon"]
    assert [(e.qualifier, e.certainty) for e in extents] == [("centre_point", "high"), ("", "medium")]
    longitude, latitude = extents[0].geometry["coordinates"]
    assert (float(site.latitude), float(site.longitude)) == (round(latitude, 6), round(longitude, 6))
    assert site.location_certainty == "high"
    # A perimeter alone locates the site at its centroid, with the perimeter's certainty.
    polygon_only = Site.objects.get(slug="eamena-0182033")
    assert polygon_only.location_certainty == "high"
    assert 29.87 < polygon_only.latitude < 29.89 and 59.97 < polygon_only.longitude < 59.98
    # A third coordinate (an altitude) is kept as given.
    assert Site.objects.get(slug="eamena-0217110").extents.count() == 2


def test_disturbances_become_draft_damage_reports_with_their_cause_certainty_and_dates():
    """Each disturbance is a draft damage report: its cause, certainty, category and EDTF date from EAMENA's."""
    run(commit=True)
    reports = DamageReport.objects.filter(site__slug="eamena-0192647").order_by("slug")
    assert {report.status for report in reports} == {"draft"}
    restoration = reports.get(cause__label="Restoration")
    assert restoration.occurred == "2010-08-01/2019-09-01"
    assert str(restoration.occurred_earliest) == "2010-08-01" and str(restoration.occurred_latest) == "2019-09-01"
    assert restoration.certainty in {"high", "medium", "low", "definite"}
    assert restoration.description == "EAMENA disturbance category: Building and Development."
    before = DamageReport.objects.filter(site__slug="eamena-0207205").exclude(occurred="").first()
    assert before.occurred.startswith("../") and before.dating_note.startswith("EAMENA: occurred before")
    # EAMENA repeats a cause once per effect: four cause entries, two categories, two reports.
    assert DamageReport.objects.filter(site__slug="eamena-0182033").count() == 2


def test_threats_keep_their_probability_and_category():
    """Each threat names its cause and EAMENA's probability; EAMENA states no certainty for a threat."""
    run(commit=True)
    threats = Threat.objects.filter(site__slug="eamena-0182033")
    assert {(t.cause.label, t.probability, t.certainty, t.endangers) for t in threats} == {
        ("Water and/or Wind Action", "possible", "", "site"),
        ("Lack of Maintenance/Management/Legal Measures and Activities", "possible", "", "site"),
    }


def test_the_file_is_a_dataset_source_and_every_record_cites_its_passage():
    """The file is a source (its text and original by SHA-256); each record's citation stands at its offsets."""
    report = run(commit=True)
    source = report.source
    assert source.kind_id == "dataset" and source.text == TRIMMED.decode()
    assert source.original_sha256 == sha256(TRIMMED) and source.original_media_type == "application/geo+json"
    assert source.text_sha256 == sha256(TRIMMED.decode())
    site = Site.objects.get(slug="eamena-0182033")
    assert [c.quote for c in site.citations.all()] == ['"EAMENA ID": "EAMENA-0182033"']
    for model in (Site, SiteName, SiteIdentifier, DamageReport, Threat, *[type(e) for e in site.extents.all()]):
        for record in model.objects.filter(citations__source=source).distinct():
            assert record.citations.filter(source=source).exists()
    for citation in Citation.objects.filter(source=source):
        assert source.text[citation.char_start : citation.char_end] == citation.quote
        assert len(citation.quote) <= 600
    report_quote = DamageReport.objects.filter(site=site).first().citations.get().quote
    assert report_quote.startswith('"Disturbance Cause') and report_quote.endswith('"EAMENA ID": "EAMENA-0182033"')
    extent_quote = site.extents.get().citations.get().quote
    assert extent_quote.startswith('"geometry": {') and "59.974807" in extent_quote


@pytest.mark.parametrize("batch", [1, 500], ids=["a place a batch", "one batch"])
def test_a_passage_two_places_share_is_one_citation_both_cite(batch, monkeypatch):
    """
    Two places with the same geometry, word for word, in one batch or in batches apart: their extents cite the one
    passage, found where it first stands.
    """
    monkeypatch.setattr(eamena, "BATCH", batch)

    def twin(features):
        first = features[0]
        features.append(copy.deepcopy(first))
        features[-1]["properties"].update({"EAMENA ID": "EAMENA-0999999", "resourceid": "twin"})

    data = edited(twin)
    report = run(data=data, commit=True)
    assert report.committed, report.problems
    geometry = json.loads(data)["features"][0]["geometry"]
    extents = [e for e in SiteExtent.objects.all() if e.geometry == geometry]
    assert len(extents) == 2 and {e.site.slug for e in extents} >= {"eamena-0999999"}
    (citation,) = {c for extent in extents for c in extent.citations.all()}
    assert citation.char_start == report.source.text.index(citation.quote)
    assert report.counts["citations"]["created"] == Citation.objects.filter(source=report.source).count()


def test_importing_the_same_file_again_changes_nothing():
    """The second import of a file finds every record as it is: all unchanged, no row added."""
    run(commit=True)
    before = table_counts()
    again = run(commit=True)
    assert again.ok
    assert all(created == updated == refused == 0 for _, created, updated, _, refused in again.rows())
    assert table_counts() == before


def test_an_updated_file_updates_the_places_in_place():
    """A changed value updates the site matched by its EAMENA ID; the new file is a new source, cited too."""
    run(commit=True)
    site = Site.objects.get(slug="eamena-0182033")
    newer = edited(lambda features: set_property(features, "EAMENA-0182033", "Overall Condition State Type", "Fair"))
    report = run(data=newer, commit=True)
    assert report.committed
    site.refresh_from_db()
    assert site.condition_id == "fair" and Site.objects.filter(slug="eamena-0182033").count() == 1
    assert report.counts["sites"]["created"] == 0 and report.counts["sites"]["updated"] == 5
    assert site.citations.filter(source=report.source).exists() and Source.objects.filter(kind="dataset").count() == 2


def test_every_record_an_import_writes_has_its_history_naming_the_curator_and_the_file():
    """
    Each record an import creates has one "created" history row holding its values, with the importing user and
    the file as the reason; a record a later file changes gets a "changed" row holding its new values.
    """
    curator = make_user("cora")
    first = run(commit=True, user=curator)
    newer = edited(lambda features: set_property(features, "EAMENA-0182033", "Overall Condition State Type", "Fair"))
    second = run(data=newer, name="newer.geojson", commit=True, user=curator)
    assert first.committed and second.committed
    for model in (Site, SiteIdentifier, SiteName, SiteExtent, DamageReport, Threat, Citation):
        if model is Citation:
            records = Citation.objects.filter(source__in=[first.source, second.source])
        else:
            records = model._base_manager.filter(citations__source=first.source).distinct()
        names = ["id", *(field.attname for field in model.history.model.tracked_fields if field.attname != "id")]
        history = model.history.filter(id__in=records.values("pk"))
        created = history.filter(history_type="+")
        assert created.count() == records.count() > 0, model
        assert {(row.history_user_id, row.history_change_reason) for row in history} <= {
            (curator.pk, "Imported from trimmed.geojson (EAMENA)"),
            (curator.pk, "Imported from newer.geojson (EAMENA)"),
        }
        latest = {row[0]: row for row in history.order_by("history_id").values_list(*names)}
        assert latest == {row[0]: row for row in records.values_list(*names)}, model
    changed = Site.history.filter(slug="eamena-0182033", history_type="~").get()
    assert changed.condition_id == "fair" and changed.history_change_reason == "Imported from newer.geojson (EAMENA)"


def test_options_set_the_status_of_new_reports_and_mark_new_sites_sensitive():
    run(commit=True, status="reported", sensitive=True)
    assert set(DamageReport.objects.filter(site__slug__startswith="eamena-").values_list("status", flat=True)) == {
        "reported"
    }
    assert set(Site.objects.filter(slug__startswith="eamena-").values_list("is_sensitive", flat=True)) == {True}


def test_a_file_written_with_other_line_endings_is_held_as_its_normalised_text():
    """A byte-order mark and \r\n line endings: the text (what citations quote) is normalised, the original is not."""
    data = b"\xef\xbb\xbf" + TRIMMED.replace(b"\n", b"\r\n")
    report = run(data=data, name="written-on-windows.geojson", commit=True)
    assert report.committed, report.problems
    source, text = Source.objects.get(pk=report.source.pk), TRIMMED.decode()
    assert (source.text, source.text_sha256, source.text_length) == (text, sha256(text), len(text))
    assert (source.original_sha256, source.original_size) == (sha256(data), len(data))
    citations = Citation.objects.filter(source=source)
    assert citations.count() == report.counts["citations"]["created"] > 0
    for citation in citations:
        assert text[citation.char_start : citation.char_end] == citation.quote


def test_a_joined_list_is_split_by_position_keeping_terms_with_commas_whole():
    assert values("Conservation, Restoration, and Maintenance Activities, Ploughing") == [
        "Conservation, Restoration, and Maintenance Activities",
        "Ploughing",
    ]
    assert values("None, 2004-01-01, ") == ["", "2004-01-01", ""]
    assert values("Sistan and Baluchestan\u00a0Province") == ["Sistan and Baluchestan Province"]
    # A term written with a no-break space is still the term.
    assert values("Ploughing, Islamic, Late (Timurid/Safavid/Qajar)\u00a0(Iran)") == [
        "Ploughing",
        "Islamic, Late (Timurid/Safavid/Qajar) (Iran)",
    ]
    assert values(None) == []


def test_the_command_is_a_dry_run_unless_committed_and_fails_on_a_refusal(tmp_path, capsys):
    path = tmp_path / "places.geojson"
    path.write_bytes(TRIMMED)
    call_command("import_eamena", str(path))
    out = capsys.readouterr().out
    assert "Dry run" in out and "sites" in out and not Site.objects.filter(slug__startswith="eamena-").exists()
    call_command("import_eamena", str(path), "--commit", verbosity=0)
    assert Site.objects.filter(slug__startswith="eamena-").count() == 5
    assert capsys.readouterr().out == ""
    path.write_bytes(edited(unknown_condition))
    with pytest.raises(SystemExit) as exit_:
        call_command("import_eamena", str(path), "--commit")
    assert exit_.value.code == 1
    assert "EAMENA-0182033 (feature 0), 'Overall Condition State Type'" in capsys.readouterr().err


def test_the_whole_shipped_file_imports_and_imports_again_unchanged(originals, django_capture_on_commit_callbacks):
    """caravanserail.geojson: 221 places in 424 features, both scripts of names, every record cited."""
    with django_capture_on_commit_callbacks(execute=True):
        report = import_eamena(data=WHOLE, name="caravanserail.geojson", commit=True)
    assert stored_files(originals) == {report.source.original.name: WHOLE}
    assert report.committed, report.problems[:5]
    sites = Site.objects.filter(identifiers__scheme="eamena")
    assert sites.count() == 221 and SiteIdentifier.objects.filter(scheme="eamena").count() == 221
    names = SiteName.objects.filter(site__in=sites)
    assert names.filter(language="und-Arab").exists() and names.filter(language="und-Latn").exists()
    assert sites.filter(latitude__isnull=False).count() > 200
    assert DamageReport.objects.filter(site__in=sites).exclude(occurred="").exists()
    assert Threat.objects.filter(site__in=sites).count() == report.counts["threats"]["created"] > 0
    assert all(count["refused"] == 0 for count in report.counts.values())
    assert not sites.filter(citations__isnull=True).exists()
    assert not DamageReport.objects.filter(site__in=sites, citations__isnull=True).exists()
    failed = [(result.title, result.problems[:3]) for result in run_checks() if not result.ok]
    assert not failed  # quotes at their offsets, text checksums, date bounds, citations: manage.py check_integrity
    before = table_counts()
    again = import_eamena(data=WHOLE, name="caravanserail.geojson", commit=True)
    assert all(created == updated == 0 for _, created, updated, *_ in again.rows())
    assert table_counts() == before


# --- The admin's import page ------------------------------------------------------------------------------------

PAGE = reverse("eamena-import")


def test_the_admin_page_shows_the_dry_run_then_imports_on_confirmation(client, originals):
    client.force_login(make_user("cora", group="Curator"))
    assert "Import EAMENA heritage places" in client.get(reverse("admin:records_site_changelist")).content.decode()
    upload = SimpleUploadedFile("trimmed.geojson", TRIMMED, content_type="application/geo+json")
    checked = client.post(PAGE, {"file": upload, "status": "draft"})
    assert checked.status_code == 200 and checked.context["report"].ok
    assert not Site.objects.filter(slug__startswith="eamena-").exists()
    confirm = checked.context["confirm"].initial
    done = client.post(PAGE, {**confirm, "sensitive": ""})
    assert done.status_code == 302 and done["Location"] == reverse("admin:records_site_changelist")
    assert Site.objects.filter(slug__startswith="eamena-").count() == 5


def test_the_admin_page_lists_every_problem_and_writes_nothing(client, originals):
    client.force_login(make_user("cora", group="Curator"))
    upload = SimpleUploadedFile("bad.geojson", edited(unknown_condition))
    response = client.post(PAGE, {"file": upload, "status": "draft"})
    assert response.status_code == 400 and response.context["confirm"] is None
    page = response.content.decode()
    assert "EAMENA-0182033" in page and "Overall Condition State Type" in page and "Sparkling" in page


def test_a_confirmation_without_its_upload_imports_nothing(client):
    """A confirmation whose upload is gone (or was never made, or is forged) sends the curator back to upload."""
    client.force_login(make_user("cora", group="Curator"))
    for pending in ("0" * 32, "../../etc/passwd", ""):
        response = client.post(PAGE, {"pending": pending, "name": "x.geojson", "status": "draft"}, follow=True)
        assert response.status_code == 200 and "upload it again" in response.content.decode()
    assert not Site.objects.filter(slug__startswith="eamena-").exists()


def curator_who_may(username, *, workflow):
    """A staff user who may add, change and view what an import writes, and move reports through the workflow or not."""
    user = make_user(username)
    written = [Site, SiteName, SiteIdentifier, SiteExtent, DamageReport, Threat, Source, Citation]
    codenames = [f"{action}_{model._meta.model_name}" for model in written for action in ("add", "change", "view")]
    if workflow:
        codenames += ["change_status_damagereport", "change_status_threat"]
    user.user_permissions.add(*Permission.objects.filter(content_type__app_label="records", codename__in=codenames))
    return user


@pytest.mark.parametrize("group", ["Researcher", None])
def test_only_those_who_may_add_and_change_everything_it_writes_may_import(client, group):
    """Adding sites is not enough: the import changes sites and writes damage reports, threats and citations."""
    user = make_user("rhea", group=group)
    user.user_permissions.add(Permission.objects.get(codename="add_site"))
    client.force_login(user)
    assert client.get(PAGE).status_code == 403
    upload = SimpleUploadedFile("trimmed.geojson", TRIMMED)
    assert client.post(PAGE, {"file": upload, "status": "draft"}).status_code == 403
    assert client.post(PAGE, {"pending": "0" * 32, "name": "x.geojson", "status": "draft"}).status_code == 403
    assert "Import EAMENA" not in client.get(reverse("admin:records_site_changelist")).content.decode()
    assert not Site.objects.filter(slug__startswith="eamena-").exists()


def test_the_page_asks_for_every_permission_over_what_it_writes(client):
    """Without any one of adding, changing or viewing one kind of record an import writes, the page is refused."""
    user = curator_who_may("dora", workflow=False)
    client.force_login(user)
    assert client.get(PAGE).status_code == 200
    for permission in list(user.user_permissions.all()):
        user.user_permissions.remove(permission)
        user = type(user).objects.get(pk=user.pk)  # permissions are cached on the user
        client.force_login(user)
        assert client.get(PAGE).status_code == 403, permission.codename
        user.user_permissions.add(permission)


def test_new_reports_start_as_reported_only_for_those_who_may_move_them_through_the_workflow(client, originals):
    client.force_login(curator_who_may("dora", workflow=False))
    assert "Import EAMENA" in client.get(reverse("admin:records_site_changelist")).content.decode()
    upload = SimpleUploadedFile("trimmed.geojson", TRIMMED)
    refused = client.post(PAGE, {"file": upload, "status": "reported"})
    assert refused.status_code == 400 and refused.context["confirm"] is None
    assert "may import them as reported; import them as drafts" in str(refused.context["form"].errors["status"])
    checked = client.post(PAGE, {"file": SimpleUploadedFile("trimmed.geojson", TRIMMED), "status": "draft"})
    confirm = checked.context["confirm"].initial
    tampered = client.post(PAGE, {**confirm, "status": "reported"}, follow=True)
    assert "Nothing was imported. The confirmation was refused (status: Only curators" in tampered.content.decode()
    assert not Site.objects.filter(slug__startswith="eamena-").exists()
    done = client.post(PAGE, {**confirm, "sensitive": ""})
    assert done.status_code == 302
    assert set(DamageReport.objects.filter(site__slug__startswith="eamena-").values_list("status", flat=True)) == {
        "draft"
    }


def test_a_confirmation_with_a_bad_field_names_it_and_imports_nothing(client, originals):
    """Not "the upload is no longer waiting": it is, and the curator is told what was wrong with the confirmation."""
    client.force_login(make_user("cora", group="Curator"))
    checked = client.post(PAGE, {"file": SimpleUploadedFile("trimmed.geojson", TRIMMED), "status": "draft"})
    confirm = checked.context["confirm"].initial
    for field, value in (("name", "x" * 300), ("status", "verified")):
        response = client.post(PAGE, {**confirm, field: value}, follow=True)
        page = response.content.decode()
        assert f"The confirmation was refused ({field}: " in page and "no longer waiting" not in page
    assert not Site.objects.filter(slug__startswith="eamena-").exists()
    assert client.post(PAGE, {**confirm, "sensitive": ""}).status_code == 302


def test_a_copy_of_the_trimmed_data_is_the_real_data():
    """The trimmed file's features are the real export's, unchanged (so the tests exercise real values)."""
    whole = {json.dumps(f, sort_keys=True) for f in json.loads(WHOLE)["features"]}
    trimmed = json.loads(TRIMMED)["features"]
    assert all(json.dumps(f, sort_keys=True) in whole for f in copy.deepcopy(trimmed))


def test_imported_places_are_found_by_search_in_both_scripts(client):
    """Bulk-inserted sites and names reach the search index: a Persian name is found, by a word of it, at once."""
    report = run(commit=True)
    assert report.committed, report.problems
    site = SiteIdentifier.objects.get(scheme="eamena", value="EAMENA-0182033").site
    persian = site.names.get(language="und-Arab").name
    for words in ("Nosrat Abad", persian.split()[-1]):
        found = client.get("/api/v1/sites/", {"search": words}).json()["results"]
        assert site.slug in [s["slug"] for s in found], words


@pytest.mark.parametrize("many", [1, 10**9], ids=["entries written apart from the trigger", "by the trigger"])
def test_the_search_index_after_imports_is_the_one_a_rebuild_makes(many, monkeypatch, client):
    """
    Each batch reaches the search index as a rebuild from the records writes it (each record read once, however
    many of the batch's models name it): after a first import, and after a second that renames a place, whose
    threats show its name. On SQLite the full-text index itself (every word's every occurrence) is the rebuild's
    too, whether a batch's entries were indexed by a statement of their own or by the insert trigger; and a record
    saved afterwards is indexed by the trigger.
    """
    monkeypatch.setattr(index, "MANY", many)

    def entries():
        columns = ["content_type", "record_id", "names", "text", "names_folded", "text_folded"]
        found = sorted(SearchEntry.objects.values_list(*columns))
        if connection.vendor == "sqlite":
            with connection.cursor() as cursor:
                cursor.execute(
                    f"CREATE VIRTUAL TABLE IF NOT EXISTS temp.words USING fts5vocab(main, {index.FTS_TABLE}, instance)"
                )
                cursor.execute("SELECT term, doc, col, offset FROM temp.words ORDER BY 1, 2, 3, 4")
                found.append(cursor.fetchall())
        return found

    def renamed(features):
        set_property(
            features, "EAMENA-0182033", "Resource Name", "Qaleh Nosrat Caravanserai, کاروانسرای نصرت آباد, CVNS-IR"
        )

    for data in (TRIMMED, edited(renamed)):
        report = run(data=data, commit=True)
        assert report.committed, report.problems
        imported = entries()
        index.rebuild()
        assert imported == entries()
    threats = Threat.objects.filter(site__identifiers__value="EAMENA-0182033")
    shown = SearchEntry.objects.filter(record_id__in=threats.values("pk"), content_type__model="threat")
    assert shown.exists() and all("Qaleh Nosrat" in entry.names for entry in shown)
    site = threats[0].site
    site.pk, site.slug, site.name = None, "zzyzx", "Zzyzx Caravanserai"
    site.save()
    client.force_login(make_user("rhea", group="Researcher"))
    assert [found["slug"] for found in client.get("/api/v1/sites/", {"search": "zzyzx"}).json()["results"]] == ["zzyzx"]


def test_what_the_writer_leaves_to_the_reader_is_all_the_field_would_check():
    """The writer skips the geometry's field check because the reader ran the same one: nothing else is skipped."""
    assert dict(CHECKED_BY_READER) == {SiteExtent: ["geometry"]}
    assert SiteExtent._meta.get_field("geometry").validators == [validate_geometry]
