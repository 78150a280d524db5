"""
Where sites lie as the public may see them: a sensitive site's point to 0.1 degree (and the location filters' bounds
that follow from it), and a site's extents as GeoJSON geometry objects (RFC 7946: WGS84 longitude, latitude),
checked before they are stored, with their public form.

Extents are stored as GeoJSON in a JSON column rather than with GeoDjango: GeoDjango needs GDAL and SpatiaLite or
PostGIS on every machine, which the two-command set-up cannot install, and nothing here needs spatial queries over
extents (location filters use the representative point). Shapely checks that a shape is valid (rings that do not
cross themselves); the structure and ranges are checked first, so that any JSON at all gets a message, not a crash.
"""

import math
from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal

import shapely
import shapely.validation
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.deconstruct import deconstructible

TYPES = ("Point", "MultiPoint", "LineString", "MultiLineString", "Polygon", "MultiPolygon")
# How deep each type nests its positions: a Point is a position, a Polygon a list of rings of positions.
DEPTH = {"Point": 0, "MultiPoint": 1, "LineString": 1, "MultiLineString": 2, "Polygon": 2, "MultiPolygon": 3}
# A site's outline needs hundreds of vertices, not millions: a bound on what one record may hold.
MAX_POSITIONS = 10_000


# The public precision of a sensitive site's location: 0.1 degree (about 11 km), and the stored one.
PUBLIC_STEP = Decimal("0.1")
STORED_STEP = Decimal("0.000001")


def public_coordinate(value):
    """A coordinate as the public sees it when the site is sensitive: rounded to 0.1 degree."""
    return round(value, 1)


def stored_range(low, high):
    """
    A query's bounds, inclusive, as the stored six decimals: the same stored values lie in [low, high] as in the
    result, whatever precision (or exponent) the query gave.
    """
    return low.quantize(STORED_STEP, ROUND_CEILING), high.quantize(STORED_STEP, ROUND_FLOOR)


def public_range_condition(field, low, high):
    """
    The stored values of `field` whose public value (`public_coordinate`) lies in [low, high], as a condition on the
    stored column: the multiples of 0.1 in [low, high] are first..last, and a value rounds to one of them exactly
    when it lies within half a step of that run (at the two halfway points, as `public_coordinate` rounds them).
    """
    first = (low / PUBLIC_STEP).to_integral_value(ROUND_CEILING) * PUBLIC_STEP
    last = (high / PUBLIC_STEP).to_integral_value(ROUND_FLOOR) * PUBLIC_STEP
    if first > last:
        return Q(pk__in=[])
    start, stop = first - PUBLIC_STEP / 2, last + PUBLIC_STEP / 2
    lower = "gte" if public_coordinate(start) >= first else "gt"
    upper = "lte" if public_coordinate(stop) <= last else "lt"
    return Q(**{f"{field}__{lower}": start, f"{field}__{upper}": stop})


def exact_range_condition(field, low, high):
    low, high = stored_range(low, high)
    return Q(**{f"{field}__gte": low, f"{field}__lte": high})


def geometry_errors(geometry):
    """Why `geometry` is not a GeoJSON geometry this database stores (a list of messages; empty if it is one)."""
    if not isinstance(geometry, dict):
        return ["A geometry is a GeoJSON object with “type” and “coordinates”."]
    kind = geometry.get("type")
    if kind not in TYPES:
        return [f"A geometry's type is one of {', '.join(TYPES)}; not {str(kind)[:40]!r}."]
    extra = set(geometry) - {"type", "coordinates", "bbox"}
    if extra:
        return [f"Unexpected member {sorted(extra)[0][:40]!r} in a {kind}."]
    if "bbox" in geometry and not _is_bbox(geometry["bbox"]):
        return ["A geometry's bbox is [west, south, east, north] in degrees (with lowest and highest altitude if 3D)."]
    if "coordinates" not in geometry:
        return [f"A {kind} needs its coordinates."]
    errors = []
    count = [0]
    dimensions = set()

    def position(value):
        if not isinstance(value, list) or not 2 <= len(value) <= 3:
            raise _Invalid("A position is [longitude, latitude] (an altitude may follow).")
        if not all(_is_number(n) for n in value):
            raise _Invalid("A position's coordinates are finite numbers.")
        dimensions.add(len(value))
        if len(dimensions) > 1:
            raise _Invalid("Either every position of a geometry has an altitude, or none has.")
        lon, lat = value[0], value[1]
        if not -180 <= lon <= 180:
            raise _Invalid(f"Longitude {_shown(lon)} is outside -180 to 180 degrees.")
        if not -90 <= lat <= 90:
            raise _Invalid(f"Latitude {_shown(lat)} is outside -90 to 90 degrees.")
        count[0] += 1
        if count[0] > MAX_POSITIONS:
            raise _Invalid(f"A geometry holds at most {MAX_POSITIONS:,} positions.")

    def positions(value, depth, least=1):
        if depth == 0:
            return position(value)
        if not isinstance(value, list) or len(value) < least:
            raise _Invalid(f"A {kind}'s coordinates are not nested as GeoJSON nests them.")
        for item in value:
            positions(item, depth - 1)

    def ring(value):
        positions(value, 1, least=4)
        if value[0][:2] != value[-1][:2]:
            raise _Invalid("A polygon's ring must close: its last position must repeat its first.")

    coordinates = geometry["coordinates"]
    try:
        if kind in ("Polygon", "MultiPolygon"):
            polygons = [coordinates] if kind == "Polygon" else coordinates
            if not isinstance(polygons, list) or not polygons:
                raise _Invalid(f"A {kind} needs at least one polygon.")
            for polygon in polygons:
                if not isinstance(polygon, list) or not polygon:
                    raise _Invalid("A polygon is a list of rings, its outline first.")
                for item in polygon:
                    ring(item)
        else:
            positions(coordinates, DEPTH[kind], least=2 if kind in ("LineString", "MultiLineString") else 1)
            if kind == "MultiLineString":
                for line in coordinates:
                    if len(line) < 2:
                        raise _Invalid("A line needs at least two positions.")
    except _Invalid as invalid:
        return [str(invalid)]
    shape = shapely.geometry.shape(geometry)
    if not shape.is_valid:
        errors.append(f"The {kind} is not a valid shape: {shapely.validation.explain_validity(shape)}.")
    return errors


class _Invalid(Exception):
    pass


def _is_number(value):
    # JSON's integers have no bound: compared as integers, never converted to a float (which would overflow).
    if isinstance(value, bool):
        return False
    return isinstance(value, int) or (isinstance(value, float) and math.isfinite(value))


def _shown(number):
    text = repr(number)
    return text if len(text) <= 20 else f"{text[:17]}…"


def _is_bbox(value):
    if not isinstance(value, list) or len(value) not in (4, 6) or not all(_is_number(n) for n in value):
        return False
    half = len(value) // 2
    west, south, east, north = value[0], value[1], value[half], value[half + 1]
    return all(-180 <= n <= 180 for n in (west, east)) and -90 <= south <= north <= 90


@deconstructible
class GeometryValidator:
    def __call__(self, value):
        errors = geometry_errors(value)
        if errors:
            raise ValidationError(errors, code="invalid_geometry")

    def __eq__(self, other):
        return isinstance(other, GeometryValidator)


validate_geometry = GeometryValidator()


def bounds(geometry):
    """(min_lon, min_lat, max_lon, max_lat) of a valid geometry."""
    flat = list(_positions(geometry["coordinates"], DEPTH[geometry["type"]]))
    lons = [p[0] for p in flat]
    lats = [p[1] for p in flat]
    return min(lons), min(lats), max(lons), max(lats)


def _positions(value, depth):
    if depth == 0:
        yield value
    else:
        for item in value:
            yield from _positions(item, depth - 1)


def public_geometry(geometry):
    """
    A sensitive site's extent as the public sees it: a point rounded to 0.1 degree (as the site's own point is), any
    other shape replaced by its bounding box widened outwards to whole tenths of a degree. It says where the site
    lies to about 11 km and how large it is to the same step, never its outline.
    """
    if geometry["type"] == "Point":
        lon, lat = geometry["coordinates"][:2]
        return {"type": "Point", "coordinates": [_tenth(lon), _tenth(lat)]}
    min_lon, min_lat, max_lon, max_lat = bounds(geometry)
    west, south = _tenth(min_lon, ROUND_FLOOR), _tenth(min_lat, ROUND_FLOOR)
    east, north = _tenth(max_lon, ROUND_CEILING), _tenth(max_lat, ROUND_CEILING)
    # A shape lying on a tenth's line still covers one step.
    if east == west:
        west, east = (west, round(west + 0.1, 1)) if west < 180 else (179.9, 180.0)
    if north == south:
        south, north = (south, round(south + 0.1, 1)) if south < 90 else (89.9, 90.0)
    ring = [[west, south], [east, south], [east, north], [west, north], [west, south]]
    return {"type": "Polygon", "coordinates": [ring]}


def _tenth(value, rounding=None):
    number = Decimal(repr(value))
    if rounding is None:
        return float(round(number, 1))
    return float((number / PUBLIC_STEP).to_integral_value(rounding) * PUBLIC_STEP)


def wkt(geometries):
    """
    Valid GeoJSON geometries as one WKT text, as a CSV cell carries them: the geometry itself when there is one, a
    GEOMETRYCOLLECTION of them in order when there are several, "" when there are none. GIS tools read WKT from a
    CSV column (QGIS: Delimited Text, geometry definition WKT).
    """
    shapes = [shapely.geometry.shape(geometry) for geometry in geometries]
    if not shapes:
        return ""
    return (shapes[0] if len(shapes) == 1 else shapely.GeometryCollection(shapes)).wkt
