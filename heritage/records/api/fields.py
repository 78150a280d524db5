"""
Serializer fields for the record's recurring shapes: related records as brief summaries, uncertain dates, quantities.

Each field that renders as an object says which keys it has (`csv_subfields`), so that the CSV export can give it one
flat column per key (`site.slug`, `occurred.earliest`) whatever the row holds.
"""

import copy
import functools
import re

from django.conf import settings
from django.core.exceptions import ObjectDoesNotExist
from django.urls import get_script_prefix, get_urlconf
from django.urls import reverse as django_reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.relations import MANY_RELATION_KWARGS

from ..choices import Qualifier, QuantityUnit
from ..dates import validate_edtf

# The largest primary key the database stores (BigAutoField); larger numbers cannot name a record.
MAX_PK = 2**63 - 1
SLUG = re.compile(r"[-a-zA-Z0-9_]+")


# A lookup value that every detail route's pattern accepts (slugs and ids alike), to reverse a URL template once.
URL_PLACEHOLDER = "9876543210"


def url_template(view_name, lookup_url_kwarg, request):
    """
    A detail route's address as (prefix, suffix) around the lookup value: `prefix + slug + suffix`. Always the plain
    address: DRF's reverse() would carry the request's `?format=` over, which would make every link in a CSV or
    GeoJSON export point at that format instead of at the record.
    """
    urlconf = get_urlconf() or settings.ROOT_URLCONF  # a request's own URLconf, else the project's
    path = _route_path(view_name, lookup_url_kwarg, urlconf, get_script_prefix())
    url = request.build_absolute_uri(path) if request is not None else path
    prefix, _, suffix = url.rpartition(URL_PLACEHOLDER)
    return prefix, suffix


@functools.lru_cache(maxsize=256)
def _route_path(view_name, lookup_url_kwarg, urlconf, script_prefix):
    """
    A detail route's path for the placeholder, reversed once per URLconf and script prefix (what reverse() reads
    besides its arguments): a list page needs seven such templates, and reversing them took 0.2 ms of every request.
    """
    return django_reverse(view_name, kwargs={lookup_url_kwarg: URL_PLACEHOLDER}, urlconf=urlconf)


class RecordURLField(serializers.HyperlinkedIdentityField):
    """
    The record's own API address (`url`), always the plain one.

    The address is built from a template made once per request (`prefix` + lookup value + `suffix`), not with a
    `reverse()` per record: on a page of 100 damage reports with their nested summaries that was some 500 reverses,
    the largest single cost of the page. Lookup values are slugs or ids, which need no quoting in a path.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._template_request = self._template = None

    def url_template(self, request):
        if self._template is None or self._template_request is not request:
            self._template = url_template(self.view_name, self.lookup_url_kwarg, request)
            self._template_request = request
        return self._template

    def to_representation(self, value):
        lookup = getattr(value, self.lookup_field)
        if lookup in (None, ""):  # an unsaved record has no address yet
            return None
        prefix, suffix = self.url_template(self.context.get("request"))
        return f"{prefix}{lookup}{suffix}"


class PrefetchedManyRelatedField(serializers.ManyRelatedField):
    """
    A to-many field that reads prefetched rows straight from the prefetch: `record.citations.all()` would build a
    related manager and clone a QuerySet per record, only to return the same cached rows.
    """

    def get_attribute(self, instance):
        cache = getattr(instance, "_prefetched_objects_cache", None)
        if cache is not None and self.source in cache:
            return cache[self.source]
        return super().get_attribute(instance)


class BriefRelatedField(serializers.RelatedField):
    """
    A related record, written as its id (or slug, where it has one) and read as its brief summary.

    Reading gives `brief_serializer(value).data` (id, url, slug, name); writing accepts an integer id, a slug string,
    or an object with "id" or "slug" (so a client can send back what it read).
    """

    default_error_messages = {
        "does_not_exist": "No record with {lookup} {value!r}.",
        "incorrect_type": "Expected an id (integer), a slug (string) or an object with one of them, not {data_type}.",
        "invalid_slug": "{value!r} is not a slug (letters, digits, hyphens, underscores).",
    }

    def __init__(self, brief_serializer, **kwargs):
        self.brief_serializer = brief_serializer
        # A text box in the browsable API: a drop-down would load every record of the table.
        kwargs.setdefault("style", {"base_template": "input.html"})
        super().__init__(**kwargs)

    @property
    def csv_subfields(self):
        return [name for name in self.brief_serializer().fields if name != "url"]

    @classmethod
    def many_init(cls, *args, **kwargs):
        # DRF's many_init, with the list field that reads the prefetch cache.
        list_kwargs = {"child_relation": cls(*args, **kwargs)}
        list_kwargs.update({key: value for key, value in kwargs.items() if key in MANY_RELATION_KWARGS})
        return PrefetchedManyRelatedField(**list_kwargs)

    def use_pk_only_optimization(self):
        return False

    def __deepcopy__(self, memo):
        # DRF copies every declared field for each serializer instance, deep-copying its arguments; a QuerySet's
        # deep copy clones its whole Query, which made building a damage report's serializer cost milliseconds per
        # request. The queryset is only ever read through get_queryset(), which takes a fresh .all() of it.
        kwargs = {
            key: value if key in ("queryset", "validators") else copy.deepcopy(value, memo)
            for key, value in self._kwargs.items()
        }
        return self.__class__(*self._args, **kwargs)

    def to_representation(self, value):
        # One brief serializer per field, reused for every row: building a ModelSerializer's fields per value (as
        # `brief_serializer(value).data` does) cost more than everything else on a list page.
        brief = self.__dict__.get("_brief")
        if brief is None:
            brief = self._brief = self.brief_serializer(context=self.context)
        return brief.to_representation(value)

    def to_internal_value(self, data):
        queryset = self.get_queryset()
        if isinstance(data, dict):
            data = data.get("id", data.get("slug"))
        has_slug = any(field.name == "slug" for field in queryset.model._meta.get_fields())
        if isinstance(data, int) and not isinstance(data, bool):
            lookup_name = "id"
            lookup = {"pk": data} if 0 < data <= MAX_PK else None
        elif isinstance(data, str) and data.isascii() and data.isdigit():  # "³".isdigit() is true, int("³") fails
            lookup_name = "id"
            lookup = {"pk": int(data)} if 0 < int(data) <= MAX_PK else None
        elif isinstance(data, str) and has_slug:
            if not SLUG.fullmatch(data):  # nothing else can be a slug; and PostgreSQL cannot compare a NUL
                self.fail("invalid_slug", value=data)
            lookup_name = "slug"
            lookup = {"slug": data}
        else:
            self.fail("incorrect_type", data_type=type(data).__name__)
        try:
            if lookup is None:
                raise ObjectDoesNotExist
            return queryset.get(**lookup)
        except ObjectDoesNotExist:
            self.fail("does_not_exist", lookup=lookup_name, value=data)

    def get_choices(self, cutoff=None):
        # The base class keys choices by to_representation(), a dict here, which is not hashable.
        queryset = self.get_queryset()
        if queryset is None:
            return {}
        if cutoff is not None:
            queryset = queryset[:cutoff]
        return {item.pk: self.display_value(item) for item in queryset}


class UncertainDateField(serializers.Field):
    """
    An EDTF date with its derived bounds: `{"edtf": "2015-05~/2016-03-27", "earliest": "2015-05-01", ...}`.

    Reads the model's EDTF text field and its two bound columns (named in the model's `edtf_fields`); writes accept the
    EDTF string alone (or `{"edtf": ...}`): the bounds are always derived from it, never taken from the client.
    """

    csv_subfields = ["edtf", "earliest", "latest"]

    def __init__(self, text_field, **kwargs):
        self.text_field = text_field
        kwargs["source"] = "*"
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)

    def value_columns(self, model):
        """The columns the value is read from (see reading.py): the EDTF text and its two bounds."""
        return [self.text_field, *model.edtf_fields[self.text_field]]

    def to_representation(self, instance):
        return self.from_values(*(getattr(instance, column) for column in self.value_columns(type(instance))))

    @staticmethod
    def from_values(text, earliest, latest):
        return {
            "edtf": text,
            "earliest": earliest.isoformat() if earliest else None,
            "latest": latest.isoformat() if latest else None,
        }

    def to_internal_value(self, data):
        if isinstance(data, dict):
            data = data.get("edtf")
        if data is None:
            data = ""
        if not isinstance(data, str):
            raise serializers.ValidationError("Expected an EDTF string such as 2015-05~/2016-03-27.")
        data = data.strip()
        validate_edtf(data)
        return {self.text_field: data}


class QuantityField(serializers.Field):
    """
    A reported number with its qualifier and unit: `{"value": 500, "qualifier": "approximately", "unit": "sorties"}`,
    or null when none was reported. Stored in the model's `quantity`, `quantity_qualifier` and `quantity_unit`.
    """

    csv_subfields = ["value", "qualifier", "unit"]

    def __init__(self, **kwargs):
        kwargs["source"] = "*"
        kwargs.setdefault("required", False)
        kwargs.setdefault("allow_null", True)
        super().__init__(**kwargs)

    def validate_empty_values(self, data):
        # With source="*" a null must still reach to_internal_value, which turns it into three empty columns.
        if data is None:
            return (False, None)
        return super().validate_empty_values(data)

    def value_columns(self, model):
        """The columns the value is read from (see reading.py)."""
        return ["quantity", "quantity_qualifier", "quantity_unit"]

    def to_representation(self, instance):
        return self.from_values(instance.quantity, instance.quantity_qualifier, instance.quantity_unit)

    @staticmethod
    def from_values(value, qualifier, unit):
        if value is None:
            return None
        return {"value": value, "qualifier": qualifier, "unit": unit}

    def to_internal_value(self, data):
        if data is None:
            return {"quantity": None, "quantity_qualifier": "", "quantity_unit": ""}
        if not isinstance(data, dict):
            raise serializers.ValidationError('Expected {"value": ..., "qualifier": ..., "unit": ...} or null.')
        errors = {}
        parts = {
            "value": serializers.IntegerField(min_value=0, max_value=2**31 - 1),
            "qualifier": serializers.ChoiceField(choices=Qualifier.choices),
            "unit": serializers.ChoiceField(choices=QuantityUnit.choices),
        }
        values = {}
        for key, field in parts.items():
            try:
                values[key] = field.run_validation(data.get(key, serializers.empty))
            except serializers.ValidationError as exc:
                errors[key] = exc.detail
        if errors:
            raise serializers.ValidationError(errors)
        return {
            "quantity": values["value"],
            "quantity_qualifier": values["qualifier"],
            "quantity_unit": values["unit"],
        }


@extend_schema_field(OpenApiTypes.STR)
class DerivedField(serializers.Field):
    """
    A read-only text computed from columns of the record, as `function(*values)`: `columns` are model field paths,
    through foreign keys with `__` (`site__name`). Declaring the columns lets a list read the value from `.values()`
    rows (reading.py) as well as from a record.
    """

    def __init__(self, function, columns, **kwargs):
        self.function = function
        self.columns = columns
        kwargs["source"] = "*"
        kwargs["read_only"] = True
        super().__init__(**kwargs)

    def value_columns(self, model):
        return self.columns

    def from_values(self, *values):
        return self.function(*values)

    def to_representation(self, instance):
        values = []
        for path in self.columns:
            value = instance
            for name in path.split("__"):
                value = None if value is None else getattr(value, name)
            values.append(value)
        return self.function(*values)
