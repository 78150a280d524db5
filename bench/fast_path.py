"""
What each piece of the API's fast path (heritage/records/api/fast/) is worth: the same requests served in-process with
API_FAST_PATH on, off, and with each piece left out in turn, on the benchmark's synthetic database.

    .venv/bin/python bench/fast_path.py                      # 10,000 sites, 200,000 reports (built by bench/run.py)
    .venv/bin/python bench/fast_path.py --sites 1000 --reports 20000 --rounds 3 --requests 20   # a quick look

Requests go through Django's whole stack (middleware, DRF, the filters, the renderer) with Django's test client, in
this process: no server, no network, so that the comparison is of the code paths alone. Each round times
`--requests` requests of every shape under every setting, the settings interleaved so that the machine's drift
falls on all alike; the table gives each shape's median milliseconds per request over the rounds, and each piece's
gain (how much slower the page is without it). Markdown on stdout, progress on stderr; `--json FILE` writes the
numbers too. Nothing here is part of the unit suite.
"""

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import run as bench_run  # noqa: E402  (bench/run.py: builds and reuses the benchmark's database)

SHAPES = {
    "damage-report list": "/api/v1/damage-reports/?severity=destroyed&page_size=100",
    "damage-report list, by site": "/api/v1/damage-reports/?site={site}&page_size=100",
    "damage-report record": "/api/v1/damage-reports/{report}/",
    "damage-report record, GeoJSON": "/api/v1/damage-reports/{report}/?format=geojson",
    "damage-report CSV, one site": "/api/v1/damage-reports/?site={site}&format=csv",
    "site list": "/api/v1/sites/?page_size=100",
    "site record": "/api/v1/sites/{site}/",
    "site record, CSV": "/api/v1/sites/{site}/?format=csv",
    "citation list": "/api/v1/citations/?page_size=100",
    "event list": "/api/v1/events/?page_size=100",
    # Not read from rows (a property, a list of names): the serializers piece's own shapes.
    "occupation list": "/api/v1/occupations/?page_size=100",
    "actor list": "/api/v1/actors/?page_size=100",
}


def settings_to_compare():
    from heritage.records.api.fast import PIECES

    return {"on": "on", "off": "off", **{f"without {p}": ",".join(q for q in PIECES if q != p) for p in PIECES}}


def measure(client, url, count):
    started = time.perf_counter()
    for _ in range(count):
        response = client.get(url)
        if response.status_code != 200:
            raise SystemExit(f"{url} answered {response.status_code}")
        if response.streaming:
            b"".join(response.streaming_content)
    return (time.perf_counter() - started) * 1000 / count


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sites", type=int, default=10000)
    parser.add_argument("--reports", type=int, default=200000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--requests", type=int, default=15, help="requests of each shape per setting and round")
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()

    bench_run.setup_django_here(args)
    from django.conf import settings
    from django.test import Client

    from heritage.records.models import DamageReport

    report = DamageReport.objects.exclude(status="draft").select_related("site").order_by("pk").first()
    urls = {name: url.format(site=report.site.slug, report=report.slug) for name, url in SHAPES.items()}
    variants = settings_to_compare()
    client = Client(HTTP_HOST="127.0.0.1")
    for value in variants.values():  # warm every path: compiled readers, SQL, the database's pages
        settings.API_FAST_PATH = value
        for url in urls.values():
            measure(client, url, 3)

    # Shape by shape, the settings one after the other within each round: the comparisons that matter (a piece on
    # or off for one shape) are then of blocks measured seconds apart, whatever the machine does meanwhile.
    times = {name: {variant: [] for variant in variants} for name in urls}
    for number in range(args.rounds):
        bench_run.log(f"round {number + 1} of {args.rounds}")
        for name, url in urls.items():
            for variant, value in variants.items():
                settings.API_FAST_PATH = value
                times[name][variant].append(measure(client, url, args.requests))

    medians = {
        name: {variant: statistics.median(values) for variant, values in row.items()} for name, row in times.items()
    }
    print(f"| shape | {' | '.join(variants)} |")
    print(f"|---|{'---|' * len(variants)}")
    for name, row in medians.items():
        on = row["on"]
        cells = [f"{row['on']:.2f}"] + [f"{row[v]:.2f} ({(row[v] / on - 1) * 100:+.0f}%)" for v in list(variants)[1:]]
        print(f"| {name} | {' | '.join(cells)} |")
    if args.json:
        args.json.write_text(json.dumps({"medians_ms": medians, "rounds": args.rounds, "requests": args.requests}))


if __name__ == "__main__":
    main()
