"""
The `serializers` piece of the fast path: DRF's serializers, doing less per record for the same representation.

- `PlannedRepresentationMixin`: a serializer's `to_representation()`, planned once per serializer instance: a
  field that only copies a plain column (`is_plain`) is read with one getattr, every other field goes through DRF
  exactly as before. A list serializer reuses one child for all its rows, and a nested field one brief serializer
  (below), so the plan is made once per page: about half of a page's serialization time went into DRF's per-field
  calls that return the value unchanged. Relies on DRF's `_readable_fields`.
- `ReusedBriefMixin`, for `BriefRelatedField`: one brief serializer per field, reused for every value (building a
  ModelSerializer's fields per value cost more than everything else on a list page), and a copy of the field that
  shares its queryset instead of deep-copying it (a QuerySet's deep copy clones its whole Query: milliseconds per
  request for a damage report). Relies on DRF's `_args` and `_kwargs`.
- `PrefetchedManyMixin`: a to-many field that reads prefetched rows straight from the prefetch, where
  `record.citations.all()` would build a related manager and clone a QuerySet per record. Relies on Django's
  `_prefetched_objects_cache`.
- `TemplateURLMixin`, for `RecordURLField`: record addresses from a template made once per request (`url_template`,
  the route reversed once per URLconf and script prefix), not a `reverse()` per record (some 500 per page).
"""

import copy
import functools

from django.conf import settings
from django.urls import get_script_prefix, get_urlconf
from django.urls import reverse as django_reverse
from rest_framework import serializers
from rest_framework.fields import SkipField
from rest_framework.relations import PKOnlyObject
from rest_framework.settings import api_settings

from . import enabled

# A lookup value that every detail route's pattern accepts (slugs and ids alike), to reverse a URL template once.
URL_PLACEHOLDER = "9876543210"

# DRF fields whose representation of a model column's value is the value itself (str, int, bool or None), as long
# as the field keeps the base class's to_representation (CountryCodeField, for one, does not).
PLAIN_FIELD_CLASSES = (
    serializers.CharField,
    serializers.IntegerField,
    serializers.BooleanField,
    serializers.ChoiceField,
)
PLAIN_REPRESENTATIONS = {cls.to_representation for cls in PLAIN_FIELD_CLASSES}


def is_plain(field, model):
    """Whether `field` only copies a plain model column: the read path may then take the value as it is."""
    if type(field).to_representation is serializers.BigIntegerField.to_representation:
        # Ids: the number itself, unless DRF is told to send big integers as strings.
        if getattr(field, "coerce_to_string", api_settings.COERCE_BIGINT_TO_STRING):
            return False
    elif not isinstance(field, PLAIN_FIELD_CLASSES) or type(field).to_representation not in PLAIN_REPRESENTATIONS:
        return False
    columns = {f.name for f in model._meta.concrete_fields if not f.is_relation}
    return len(field.source_attrs) == 1 and field.source in columns


class PlannedRepresentationMixin:
    """DRF's `to_representation()`, planned once per serializer instance (see the module docstring)."""

    def read_plan(self):
        plan = self.__dict__.get("_read_plan")
        if plan is None:
            model = self.Meta.model
            plan = self._read_plan = [
                (field.field_name, field.source if is_plain(field, model) else None, field)
                for field in self._readable_fields
            ]
        return plan

    def to_representation(self, instance):
        if not enabled("serializers"):
            return super().to_representation(instance)
        data = {}
        for name, column, field in self.read_plan():
            if column is not None:
                data[name] = getattr(instance, column)
                continue
            try:
                attribute = field.get_attribute(instance)
            except SkipField:
                continue
            check_for_none = attribute.pk if isinstance(attribute, PKOnlyObject) else attribute
            data[name] = None if check_for_none is None else field.to_representation(attribute)
        return data


class ReusedBriefMixin:
    """For BriefRelatedField: one brief serializer per field, and copies that share the queryset."""

    def __deepcopy__(self, memo):
        if not enabled("serializers"):
            return super().__deepcopy__(memo)
        kwargs = {
            key: value if key in ("queryset", "validators") else copy.deepcopy(value, memo)
            for key, value in self._kwargs.items()
        }
        return self.__class__(*self._args, **kwargs)

    def to_representation(self, value):
        if not enabled("serializers"):
            return super().to_representation(value)
        brief = self.__dict__.get("_brief")
        if brief is None:
            brief = self._brief = self.make_brief()
        return brief.to_representation(value)


class PrefetchedManyMixin:
    """For a to-many field: the prefetched rows, read straight from the prefetch."""

    def get_attribute(self, instance):
        if enabled("serializers"):
            cache = getattr(instance, "_prefetched_objects_cache", None)
            if cache is not None and self.source in cache:
                return cache[self.source]
        return super().get_attribute(instance)


def url_template(view_name, lookup_url_kwarg, request):
    """A detail route's address as (prefix, suffix) around the lookup value: `prefix + slug + suffix`."""
    urlconf = get_urlconf() or settings.ROOT_URLCONF  # a request's own URLconf, else the project's
    path = _route_path(view_name, lookup_url_kwarg, urlconf, get_script_prefix())
    url = request.build_absolute_uri(path) if request is not None else path
    prefix, _, suffix = url.rpartition(URL_PLACEHOLDER)
    return prefix, suffix


@functools.lru_cache(maxsize=256)
def _route_path(view_name, lookup_url_kwarg, urlconf, script_prefix):
    """A detail route's path for the placeholder, reversed once per URLconf and script prefix (what reverse() reads)."""
    return django_reverse(view_name, kwargs={lookup_url_kwarg: URL_PLACEHOLDER}, urlconf=urlconf)


class TemplateURLMixin:
    """For RecordURLField: the address from a template made once per request (see the module docstring)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._template_request = self._template = None

    def url_template(self, request):
        if self._template is None or self._template_request is not request:
            self._template = url_template(self.view_name, self.lookup_url_kwarg, request)
            self._template_request = request
        return self._template

    def to_representation(self, value):
        if not enabled("serializers"):
            return super().to_representation(value)
        lookup = getattr(value, self.lookup_field)
        if lookup in (None, ""):  # an unsaved record has no address yet
            return None
        prefix, suffix = self.url_template(self.context.get("request"))
        return f"{prefix}{lookup}{suffix}"
