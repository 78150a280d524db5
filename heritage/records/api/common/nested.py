"""
Nested lists written with their record: a site's names, designations and periods, an event's participants and
figures, the external identifiers of sites, actors and periods, in the same POST, PUT or PATCH, in one transaction.

A list in the body replaces the record's list; a list left out leaves it as it is. Items are matched to the rows the
record has by the item's natural key, the fields that the model's unique constraint puts beside the record (a name
by its `name`, a designation by `kind` and `valid_from`, a period by `period`, a participant by `actor` and `role`, a
figure by `measure`), or, where that constraint holds across all records, its fields (an external identifier by
`scheme` and `value`): a matched row is updated in place (it keeps its id, its history, and its citations unless the
item gives `citations`), an item that matches nothing is a new row, and the rows no item matches are deleted. So a
record's JSON, PUT back as read, changes nothing.

Each item is checked as the admin's inline checks it: the model's `full_clean()` (vocabularies, EDTF dates, check
constraints, `clean()`) with the record as its parent, and, since the list replaces the record's whole list, the
unique constraint within the list. Errors come back under the list, by the position of each refused item (from 0),
as DRF gives a list's errors (`LIST_SERIALIZER_ERRORS_AS_DICT`) and as batches do: `{"names": {"1": {"language":
["..."]}}}`, that is `names[1].language`. Nothing is written unless the record and every item are valid.
"""

import copy

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import models, transaction
from rest_framework import serializers
from rest_framework.settings import api_settings

from .exceptions import as_field_errors
from .strict import StrictWritesMixin


class NestedItemSerializer(StrictWritesMixin, serializers.ModelSerializer):
    """An item of a record's nested list (see the module docstring). Its `Meta.fields` are what is read and written."""

    def shown_representation(self, attrs):
        # An item has no instance of its own here: what it would show is what the values sent beside it make.
        model = self.Meta.model
        columns = {field.name for field in model._meta.concrete_fields}
        return self.to_representation(model(**{name: value for name, value in attrs.items() if name in columns}))


def nested_list_fields(serializer):
    """The serializer's writable nested lists: {field name: ListSerializer of NestedItemSerializer}."""
    return {
        name: field
        for name, field in serializer.fields.items()
        if isinstance(field, serializers.ListSerializer)
        and isinstance(field.child, NestedItemSerializer)
        and not field.read_only
    }


class NestedList:
    """One nested list of a record: its rows' model, the key pointing at the record, and how items are matched."""

    def __init__(self, record_model, field):
        self.name = field.field_name
        relation = record_model._meta.get_field(field.source)  # the reverse side of the item's foreign key
        self.source = field.source
        self.model = relation.related_model
        self.parent_key = relation.field.name
        self.natural_key, self.duplicate_message = self._natural_key()

    def _natural_key(self):
        unique = [c for c in self.model._meta.constraints if isinstance(c, models.UniqueConstraint) and c.fields]
        for constraint in unique:
            if self.parent_key in constraint.fields:
                key = [name for name in constraint.fields if name != self.parent_key]
                return key, constraint.violation_error_message
        # A key unique across all records (an external identifier's scheme and value) is unique within one too.
        if unique:
            return list(unique[0].fields), unique[0].violation_error_message
        raise LookupError(f"{self.model.__name__} has no unique constraint to match items by.")

    def key_of(self, row):
        values = []
        for name in self.natural_key:
            field = self.model._meta.get_field(name)
            value = getattr(row, field.attname)
            if value is None or (value == "" and not field.blank):
                return None  # incomplete: the item matches no row (full_clean will say what is missing)
            values.append(value)
        return tuple(values)

    def plan(self, record, items):
        """
        The rows to save for `items` (validated data) under `record` (saved or not), as [(row, citations or None,
        whether it is new or changed)], and the errors of refused items as {position: errors}.
        """
        existing = {}
        if record.pk is not None:
            existing = {self.key_of(row): row for row in getattr(record, self.source).all()}
        rows, errors, seen = [], {}, {}
        for position, attrs in enumerate(items):
            citations = attrs.pop("citations", None)
            candidate = self.model(**attrs)
            matched = existing.get(self.key_of(candidate))
            row = copy.copy(matched) if matched is not None else candidate
            if matched is not None:
                for name, value in attrs.items():
                    setattr(row, name, value)
            setattr(row, self.parent_key, record)
            try:
                # The record may not be saved yet: its key is checked with the record, the rest here.
                row.full_clean(exclude=[self.parent_key])
                if citations is not None:
                    row.clean_citations(citations)
            except DjangoValidationError as exc:
                errors[position] = as_field_errors(exc)
            key = self.key_of(row)
            if key is not None and key in seen and position not in errors:
                where = self.natural_key[0] if len(self.natural_key) == 1 else api_settings.NON_FIELD_ERRORS_KEY
                errors[position] = {where: [f"{self.duplicate_message} (item {seen[key]} has the same.)"]}
            seen.setdefault(key, position)
            rows.append((row, citations, matched is None or self._changed(matched, row)))
        return rows, errors

    def _changed(self, before, after):
        return any(
            getattr(before, field.attname) != getattr(after, field.attname)
            for field in self.model._meta.concrete_fields
        )

    def save(self, record, rows):
        """
        Replace the record's rows with `rows` (from plan()): delete the unmatched, then update the changed and create
        the new. A row sent back as it was is not saved again (no new version, nothing in its history).
        """
        keep = [row.pk for row, _, _ in rows if row.pk is not None]
        for gone in getattr(record, self.source).exclude(pk__in=keep):
            gone.delete()  # one by one, so that each deletion is in the row's history
        for row, citations, changed in rows:
            setattr(row, self.parent_key, record)
            if changed:
                row.save()
            if citations is not None:
                row.citations.set(citations)  # adds and removes only the difference


class NestedWritesMixin:
    """For a RecordSerializer: validate its nested lists with the record (`validate_nested`) and save them with it."""

    def pop_nested(self, attrs):
        """Take the nested lists out of the validated data: {NestedList: items} for those the request gave."""
        model = self.Meta.model
        return {
            NestedList(model, field): attrs.pop(field.source)
            for field in nested_list_fields(self).values()
            if field.source in attrs
        }

    def validate_nested(self, record, nested):
        """Check each list's items under `record` (the unsaved record as it will be); {list name: errors} if any."""
        self._nested_rows = {}
        errors = {}
        for nested_list, items in nested.items():
            rows, item_errors = nested_list.plan(record, items)
            if item_errors:
                errors[nested_list.name] = item_errors
            self._nested_rows[nested_list] = rows
        return errors

    def save_nested(self, record):
        for nested_list, rows in getattr(self, "_nested_rows", {}).items():
            nested_list.save(record, rows)
        # The record's prefetched lists are stale now: its representation reads them again.
        getattr(record, "_prefetched_objects_cache", {}).clear()

    def create(self, validated_data):
        with transaction.atomic():
            record = super().create(validated_data)
            self.save_nested(record)
        return record

    def update(self, instance, validated_data):
        with transaction.atomic():
            record = super().update(instance, validated_data)
            self.save_nested(record)
        return record
