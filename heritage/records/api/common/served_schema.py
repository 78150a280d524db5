"""
The schema as served at /api/v1/schema/: made once per process, and rendered once per format, not on every request.

It is made from the code alone (no query) and served public, so it is the same for every user; it is made without
the request, so that it stays so. Making it costs about a third of a second, and rendering it as YAML a fifth.
"""

import functools

from django.utils import translation
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.renderers import (
    OpenApiJsonRenderer,
    OpenApiJsonRenderer2,
    OpenApiYamlRenderer,
    OpenApiYamlRenderer2,
)
from drf_spectacular.views import SpectacularAPIView


class ServedSchemaGenerator(SchemaGenerator):
    """
    drf-spectacular's generator, giving the project's schema made once for each API version and language. Asked for
    other endpoints (a view given `urlconf` or `patterns`), it makes their schema as drf-spectacular does, each time.
    """

    def get_schema(self, request=None, public=False):
        if self.urlconf is not None or self.patterns is not None:
            return super().get_schema(request=None, public=public)
        return _made_once(self.api_version, translation.get_language(), public)


@functools.lru_cache(maxsize=4)  # a few languages (?lang=); any other value only pushes one out
def _made_once(api_version, language, public):
    return SchemaGenerator(api_version=api_version).get_schema(request=None, public=public)


# {(renderer class, id of a schema, accepted media type): (the schema, its bytes)}. The schema is held beside its
# bytes, so that its id cannot be another object's while the entry lives.
_rendered = {}


class KeptRendering:
    """
    A renderer of the schema view keeping the bytes of each schema it rendered (a few: languages, media types), so
    that a schema kept by `_made_once` is rendered once. Anything else the view answers (an error) is rendered anew.
    """

    def render(self, data, accepted_media_type=None, renderer_context=None):
        response = (renderer_context or {}).get("response")
        if response is None or response.status_code != 200:
            return super().render(data, accepted_media_type, renderer_context)
        key = (type(self), id(data), accepted_media_type)
        kept = _rendered.get(key)
        if kept is None or kept[0] is not data:
            if len(_rendered) >= 16:  # media types come from the client: keep a bounded number
                _rendered.clear()
            kept = _rendered[key] = (data, super().render(data, accepted_media_type, renderer_context))
        return kept[1]


class KeptYamlRenderer(KeptRendering, OpenApiYamlRenderer):
    pass


class KeptYamlRenderer2(KeptRendering, OpenApiYamlRenderer2):
    pass


class KeptJsonRenderer(KeptRendering, OpenApiJsonRenderer):
    pass


class KeptJsonRenderer2(KeptRendering, OpenApiJsonRenderer2):
    pass


class SchemaView(SpectacularAPIView):
    """drf-spectacular's schema view, serving the schema `ServedSchemaGenerator` keeps, rendered once."""

    generator_class = ServedSchemaGenerator
    renderer_classes = [KeptYamlRenderer, KeptYamlRenderer2, KeptJsonRenderer, KeptJsonRenderer2]
