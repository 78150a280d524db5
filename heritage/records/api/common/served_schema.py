"""
The schema as served at /api/v1/schema/: made once per process, not on every request.

It is made from the code alone (no query) and served public, so it is the same for every user; it is made without
the request, so that it stays so. Making it costs about a third of a second; rendering it as YAML as much again,
on each request (JSON: a few milliseconds).
"""

import functools

from django.utils import translation
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.views import SpectacularAPIView


class ServedSchemaGenerator(SchemaGenerator):
    """drf-spectacular's generator, giving the schema made once for each API version and language."""

    def get_schema(self, request=None, public=False):
        return _made_once(self.api_version, translation.get_language(), public)


@functools.lru_cache(maxsize=4)  # a few languages (?lang=); any other value only pushes one out
def _made_once(api_version, language, public):
    return SchemaGenerator(api_version=api_version).get_schema(request=None, public=public)


class SchemaView(SpectacularAPIView):
    """drf-spectacular's schema view, serving the schema `ServedSchemaGenerator` keeps."""

    generator_class = ServedSchemaGenerator
