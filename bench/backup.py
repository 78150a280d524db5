"""
How long `manage.py backup` takes to write a database of synthetic records: the article, a number of synthetic damage
reports (a site for every twenty), and one report in a hundred saved again (its history); at each size in a process
of its own, into a fresh SQLite database under bench/.data/ (git-ignored).

    .venv/bin/python bench/backup.py                    # 20,000 reports
    .venv/bin/python bench/backup.py --reports 2000     # a quicker look

Beside the backup, the same records written as format 1 wrote them (`dumpdata --natural-foreign --natural-primary`,
natural keys read again for every row that names a record), for comparison in the same run. Wall and CPU seconds, the
process's peak resident memory (ru_maxrss) and the archive's size. Markdown on stdout. Nothing here is part of the
unit suite.
"""

import argparse
import io
import json
import os
import resource
import sys
import time
from pathlib import Path

from own_process import measured, setting  # bench/own_process.py (the script's folder is on sys.path)

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "bench" / ".data"
FIXTURES = ["fixtures/eamena-vocabularies.json", "fixtures/vocabularies.json", "fixtures/palmyra.json"]


def timed(action):
    started, cpu = time.perf_counter(), time.process_time()
    action()
    return time.perf_counter() - started, time.process_time() - cpu


def measure(reports):
    """In this process: a fresh database, the records, then each writer timed; prints one JSON line."""
    import django

    django.setup()
    from django.core.management import call_command

    from heritage.records.models import DamageReport

    call_command("migrate", verbosity=0)
    call_command("loaddata", *FIXTURES, verbosity=0)
    call_command("generate_synthetic", sites=max(reports // 20, 1), reports=reports, seed=1, force=True, verbosity=0)
    for report in DamageReport.objects.order_by("pk")[: reports // 100]:
        report.save()
    archive = DATA / f"backup-{reports}.zip"
    excluded = ["contenttypes", "auth.permission", "sessions", "search"]
    first = timed(lambda: call_command("dumpdata", exclude=excluded, natural_foreign=True, natural_primary=True,
                                       stdout=io.StringIO(), verbosity=0))  # fmt: skip
    backup = timed(lambda: call_command("backup", str(archive), stdout=io.StringIO()))
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    rows = json.loads(_records(archive))
    print(json.dumps({"reports": reports, "rows": len(rows), "first": first, "backup": backup, "peak": peak,
                      "bytes": archive.stat().st_size}))  # fmt: skip


def _records(archive):
    import zipfile

    with zipfile.ZipFile(archive) as opened:
        return opened.read("records.json")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--reports", type=int, nargs="+", default=[20_000], help="Synthetic damage reports.")
    parser.add_argument("--measure", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        return measure(args.measure)
    DATA.mkdir(parents=True, exist_ok=True)
    results = []
    for reports in args.reports:
        database = DATA / f"backup-{reports}.sqlite3"
        database.unlink(missing_ok=True)
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "heritage.settings",
            "DATABASE_URL": f"sqlite:///{database}",
            "ORIGINALS_DIR": str(DATA / f"backup-{reports}-originals"),
        }
        print(f"writing {reports:,} reports...", file=sys.stderr)
        results.append(measured(__file__, reports, env))
    print(setting("SQLite"))
    print("| reports | rows | format 1's dumpdata, s (CPU) | backup, s (CPU) | archive | peak memory (whole process) |")
    print("| ---: | ---: | ---: | ---: | ---: | ---: |")
    for row in results:
        print(f"| {row['reports']:,} | {row['rows']:,} | {row['first'][0]:.1f} ({row['first'][1]:.1f}) "
              f"| {row['backup'][0]:.1f} ({row['backup'][1]:.1f}) | {row['bytes'] / 1e6:,.1f} MB "
              f"| {row['peak'] / 1e6:,.0f} MB |")  # fmt: skip


if __name__ == "__main__":
    main()
