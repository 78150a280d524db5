"""
The base of every resource's serializer: writes checked by the model's own validation, and the record's brief form.

Writes are checked exactly as the admin checks them: `RecordSerializer.validate()` builds the model instance and calls
`full_clean()`, so EDTF parsing, the model's `clean()` (a structure of the report's own site, a quote found in its
source) and every named constraint apply, and their messages come back as a 400 keyed by field.

Brief form, in NetBox's manner: a serializer lists `Meta.brief_fields`, and `Serializer(brief=True)` has only those
(id, url, slug, name...). Other records nest a related record in that form (`BriefRelatedField`), so a record has
one serializer, not a parallel brief class; each registers itself as its model's (`fields.BRIEF_SERIALIZERS`).
"""

import copy

from django.core.exceptions import ValidationError as DjangoValidationError
from django_countries import countries
from rest_framework import serializers

from ...models import Citation
from ..fast.serializers import PlannedRepresentationMixin
from .exceptions import as_field_errors
from .fields import BRIEF_SERIALIZERS, BriefRelatedField
from .nested import NestedWritesMixin
from .strict import StrictWritesMixin


class CountryCodeField(serializers.ChoiceField):
    """A django-countries field as its ISO code ("" when none): the Country object itself is not JSON."""

    def to_representation(self, value):
        return getattr(value, "code", value) or ""


def country_field(**kwargs):
    return CountryCodeField(choices=list(countries), help_text="ISO 3166-1 alpha-2 country code, e.g. SY.", **kwargs)


class RecordSerializer(StrictWritesMixin, NestedWritesMixin, PlannedRepresentationMixin, serializers.ModelSerializer):
    """
    A record's serializer (see the module docstring): its full form, or with `brief=True` its `Meta.brief_fields`.

    Writes are strict (strict.py: an unknown key or a changed read-only value is a 400) and take nested lists
    (nested.py). Override `prepare_instance()` to fill in what the model derives before it is checked, and
    `derived_attrs()` to carry what validation worked out back into the data that is saved.
    """

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        meta = getattr(cls, "Meta", None)
        if meta is not None and "brief_fields" in vars(meta):  # declared here, not inherited from a parent's Meta
            BRIEF_SERIALIZERS[meta.model] = cls

    def __init__(self, *args, brief=False, **kwargs):
        self.brief = brief
        super().__init__(*args, **kwargs)

    def get_field_names(self, declared_fields, info):
        names = super().get_field_names(declared_fields, info)
        return list(self.Meta.brief_fields) if self.brief else names

    def get_fields(self):
        if not self.brief:
            return super().get_fields()
        # Only the brief form's declared fields are built (the full form's nested lists would be built for nothing).
        brief_fields = self.Meta.brief_fields
        self._declared_fields = {name: field for name, field in self._declared_fields.items() if name in brief_fields}
        try:
            return super().get_fields()
        finally:
            del self._declared_fields  # the class's again

    def validate(self, attrs):
        attrs = super().validate(attrs)
        nested = self.pop_nested(attrs)
        model = self.Meta.model
        many_to_many = {field.name for field in model._meta.many_to_many}
        plain = {name: value for name, value in attrs.items() if name not in many_to_many}
        if self.instance is None:
            instance = model(**plain)
        else:
            # A copy, so that a rejected PATCH leaves the record the view holds untouched.
            instance = copy.copy(self.instance)
            for name, value in plain.items():
                setattr(instance, name, value)
        errors = {}
        try:
            self.prepare_instance(instance)
            instance.full_clean()
            if "citations" in attrs:
                instance.clean_citations(attrs["citations"])
        except DjangoValidationError as exc:
            errors = as_field_errors(exc)
        # The nested lists are checked even when the record is not, so that one answer names every problem.
        errors.update(self.validate_nested(instance, nested))
        if errors:
            raise serializers.ValidationError(errors)
        return self.derived_attrs(attrs, instance)

    def prepare_instance(self, instance):
        """Hook: complete the unsaved instance before full_clean() (raise Django's ValidationError if impossible)."""

    def derived_attrs(self, attrs, instance):
        """Hook: return the attrs to save, given the instance that passed full_clean()."""
        return attrs


def citations_field():
    return BriefRelatedField(
        queryset=Citation.objects.select_related("source", "attributed_to"),
        many=True,
        required=False,
        help_text="The passages of sources that support this record (write: a list of citation ids).",
    )
