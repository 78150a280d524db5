"""
The raw limit for the filtered damage-report list: plain Django, `.values()` and `orjson.dumps`, no DRF.

It answers `/api/v1/damage-reports/?severity=...&page_size=N` with the same envelope (count, next, previous,
results), the same rows in the same order (the API's default ordering, NULL dates last on every database), and the
same nested site summary (id, url, slug, name) as the real API, so that the difference in latency is what
serializers, filtersets and renderers cost. Only the first page is served (that is all the benchmark asks for).
`bench/run.py` checks the equivalence before it measures. Benchmark only: never shipped in the app.
"""

from urllib.parse import urlencode

import orjson
from django.db import transaction
from django.db.models import F
from django.http import HttpResponse
from django.urls import path

from heritage.records.models import DamageReport

FIELDS = [
    "id",
    "slug",
    "severity",
    "extent",
    "is_permanent",
    "occurred",
    "occurred_earliest",
    "occurred_latest",
    "certainty",
    "status",
    "description",
    "site__id",
    "site__slug",
    "site__name",
    "cause__slug",
    "perpetrator__slug",
    "occupation__slug",
]
# The API's default ordering (heritage/records/api/views.py, DamageReportViewSet.queryset).
ORDERING = ["site__name", F("occurred_earliest").asc(nulls_last=True), "slug", "pk"]


# Like the API's reads (ReadsOutsideTransactionMixin): no transaction, so no SQLite write lock per request.
@transaction.non_atomic_requests
def damage_reports(request):
    queryset = DamageReport.objects.order_by(*ORDERING)
    severities = request.GET.getlist("severity")
    if severities:
        queryset = queryset.filter(severity__in=severities)
    page_size = min(int(request.GET.get("page_size", 50)), 500)
    count = queryset.count()
    site_base = request.build_absolute_uri("/api/v1/sites/")
    results = []
    for row in queryset.values(*FIELDS)[:page_size]:
        slug = row.pop("site__slug")
        row["site"] = {
            "id": row.pop("site__id"),
            "url": f"{site_base}{slug}/",
            "slug": slug,
            "name": row.pop("site__name"),
        }
        results.append(row)
    next_url = None
    if count > page_size:
        # As DRF builds it: the request's own parameters with page=2, sorted by name.
        query = {**{key: request.GET.getlist(key) for key in request.GET}, "page": ["2"]}
        next_url = request.build_absolute_uri(f"{request.path}?{urlencode(sorted(query.items()), doseq=True)}")
    body = orjson.dumps({"count": count, "next": next_url, "previous": None, "results": results})
    return HttpResponse(body, content_type="application/json")


urlpatterns = [path("api/v1/damage-reports/", damage_reports)]
