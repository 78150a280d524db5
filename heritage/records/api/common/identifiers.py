"""
External identifiers in the API: the `identifiers` list of sites, actors and periods, `{"scheme": "pleiades",
"value": "668331", "url": "https://pleiades.stoa.org/places/668331", "citations": [...]}`, written with the record
(nested.py: items matched by scheme and value, checked by the model's `value_errors`).

A value identifies one record: an item that another record already holds is refused, naming that record where the
user may see it ("pleiades:668331 already identifies the site “Palmyra” (palmyra)."), else saying only that it is
taken. A sensitive site's identifiers lead to its exact location, so they are shown as an empty list to those who
may not see it (`SiteIdentifier.shown_with`), who cannot change them either.

The lists filter by them: `identifier=pleiades:668331`, repeatable (any of several), looked up in the identifiers'
unique (scheme, value) index, among the identifiers the user may see (`visible_to`).
"""

import django_filters
from django import forms
from django.db.models import Q
from rest_framework import serializers
from rest_framework.fields import SkipField, empty

from ...choices import IdentifierScheme
from ...models.identifiers import parse_identifier
from .fields import DerivedField
from .filters import DescribedSchemaMixin
from .nested import NestedItemSerializer
from .serializers import citations_field

HIDDEN = "This site's identifiers are hidden from you (they lead to its exact location), so you cannot change them."


def _user(serializer):
    return getattr(serializer.context.get("request"), "user", None)


def _record_of(list_serializer):
    """The record whose list this is, when one is being changed (None on a create, or for several records)."""
    instance = getattr(list_serializer.parent, "instance", None)
    return None if isinstance(instance, list | tuple) else instance


class IdentifierListSerializer(serializers.ListSerializer):
    """A record's identifiers: empty for a user who may not see them, and then not writable by that user."""

    # What it hides is what the model's visible_to(user) hides (`shown_with`): the fast path reads the rows through
    # visible_to instead (fast/rows.py).
    rows_visible_to = True

    def get_attribute(self, instance):
        if not self.child.Meta.model.shown_with(instance, _user(self)):
            return []
        return super().get_attribute(instance)

    def run_validation(self, data=empty):
        record = _record_of(self)
        if record is not None and not self.child.Meta.model.shown_with(record, _user(self)):
            if data is empty or data == []:
                raise SkipField  # the empty list the user was shown, sent back: nothing changes
            raise serializers.ValidationError(HIDDEN)
        return super().run_validation(data)


class IdentifierURLField(DerivedField):
    """The identified record's address in its register, by the identifier model's `link` (each has its own)."""

    def __init__(self, **kwargs):
        super().__init__(self.link, ["scheme", "value"], **kwargs)

    def link(self, scheme, value):
        return self.parent.Meta.model.link(scheme, value)


class IdentifierSerializer(NestedItemSerializer):
    """An identifier of the record in another register. Subclasses name the model (`Meta.model`)."""

    scheme = serializers.ChoiceField(choices=IdentifierScheme.choices, help_text="The register.")
    url = IdentifierURLField(
        allow_null=True,
        help_text="The record in its register (read-only); null where the register has no address for it (EAMENA).",
    )
    citations = citations_field()

    class Meta:
        fields = ["scheme", "value", "url", "citations"]
        list_serializer_class = IdentifierListSerializer
        # Not DRF's check of (scheme, value) against the table, which would refuse the record's own identifiers sent
        # back: validate() names the record that holds one, and nested.py refuses one given twice in the list.
        validators = []

    def validate(self, attrs):
        attrs = super().validate(attrs)
        scheme, value = attrs.get("scheme"), attrs.get("value")
        if scheme and value:
            taken = self.Meta.model.taken_message(scheme, value, _record_of(self.parent), _user(self))
            if taken:
                raise serializers.ValidationError({"value": [taken]})
        return attrs


def identifiers_field(serializer_class):
    """The `identifiers` list of a record's serializer, with the schemes its model accepts."""
    model = serializer_class.Meta.model
    schemes = ", ".join(IdentifierScheme(scheme).value for scheme in model.schemes)
    return serializer_class(
        many=True,
        required=False,
        help_text=f"Identifiers in other registers (schemes: {schemes}); each identifies one record here.",
    )


# --- The filter ---------------------------------------------------------------------------------------------------


class IdentifierListField(forms.MultipleChoiceField):
    """Any number of identifiers as scheme:value (`pleiades:668331`), cleaned to (scheme, value) pairs."""

    def valid_value(self, value):
        try:
            parse_identifier(value)
        except ValueError as exc:
            raise forms.ValidationError("%(value)r: %(reason)s", params={"value": value, "reason": exc}) from None
        return True

    def clean(self, value):
        return [parse_identifier(text) for text in super().clean(value)]


class IdentifierFilter(DescribedSchemaMixin, django_filters.MultipleChoiceFilter):
    """`identifier=scheme:value`: the records identified so (see the module docstring)."""

    openapi_schema = {
        "type": "string",
        "pattern": f"^({'|'.join(IdentifierScheme.values)}):.+$",
        "example": "pleiades:668331",
    }
    field_class = IdentifierListField

    def __init__(self, **kwargs):
        kwargs.setdefault("distinct", False)
        kwargs.setdefault(
            "help_text",
            "An identifier in another register, as scheme:value (e.g. pleiades:668331, wikidata:Q5747); repeat for "
            "any of several.",
        )
        super().__init__(**kwargs)

    def filter(self, qs, value):
        if not value:
            return qs
        identifiers = qs.model._meta.get_field("identifiers").related_model
        wanted = Q()
        for scheme, text in value:
            wanted |= Q(scheme=scheme, value=text)
        # The records' ids first, through the (scheme, value) index, then the records by primary key. Asked in one
        # query (a subquery, an EXISTS, a join), the planners of SQLite or PostgreSQL read a whole table instead, or
        # needed a DISTINCT; one more query per request, whatever the number of rows.
        owners = identifiers.objects.visible_to(self.parent.user).filter(wanted).order_by()
        owners = owners.values_list(identifiers.owner_field)
        return qs.filter(pk__in=[owner for (owner,) in owners])
