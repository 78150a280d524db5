"""
A release's package, written into a zip: one CSV a table (`data/NAME.csv`), `datapackage.json` (a Frictionless
Data Package: each table's Table Schema, size and SHA-256), `README.md` (what it holds and leaves out, the licence,
how to cite and verify it), `CITATION.cff` and `SHA256SUMS` (every other file's SHA-256, as `sha256sum -c` reads it).

The same database state, number and date give the same bytes: rows in a fixed order, entries in a fixed order with
the release's date as their time and fixed attributes, JSON with sorted keys, and nothing from the clock.
"""

import csv
import hashlib
import json
import zipfile

from django.conf import settings

from .tables import CITATION_LINK_COLUMNS, TABLE_OF_MODEL, TABLES, citation_links


class _LineBuffer:
    """A file-like object that hands back what csv.writer writes, so each row is encoded as it is made."""

    def write(self, value):
        return value


def field_schema(column):
    described = {"name": column.name, "type": column.type, "description": column.description}
    if column.type == "datetime":
        described["format"] = "%Y-%m-%dT%H:%M:%SZ"
    if column.enum:
        described["constraints"] = {"enum": column.enum}
    return described


def table_schema(columns, key, self_name):
    schema = {"fields": [field_schema(column) for column in columns], "missingValues": [""]}
    if key:
        schema["primaryKey"] = [key]
    foreign_keys = []
    for column in columns:
        if column.reference:
            model, target_key = column.reference
            target = TABLE_OF_MODEL[model].name
            foreign_keys.append({"fields": [column.name], "reference": {"resource": target, "fields": [target_key]}})
    if foreign_keys:
        schema["foreignKeys"] = foreign_keys
    return schema


class PackageWriter:
    """Writes the package's files into `zip_file` under `folder/`, each entry dated `date`, noting each checksum."""

    def __init__(self, zip_file, folder, date):
        self.zip_file, self.folder, self.date = zip_file, folder, date
        self.sums = {}  # path in the package -> (SHA-256, size)

    def _entry(self, path):
        info = zipfile.ZipInfo(
            f"{self.folder}/{path}", date_time=(self.date.year, self.date.month, self.date.day, 0, 0, 0)
        )
        info.compress_type = zipfile.ZIP_DEFLATED
        info.create_system = 3  # Unix, wherever it is made
        info.external_attr = 0o644 << 16
        return info

    def write_lines(self, path, lines):
        """Write a file from an iterable of texts; returns the number of lines."""
        digest, size, count = hashlib.sha256(), 0, 0
        with self.zip_file.open(self._entry(path), "w") as handle:
            for line in lines:
                data = line.encode("utf-8")
                digest.update(data)
                handle.write(data)
                size += len(data)
                count += 1
        self.sums[path] = (digest.hexdigest(), size)
        return count

    def write(self, path, text):
        self.write_lines(path, [text])


def csv_lines(header, rows):
    writer = csv.writer(_LineBuffer())
    yield writer.writerow(header)
    for row in rows:
        yield writer.writerow(row)


def write_package(output, *, number, date, user, include_drafts):
    """Write release `number` of `date` (what `user` may read) as a zip into the binary file `output`; its counts."""
    folder = f"heritage-release-{number}"
    counts, resources = {}, []
    with zipfile.ZipFile(output, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as zip_file:
        writer = PackageWriter(zip_file, folder, date)
        tables = [(t.name, t.description, t.columns(), t.key, t.rows(user)) for t in TABLES]
        tables.append(
            (
                "citation_links",
                "Which passages each record cites: its table, its key there, and the citation.",
                CITATION_LINK_COLUMNS,
                None,
                citation_links(user),
            )
        )
        for name, description, columns, key, rows in tables:
            path = f"data/{name}.csv"
            counts[name] = writer.write_lines(path, csv_lines([c.name for c in columns], rows)) - 1
            sha256, size = writer.sums[path]
            resources.append(
                {
                    "name": name,
                    "path": path,
                    "description": description,
                    "profile": "tabular-data-resource",
                    "format": "csv",
                    "mediatype": "text/csv",
                    "encoding": "utf-8",
                    "bytes": size,
                    "hash": f"sha256:{sha256}",
                    "schema": table_schema(columns, key, name),
                }
            )
        about = {"number": number, "date": date, "include_drafts": include_drafts, "counts": counts}
        writer.write(
            "datapackage.json",
            json.dumps(descriptor(about, resources), ensure_ascii=False, indent=2, sort_keys=True) + "\n",
        )
        writer.write("README.md", readme(about))
        writer.write("CITATION.cff", citation_cff(about))
        sums = "".join(f"{sha256}  {path}\n" for path, (sha256, _size) in sorted(writer.sums.items()))
        writer.write("SHA256SUMS", sums)
    return counts


def title(about):
    return f"{settings.RELEASE_TITLE}, release {about['number']} ({about['date'].isoformat()})"


def descriptor(about, resources):
    return {
        "profile": "tabular-data-package",
        "name": f"heritage-release-{about['number']}",
        "title": title(about),
        "description": "The public record of heritage sites damaged in armed conflict, each fact cited to its source."
        + (" Includes unreviewed drafts." if about["include_drafts"] else ""),
        "version": f"{about['number']}.0.0",
        "created": f"{about['date'].isoformat()}T00:00:00Z",
        "licenses": [{"name": settings.RELEASE_LICENSE, "path": settings.RELEASE_LICENSE_URL}],
        "contributors": [{"title": settings.RELEASE_PUBLISHER, "role": "publisher"}],
        **({"homepage": settings.RELEASE_URL} if settings.RELEASE_URL else {}),
        "resources": resources,
    }


def citation_text(about):
    return (
        f"{settings.RELEASE_PUBLISHER} ({about['date'].year}). {settings.RELEASE_TITLE}, release {about['number']} "
        f"({about['date'].isoformat()})" + (f". {settings.RELEASE_URL}" if settings.RELEASE_URL else "") + "."
    )


def readme(about):
    drafts = (
        "**This release includes drafts**: unreviewed damage reports and threats (status `draft`), which the public "
        "record leaves out. Cite it only where that is what you mean.\n\n"
        if about["include_drafts"]
        else ""
    )
    rows = "".join(f"| `data/{name}.csv` | {count:,} |\n" for name, count in about["counts"].items())
    day = about["date"].isoformat()
    left_out = (
        "Nothing else: drafts are included."
        if about["include_drafts"]
        else "Drafts: damage reports and threats not yet reviewed."
    )
    return f"""# {title(about)}

{drafts}The record of what armed conflict did to heritage sites, as the public may read it on {day}:
sites, periods, actors, occupations, events, damage reports and threats, each cited to the exact words of its source.

## Licence

{settings.RELEASE_LICENSE} ({settings.RELEASE_LICENSE_URL}). The EAMENA vocabularies (disturbance categories and
causes, site conditions) are EAMENA's, under CC BY 4.0.

## How to cite

{citation_text(about)} SHA-256 of the zip as published beside it.

`CITATION.cff` says the same for reference managers.

## What it holds

A Frictionless Data Package: `datapackage.json` describes every table (its columns, their types, keys and links
between tables). Tables are CSV (UTF-8, RFC 4180); an empty cell is a missing value.

| file | rows |
| --- | --- |
{rows}
- Records are linked by key: a slug where the record has one (`sites.slug`), else its id. Which passages a record
  cites is `citation_links.csv` (table, record, citation).
- Dates are EDTF with the earliest and latest days they can mean (`occurred`, `occurred_earliest`,
  `occurred_latest`); periods' years are astronomical (1 BCE is 0).
- Extents are WKT (WGS84, longitude latitude).
- A text cell that begins with `=`, `+`, `-`, `@`, a tab or a carriage return is written with a leading apostrophe,
  so that spreadsheets show it as text rather than run it; remove the one apostrophe to read the text as recorded.

## What it leaves out

- The exact location of sensitive sites: their coordinates are rounded to 0.1 degree and their extents widened to
  whole tenths of a degree, as the public sees them; which sites are sensitive is not said.
- {left_out}
- The sources' texts: each source's `text_sha256` identifies its text, and the citations hold every quoted passage.

## How to verify it

`sha256sum -c SHA256SUMS` in this folder checks every file; `frictionless validate datapackage.json` checks the
tables against their schemas.
"""


def _yaml(text):
    return json.dumps(text, ensure_ascii=False)  # a JSON string is a YAML double-quoted scalar


def citation_cff(about):
    lines = [
        "cff-version: 1.2.0",
        'message: "If you use this data, please cite it as below."',
        "type: dataset",
        f"title: {_yaml(settings.RELEASE_TITLE + ', release ' + str(about['number']))}",
        f'version: "{about["number"]}"',
        f"date-released: {about['date'].isoformat()}",
        f"license: {_yaml(settings.RELEASE_LICENSE)}",
        "authors:",
        f"  - name: {_yaml(settings.RELEASE_PUBLISHER)}",
    ]
    if settings.RELEASE_URL:
        lines.append(f"url: {_yaml(settings.RELEASE_URL)}")
    return "\n".join(lines) + "\n"
