"""
Reading an XLSX file for an import: django-import-export's reader against the project's (spreadsheets.XLSX), which
also reads a file with formulas a second time, for the formulas saved without a value.

    .venv/bin/python bench/xlsx.py                  # 10,000 rows of sites, as an export writes them
    .venv/bin/python bench/xlsx.py --rows 1000 --rounds 3

Two files of the same rows, none with a formula and one with a single formula (the project's reader reads it
twice), and a third whose one row of data is the sheet's last, --rows rows below the first, with nothing between and
no size recorded for the sheet (the library's reader appends an empty row for each, and tablib checks every row again
for each empty one). Each read is timed over --rounds rounds, alternating the readers; the median in seconds. Markdown
on stdout. Nothing here is part of the suite, and it needs no database.
"""

import argparse
import io
import os
import re
import statistics
import sys
import time
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "heritage.settings")

import django  # noqa: E402

django.setup()

import openpyxl  # noqa: E402
from import_export.formats.base_formats import XLSX as LibraryXLSX  # noqa: E402

from heritage.records.spreadsheets import XLSX, has_formulas  # noqa: E402

HEADERS = ["slug", "name", "kind", "country", "description", "latitude", "longitude", "location_certainty"]


def workbook(rows, formula):
    book = openpyxl.Workbook()
    book.active.append(HEADERS)
    for index in range(rows):
        description = "A description of the site, as a survey gives it. " * 3
        book.active.append([f"site-{index}", f"Site {index}", "monument", "SY", description, 34.55, 38.27, "high"])
    if formula:
        book.active.cell(row=rows + 1, column=5, value='=CONCAT("walls ", "down")')
    content = io.BytesIO()
    book.save(content)
    return content.getvalue()


def far_row(rows):
    """A file whose one row of data is row `rows + 1` of its sheet, without the sheet's size (some programs omit it)."""
    book = openpyxl.Workbook()
    book.active.append(HEADERS)
    book.active.append(HEADERS)
    book.active.move_range("A2:H2", rows=rows - 1)
    content = io.BytesIO()
    book.save(content)
    with zipfile.ZipFile(content) as source:
        members = {name: source.read(name) for name in source.namelist()}
    sheet = "xl/worksheets/sheet1.xml"
    members[sheet] = re.sub(rb"<dimension [^>]*/>", b"", members[sheet])
    written = io.BytesIO()
    with zipfile.ZipFile(written, "w", zipfile.ZIP_DEFLATED) as target:
        for name, data in members.items():
            target.writestr(name, data)
    return written.getvalue()


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    print(f"{args.rows:,} rows, median of {args.rounds} rounds, seconds\n")
    print("| file | size | library's reader | project's reader | of it, the scan for formulas |")
    print("| --- | ---: | ---: | ---: | ---: |")
    files = {
        "no formula": (workbook(args.rows, False), args.rows),
        "one formula": (workbook(args.rows, True), args.rows),
    }
    files[f"one row, {args.rows:,} below the first"] = (far_row(args.rows), args.rows)
    for label, (content, length) in files.items():
        times = {"library": [], "project": [], "scan": []}
        for _ in range(args.rounds):
            for name, read in (("library", LibraryXLSX().create_dataset), ("project", XLSX().create_dataset)):
                started = time.perf_counter()
                dataset = read(content)
                times[name].append(time.perf_counter() - started)
                assert len(dataset) == length
            started = time.perf_counter()
            assert has_formulas(content) is (label == "one formula")
            times["scan"].append(time.perf_counter() - started)
        library, project, scan = (statistics.median(times[name]) for name in ("library", "project", "scan"))
        print(f"| {label} | {len(content) // 1024:,} KB | {library:.2f} | {project:.2f} | {scan:.3f} |")


if __name__ == "__main__":
    main()
