"""
Exports that carry their evidence: a cited record's CSV row holds each passage's quote, source and who made the
claim; no CSV cell holds JSON; damage reports, threats and occupations export as GeoJSON at their site's public point.
"""

import json

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.files.uploadedfile import SimpleUploadedFile

from heritage.records.api.urls import router
from heritage.records.models import Actor, Citation, DamageReport, Site, Source

from .base import content_of, csv_rows

CITATION_KEYS = ["quote", "source", "source_title", "attributed_to", "attribution"]


def by_column(response):
    header, *rows = csv_rows(response)
    return header, [dict(zip(header, row, strict=True)) for row in rows]


def citation_columns(groups):
    return [f"citation_{n}_{key}" for n in range(1, groups + 1) for key in CITATION_KEYS]


@pytest.fixture
def claimed(world):
    """Hatra's damage report cites a second passage, relayed from the ministry, whose quote begins with `=`."""
    ministry = Actor.objects.create(slug="ministry", name="Ministry of Culture", kind="ministry")
    source = Source.objects.create(
        slug="ministry-statement",
        title="=Statement of the ministry",
        kind="report",
        text='Preamble. =HYPERLINK("http://evil") The statues were smashed; the museum was looted.',
    )
    citation = Citation(
        source=source,
        quote='=HYPERLINK("http://evil") The statues were smashed',
        attributed_to=ministry,
        attribution="According to the ministry",
    )
    citation.locate()
    citation.save()
    world["smashed"].citations.add(citation)
    return {**world, "ministry_citation": citation}


def test_csv_rows_carry_each_citation_in_numbered_columns(claimed, anonymous):
    """
    After `citations` (the ids), one group of columns per passage, as many as the most-cited row has: quote, source
    slug and title, who made the claim and in the source's words. A row with fewer passages leaves the rest empty.
    """
    first, second = claimed["ministry_citation"], claimed["citation"]
    for url in ("/api/v1/damage-reports/", "/api/v1/damage-reports/hatra-statues-smashed/"):
        header, rows = by_column(anonymous.get(url, {"format": "csv"}))
        at = header.index("citations")
        assert header[at + 1 : at + 11] == citation_columns(2)
        assert "citation_3_quote" not in header
        report = next(row for row in rows if row["slug"] == "hatra-statues-smashed")
        # The groups follow the order of the ids in `citations`.
        ids = report["citations"].split("; ")
        assert sorted(ids) == sorted([str(first.pk), str(second.pk)])
        n, m = ids.index(str(second.pk)) + 1, ids.index(str(first.pk)) + 1
        assert report[f"citation_{n}_quote"] == second.quote
        assert report[f"citation_{n}_source"] == "hatra-report"
        assert report[f"citation_{n}_source_title"] == "Hatra field report"
        assert report[f"citation_{n}_attributed_to"] == report[f"citation_{n}_attribution"] == ""
        assert report[f"citation_{m}_source"] == "ministry-statement"
        assert report[f"citation_{m}_attributed_to"] == "Ministry of Culture"
        assert report[f"citation_{m}_attribution"] == "According to the ministry"
        # The formula-injection guard holds in the new cells: a quote or a title starting with `=` is text.
        assert report[f"citation_{m}_quote"] == "'" + first.quote
        assert report[f"citation_{m}_source_title"] == "'=Statement of the ministry"
    _, rows = by_column(anonymous.get("/api/v1/damage-reports/", {"format": "csv"}))
    once = [row for row in rows if row["citations"] and "; " not in row["citations"]]
    assert once and all(row[column] == "" for row in once for column in citation_columns(2)[5:])
    assert all(row["citation_1_source"] for row in once)


def test_citation_columns_follow_the_filters(claimed, anonymous):
    """The number of groups is the most passages a row of this export cites: none when no row cites one."""
    palmyra = DamageReport.objects.visible_to(AnonymousUser()).filter(site__slug="palmyra")
    most = max(report.citations.count() for report in palmyra)
    assert most != 2  # Hatra's report, with two, is filtered out
    header, _ = by_column(anonymous.get("/api/v1/damage-reports/", {"format": "csv", "site": "palmyra"}))
    assert [column for column in header if column.startswith("citation_")] == citation_columns(most)
    header, _ = by_column(anonymous.get("/api/v1/damage-reports/", {"format": "csv", "slug": "no-such-report"}))
    assert [column for column in header if column.startswith("citation_")] == []


def test_every_cited_resource_has_citation_columns_and_others_none(world, anonymous):
    """Every resource whose records cite passages exports them; sources, citations and terms have no groups."""
    for prefix, _, _ in router.registry:
        header, rows = by_column(anonymous.get(f"/api/v1/{prefix}/", {"format": "csv"}))
        groups = [column for column in header if column.startswith("citation_")]
        if "citations" not in header:
            assert groups == [], prefix
            continue
        most = max((len(row["citations"].split("; ")) for row in rows if row["citations"]), default=0)
        assert groups == citation_columns(most), prefix


def json_looking(cell):
    text = cell.lstrip("'").strip()
    if not text.startswith(("[", "{")):
        return False
    try:
        json.loads(text)
    except ValueError:
        return text.startswith("{")
    return True


@pytest.mark.parametrize("who", ["anonymous", "researcher"])
def test_no_csv_cell_holds_json(world, curator, request, originals, who):
    """Every resource's CSV, list and record: nested lists and objects read as text, never as raw JSON."""
    upload = SimpleUploadedFile("statement.txt", b"A statement about Hatra.", content_type="text/plain")
    created = curator.post(
        "/api/v1/sources/", {"slug": "upload", "title": "Upload", "kind": "report", "language": "en", "file": upload}
    )
    assert created.status_code == 201, created.content
    client = request.getfixturevalue(who)
    for prefix, viewset, _ in router.registry:
        responses = [client.get(f"/api/v1/{prefix}/", {"format": "csv"})]
        user = getattr(client, "user", AnonymousUser())
        record = viewset.serializer_class.Meta.model.objects.visible_to(user).order_by("-pk").first()
        lookup = getattr(record, viewset.lookup_field)
        responses.append(client.get(f"/api/v1/{prefix}/{lookup}/", {"format": "csv"}))
        for response in responses:
            header, *rows = csv_rows(response)
            assert rows, prefix
            bad = [
                (prefix, column, cell)
                for row in rows
                for column, cell in zip(header, row, strict=True)
                if json_looking(cell)
            ]
            assert bad == []


def test_nested_lists_read_as_text(world, anonymous):
    """A site's designations, an event's participants and figures: one readable phrase per item, `; `-joined."""
    _, rows = by_column(anonymous.get("/api/v1/sites/hatra/", {"format": "csv"}))
    assert (
        rows[0]["designations"] == "unesco_world_heritage from 1985 (by unesco); unesco_in_danger from 2015 (by unesco)"
    )
    _, rows = by_column(anonymous.get("/api/v1/events/hatra-recapture/", {"format": "csv"}))
    assert rows[0]["participants"] == "pmf (agent)"
    assert rows[0]["figures"] == "fighters: approximately 3,000 people"


def features_of(response):
    assert response.status_code == 200, response.content
    assert response["Content-Type"] == "application/geo+json"
    return json.loads(content_of(response))


def test_damage_reports_as_geojson(world, anonymous):
    """Every matching report a Feature at its site's point, its main fields flat in its properties; streamed."""
    response = anonymous.get("/api/v1/damage-reports/", {"format": "geojson"})
    assert response.streaming
    collection = features_of(response)
    assert collection["type"] == "FeatureCollection"
    public = DamageReport.objects.visible_to(AnonymousUser())
    assert sorted(feature["id"] for feature in collection["features"]) == sorted(public.values_list("pk", flat=True))
    smashed = next(f for f in collection["features"] if f["properties"]["slug"] == "hatra-statues-smashed")
    assert smashed["geometry"] == {"type": "Point", "coordinates": [42.7183, 35.5883]}
    assert smashed["properties"] | {"url": None} == {
        "slug": "hatra-statues-smashed",
        "url": None,
        "site": "hatra",
        "site_name": "Hatra",
        "structure": "Great Temple",
        "cause": "breaking-smashing",
        "cause_label": smashed["properties"]["cause_label"],
        "cause_category": smashed["properties"]["cause_category"],
        "severity": "moderately_damaged",
        "extent": "partial",
        "is_permanent": False,
        "occurred": "2015-03",
        "occurred_earliest": "2015-03-01",
        "occurred_latest": "2015-03-31",
        "occupation": "isis-hatra",
        "perpetrator": "isis",
        "perpetrator_name": "ISIS",
        "certainty": "high",
        "status": "verified",
        "description": "Statues smashed with hammers.",
    }
    assert smashed["properties"]["url"].endswith("/api/v1/damage-reports/hatra-statues-smashed/")
    one = features_of(anonymous.get("/api/v1/damage-reports/hatra-statues-smashed/", {"format": "geojson"}))
    assert one == smashed


def test_record_geojson_takes_the_filters_and_unlocated_sites_have_null_geometry(world, anonymous):
    Site.objects.filter(slug="hatra").update(latitude=None, longitude=None, location_certainty="")
    collection = features_of(anonymous.get("/api/v1/occupations/", {"format": "geojson", "site": "hatra"}))
    assert {f["properties"]["slug"] for f in collection["features"]} == {"isis-hatra", "pmf-hatra"}
    assert all(feature["geometry"] is None for feature in collection["features"])
    held = next(f for f in collection["features"] if f["properties"]["slug"] == "isis-hatra")["properties"]
    assert (held["occupier"], held["started"], held["ended"], held["end_kind"]) == (
        "isis",
        "2014-06",
        "2017-04-26",
        "recaptured",
    )


def test_threats_as_geojson_hold_drafts_only_for_those_who_read_them(world, anonymous, researcher):
    public = features_of(anonymous.get("/api/v1/threats/", {"format": "geojson"}))
    assert "hatra-looting" not in {f["properties"]["slug"] for f in public["features"]}
    assert anonymous.get("/api/v1/threats/hatra-looting/", {"format": "geojson"}).status_code == 404
    everything = features_of(researcher.get("/api/v1/threats/", {"format": "geojson"}))
    looting = next(f for f in everything["features"] if f["properties"]["slug"] == "hatra-looting")
    assert looting["properties"]["quantity_min"] == 30 and looting["properties"]["status"] == "draft"


def test_a_bad_filter_on_a_record_geojson_export_is_a_json_400(world, anonymous):
    response = anonymous.get("/api/v1/damage-reports/", {"format": "geojson", "occurred_after": "x"})
    assert response.status_code == 400 and response["Content-Type"] == "application/json"
    assert "occurred_after" in response.json()
