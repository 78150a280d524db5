"""
The raw limit for the filtered damage-report list: plain Django, `.values()` and `orjson.dumps`, no DRF.

It answers `/api/v1/damage-reports/?severity=...&page_size=N` with the same envelope (count, next, previous,
results), the same rows in the same order, and the same nested site summary as the real API, so that the difference
in latency is what serializers, filtersets and renderers cost. Benchmark only: never shipped in the app.
"""

import orjson
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


def damage_reports(request):
    queryset = DamageReport.objects.order_by("site__name", "occurred_earliest", "slug", "pk")
    severities = request.GET.getlist("severity")
    if severities:
        queryset = queryset.filter(severity__in=severities)
    page_size = min(int(request.GET.get("page_size", 50)), 500)
    count = queryset.count()
    results = []
    for row in queryset.values(*FIELDS)[:page_size]:
        row["site"] = {"id": row.pop("site__id"), "slug": row.pop("site__slug"), "name": row.pop("site__name")}
        results.append(row)
    next_url = request.build_absolute_uri(f"?page=2&page_size={page_size}") if count > page_size else None
    body = orjson.dumps({"count": count, "next": next_url, "previous": None, "results": results})
    return HttpResponse(body, content_type="application/json")


urlpatterns = [path("api/v1/damage-reports/", damage_reports)]
