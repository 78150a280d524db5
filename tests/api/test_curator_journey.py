"""
A curator's whole job through the API, with a token, for a site the Palmyra article never mentions: Hatra. A source
with its text, the passages cited from it, the parties, a period, the site with its names, designation and period in
one request, the recapture with its participants and a figure, two damage reports, their verification through the
workflow; then everything reads back as it was written.
"""

from heritage.records.models import DamageReport, Site, Source

from .base import if_match

TEXT = (
    "Hatra, known locally as al-Hadr, was the capital of a small Parthian-era kingdom.\n"
    "Hatra was inscribed on the World Heritage List in 1985.\n"
    "Its remains date from the Parthian period.\n"
    "In March 2015 militants of the Islamic State smashed statues in the Great Temple with hammers.\n"
    "They also bulldozed part of the city wall.\n"
    "On 26 April 2017 the Popular Mobilization Forces retook Hatra from the Islamic State.\n"
    "Between 2,500 and 3,000 fighters took part in the assault.\n"
)


def read_back(written, read):
    """Whether `read` (a representation) says what `written` (a request body) said, key by key."""
    if isinstance(written, list):
        return len(written) == len(read) and all(map(read_back, written, read))
    if isinstance(written, dict):
        return all(read_back(value, read[key]) for key, value in written.items())
    if isinstance(read, dict) and "edtf" in read:  # an uncertain date, written as its EDTF
        return read["edtf"] == written
    if isinstance(read, dict):  # a related record, written as its id or slug
        return written in (read.get("id"), read.get("slug"))
    return written == read


def test_a_curator_records_hatra_end_to_end(palmyra, curator):
    """Every write answers 201/200, and each record reads back (GET) equal to what was written."""
    post = lambda url, body: curator.post(url, body, format="json")  # noqa: E731

    # The source, with its text; then the passages the records cite.
    source = {"slug": "hatra-notes", "title": "Notes on Hatra", "kind": "report", "language": "en", "text": TEXT}
    response = post("/api/v1/sources/", source)
    assert response.status_code == 201, response.content
    assert curator.get(response.json()["text_url"]).content.decode() == TEXT
    quotes = {
        "local": "known locally as al-Hadr",
        "inscribed": "inscribed on the World Heritage List in 1985",
        "parthian": "Its remains date from the Parthian period",
        "statues": "smashed statues in the Great Temple with hammers",
        "wall": "bulldozed part of the city wall",
        "retook": "the Popular Mobilization Forces retook Hatra",
        "fighters": "Between 2,500 and 3,000 fighters took part",
    }
    cited = {}
    for name, quote in quotes.items():
        response = post("/api/v1/citations/", {"source": "hatra-notes", "quote": quote})
        assert response.status_code == 201, response.content
        cited[name] = response.json()["id"]
        assert TEXT[response.json()["char_start"] : response.json()["char_end"]] == quote

    # The parties and the period.
    pmf = {"slug": "pmf", "name": "Popular Mobilization Forces", "kind": "armed_group", "country": "IQ"}
    period = {
        "slug": "parthian",
        "name": "Parthian",
        "start_earliest": -246,
        "start_latest": -246,
        "stop_earliest": 224,
        "stop_latest": 224,
        "citations": [cited["parthian"]],
    }
    for url, body in (("/api/v1/actors/", pmf), ("/api/v1/periods/", period)):
        response = post(url, body)
        assert response.status_code == 201, response.content

    # The site, with its names, a designation and a period, in one request.
    site = {
        "slug": "hatra",
        "name": "Hatra",
        "kind": "archaeological_site",
        "country": "IQ",
        "description": "A fortified Parthian city in the Jazira.",
        "latitude": "35.588300",
        "longitude": "42.718300",
        "location_certainty": "high",
        "names": [
            {"name": "al-Hadr", "kind": "local", "language": "ar-Latn", "citations": [cited["local"]]},
            {"name": "الحضر", "kind": "local", "language": "ar", "citations": []},
        ],
        "designations": [
            {
                "kind": "unesco_world_heritage",
                "reference": "277",
                "valid_from": "1985",
                "valid_to": "",
                "granted_by": "unesco",
                "citations": [cited["inscribed"]],
            }
        ],
        "periods": [{"period": "parthian", "citations": [cited["parthian"]]}],
        "citations": [cited["local"]],
    }
    response = post("/api/v1/sites/", site)
    assert response.status_code == 201, response.content

    # The recapture, with who took part and a reported figure.
    event = {
        "slug": "hatra-recapture",
        "title": "Recapture of Hatra",
        "kind": "capture",
        "site": "hatra",
        "occurred": "2017-04-26",
        "participants": [
            {"actor": "pmf", "role": "agent", "description": "", "citations": [cited["retook"]]},
            {"actor": "isis", "role": "opponent", "description": "", "citations": [cited["retook"]]},
        ],
        "figures": [
            {
                "measure": "fighters",
                "quantity": {"min": 2500, "max": 3000, "qualifier": "between", "unit": "people"},
                "citations": [cited["fighters"]],
            }
        ],
        "citations": [cited["retook"]],
    }
    response = post("/api/v1/events/", event)
    assert response.status_code == 201, response.content

    # Two damage reports, in one batch; each starts as a draft.
    reports = [
        {
            "slug": "hatra-statues-smashed",
            "site": "hatra",
            "cause": "breaking-smashing",
            "severity": "moderately_damaged",
            "extent": "partial",
            "occurred": "2015-03",
            "perpetrator": "isis",
            "certainty": "high",
            "description": "Statues in the Great Temple smashed with hammers.",
            "citations": [cited["statues"]],
        },
        {
            "slug": "hatra-wall-bulldozed",
            "site": "hatra",
            "cause": "bulldozing",
            "severity": "severely_damaged",
            "extent": "partial",
            "occurred": "2015-03",
            "perpetrator": "isis",
            "certainty": "medium",
            "citations": [cited["wall"]],
        },
    ]
    response = post("/api/v1/damage-reports/", reports)
    assert response.status_code == 201, response.content
    assert [report["status"] for report in response.json()] == ["draft", "draft"]

    # Verification goes through the workflow: draft, reported, verified.
    for report in reports:
        url = f"/api/v1/damage-reports/{report['slug']}/status/"
        for status in ("reported", "verified"):
            response = post(url, {"status": status, "reason": "Checked against the notes."})
            assert response.status_code == 200, response.content
            assert response.json()["status"] == status

    # Everything reads back as written.
    assert read_back(
        {k: v for k, v in source.items() if k != "text"}, curator.get("/api/v1/sources/hatra-notes/").json()
    )
    assert read_back(pmf, curator.get("/api/v1/actors/pmf/").json())
    assert read_back(period, curator.get("/api/v1/periods/parthian/").json())
    assert read_back(site, curator.get("/api/v1/sites/hatra/").json())
    assert read_back(event, curator.get("/api/v1/events/hatra-recapture/").json())
    for report in reports:
        read = curator.get(f"/api/v1/damage-reports/{report['slug']}/").json()
        assert read_back(report, read)
        assert read["status"] == "verified"
    # And the public sees the verified reports, and the site's other names in a search.
    assert DamageReport.objects.filter(site__slug="hatra", status="verified").count() == 2
    found = curator.get("/api/v1/sites/", {"q": "الحضر"}).json()["results"]
    assert [row["slug"] for row in found] == ["hatra"]

    # A correction: the curator edits the site's names with what was read, adding one; the rest stays.
    url = "/api/v1/sites/hatra/"
    names = [*curator.get(url).json()["names"], {"name": "Hatra of the Arabs", "kind": "epithet", "language": "en"}]
    response = curator.patch(url, {"names": names}, format="json", **if_match(curator, url))
    assert response.status_code == 200, response.content
    by_name = lambda items: sorted(items, key=lambda name: name["name"])  # noqa: E731
    assert read_back(by_name(names), by_name(response.json()["names"]))
    site_record = Site.objects.get(slug="hatra")
    assert site_record.names.count() == 3 and site_record.designations.count() == 1
    assert Source.objects.get(slug="hatra-notes").citations.count() == len(quotes)
