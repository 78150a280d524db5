"""
The `filters` piece of the fast path: django-filter's filter sets, built once per class instead of per request.

For every request django-filter deep-copies a filter set's filters (choices, labels and querysets included) to
set itself as their parent, builds a form class with a field per filter, and Django deep-copies that form's fields
(widgets and their choices included). None of it depends on the request, as long as no filter takes its queryset or
its choices from the request (a test checks that every filter set keeps to this: tests/api/test_fast_path.py).
So, on the fast path:

- `CopiedShallowly`: the filters are copied shallowly, each method re-bound to its copy;
- `FilterSetCopyMixin.get_form_class`: the form class is built once per filter set class, and its forms share the
  fields' widgets (`FieldsSharingWidgets`), each still with its own copy of each field;
- `EmptyAsListMixin`: an absent foreign-key filter cleans to [] rather than Django's `queryset.none()`, whose truth
  django-filter tests, which for a QuerySet means building an empty query, once per filter per request;
- `ChoiceKeysMixin`: a choice filter's values are checked against a set of its choices' keys, made with the field,
  where Django walks the choices for each value and django-filter first normalises every one of them again (about
  half a millisecond a request for the 250 countries).

These rely on how django-filter and Django copy filters and form fields (their `__deepcopy__` protocols).
"""

import copy

from . import enabled


class EmptyAsListMixin:
    """For a model-choice form field of a filter: an absent value cleans to [] on the fast path."""

    def clean(self, value):
        if enabled("filters") and not self.required and not value:
            return []
        return super().clean(value)


class ChoiceKeysMixin:
    """For a choice form field of a filter: a value is valid if it is one of the choices' keys (a set lookup)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The keys as Django's valid_value() compares them (their text), option groups' included.
        self.choice_keys = frozenset(
            str(key)
            for choice, label in self.choices
            for key in ([option for option, _ in label] if isinstance(label, (list, tuple)) else [choice])
        )

    def valid_value(self, value):
        if enabled("filters"):
            return str(value) in self.choice_keys
        return super().valid_value(value)


class CopiedShallowly(dict):
    """A filter set's `base_filters`, copied shallowly for each instance on the fast path."""

    def __deepcopy__(self, memo):
        if not enabled("filters"):
            return {name: copy.deepcopy(filter_, memo) for name, filter_ in self.items()}
        copies = {}
        for name, filter_ in self.items():
            clone = copies[name] = copy.copy(filter_)
            if clone.method is not None:
                clone.method = filter_.method  # re-binds django-filter's FilterMethod to the copy (and its parent)
        return copies


class FieldsSharingWidgets(dict):
    """A filter form's `base_fields`: each form gets its own copy of each field, sharing the widget."""

    def __deepcopy__(self, memo):
        if not enabled("filters"):
            return {name: copy.deepcopy(field, memo) for name, field in self.items()}
        copies = {}
        for name, field in self.items():
            clone = copies[name] = copy.copy(field)
            clone.error_messages = field.error_messages.copy()
            clone.validators = field.validators[:]
        return copies


class FilterSetCopyMixin:
    """For a FilterSet: shallow copies of its filters and one form class, on the fast path."""

    @classmethod
    def get_filters(cls):
        return CopiedShallowly(super().get_filters())

    def get_form_class(self):
        if not enabled("filters"):
            return super().get_form_class()
        form_class = type(self).__dict__.get("_form_class")
        if form_class is None:
            form_class = super().get_form_class()
            form_class.base_fields = FieldsSharingWidgets(form_class.base_fields)
            type(self)._form_class = form_class
        return form_class
