"""
The API's OpenAPI schema (drf-spectacular): the schema class, and descriptions of what introspection cannot see.

`RecordAutoSchema` is drf-spectacular's AutoSchema plus what the reliability mixins add to each operation, applied
by view type (kept apart from the per-resource `document()` annotations of views.py), so that a resource gains
these by inheriting the mixins:

- `ConditionalWriteMixin`: PUT, PATCH and DELETE take a *required* `If-Match` header (so generated clients and
  schemathesis send one) and document 412 (body: the current record) and 428; records and writes return `ETag`.
- `BatchCreateMixin`: POST takes one record or a list of them, and answers with one or a list.
- `StrictWritesMixin`: a request body has no properties beside its fields (`additionalProperties: false`).

A brief form of a record (`Serializer(brief=True)`) is its own component, `<Model>Brief`. The custom serializer
fields read as objects but are written as plain values (the extensions below), and a GeoJSON body is described by
`feature_schema()`. The schema is served by `served_schema.SchemaView`.
"""

from drf_spectacular.extensions import OpenApiSerializerFieldExtension
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.plumbing import build_array_type, build_object_type
from drf_spectacular.utils import OpenApiParameter

from ...choices import Qualifier
from ...models.base import MAX_QUANTITY
from .batch import BatchCreateMixin
from .preconditions import ConditionalWriteMixin
from .strict import StrictWritesMixin

ETAG_HEADER = {
    "ETag": {
        "schema": {"type": "string"},
        "description": 'The record\'s version, e.g. "7". Send it back as If-Match to change or delete the record.',
    }
}
IF_MATCH = OpenApiParameter(
    name="If-Match",
    location=OpenApiParameter.HEADER,
    type=str,
    required=True,
    description='The ETag of the version you read, e.g. "7" (quotes included). Without it: 428; "*" is not '
    "accepted. If the record changed since: 412, with the current record.",
)
DETAIL = {"type": "object", "properties": {"detail": {"type": "string"}}, "required": ["detail"]}
ERRORS = {"type": "object", "additionalProperties": True}
# The errors every write can answer, beside those introspection finds: (status, description, methods).
WRITE_ERRORS = [
    (
        "400",
        "Refused: each field at fault maps to its problems (for a batch: `errors` by position; for a deletion, "
        "its `reason`).",
        "POST PUT PATCH DELETE",
    ),
    ("401", "No credentials: writing needs a token (or a session with its CSRF token).", "POST PUT PATCH DELETE"),
    ("403", "The account lacks the model permission for this write.", "POST PUT PATCH DELETE"),
    ("404", "No such record.", "PUT PATCH DELETE"),
    (
        "409",
        "Conflict: a write saved at the same time took a unique value (e.g. the slug), or, for a deletion, "
        "other records still refer to this one (`referenced_by` names them).",
        "POST PUT PATCH DELETE",
    ),  # fmt: skip
    ("429", "Too many requests: retry after the Retry-After header.", "POST PUT PATCH DELETE"),
]


def one_or_many(schema, max_items):
    return {"oneOf": [schema, {"type": "array", "items": schema, "minItems": 1, "maxItems": max_items}]}


class RecordAutoSchema(AutoSchema):
    """AutoSchema that documents ETag/If-Match (with 412 and 428) and batch creates where the view supports them."""

    def get_serializer_name(self, serializer, direction):
        name = super().get_serializer_name(serializer, direction)
        if getattr(serializer, "brief", False):  # SiteSerializer(brief=True): the component SiteBrief
            return name.removesuffix("Serializer") + "Brief"
        return name

    def _map_serializer(self, serializer, direction, bypass_extensions=False):
        schema = super()._map_serializer(serializer, direction, bypass_extensions)
        if direction == "request" and isinstance(serializer, StrictWritesMixin):
            # Writes refuse keys they cannot write (strict.py): the request body's schema says so.
            schema["additionalProperties"] = False
        return schema

    def _get_response_for_code(self, serializer, status_code, media_types=None, direction="response"):
        # A list in another format than JSON is one whole document (a CSV file, a GeoJSON FeatureCollection), given
        # as it is: not items of a page, which is what drf-spectacular makes of a list view's responses.
        self._whole_document = bool(media_types) and "application/json" not in media_types
        try:
            return super()._get_response_for_code(serializer, status_code, media_types, direction)
        finally:
            self._whole_document = False

    def _is_list_view(self, serializer=None):
        return not getattr(self, "_whole_document", False) and super()._is_list_view(serializer)

    def get_override_parameters(self):
        parameters = super().get_override_parameters()
        if isinstance(self.view, ConditionalWriteMixin) and self.method in ("PUT", "PATCH", "DELETE"):
            parameters = [*parameters, IF_MATCH]
        return parameters

    def get_operation(self, path, path_regex, path_prefix, method, registry):
        operation = super().get_operation(path, path_regex, path_prefix, method, registry)
        if operation is None:
            return None
        responses = operation["responses"]
        if self.method != "GET":
            for code, description, methods in WRITE_ERRORS:
                if self.method in methods.split():
                    schema = DETAIL if code != "400" else ERRORS
                    responses.setdefault(
                        code, {"description": description, "content": {"application/json": {"schema": schema}}}
                    )
        if isinstance(self.view, ConditionalWriteMixin):
            self._document_preconditions(responses)
        if isinstance(self.view, BatchCreateMixin) and self.method == "POST" and "requestBody" in operation:
            self._document_batches(operation)
        return operation

    def _record_schema(self):
        return self.resolve_serializer(self.view.get_serializer_class(), "response").ref

    def _document_preconditions(self, responses):
        for code in ("200", "201"):
            if code in responses and (self.method != "GET" or not self._is_list_view()):
                responses[code].setdefault("headers", {}).update(ETAG_HEADER)
        if self.method not in ("PUT", "PATCH", "DELETE"):
            return
        conflict = {
            "type": "object",
            "properties": {
                "detail": {"type": "string", "description": "What happened."},
                "current": {"allOf": [self._record_schema()], "description": "The record as it is now."},
            },
            "required": ["detail", "current"],
        }
        responses["412"] = {
            "description": "The record changed since the version named by If-Match (or If-Match names none): "
            "nothing was written. The body holds the current record, the ETag header its version.",
            "headers": ETAG_HEADER,
            "content": {"application/json": {"schema": conflict}},
        }
        responses["428"] = {
            "description": "If-Match is missing (or is *): send the ETag of the version you read.",
            "content": {"application/json": {"schema": DETAIL}},
        }

    def _document_batches(self, operation):
        limit = self.view.max_batch
        content = operation["requestBody"]["content"].get("application/json")
        if content:
            content["schema"] = one_or_many(content["schema"], limit)
        created = operation["responses"].get("201", {}).get("content", {}).get("application/json")
        if created:
            created["schema"] = one_or_many(created["schema"], limit)
        operation["description"] = (
            operation.get("description", "")
            + f"\n\nSend a JSON list (1 to {limit} records) to create them all in one transaction, or none: any "
            "invalid record makes it a 400 whose `errors` maps each refused record's position to its fields' errors."
        ).strip()


# --- What introspection cannot see ---------------------------------------------------------------------------


class BriefRelatedFieldExtension(OpenApiSerializerFieldExtension):
    """A related record: its brief summary in responses; its id or slug in requests."""

    target_class = "heritage.records.api.common.fields.BriefRelatedField"
    match_subclasses = True  # BriefTermField (a damage report's cause) too

    def map_serializer_field(self, auto_schema, direction):
        if direction == "response":
            return auto_schema.resolve_serializer(self.target.make_brief(), direction).ref
        return {
            "oneOf": [{"type": "integer", "minimum": 1}, {"type": "string"}],
            "description": "The related record's id, or its slug.",
        }


class UncertainDateFieldExtension(OpenApiSerializerFieldExtension):
    """An EDTF date: {edtf, earliest, latest} in responses; the EDTF string in requests."""

    target_class = "heritage.records.api.common.fields.UncertainDateField"

    def map_serializer_field(self, auto_schema, direction):
        if direction == "request":
            return {"type": "string", "description": "EDTF (ISO 8601-2), e.g. 2015-05~/2016-03-27; empty if unknown."}
        nullable_date = {"type": "string", "format": "date", "nullable": True}
        return build_object_type(
            properties={
                "edtf": {"type": "string", "description": "The date as recorded, in EDTF; empty if unknown."},
                "earliest": {**nullable_date, "description": "Earliest calendar day it can mean; null if open."},
                "latest": {**nullable_date, "description": "Latest calendar day it can mean; null if open."},
            },
            required=["edtf", "earliest", "latest"],
        )


class QuantityFieldExtension(OpenApiSerializerFieldExtension):
    """A reported quantity: {min, max, qualifier, unit}, or null."""

    target_class = "heritage.records.api.common.fields.QuantityField"

    def map_serializer_field(self, auto_schema, direction):
        bound = {"type": "integer", "minimum": 0, "maximum": MAX_QUANTITY, "nullable": True}
        schema = build_object_type(
            properties={
                "min": {**bound, "description": "The smallest number the wording allows (more than 2,000: 2001)."},
                "max": {**bound, "description": "The largest number it allows; null if open (at least 150)."},
                "qualifier": {
                    "type": "string",
                    "enum": Qualifier.values,
                    "description": "The source's wording: " + ", ".join(Qualifier.values) + ".",
                },
                "unit": {"type": "string", "description": "A quantity unit's slug (/api/v1/quantity-units/)."},
            },
            required=["min", "max", "qualifier", "unit"] if direction == "response" else ["qualifier", "unit"],
        )
        schema["nullable"] = True
        return schema


POINT = build_object_type(
    properties={
        "type": {"type": "string", "enum": ["Point"]},
        "coordinates": {
            **build_array_type({"type": "number"}),
            "minItems": 2,
            "maxItems": 2,
            "description": "[longitude, latitude], WGS84.",
        },
    },
    required=["type", "coordinates"],
)


def feature_schema(component):
    """A record of `component` (the name of its serializer's component, e.g. Site) as an RFC 7946 Feature."""
    return build_object_type(
        properties={
            "type": {"type": "string", "enum": ["Feature"]},
            "id": {"type": "integer"},
            "geometry": {**POINT, "nullable": True, "description": "Null when the record has no location."},
            "properties": {"$ref": f"#/components/schemas/{component}"},
        },
        required=["type", "id", "geometry", "properties"],
        description=f"A {component.lower()} as an RFC 7946 Feature; its properties are its JSON representation.",
    )


def feature_collection_schema(component):
    return build_object_type(
        properties={
            "type": {"type": "string", "enum": ["FeatureCollection"]},
            "features": build_array_type(feature_schema(component)),
        },
        required=["type", "features"],
        description="Every matching record, as an RFC 7946 FeatureCollection.",
    )


EXTENT_FEATURE = build_object_type(
    properties={
        "type": {"type": "string", "enum": ["Feature"]},
        "id": {"type": "string", "description": "The site's slug and the extent's position: palmyra/1."},
        "geometry": {
            **build_object_type(properties={"type": {"type": "string"}, "coordinates": build_array_type({})}),
            "description": "A GeoJSON geometry: Point, MultiPoint, LineString, MultiLineString, Polygon, MultiPolygon.",
        },
        "properties": build_object_type(
            properties={
                "site_id": {"type": "integer"},
                "site": {"type": "string", "description": "The site's slug."},
                "site_name": {"type": "string"},
                "site_url": {"type": "string", "format": "uri"},
                "position": {"type": "integer"},
                "qualifier": {"type": "string"},
                "certainty": {"type": "string"},
                "citations": build_array_type({"type": "object"}),
            },
        ),
    },
    required=["type", "id", "geometry", "properties"],
    description="A site's extent as an RFC 7946 Feature (`geometry=extents`).",
)


def geojson_schema(component, *, many):
    """A record of `component` as GeoJSON: a Feature (a FeatureCollection if `many`), or its extents' collection."""
    extents = build_object_type(
        properties={
            "type": {"type": "string", "enum": ["FeatureCollection"]},
            "features": build_array_type(EXTENT_FEATURE),
        },
        required=["type", "features"],
        description="With geometry=extents: one Feature per extent.",
    )
    return {"anyOf": [feature_collection_schema(component) if many else feature_schema(component), extents]}


def located_geojson_schema(properties, *, many):
    """A record of a site as a Feature at the site's point, with `properties` ({name: path in its JSON}) flat."""
    feature = build_object_type(
        properties={
            "type": {"type": "string", "enum": ["Feature"]},
            "id": {"type": "integer"},
            "geometry": {**POINT, "nullable": True, "description": "The site's point; null when it has none."},
            "properties": build_object_type(
                properties={name: {"description": f"The record's `{path}`."} for name, path in properties.items()}
            ),
        },
        required=["type", "id", "geometry", "properties"],
        description="A record as an RFC 7946 Feature at its site's point (coarsened for sensitive sites).",
    )
    if not many:
        return feature
    return build_object_type(
        properties={
            "type": {"type": "string", "enum": ["FeatureCollection"]},
            "features": build_array_type(feature),
        },
        required=["type", "features"],
        description="Every matching record, as an RFC 7946 FeatureCollection.",
    )
