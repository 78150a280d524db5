"""
Sensitive locations in the API: a site at risk of looting shows its exact coordinates only to users who may view
sites (curators and researchers, signed in); everyone else gets them rounded to 0.1 degree (about 11 km).

The rule itself is the model's (`Site.coordinates_for(user)`); this applies it to the serializer's output, which every
API representation is built from: the JSON of a site (detail, list, the 412 body of a refused edit), its CSV row and
its GeoJSON Feature. The schema's example shows coarse, generic coordinates, never a real site's exact ones.
"""

from drf_spectacular.utils import OpenApiExample

SITE_EXAMPLE = OpenApiExample(
    "A site",
    description="Coordinates of a sensitive site, as the public sees them: rounded to 0.1 degree.",
    response_only=True,
    value={
        "id": 1,
        "url": "https://heritage.example.org/api/v1/sites/example-tell/",
        "slug": "example-tell",
        "name": "Example Tell",
        "kind": "archaeological_site",
        "country": "SY",
        "country_name": "Syria",
        "description": "A settlement mound.",
        "latitude": "34.600000",
        "longitude": "38.300000",
        "location_certainty": "high",
        "names": [],
        "designations": [],
        "in_danger": False,
        "periods": [],
        "citations": [],
        "created": "2026-01-01T00:00:00Z",
        "last_updated": "2026-01-01T00:00:00Z",
    },
)


class SensitiveCoordinatesMixin:
    """
    For a Site serializer: `latitude` and `longitude` as the requesting user may see them.

    Without a request in the context (a serializer used outside a view) the user is unknown and gets the public,
    coarse coordinates: the safe default.
    """

    def to_representation(self, instance):
        data = super().to_representation(instance)
        if "latitude" not in data and "longitude" not in data:
            return data
        request = self.context.get("request")
        latitude, longitude = instance.coordinates_for(getattr(request, "user", None))
        for name, value in (("latitude", latitude), ("longitude", longitude)):
            if name in data:
                data[name] = None if value is None else self.fields[name].to_representation(value)
        return data
