"""
Serializer fields for the record's recurring shapes: related records in brief, record addresses, uncertain dates,
quantities, values computed from columns.

Each field that renders as an object says which keys it has (`csv_subfields`), so that the CSV export can give it one
flat column per key (`site.slug`, `occurred.earliest`) whatever the row holds. A field computed from several columns
of the record declares them (`value_columns()`) and computes its value from them (`from_values()`): that is its one
definition, which `to_representation()` applies to a record and the fast path to a row.
"""

import re
from importlib import import_module

from django.core.exceptions import ObjectDoesNotExist
from django.core.exceptions import ValidationError as DjangoValidationError
from django.urls import reverse as django_reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.fields import get_error_detail
from rest_framework.relations import MANY_RELATION_KWARGS

from ...choices import Qualifier
from ...dates import parse_edtf_bounds, validate_edtf
from ...models import QuantityUnit
from ...models.base import MAX_QUANTITY, quantity_errors
from ..fast.serializers import PrefetchedManyMixin, ReusedBriefMixin, TemplateURLMixin

# The largest primary key the database stores (BigAutoField); larger numbers cannot name a record.
MAX_PK = 2**63 - 1
SLUG = re.compile(r"[-a-zA-Z0-9_]+")

# The serializer of each model's records, which also gives their brief form (RecordSerializer registers itself).
BRIEF_SERIALIZERS = {}


def brief_serializer_class(model):
    if model not in BRIEF_SERIALIZERS:
        # A topic's module may be used before the others are imported (a script, a test): the API's routes import
        # every topic, and with them every serializer.
        import_module("heritage.records.api.urls")
    try:
        return BRIEF_SERIALIZERS[model]
    except KeyError:
        raise LookupError(f"No serializer gives the brief form of {model.__name__} records.") from None


class RecordURLFieldBase(serializers.HyperlinkedIdentityField):
    """
    The record's own API address (`url`), always the plain one: DRF's reverse() would carry the request's
    `?format=` over, which would make every link in a CSV or GeoJSON export point at that format.
    """

    def to_representation(self, value):
        lookup = getattr(value, self.lookup_field)
        if lookup in (None, ""):  # an unsaved record has no address yet
            return None
        path = django_reverse(self.view_name, kwargs={self.lookup_url_kwarg: lookup})
        request = self.context.get("request")
        return request.build_absolute_uri(path) if request is not None else path


class RecordURLField(TemplateURLMixin, RecordURLFieldBase):
    """The record's address (from a template made once per request, on the fast path)."""


def api_url(basename, lookup_field="slug"):
    return RecordURLField(view_name=f"api:{basename}-detail", lookup_field=lookup_field)


class PrefetchedManyRelatedField(PrefetchedManyMixin, serializers.ManyRelatedField):
    """DRF's to-many field (reading the prefetch directly on the fast path), written only as a list."""

    def to_internal_value(self, data):
        # DRF's takes any iterable: an object would be read as the list of its keys ({} would clear the relation).
        if not isinstance(data, list):
            self.fail("not_a_list", input_type=type(data).__name__)
        return super().to_internal_value(data)


class BriefRelatedFieldBase(serializers.RelatedField):
    """
    A related record, written as its id (or slug, where it has one) and read as its brief form: the related model's
    serializer with only its `Meta.brief_fields` (id, url, slug, name...).

    Writing accepts an integer id, a slug string, or an object with "id" or "slug" (so a client can send back what it
    read): the object may hold only the brief form's keys, and an id and a slug in it must name the same record.
    `model` names the related model where there is no queryset (a read-only field).
    """

    default_error_messages = {
        "does_not_exist": "No record with {lookup} {value!r}.",
        "incorrect_type": "Expected an id (integer), a slug (string) or an object with one of them, not {data_type}.",
        "invalid_slug": "{value!r} is not a slug (letters, digits, hyphens, underscores).",
        "not_in_summary": "Not a part of the related record's summary ({fields}): {keys}.",
        "id_and_slug_differ": "The id {id} and the slug {slug!r} name different records (id {id} is {actual!r}).",
    }

    def __init__(self, model=None, **kwargs):
        self.model = model if model is not None else kwargs["queryset"].model
        # A text box in the browsable API: a drop-down would load every record of the table.
        kwargs.setdefault("style", {"base_template": "input.html"})
        super().__init__(**kwargs)

    @property
    def brief_serializer(self):
        return brief_serializer_class(self.model)

    def make_brief(self):
        """A serializer of the related model in its brief form, in this field's context."""
        return self.brief_serializer(brief=True, context=self.context)

    @property
    def csv_subfields(self):
        return [name for name in self.brief_serializer.Meta.brief_fields if name != "url"]

    @classmethod
    def many_init(cls, *args, **kwargs):
        # DRF's many_init, with the list field that can read the prefetch cache.
        list_kwargs = {"child_relation": cls(*args, **kwargs)}
        list_kwargs.update({key: value for key, value in kwargs.items() if key in MANY_RELATION_KWARGS})
        return PrefetchedManyRelatedField(**list_kwargs)

    def use_pk_only_optimization(self):
        return False

    def to_representation(self, value):
        return self.make_brief().to_representation(value)

    def to_internal_value(self, data):
        if isinstance(data, dict):
            return self.summary_to_internal_value(data)
        return self.lookup(data)

    def summary_to_internal_value(self, data):
        """The record a summary (as read) names, by its id or slug; each of its keys is read, none ignored."""
        fields = self.brief_serializer.Meta.brief_fields
        unknown = [key for key in data if key not in fields]
        if unknown:
            self.fail("not_in_summary", fields=", ".join(fields), keys=", ".join(map(repr, unknown)))
        if "id" not in data and "slug" not in data:
            self.fail("incorrect_type", data_type="dict")
        record = self.lookup(data["id"] if "id" in data else data["slug"])
        if "id" in data and "slug" in data and record.slug != data["slug"]:
            # Either could be the one meant: writing the id's record would ignore the slug.
            self.fail("id_and_slug_differ", id=data["id"], slug=data["slug"], actual=record.slug)
        return record

    def lookup(self, data):
        queryset = self.get_queryset()
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


class BriefRelatedField(ReusedBriefMixin, BriefRelatedFieldBase):
    """A related record in brief (one brief serializer per field, on the fast path)."""


class BriefTermField(BriefRelatedField):
    """
    A term of a managed vocabulary in brief (a damage report's `cause`): as TermField, a retired term stays on the
    records that have it but cannot be newly chosen.
    """

    def to_internal_value(self, data):
        term = super().to_internal_value(data)
        record = record_being_changed(self)
        if term.retired_refusal():
            key = None if record is None else record._meta.get_field(self.source)
            if key is None or getattr(record, key.attname) != key.target_field.value_from_object(term):
                raise serializers.ValidationError(term.retired_refusal(), code="retired")
        return term


def record_being_changed(field):
    """The record `field`'s serializer is changing: None for a new record (or several at once)."""
    serializer = field.parent
    while serializer is not None and not isinstance(serializer, serializers.BaseSerializer):
        serializer = serializer.parent
    instance = getattr(serializer, "instance", None)
    return None if isinstance(instance, list | tuple) else instance


class ComputedField(serializers.Field):
    """A read value computed from columns of the record (see the module docstring): subclasses give both parts."""

    def value_columns(self, model):
        raise NotImplementedError

    def from_values(self, *values):
        raise NotImplementedError

    def to_representation(self, instance):
        values = []
        for path in self.value_columns(type(instance)):
            value = instance
            for name in path.split("__"):
                value = None if value is None else getattr(value, name)
            values.append(value)
        return self.from_values(*values)


class UncertainDateField(ComputedField):
    """
    An EDTF date with its derived bounds: `{"edtf": "2015-05~/2016-03-27", "earliest": "2015-05-01", ...}`.

    Reads the model's EDTF text field and its two bound columns (named in the model's `edtf_fields`); writes accept the
    EDTF string alone, or the object with `edtf`: the bounds are always derived from it, never taken from the client.
    The object may carry them back as read (a PUT of what a GET returned); bounds that differ, a missing `edtf` or any
    other key are refused under their key, as a quantity's are.
    """

    csv_subfields = ["edtf", "earliest", "latest"]
    unknown_key_message = "Not a part of a date (edtf, earliest, latest)."
    bounds_message = "Derived from edtf by the server: send it back as read, or leave it out."

    def __init__(self, text_field, **kwargs):
        self.text_field = text_field
        kwargs["source"] = "*"
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)

    def value_columns(self, model):
        return [self.text_field, *model.edtf_fields[self.text_field]]

    def from_values(self, text, earliest, latest):
        return {
            "edtf": text,
            "earliest": earliest.isoformat() if earliest else None,
            "latest": latest.isoformat() if latest else None,
        }

    def to_internal_value(self, data):
        if isinstance(data, dict):
            return self.object_to_internal_value(data)
        return {self.text_field: self.edtf_text(data)}

    def edtf_text(self, data):
        if data is None:
            data = ""
        if not isinstance(data, str):
            raise serializers.ValidationError("Expected an EDTF string such as 2015-05~/2016-03-27.")
        data = data.strip()
        validate_edtf(data)
        return data

    def object_to_internal_value(self, data):
        errors = {key: [self.unknown_key_message] for key in data if key not in self.csv_subfields}
        if "edtf" not in data:
            # Read as empty, a mistyped key would erase the date.
            errors["edtf"] = [serializers.Field.default_error_messages["required"]]
        else:
            try:
                text = self.edtf_text(data["edtf"])
            except (serializers.ValidationError, DjangoValidationError) as exc:
                errors["edtf"] = get_error_detail(exc) if isinstance(exc, DjangoValidationError) else exc.detail
        if "edtf" not in errors:
            shown = [self.from_values(text, *(parse_edtf_bounds(text) if text else (None, None)))]
            instance = getattr(self.parent, "instance", None)
            if self.text_field in getattr(type(instance), "edtf_fields", {}):
                # Bounds that do not come from the text alone (a report dated by its occupation) are as read too.
                current = self.to_representation(instance)
                if current["edtf"] == text:
                    shown.append(current)
            for key in ("earliest", "latest"):
                if key in data and all(data[key] != value[key] for value in shown):
                    errors[key] = [self.bounds_message]
        if errors:
            raise serializers.ValidationError(errors)
        return {self.text_field: text}


class QuantityField(ComputedField):
    """
    A reported number as its bounds, qualifier and unit: `{"min": 30, "max": 40, "qualifier": "between", "unit":
    "people"}`; "around 500" is `{"min": 500, "max": 500, "qualifier": "approximately", ...}`; null when none was
    reported. Stored in the model's quantity columns, whose docstring gives the rule for the bounds (QuantityModel).

    A write gives the object whole (a missing or null bound is an open end) or null; the bounds are checked against
    each other and the qualifier as the model checks them, with each error under its key.
    """

    csv_subfields = ["min", "max", "qualifier", "unit"]
    columns = {"min": "quantity_min", "max": "quantity_max", "qualifier": "quantity_qualifier", "unit": "quantity_unit"}

    def __init__(self, **kwargs):
        kwargs["source"] = "*"
        kwargs.setdefault("required", False)
        kwargs.setdefault("allow_null", True)
        super().__init__(**kwargs)

    def validate_empty_values(self, data):
        # With source="*" a null must still reach to_internal_value, which turns it into empty columns.
        if data is None:
            return (False, None)
        return super().validate_empty_values(data)

    def value_columns(self, model):
        # The unit's key column, not the relation: it holds the term's slug, read without a query.
        return ["quantity_min", "quantity_max", "quantity_qualifier", "quantity_unit_id"]

    def from_values(self, low, high, qualifier, unit):
        if low is None and high is None:
            return None
        return {"min": low, "max": high, "qualifier": qualifier, "unit": unit}

    def to_internal_value(self, data):
        if data is None:
            return {"quantity_min": None, "quantity_max": None, "quantity_qualifier": "", "quantity_unit": None}
        if not isinstance(data, dict):
            raise serializers.ValidationError(
                'Expected {"min": ..., "max": ..., "qualifier": ..., "unit": ...} or null.'
            )
        bound = {"min_value": 0, "max_value": MAX_QUANTITY, "allow_null": True, "required": False}
        parts = {
            "min": serializers.IntegerField(**bound),
            "max": serializers.IntegerField(**bound),
            "qualifier": serializers.ChoiceField(choices=Qualifier.choices),
            "unit": TermField(
                queryset=QuantityUnit.objects.all(),
                attname="quantity_unit_id",
                # DRF reads a related field's "" as null: not "may not be null" for a unit left empty.
                error_messages={"null": "A quantity needs its unit (a quantity unit's slug, such as people)."},
            ),
        }
        errors = {key: ["Not a part of a quantity (min, max, qualifier, unit)."] for key in data if key not in parts}
        values = {}
        for key, field in parts.items():
            try:
                if key not in data and field.required:
                    # Checked here: bound to a PATCH's serializer, a part would be skipped, not required.
                    raise serializers.ValidationError(serializers.Field.default_error_messages["required"])
                field.bind(key, self)
                values[key] = field.run_validation(data.get(key, serializers.empty))
            except serializers.SkipField:
                values[key] = None
            except serializers.ValidationError as exc:
                errors[key] = exc.detail
        if not errors and values["min"] is None and values["max"] is None:
            errors["min"] = ["A quantity needs at least one bound; send null for no quantity."]
        if not errors:
            keys = {column: key for key, column in self.columns.items()}
            model_errors = quantity_errors(values["min"], values["max"], values["qualifier"])
            errors = {keys[column]: [message] for column, message in model_errors.items()}
        if errors:
            raise serializers.ValidationError(errors)
        return {column: values[key] for key, column in self.columns.items()}


@extend_schema_field(OpenApiTypes.STR)
class DerivedField(ComputedField):
    """
    A read-only text computed from columns of the record, as `function(*values)`: `columns` are model field paths,
    through foreign keys with `__` (`site__name`).
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


@extend_schema_field(OpenApiTypes.BOOL)
class DerivedBooleanField(DerivedField):
    """A read-only true or false computed from columns of the record, as `function(*values)` (see DerivedField)."""


@extend_schema_field(OpenApiTypes.BOOL)
class ItemsBooleanField(serializers.Field):
    """
    A read-only true or false computed from one of the record's nested lists: `function(items)`, each item the tuple
    of its `columns`, the items those of the reverse relation `relation` (prefetched by the record's selector).
    """

    def __init__(self, function, relation, columns, **kwargs):
        self.function = function
        self.relation = relation
        self.item_columns = columns
        kwargs["source"] = "*"
        kwargs["read_only"] = True
        super().__init__(**kwargs)

    def to_representation(self, instance):
        items = getattr(instance, self.relation).all()
        return self.function([tuple(getattr(item, name) for name in self.item_columns) for item in items])


class TermField(serializers.SlugRelatedField):
    """
    A term of a managed vocabulary (models/vocabularies.py), by its slug: `"air_campaign"`.

    The record's key holds the slug, so reading it costs no query (and the fast path reads the column). A write names
    an existing term, or is refused naming it ("Unknown event type 'x'."); a retired term stays on the records that
    have it but cannot be newly chosen.
    """

    default_error_messages = {
        "unknown": "Unknown {vocabulary} '{value}'.",
        "retired": "The {vocabulary} '{value}' is retired: choose a current one.",
        "invalid": "Expected the {vocabulary}'s slug, a string.",
    }

    def __init__(self, *, attname=None, **kwargs):
        # `attname`: the record's key column, when the field's own source is not the key (the unit of a quantity).
        self.attname = attname
        kwargs.setdefault("slug_field", "slug")
        super().__init__(**kwargs)

    @property
    def vocabulary(self):
        return self.get_queryset().model._meta.verbose_name

    def key_attname(self, model):
        return self.attname or model._meta.get_field(self.source).attname

    def get_attribute(self, instance):
        return getattr(instance, self.key_attname(type(instance)))

    def to_representation(self, value):
        return value

    def value_columns(self, model):
        return [self.key_attname(model)]

    def from_values(self, value):
        return value

    def to_internal_value(self, data):
        if not isinstance(data, str):
            self.fail("invalid", vocabulary=self.vocabulary)
        # Nothing else can be a term's slug; and PostgreSQL cannot compare a NUL.
        term = self.get_queryset().filter(slug=data).first() if SLUG.fullmatch(data) else None
        if term is None:
            self.fail("unknown", vocabulary=self.vocabulary, value=data)
        if not term.is_active and data != self.current_value():
            self.fail("retired", vocabulary=self.vocabulary, value=data)
        return term

    def current_value(self):
        """The slug the record being changed has now: None for a new record (or several at once)."""
        instance = record_being_changed(self)
        return None if instance is None else self.get_attribute(instance)
