"""
The admin's imports and exports: how long a request takes for a file of a given length, which is what
ADMIN_IMPORT_MAX_ROWS and ADMIN_EXPORT_MAX_ROWS are set from (gunicorn's sync workers are stopped after 30 s).

    .venv/bin/python bench/admin_files.py                       # 10,000 sites, 200,000 reports (built by bench/run.py)
    .venv/bin/python bench/admin_files.py --sites 2000 --reports 20000 --rows 500 1000

In this process, through Django's whole stack with its test client (as bench/sources.py): no server, no network.
Measured, each once a round, the median over --rounds rounds:

- an import's preview: a CSV of --rows new sites posted to the site admin's import page (every row validated and
  written in a transaction that is rolled back, as the admin does; the confirmation costs about as much again);
- an export: the whole damage-report list posted to its export page, as CSV and as XLSX, with the export limit
  raised for the measure.

Markdown on stdout, progress on stderr; `--json FILE` writes the numbers too. Nothing here is part of the suite.
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

HEADERS = ["slug", "name", "kind", "country", "description", "latitude", "longitude", "location_certainty"]


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sites", type=int, default=10000)
    parser.add_argument("--reports", type=int, default=200000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--rows", type=int, nargs="+", default=[1000, 2000])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()

    bench_run.setup_django_here(args)
    import tablib
    from django.conf import settings
    from django.contrib.auth.models import User
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.test import Client
    from django.test.utils import setup_test_environment

    from heritage.records.models import DamageReport

    setup_test_environment()  # the export page's form, read from the response's context
    settings.ADMIN_IMPORT_MAX_ROWS = settings.ADMIN_EXPORT_MAX_ROWS = 10**9
    user = User.objects.filter(username="bench-admin").first() or User.objects.create_superuser("bench-admin")
    admin = Client(HTTP_HOST="127.0.0.1")
    admin.force_login(user)

    def preview(rows):
        dataset = tablib.Dataset(
            *[[f"bench-{rows}-{n}", f"Site {n}", "monument", "SY", "", "34.55", "38.27", "high"] for n in range(rows)],
            headers=HEADERS,
        )
        upload = SimpleUploadedFile("sites.csv", dataset.export("csv").encode(), content_type="text/csv")
        response = admin.post("/admin/records/site/import/", {"import_file": upload, "format": "0"})
        assert response.status_code == 200 and response.context["confirm_form"] is not None

    export_url = "/admin/records/damagereport/export/"
    form = admin.get(export_url).context["form"]
    fields = {name: field.initial for name, field in form.fields.items() if field.initial not in (None, False)}

    def export(format_index):
        response = admin.post(export_url, {**fields, "format": format_index, "resource": "0"})
        assert response.status_code == 200 and "Content-Disposition" in response, response.status_code

    reports = DamageReport.objects.count()
    shapes = {f"import preview, {rows:,} new sites (CSV)": (lambda rows=rows: preview(rows)) for rows in args.rows}
    shapes |= {
        f"export, {reports:,} damage reports as CSV": lambda: export("0"),
        f"export, {reports:,} damage reports as XLSX": lambda: export("1"),
    }
    results = {}
    for name, function in shapes.items():
        times = []
        for _ in range(args.rounds):
            started = time.perf_counter()
            function()
            times.append(time.perf_counter() - started)
        results[name] = statistics.median(times)
        print(f"{name}: {results[name]:.1f} s", file=sys.stderr)
    print(f"{args.sites:,} sites, {args.reports:,} reports; median of {args.rounds} rounds\n")
    print("| request | seconds |")
    print("| --- | ---: |")
    for name, seconds in results.items():
        print(f"| {name} | {seconds:.1f} |")
    if args.json:
        args.json.write_text(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
