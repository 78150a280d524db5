"""
A site's extents in the API: the nested list `extents` of a site (position, GeoJSON geometry, qualifier, certainty,
citations), written with the site (common/nested.py: items matched by `position`).

A sensitive site's extents are exact only for users who may see exact locations; everyone else is shown
`SiteExtent.geometry_for(user)`, the coarsened shape, in every representation, since they are all built from this
serializer (JSON, CSV, GeoJSON, the body of a 412). A write by such a user may send back the shapes it was shown,
which keeps the stored ones, as it may the site's public point; it cannot add, change or remove a shape it cannot see.
"""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from ..geometry import public_geometry
from ..models import SiteExtent
from ..models.sites import visible_geometry
from .common.nested import NestedItemSerializer
from .common.serializers import citations_field

HIDDEN = "This site's exact location is hidden from you, so you cannot {} its extents."


@extend_schema_field(OpenApiTypes.OBJECT)
class VisibleGeometryField(serializers.JSONField):
    """An extent's GeoJSON geometry as the requesting user may see it (`SiteExtent.geometry_for`)."""

    def get_attribute(self, extent):
        if extent.site_id is None:  # an item not saved yet: the client's own values
            return extent.geometry
        # Without a request (a serializer used outside a view) the user is unknown: the public shape, the safe default.
        return extent.geometry_for(getattr(self.context.get("request"), "user", None))

    # The columns it is computed from, for the fast path (fast/rows.py), which also passes the requesting user.
    reads_user = True

    def value_columns(self, model):
        return ["geometry", "site__is_sensitive"]

    def from_values(self, geometry, is_sensitive, *, user):
        return self.to_representation(visible_geometry(geometry, is_sensitive, user))


class SiteExtentSerializer(NestedItemSerializer):
    """A shape of a site (its perimeter, its centre as a survey placed it), with what it outlines and how certain."""

    # The model's check constraint says so too, but not on the field; and SQLite would take any integer.
    position = serializers.IntegerField(
        min_value=1, max_value=32767, help_text="Its place among the site's extents (1, 2, …); items are matched by it."
    )
    geometry = VisibleGeometryField(
        help_text='A GeoJSON geometry (WGS84 longitude, latitude), e.g. {"type": "Polygon", "coordinates": '
        "[[[38.26, 34.55], [38.28, 34.55], [38.28, 34.56], [38.26, 34.55]]]}. A sensitive site's is coarsened for "
        "users who may not see exact locations: a point to 0.1 degree, any other shape to its bounding box widened "
        "to whole tenths of a degree."
    )
    citations = citations_field()

    class Meta:
        model = SiteExtent
        fields = ["position", "geometry", "qualifier", "certainty", "citations"]


def keep_hidden_extents(site, attrs):
    """
    For a write to `site` by a user shown only its public shapes: the extents sent must be those it was shown (the
    same positions, each geometry as shown or left out); their stored geometries are then kept. Its qualifier,
    certainty and citations may change. Raises a 400 naming each item that would add or change a shape.
    """
    items = attrs.get("extents")
    if items is None:
        return
    stored = {extent.position: extent for extent in site.extents.all()}
    errors = {}
    for index, item in enumerate(items):
        extent = stored.get(item.get("position"))
        if extent is None:
            errors[index] = {"geometry": [HIDDEN.format("add to")]}
        elif "geometry" in item:
            if item["geometry"] != public_geometry(extent.geometry):
                errors[index] = {"geometry": [HIDDEN.format("change")]}
            item["geometry"] = extent.geometry
    if errors:
        raise serializers.ValidationError({"extents": errors})
    if set(stored) - {item.get("position") for item in items}:
        raise serializers.ValidationError({"extents": [HIDDEN.format("remove")]})
