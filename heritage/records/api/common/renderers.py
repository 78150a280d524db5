"""
The API's export formats beside JSON (fast/renderers.py): CSV for every resource, GeoJSON for sites.

The renderers here render what a view's serializer produced (a page, or one record). Whole filtered lists are not
rendered through them: `views.ExportMixin` streams those row by row with `stream_csv` and `stream_geojson`, which
share the flattening and feature-building functions below, so a page and a full export look the same.
"""

import csv
import io
import json

from rest_framework import serializers
from rest_framework.negotiation import DefaultContentNegotiation
from rest_framework.renderers import BaseRenderer
from rest_framework.utils.encoders import JSONEncoder

from ... import selectors
from ...geometry import wkt
from ...spreadsheets import escape_formula

# --- CSV ----------------------------------------------------------------------------------------------------------

# A cited record's passages in CSV: after its `citations` column (their ids), one group of these columns per passage,
# numbered from 1 in the order of the ids, as many groups as the most-cited row of the export has (`citation_1_quote`,
# `citation_1_source`, ..., `citation_2_quote`, ...). Each cell holds one value, so a spreadsheet can filter and sort on
# it; a row with fewer passages leaves the rest empty.
CITATION_COLUMNS = {
    "quote": ("quote",),
    "source": ("source", "slug"),
    "source_title": ("source", "title"),
    "attributed_to": ("attributed_to", "name"),
    "attribution": ("attribution",),
}


def _field_columns(serializer, prefix=""):
    """
    (column, how an item of a list reads) for each flat column of a serializer's representation, from its declared
    fields (not from any row), so the header is the same whatever the rows hold: a nested record or object field
    becomes one column per key (`site.slug`, `occurred.earliest`), everything else (including lists) one column. A
    list whose items' serializer has a `csv_label(item)` reads its items so.
    """
    columns = []
    for name, field in serializer.fields.items():
        if field.write_only:
            continue
        key = f"{prefix}{name}"
        if isinstance(field, serializers.BaseSerializer) and not isinstance(field, serializers.ListSerializer):
            columns.extend(_field_columns(field, prefix=f"{key}."))
        elif getattr(field, "csv_subfields", None):
            columns.extend((f"{key}.{sub}", None) for sub in field.csv_subfields)
        else:
            columns.append((key, getattr(getattr(field, "child", None), "csv_label", None)))
    return columns


def csv_columns(serializer):
    """The flat column names of a serializer's representation (without citation groups: see `CSVLayout`)."""
    return [column for column, _ in _field_columns(serializer)]


def cites(serializer):
    """Whether the serializer's records have passages of their own (a top-level `citations` list)."""
    return isinstance(serializer.fields.get("citations"), serializers.ManyRelatedField)


def _record_label(item):
    """
    A record's label (its slug, name, title or id), or, for an item that only links one record (a site's period, with
    its citations), that record's.
    """
    for key in ("slug", "name", "title", "id"):
        if item.get(key) not in (None, ""):
            return str(item[key])
    records = [value for value in item.values() if isinstance(value, dict)]
    if len(records) == 1 and all(isinstance(value, dict | list) for value in item.values()):
        return _record_label(records[0])
    return None


def flat_text(value):
    """
    Any value as readable text, never JSON: a record by its label, an external identifier as `pleiades:668331`,
    another object as `key value, key value` (its empty keys left out), a list `; `-joined.
    """
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list | tuple):
        return "; ".join(flat_text(item) for item in value)
    if isinstance(value, dict):
        if {"scheme", "value"} <= value.keys():
            return f"{value['scheme']}:{value['value']}"  # as the `identifier` filter takes it
        label = _record_label(value)
        if label is not None:
            return label
        return ", ".join(f"{key} {flat_text(item)}" for key, item in value.items() if item not in (None, "", [], {}))
    return str(value)


def csv_cell(value, label=None):
    """
    One cell: empty for null, true/false for booleans, `; `-joined labels for lists (`label(item)` where the column
    has one, else `flat_text`), WKT for a list of shapes (a site's extents: geometry.wkt); text that a spreadsheet
    would run as a formula is escaped (spreadsheets.escape_formula).
    """
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if value and isinstance(value, list) and all(isinstance(item, dict) and "geometry" in item for item in value):
        return wkt([item["geometry"] for item in value])
    if isinstance(value, list | tuple) and label is not None:
        return escape_formula("; ".join(label(item) for item in value))
    return escape_formula(flat_text(value))


def _walk(value, keys):
    for key in keys:
        value = value.get(key) if isinstance(value, dict) else None
    return value


def _cell_reader(keys, label=None):
    return lambda data: csv_cell(_walk(data, keys), label)


def _citation_reader(index, keys):
    def read(data):
        passages = data.get("citations") or ()
        return csv_cell(_walk(passages[index], keys)) if index < len(passages) else ""

    return read


class CSVLayout:
    """
    The columns of a resource's CSV and how each row's cells are read from a serialized record: the serializer's flat
    columns, with `citation_groups` groups of citation columns after `citations` (`CITATION_COLUMNS`).
    """

    def __init__(self, serializer, citation_groups=0):
        self.columns, self.readers = [], []
        for column, label in _field_columns(serializer):
            self.columns.append(column)
            self.readers.append(_cell_reader(column.split("."), label))
            if column == "citations":
                for index in range(citation_groups):
                    for key, keys in CITATION_COLUMNS.items():
                        self.columns.append(f"citation_{index + 1}_{key}")
                        self.readers.append(_citation_reader(index, keys))

    def row(self, data):
        return [read(data) for read in self.readers]


class _LineBuffer:
    """A file-like object that hands back what csv.writer writes, so each row can be yielded as it is made."""

    def write(self, value):
        return value


def stream_csv(serializer, records, *, citation_groups=None):
    """
    Yield the header line (from `serializer`'s fields, with `citation_groups()` groups of citation columns, counted
    once the body is asked for), then one CSV line per record as its turn comes.
    """
    layout = CSVLayout(serializer, citation_groups() if citation_groups is not None else 0)
    writer = csv.writer(_LineBuffer())
    yield writer.writerow(layout.columns)
    for record in records:
        yield writer.writerow(layout.row(record))


class CSVRenderer(BaseRenderer):
    """`?format=csv`: a header row, then one row per record (a page of a list, or the one record of a detail)."""

    media_type = "text/csv"
    format = "csv"
    charset = "utf-8"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        if data is None:
            return b""
        view = (renderer_context or {}).get("view")
        rows = data.get("results", data) if isinstance(data, dict) and "results" in data else data
        if not isinstance(rows, list):
            rows = [rows]
        out = io.StringIO()
        writer = csv.writer(out)
        if view is not None and hasattr(view, "get_serializer"):
            serializer = view.get_serializer()
            groups = max((len(row.get("citations") or ()) for row in rows), default=0) if cites(serializer) else 0
            layout = CSVLayout(serializer, groups)
            writer.writerow(layout.columns)
            writer.writerows(layout.row(row) for row in rows)
        else:
            columns = list(rows[0]) if rows else []
            writer.writerow(columns)
            writer.writerows([csv_cell(row.get(column)) for column in columns] for row in rows)
        return out.getvalue().encode(self.charset)


# --- GeoJSON ------------------------------------------------------------------------------------------------------


def site_feature(data):
    """An RFC 7946 Feature for a serialized site: a Point at [longitude, latitude], or null geometry if unlocated."""
    latitude, longitude = data.get("latitude"), data.get("longitude")
    geometry = None
    if latitude is not None and longitude is not None:
        geometry = {"type": "Point", "coordinates": [float(longitude), float(latitude)]}
    return {"type": "Feature", "id": data["id"], "geometry": geometry, "properties": dict(data)}


def extent_features(data):
    """
    One RFC 7946 Feature per extent of a serialized site (`?geometry=extents`): the extent's geometry, and as
    properties the site's id, slug, name and address beside the extent's position, qualifier, certainty and citations
    (flat, as GIS tools show a feature's attributes). Its id is the site's slug and the position: `palmyra/1`.
    """
    site = {"site_id": data["id"], "site": data.get("slug"), "site_name": data.get("name"), "site_url": data.get("url")}
    for extent in data.get("extents") or ():
        properties = {**site, **{key: value for key, value in extent.items() if key != "geometry"}}
        feature_id = f"{data.get('slug')}/{extent['position']}"
        yield {"type": "Feature", "id": feature_id, "geometry": extent["geometry"], "properties": properties}


# `?geometry=` on sites' GeoJSON: what each feature is.
GEOJSON_LAYOUTS = {
    "point": "one Feature per site, its geometry the site's point (the default)",
    "extents": "one Feature per extent of each site (polygons, lines, points), with the site's id, slug and name",
}


def _dumps(value):
    return json.dumps(value, cls=JSONEncoder, ensure_ascii=False, separators=(",", ":"))


def _stream_collection(features):
    yield '{"type":"FeatureCollection","features":['
    for index, feature in enumerate(features):
        yield ("," if index else "") + _dumps(feature)
    yield "]}"


def stream_geojson(serializer, records):
    """Yield an RFC 7946 FeatureCollection piece by piece: the opening, one Feature per site record, the closing."""
    return _stream_collection(map(site_feature, records))


def stream_geojson_extents(serializer, records):
    """The same, with one Feature per extent of each site record (`extent_features`)."""
    return _stream_collection(feature for record in records for feature in extent_features(record))


def located_feature(data, points, properties):
    """
    An RFC 7946 Feature for a serialized record of a site (a damage report, a threat, an occupation): the site's point
    as the user may see it (`points`: {site id: [longitude, latitude] or None}, from selectors.site_points), and as
    properties `properties` ({name: dotted path in the record}) read flat from the record.
    """
    point = points.get((data.get("site") or {}).get("id"))
    geometry = None if point is None else {"type": "Point", "coordinates": point}
    properties = {name: _walk(data, path.split(".")) for name, path in properties.items()}
    return {"type": "Feature", "id": data["id"], "geometry": geometry, "properties": properties}


def stream_located_geojson(serializer, records, *, points, properties):
    """
    A FeatureCollection of records of sites, piece by piece (`located_feature`); `points()` gives the sites' points
    once the body is asked for.
    """
    points = points()
    return _stream_collection(located_feature(record, points, properties) for record in records)


class LocatedGeoJSONRenderer(BaseRenderer):
    """
    `?format=geojson` on damage reports, threats and occupations: a FeatureCollection for a list page, a Feature for
    one record, at the point of its site (see `located_feature`; the view gives `geojson_properties`).
    """

    media_type = "application/geo+json"
    format = "geojson"
    charset = None

    def render(self, data, accepted_media_type=None, renderer_context=None):
        if data is None:
            return b""
        view, request = renderer_context["view"], renderer_context["request"]
        rows = data["results"] if isinstance(data, dict) and "results" in data else data
        many = isinstance(rows, list)
        rows = rows if many else [rows]
        points = selectors.site_points([(row.get("site") or {}).get("id") for row in rows], request.user)
        features = [located_feature(row, points, view.geojson_properties) for row in rows]
        body = {"type": "FeatureCollection", "features": features} if many else features[0]
        return _dumps(body).encode("utf-8")


class GeoJSONRenderer(BaseRenderer):
    """
    `?format=geojson` on sites: a FeatureCollection for a list page, a Feature for one site; with `geometry=extents`,
    a FeatureCollection of the extents for both.
    """

    media_type = "application/geo+json"
    format = "geojson"
    charset = None  # JSON is UTF-8 by definition (RFC 8259); the media type takes no charset.

    def render(self, data, accepted_media_type=None, renderer_context=None):
        if data is None:
            return b""
        request = (renderer_context or {}).get("request")
        by_extent = request is not None and request.query_params.get("geometry") == "extents"
        rows = data["results"] if isinstance(data, dict) and "results" in data else data
        if by_extent:
            rows = rows if isinstance(rows, list) else [rows]
            body = {"type": "FeatureCollection", "features": [f for row in rows for f in extent_features(row)]}
        elif isinstance(rows, list):
            body = {"type": "FeatureCollection", "features": [site_feature(row) for row in rows]}
        else:
            body = site_feature(data)
        return _dumps(body).encode("utf-8")


# --- Files --------------------------------------------------------------------------------------------------------


class PlainTextRenderer(BaseRenderer):
    """A source's text (`.../text/`): the view answers with the text itself; errors are rendered as JSON."""

    media_type = "text/plain"
    format = "txt"
    charset = "utf-8"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        return data.encode(self.charset) if isinstance(data, str) else b""


class PassthroughRenderer(BaseRenderer):
    """A stored file (`.../original/`): the view answers with the file as it is; errors are rendered as JSON."""

    media_type = "*/*"
    format = "file"
    charset = None

    def render(self, data, accepted_media_type=None, renderer_context=None):
        return b""


class OneFormatNegotiation(DefaultContentNegotiation):
    """An endpoint with one format (a text, a file) answers in it whatever the client's Accept header says."""

    def select_renderer(self, request, renderers, format_suffix=None):
        return renderers[0], renderers[0].media_type
