"""
The side-channel suite: nothing anyone without permission to view sites can read tells them more about a sensitive
site's location than its public 0.1-degree cell.

Method: one world, read twice. Between the two readings only Hatra's exact location changes (in its live row and in
every version of its history), to another point inside the same public cell. Every read path (each list filter
and ordering, bounding boxes chosen as an attacker bisecting would choose them, cursors, every format, the schema,
a 412's body, the browsable API, the admin's list, dossier, history, versions, autocomplete and export) is requested
in both, by each kind of client that may not see exact locations: anonymous, a token without permissions, and a
user who may change sites but not view them. Every answer must be byte for byte the same (after taking out the
CSRF tokens, which differ on every page). A researcher, who may see the exact location, must see a difference:
that shows the comparison would catch a leak.
"""

import re
from decimal import Decimal
from urllib.parse import urlencode, urlsplit

import pytest
from django.contrib.auth.models import Permission, User
from django.urls import reverse

from heritage.records.api.urls import router
from heritage.records.models import DamageReport, Site, SiteExtent

from .base import content_of
from .conftest import token_client

# Hatra's exact location in the two readings: different points, one public cell (35.6, 42.7). Its history holds two
# locations: where it was first recorded (before it was flagged sensitive), then a refined one.
FIRST = {"A": (Decimal("35.588300"), Decimal("42.718300")), "B": (Decimal("35.611200"), Decimal("42.695100"))}
REFINED = {"A": (Decimal("35.601234"), Decimal("42.704321")), "B": (Decimal("35.560055"), Decimal("42.740987"))}
CELL = (Decimal("35.6"), Decimal("42.7"))
# Its extents in the two readings: an outline and a point, different shapes with one public form each.
SHAPES = {
    "A": {
        1: {"type": "Polygon", "coordinates": [[[42.71, 35.52], [42.74, 35.52], [42.74, 35.58], [42.71, 35.52]]]},
        2: {"type": "Point", "coordinates": [42.7183, 35.5883]},
    },
    "B": {
        1: {"type": "Polygon", "coordinates": [[[42.72, 35.53], [42.79, 35.51], [42.75, 35.59], [42.72, 35.53]]]},
        2: {"type": "Point", "coordinates": [42.6951, 35.6112]},
    },
}

CSRF = [
    re.compile(rb'(name="csrfmiddlewaretoken" value=")[^"]+(")'),
    re.compile(rb'("csrfToken": ")[^"]+(")'),
    re.compile(rb"(csrftoken=)[^;]+(;)"),
]


# Hundreds of requests from one client: the throttles are not what is tested here.
pytestmark = pytest.mark.usefixtures("unthrottled")


@pytest.fixture
def hatra(world):
    """Hatra, recorded at FIRST["A"], then flagged sensitive, then moved to REFINED["A"]: three versions."""
    site = world["hatra"]
    site.latitude, site.longitude = FIRST["A"]
    site.save()
    site.is_sensitive = True
    site.save()
    site.latitude, site.longitude = REFINED["A"]
    site.save()
    for position, geometry in SHAPES["A"].items():
        extent = SiteExtent.objects.create(site=site, position=position, geometry=geometry, qualifier="perimeter")
        extent.certainty = "high"
        extent.save()
    return site


def move_hatra(site, reading):
    """Put Hatra (its row and every version of it) at its points of `reading` ("A" or "B")."""
    for points in (FIRST, REFINED):
        for other, point in points.items():
            if other == reading:
                continue
            for model in (Site, Site.history.model):
                model._default_manager.filter(id=site.id, latitude=point[0], longitude=point[1]).update(
                    latitude=points[reading][0], longitude=points[reading][1]
                )
    for position, geometry in SHAPES[reading].items():
        for model in (SiteExtent, SiteExtent.history.model):
            model._default_manager.filter(site_id=site.id, position=position).update(geometry=geometry)


def changer_token():
    """A token whose user may add and change every record, but view none."""
    return token_client("changer", "add", "change")


@pytest.fixture
def admin_changer(client):
    """An admin session of a staff user who may add and change every record, but view none."""
    user = User.objects.create_user("admin-changer", is_staff=True)
    user.user_permissions.set(
        Permission.objects.filter(content_type__app_label="records", codename__regex=r"^(add|change)_")
    )
    client.force_login(user)
    return client


def normalised(response):
    body = content_of(response)
    for pattern in CSRF:
        body = pattern.sub(rb"\1-\2", body)
    return response.status_code, response.get("Content-Type"), response.get("Location"), body


def bisection_boxes():
    """
    The boxes an attacker bisecting Hatra's location would ask for: starting from a band around its public cell,
    halve it again and again on either axis, keeping the half the public point is in (were the answers to depend on
    the exact point, the comparison below would see it): 64 boxes, down to about 10^-5 degree.
    """
    lat, lon = CELL
    boxes = []
    for axis, centre in (("lat", lat), ("lon", lon)):
        low, high = centre - Decimal("0.2"), centre + Decimal("0.2")
        for _ in range(16):
            middle = (low + high) / 2
            for part_low, part_high in ((low, middle), (middle, high)):
                box = (
                    (lon - 1, part_low, lon + 1, part_high)
                    if axis == "lat"
                    else (part_low, lat - 1, part_high, lat + 1)
                )
                boxes.append(",".join(f"{value:f}" for value in box))
            low, high = (low, middle) if centre <= middle else (middle, high)
    return boxes


def api_reads(site):
    """Every API read path of the suite, as (label, path)."""
    filters = {
        "id": [str(site.pk)],
        "slug": ["hatra"],
        "q": ["hatra", "Parthian"],
        "search": ["hatra", "الحضر", "Parthian"],
        "kind": ["archaeological_site"],
        "country": ["IQ", "SY"],
        "location_certainty": ["high"],
        "condition": ["poor", "destroyed"],
        "damage_extent": ["31-60", "91-100"],
        "has_location": ["true", "false"],
        "designation": ["unesco_world_heritage"],
        "in_danger": ["true", "false"],
        "period": ["parthian"],
        "period_id": [str(site.periods.get().pk)],
        "occupied_by": ["isis"],
        "occupied_by_id": [str(site.occupations.first().occupier_id)],
        "has_damage": ["true", "false"],
        "identifier": ["whl:277", "pleiades:668331"],
        "bbox": ["42.6,35.5,42.8,35.7", "42.7,35.6,42.7,35.6", "179,-10,-179,10"],
        "updated_since": [site.last_updated.isoformat(), "2016-03-27T00:00:00Z"],
        "ordering": [],
    }
    from heritage.records.api.sites import SiteFilterSet

    orderings = [name for _, name in SiteFilterSet.base_filters["ordering"].param_map.items()]
    filters["ordering"] = [f"{sign}{name}" for name in orderings for sign in ("", "-")]
    assert set(filters) == set(SiteFilterSet.base_filters), "every site filter has values in this suite"

    reads = []
    for fmt in ("json", "csv", "geojson"):
        reads += [
            (f"list {fmt}", f"/api/v1/sites/?format={fmt}"),
            (f"detail {fmt}", f"/api/v1/sites/hatra/?format={fmt}"),
        ]
    reads += [
        ("list extents", "/api/v1/sites/?format=geojson&geometry=extents"),
        ("detail extents", "/api/v1/sites/hatra/?format=geojson&geometry=extents"),
    ]
    for name, values in filters.items():
        for value in values:
            reads.append((f"{name}={value}", "/api/v1/sites/?" + urlencode({name: value})))
            reads.append((f"{name}={value} csv", "/api/v1/sites/?" + urlencode({name: value, "format": "csv"})))
    # The bisection's boxes (the CSV export filters as the JSON list does: the boxes above cover it).
    for box in bisection_boxes():
        reads.append((f"bbox={box}", "/api/v1/sites/?" + urlencode({"bbox": box})))
    reads += [("cursor", "/api/v1/sites/?cursor=&page_size=1"), ("page 2", "/api/v1/sites/?page=2&page_size=1")]
    reads += [("schema", "/api/v1/schema/"), ("schema json", "/api/v1/schema/?format=json")]
    for prefix, _, _ in router.registry:
        reads.append((f"{prefix} list", f"/api/v1/{prefix}/"))
    report = DamageReport.objects.filter(site=site).first()
    reads.append(("report detail", f"/api/v1/damage-reports/{report.slug}/"))
    return reads


def read_api(client, site):
    answers = {}
    pending = api_reads(site)
    while pending:
        label, path = pending.pop(0)
        response = client.get(path)
        answers[label] = normalised(response)
        if label.startswith("cursor") and response.status_code == 200:
            following = response.json()["next"]
            if following:  # follow the cursor to the end: every page of it is a read path
                url = urlsplit(following)
                pending.append((f"cursor {url.query}", f"{url.path}?{url.query}"))
    # The browsable API, as a browser would get it: the page, and for those who may write, its forms.
    for path in ("/api/v1/sites/", "/api/v1/sites/hatra/"):
        answers[f"browsable {path}"] = normalised(client.get(path, HTTP_ACCEPT="text/html"))
    answers["options"] = normalised(client.options("/api/v1/sites/hatra/"))
    # A refused edit answers with the record as it now is: the 412's body.
    stale = client.patch("/api/v1/sites/hatra/", {"name": "Hatra"}, format="json", HTTP_IF_MATCH='"999"')
    answers["412"] = normalised(stale)
    return answers


def read_admin(client, site):
    history = list(Site.history.filter(id=site.id).order_by("history_id").values_list("history_id", flat=True))
    report = DamageReport.objects.filter(site=site).first()
    extent = site.extents.get(position=1)
    extent_history = SiteExtent.history.filter(id=extent.pk).values_list("history_id", flat=True)
    paths = [
        reverse("admin:records_siteextent_changelist"),
        reverse("admin:records_siteextent_change", args=[extent.pk]),
        reverse("admin:records_siteextent_history", args=[extent.pk]),
        *(reverse("admin:records_siteextent_simple_history", args=[extent.pk, v]) for v in extent_history),
        reverse("admin:records_site_changelist"),
        reverse("admin:records_site_changelist") + "?q=hatra",
        reverse("admin:records_site_changelist") + "?latitude__gte=35.6",
        reverse("admin:records_site_changelist") + "?longitude__lt=42.7",
        reverse("admin:records_site_change", args=[site.pk]),
        reverse("admin:records_site_history", args=[site.pk]),
        *(reverse("admin:records_site_simple_history", args=[site.pk, version]) for version in history),
        reverse("admin:records_site_export"),
        reverse("admin:records_damagereport_change", args=[report.pk]),
        "/admin/autocomplete/?app_label=records&model_name=damagereport&field_name=site&term=hat",
    ]
    answers = {path: normalised(client.get(path)) for path in paths}
    export = client.post(reverse("admin:records_site_export"), {"format": "0", "resource": "0"})
    answers["export"] = normalised(export)
    return answers


def both_readings(site, read):
    answers = {}
    for reading in ("A", "B"):
        move_hatra(site, reading)
        answers[reading] = read()
    return answers["A"], answers["B"]


def differing(first, second):
    return sorted(label for label in first if first[label] != second.get(label))


@pytest.mark.parametrize("who", ["anonymous", "stranger", "changer"])
def test_no_api_answer_depends_on_the_exact_location(hatra, who):
    """Anonymous, a token without permissions, a token that may change sites but not view them."""
    client = {"stranger": lambda: token_client("stranger"), "changer": changer_token}.get(who)
    from rest_framework.test import APIClient

    client = client() if client else APIClient()
    first, second = both_readings(hatra, lambda: read_api(client, hatra))
    assert len(first) > 150
    assert differing(first, second) == []


def test_no_admin_page_depends_on_the_exact_location(hatra, admin_changer):
    """A staff user who may change sites but not view them: lists, the dossier, its map, history, export."""
    first, second = both_readings(hatra, lambda: read_admin(admin_changer, hatra))
    assert all(status < 500 for status, *_ in first.values()), first
    assert differing(first, second) == []


def test_the_suite_sees_the_difference_where_it_is_allowed(hatra, researcher, client):
    """For a researcher (who may view sites) the same reads do differ: the comparison catches exact coordinates."""
    first, second = both_readings(hatra, lambda: read_api(researcher, hatra))
    assert {"detail json", "list csv", "detail geojson", "detail extents", "bbox=42.6,35.5,42.8,35.7"} <= set(
        differing(first, second)
    )
    user = User.objects.create_user("admin-researcher", is_staff=True)
    user.user_permissions.set(
        Permission.objects.filter(content_type__app_label="records", codename__startswith="view_")
    )
    client.force_login(user)
    first, second = both_readings(hatra, lambda: read_admin(client, hatra))
    assert reverse("admin:records_site_change", args=[hatra.pk]) in differing(first, second)
    extent = hatra.extents.get(position=1)
    assert reverse("admin:records_siteextent_change", args=[extent.pk]) in differing(first, second)


def test_bisecting_with_bbox_finds_no_more_than_the_public_cell(hatra, anonymous):
    """
    An anonymous client halving a box around Hatra, keeping the half that still finds it, ends with the whole
    public cell's point, not the site: the smallest box that finds Hatra is the public point itself, and any box
    that excludes the public point misses Hatra, wherever in the cell it lies.
    """

    def finds_hatra(min_lon, min_lat, max_lon, max_lat):
        box = ",".join(f"{value:f}" for value in (min_lon, min_lat, max_lon, max_lat))
        response = anonymous.get("/api/v1/sites/", {"bbox": box, "slug": "hatra"})
        assert response.status_code == 200, response.content
        return response.json()["count"] == 1

    lat, lon = CELL
    low, high = lat - 1, lat + 1
    for _ in range(40):  # forty halvings: far below a millionth of a degree
        middle = (low + high) / 2
        if finds_hatra(lon - 1, low, lon + 1, middle):
            high = middle
        else:
            low = middle
    # The bisection converges on the public latitude, not on the exact one.
    assert abs(high - lat) < Decimal("1e-9") and abs(high - hatra.latitude) > Decimal("0.001")
    assert finds_hatra(lon, lat, lon, lat)  # the public point alone finds it
    exact_lat, exact_lon = REFINED["A"]  # a box around the exact point that leaves the public point out
    assert not finds_hatra(exact_lon, exact_lat, exact_lon + Decimal("0.01"), exact_lat + Decimal("0.01"))
