"""
Writes that do what they say: a key in a request body that the serializer cannot write is refused, never ignored.

- A key that names no field is a 400 on that key: `{"colour": ["Unknown field."]}`.
- A read-only field (`id`, `url`, `created`, a derived value such as `in_danger`) may be sent back exactly as the
  record shows it now, so that a client can PUT back what it read; any other value is a 400 on that field: "This field
  is not writable: ...". On a create there is no record yet, so any read-only key is refused. In a nested list (a
  site's designations) "as it shows" means as the item would show with the values sent beside it.
- A field that only a workflow changes (a damage report's `status`) says so, with the workflow's address.
- A text field takes a JSON string: a number is refused ("Not a valid string."), not stored as its text. DRF would
  store `str(value)`, and a whole number past 64 bits reaches it as the float the JSON parser made of it
  (12345678901234567890123 would be stored as "1.2345678901234568e+22").

The check runs in `to_internal_value()`, so single writes, batches (each record) and nested items all get it, in JSON
and in multipart forms alike.
"""

import json
from collections.abc import Mapping

from django.http import QueryDict
from django.urls import NoReverseMatch, reverse
from rest_framework import serializers
from rest_framework.utils.encoders import JSONEncoder

UNKNOWN = "Unknown field."
NOT_TEXT = serializers.CharField.default_error_messages["invalid"]
READ_ONLY = "This field is not writable: it is set by the server. Send it back unchanged, or leave it out."
# A browsable-API form posts Django's CSRF token beside the fields; it is the form's, not the record's.
FORM_KEYS = {"csrfmiddlewaretoken"}


def _plain(value):
    """A representation as JSON would carry it (ReturnDicts, Decimals and dates compared as the client sees them)."""
    return json.loads(json.dumps(value, cls=JSONEncoder))


class StrictWritesMixin:
    """
    For a serializer: refuse unknown keys and changed read-only values (see the module docstring).

    `workflow_fields` names the fields that only a workflow action changes (the action's `url_path`, e.g.
    `{"status": "status"}`): their message gives the action's address.
    """

    workflow_fields: dict[str, str] = {}

    def to_internal_value(self, data):
        if not isinstance(data, Mapping):
            return super().to_internal_value(data)
        errors = {key: [UNKNOWN] for key in data if key not in self.fields and not self._is_form_key(data, key)}
        errors.update(self.values_not_text(data))
        try:
            attrs = super().to_internal_value(data)
        except serializers.ValidationError as exc:
            if errors and isinstance(exc.detail, Mapping):
                raise serializers.ValidationError({**exc.detail, **errors}) from exc
            raise
        errors.update(self.changed_read_only_values(data, attrs))
        if errors:
            raise serializers.ValidationError(errors)
        return attrs

    def values_not_text(self, data):
        """{field: [message]} for each writable text field sent a value that is not a string (a form's all are)."""
        if isinstance(data, QueryDict):
            return {}
        return {
            name: [NOT_TEXT]
            for name, value in data.items()
            if isinstance(self.fields.get(name), serializers.CharField)
            and not self.fields[name].read_only
            and value is not None
            and not isinstance(value, str)
        }

    def changed_read_only_values(self, data, attrs):
        """{field: [message]} for each read-only field sent with a value other than the one the record shows."""
        sent = [name for name in data if name in self.fields and self.fields[name].read_only]
        if not sent:
            return {}
        shown = self.shown_representation(attrs)
        errors = {}
        for name in sent:
            value = data[name]  # a form's value is its last one, as DRF reads it
            if shown is None or not self._same(value, shown.get(name), form=isinstance(data, QueryDict)):
                errors[name] = [self.read_only_message(name)]
        return errors

    def shown_representation(self, attrs):
        """What the record shows now (None on a create: there is nothing to send back yet)."""
        if self.instance is not None and not isinstance(self.instance, list | tuple):
            return self.to_representation(self.instance)
        return None

    def read_only_message(self, name):
        action = self.workflow_fields.get(name)
        if action is None:
            return READ_ONLY
        detail = self.fields.get("url")
        lookup = getattr(self.instance, getattr(detail, "lookup_field", "slug"), None) or "<slug>"
        try:
            address = reverse(detail.view_name, kwargs={detail.lookup_url_kwarg: "LOOKUP"})
        except (AttributeError, NoReverseMatch):
            address = "the record's address "
        address = f"{address.replace('LOOKUP', str(lookup))}{action}/"
        return f"This field is not writable here: it changes only through the workflow, POST {address}"

    @staticmethod
    def _is_form_key(data, key):
        return isinstance(data, QueryDict) and key in FORM_KEYS

    @staticmethod
    def _same(value, shown, *, form):
        shown = _plain(shown)
        if form:  # a form sends text: compare with the text of the value shown
            return value == (shown if isinstance(shown, str) else json.dumps(shown))
        return _plain(value) == shown
