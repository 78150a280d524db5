"""
The EAMENA importer's throughput: the shipped export (tests/data/eamena/caravanserail.geojson, 424 features, 221
places) scaled by synthetic copies to a number of features, imported with --commit and full validation into a fresh
SQLite database, at each size in a process of its own.

    .venv/bin/python bench/import_eamena.py                     # 10,000 and 50,000 features
    .venv/bin/python bench/import_eamena.py --sizes 2000 10000  # a quicker look

A copy of a place gets a new EAMENA ID (EAMENA-1000000 and up) and resourceid, and its coordinates shifted by a
ten-thousandth of a degree per copy, so that every place and every geometry is distinct, as in a real export. The
files and databases go to bench/.data/ (git-ignored). Reports features a second (the import alone: reading,
mapping, validating, writing, committing) and the process's peak resident memory (ru_maxrss), with the file's size
and the sources it became (parts of at most SOURCE_MAX_BYTES, 20 MB by default: importers/eamena_parts.py).
Wall and CPU seconds both (on a shared machine the
first depends on the neighbours). Markdown on stdout. Nothing here is part of the unit suite.
"""

import argparse
import json
import os
import resource
import sys
import time
import uuid
from pathlib import Path

from own_process import measured, setting  # bench/own_process.py (the script's folder is on sys.path)

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "bench" / ".data"
SHIPPED = ROOT / "tests" / "data" / "eamena" / "caravanserail.geojson"


def places(features):
    grouped = {}
    for feature in features:
        grouped.setdefault(feature["properties"]["EAMENA ID"], []).append(feature)
    return list(grouped.values())


def shifted(coordinates, offset):
    if isinstance(coordinates[0], list):
        return [shifted(item, offset) for item in coordinates]
    return [round(coordinates[0] + offset, 7), round(coordinates[1] + offset, 7), *coordinates[2:]]


def scaled_file(size):
    """bench/.data/eamena-SIZE.geojson: the shipped places, then synthetic copies, until SIZE features."""
    path = DATA / f"eamena-{size}.geojson"
    if path.exists():
        return path
    original = places(json.loads(SHIPPED.read_bytes())["features"])
    written, copy, number = 0, 0, 1_000_000
    DATA.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8") as out:
        out.write('{\n  "features": [')
        while written < size:
            for place in original:
                if written >= size:
                    break
                eamena_id, resource = f"EAMENA-{number:07d}", str(uuid.UUID(int=number))
                number += 1
                for feature in place:
                    feature = json.loads(json.dumps(feature))
                    if copy:
                        feature["properties"]["EAMENA ID"] = eamena_id
                        feature["properties"]["resourceid"] = resource
                        geometry = feature["geometry"]
                        geometry["coordinates"] = shifted(geometry["coordinates"], copy / 10_000)
                    text = json.dumps(feature, indent=2, ensure_ascii=False, sort_keys=True)
                    out.write(("," if written else "") + "\n    " + text.replace("\n", "\n    "))
                    written += 1
            copy += 1
        out.write('\n  ],\n  "type": "FeatureCollection"\n}')
    return path


def measure(size):
    """In this process: a fresh database, the import, its time and the peak memory; prints one JSON line."""
    import django

    django.setup()
    from django.core.management import call_command

    from heritage.records.importers.eamena import import_eamena

    call_command("migrate", verbosity=0)
    call_command("loaddata", "fixtures/eamena-vocabularies.json", "fixtures/vocabularies.json", verbosity=0)
    path = scaled_file(size)
    started, cpu = time.perf_counter(), time.process_time()
    with path.open("rb") as file:
        report = import_eamena(file=file, name=path.name, commit=True)
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    if not report.committed:
        raise SystemExit(f"refused: {[str(p) for p in report.problems[:5]]}")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    rows = {kind: counts["created"] for kind, counts in report.counts.items()}
    numbers = {"features": report.features, "places": report.places, "seconds": seconds, "cpu": cpu}
    print(json.dumps({**numbers, "peak": peak, "bytes": path.stat().st_size, "rows": rows}))


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 50_000], help="Features per file.")
    parser.add_argument("--measure", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        return measure(args.measure)
    rows = []
    for size in args.sizes:
        scaled_file(size)
        database = DATA / f"eamena-{size}.sqlite3"
        database.unlink(missing_ok=True)
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "heritage.settings",
            "DATABASE_URL": f"sqlite:///{database}",
            "DEBUG": "false",
            "SECRET_KEY": "bench-" + uuid.uuid4().hex + uuid.uuid4().hex,
            "ALLOWED_HOSTS": "localhost",
        }
        print(f"importing {size:,} features...", file=sys.stderr)
        rows.append(measured(__file__, size, env))
    print(setting())
    print("| features | places | file | sources | seconds (CPU) | features/s (per CPU second) | peak memory "
          "| records written |")  # fmt: skip
    print("| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for row in rows:
        written = sum(count for kind, count in row["rows"].items() if kind != "sources")
        print(f"| {row['features']:,} | {row['places']:,} | {row['bytes'] / 1e6:,.0f} MB | {row['rows']['sources']} "
              f"| {row['seconds']:.1f} "
              f"({row['cpu']:.1f}) | {row['features'] / row['seconds']:,.0f} ({row['features'] / row['cpu']:,.0f}) | "
              f"{row['peak'] / 1e6:,.0f} MB | {written:,} |")  # fmt: skip


if __name__ == "__main__":
    main()
