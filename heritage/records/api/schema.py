"""
OpenAPI (drf-spectacular) descriptions of what introspection cannot see: the custom serializer fields, which read as
objects but are written as plain values, and the GeoJSON bodies of sites.
"""

from drf_spectacular.extensions import OpenApiSerializerFieldExtension
from drf_spectacular.plumbing import build_array_type, build_object_type

from ..choices import Qualifier, QuantityUnit


class BriefRelatedFieldExtension(OpenApiSerializerFieldExtension):
    """A related record: its brief summary in responses; its id or slug in requests."""

    target_class = "heritage.records.api.fields.BriefRelatedField"

    def map_serializer_field(self, auto_schema, direction):
        if direction == "response":
            return auto_schema.resolve_serializer(self.target.brief_serializer, direction).ref
        return {
            "oneOf": [{"type": "integer", "minimum": 1}, {"type": "string"}],
            "description": "The related record's id, or its slug.",
        }


class UncertainDateFieldExtension(OpenApiSerializerFieldExtension):
    """An EDTF date: {edtf, earliest, latest} in responses; the EDTF string in requests."""

    target_class = "heritage.records.api.fields.UncertainDateField"

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
    """A reported quantity: {value, qualifier, unit}, or null."""

    target_class = "heritage.records.api.fields.QuantityField"

    def map_serializer_field(self, auto_schema, direction):
        schema = build_object_type(
            properties={
                "value": {"type": "integer", "minimum": 0},
                "qualifier": {
                    "type": "string",
                    "enum": Qualifier.values,
                    "description": "How it relates to the true number: " + ", ".join(Qualifier.values) + ".",
                },
                "unit": {"type": "string", "enum": QuantityUnit.values},
            },
            required=["value", "qualifier", "unit"],
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


FEATURE = build_object_type(
    properties={
        "type": {"type": "string", "enum": ["Feature"]},
        "id": {"type": "integer"},
        "geometry": {**POINT, "nullable": True, "description": "Null when the site has no coordinates."},
        "properties": {"$ref": "#/components/schemas/Site"},
    },
    required=["type", "id", "geometry", "properties"],
    description="A site as an RFC 7946 Feature; its properties are the site's JSON representation.",
)

FEATURE_COLLECTION = build_object_type(
    properties={
        "type": {"type": "string", "enum": ["FeatureCollection"]},
        "features": build_array_type(FEATURE),
    },
    required=["type", "features"],
    description="Every matching site, as an RFC 7946 FeatureCollection.",
)
