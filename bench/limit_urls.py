"""
The raw limit for the filtered damage-report list: plain Django, `.values()` and `orjson.dumps`, no DRF.

It answers `/api/v1/damage-reports/?severity=...&page_size=N` with exactly the body the real API gives: the same
envelope (count, next, previous, results), the same rows in the same order (the API's default ordering, NULL dates
last on every database), and the same representation of each row, nested summaries (site, structure, cause,
occupation, perpetrator) and cited passages included, written out by hand: one `.values()` query for the page
(with the joins its summaries need), one for its citations, and dicts. So the difference in latency is what
DRF, the filterset and our generic reader cost over the least code that gives the same answer. Only the first page
is served (all the benchmark asks for). `bench/run.py` checks that the two bodies are equal before it measures.
Benchmark only: never shipped in the app.
"""

from collections import defaultdict
from urllib.parse import urlencode

import orjson
from django.db import transaction
from django.db.models import F
from django.http import HttpResponse
from django.urls import path
from django.utils import timezone

from heritage.records.models import DamageReport
from heritage.records.models.base import PUBLIC_STATUSES

REPORT_COLUMNS = [
    "id",
    "slug",
    "severity",
    "extent",
    "is_permanent",
    "occurred",
    "occurred_earliest",
    "occurred_latest",
    "occurred_inferred",
    "dating_note",
    "certainty",
    "status",
    "status_changed_at",
    "description",
    "created",
    "last_updated",
]
RELATED_COLUMNS = {
    "site": ["id", "slug", "name"],
    "structure": ["id", "slug", "name"],
    "cause": ["id", "slug", "label", "category"],
    "occupation": ["id", "slug", "started", "ended", "site__name", "occupier__name"],
    "perpetrator": ["id", "slug", "name"],
}
CITATION_COLUMNS = [
    "citation__id",
    "citation__quote",
    "citation__attribution",
    "citation__attributed_to__id",
    "citation__attributed_to__slug",
    "citation__attributed_to__name",
    "citation__source__id",
    "citation__source__slug",
    "citation__source__title",
]
# The API's default ordering (heritage/records/selectors.py, damage_reports).
ORDERING = ["site__name", F("occurred_earliest").asc(nulls_last=True), "slug", "pk"]


def timestamp(value):
    if value is None:
        return None
    text = timezone.localtime(value).isoformat()
    return text[:-6] + "Z" if text.endswith("+00:00") else text


def day(value):
    return value.isoformat() if value else None


# Like the API's reads (ReadsOutsideTransactionMixin): no transaction, so no SQLite write lock per request.
@transaction.non_atomic_requests
def damage_reports(request):
    # The public's reports, as the API lists them for an anonymous client: drafts are not public.
    queryset = DamageReport.objects.filter(status__in=PUBLIC_STATUSES).order_by(*ORDERING)
    severities = request.GET.getlist("severity")
    if severities:
        queryset = queryset.filter(severity__in=severities)
    page_size = min(int(request.GET.get("page_size", 50)), 500)
    count = queryset.count()
    related = [f"{name}__{column}" for name, columns in RELATED_COLUMNS.items() for column in columns]
    rows = list(queryset.values(*REPORT_COLUMNS, *related)[:page_size])

    api = request.build_absolute_uri("/api/v1/")
    citations = defaultdict(list)
    through = DamageReport.citations.through.objects.filter(damagereport__in=[row["id"] for row in rows])
    ordering = ["citation__source__title", "citation__char_start", "citation__char_end"]
    for c in through.order_by(*ordering).values("damagereport", *CITATION_COLUMNS):
        actor = c["citation__attributed_to__slug"]
        citations[c["damagereport"]].append(
            {
                "id": c["citation__id"],
                "url": f"{api}citations/{c['citation__id']}/",
                "quote": c["citation__quote"],
                "attribution": c["citation__attribution"],
                "attributed_to": None
                if actor is None
                else {
                    "id": c["citation__attributed_to__id"],
                    "url": f"{api}actors/{actor}/",
                    "slug": actor,
                    "name": c["citation__attributed_to__name"],
                },
                "source": {
                    "id": c["citation__source__id"],
                    "url": f"{api}sources/{c['citation__source__slug']}/",
                    "slug": c["citation__source__slug"],
                    "title": c["citation__source__title"],
                },
            }
        )

    results = []
    for r in rows:
        structure, occupation, perpetrator = r["structure__slug"], r["occupation__slug"], r["perpetrator__slug"]
        results.append(
            {
                "id": r["id"],
                "url": f"{api}damage-reports/{r['slug']}/",
                "slug": r["slug"],
                "site": {
                    "id": r["site__id"],
                    "url": f"{api}sites/{r['site__slug']}/",
                    "slug": r["site__slug"],
                    "name": r["site__name"],
                },
                "structure": None
                if structure is None
                else {"id": r["structure__id"], "slug": structure, "name": r["structure__name"]},
                "cause": {
                    "id": r["cause__id"],
                    "url": f"{api}disturbance-causes/{r['cause__slug']}/",
                    "slug": r["cause__slug"],
                    "label": r["cause__label"],
                    "category": r["cause__category"],
                },
                "severity": r["severity"],
                "extent": r["extent"],
                "is_permanent": r["is_permanent"],
                "occurred": {
                    "edtf": r["occurred"],
                    "earliest": day(r["occurred_earliest"]),
                    "latest": day(r["occurred_latest"]),
                },
                "occurred_inferred": r["occurred_inferred"],
                "dating_note": r["dating_note"],
                "occupation": None
                if occupation is None
                else {
                    "id": r["occupation__id"],
                    "url": f"{api}occupations/{occupation}/",
                    "slug": occupation,
                    "display": f"{r['occupation__occupier__name']} at {r['occupation__site__name']} "
                    f"({r['occupation__started'] or '?'} – {r['occupation__ended'] or 'ongoing'})",
                },
                "perpetrator": None
                if perpetrator is None
                else {
                    "id": r["perpetrator__id"],
                    "url": f"{api}actors/{perpetrator}/",
                    "slug": perpetrator,
                    "name": r["perpetrator__name"],
                },
                "certainty": r["certainty"],
                "status": r["status"],
                "status_changed_at": timestamp(r["status_changed_at"]),
                "description": r["description"],
                "citations": citations[r["id"]],
                "created": timestamp(r["created"]),
                "last_updated": timestamp(r["last_updated"]),
            }
        )

    next_url = None
    if count > page_size:
        # As DRF builds it: the request's own parameters with page=2, sorted by name.
        query = {**{key: request.GET.getlist(key) for key in request.GET}, "page": ["2"]}
        next_url = request.build_absolute_uri(f"{request.path}?{urlencode(sorted(query.items()), doseq=True)}")
    body = orjson.dumps({"count": count, "next": next_url, "previous": None, "results": results})
    return HttpResponse(body, content_type="application/json")


urlpatterns = [path("api/v1/damage-reports/", damage_reports)]
