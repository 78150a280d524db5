"""
The form fields that validate what the API's custom filters receive (filters.py): a value that does not parse is a
form error, which the filter backend answers as a 400 naming the parameter, never an error in a filtering method.
"""

import re
from decimal import Decimal, InvalidOperation

import django_filters
from django import forms

from ...years import parse_year
from ..fast.filters import EmptyAsListMixin
from .fields import MAX_PK

# Years the period filters accept: far wider than any period, narrow enough for any database integer.
MIN_YEAR, MAX_YEAR = -1_000_000, 1_000_000


def record_id(value):
    """
    `value` as a record id: a whole number from 1 that the database can hold (a larger one would crash the query, not
    just miss); otherwise a form error naming the value.
    """
    try:
        number = int(str(value))
    except ValueError:
        number = None
    if number is None or not 1 <= number <= MAX_PK:
        raise forms.ValidationError(
            "%(value)r is not a record id (a whole number from 1).", code="invalid_pk", params={"value": value}
        )
    return number


class IdChoiceField(EmptyAsListMixin, django_filters.fields.ModelMultipleChoiceField):
    """Records named by id."""

    def _check_values(self, value):
        for pk in value:
            record_id(pk)
        return super()._check_values(value)


SLUG_RE = re.compile(r"^[-a-zA-Z0-9_]+$")


def check_slug(value):
    # Anything else cannot be a slug; refusing it here also keeps NUL characters away from PostgreSQL.
    if not SLUG_RE.match(str(value)):
        raise forms.ValidationError(
            "%(value)r is not a slug (letters, digits, hyphens, underscores).",
            code="invalid_slug",
            params={"value": value},
        )


class SlugChoiceField(EmptyAsListMixin, django_filters.fields.ModelMultipleChoiceField):
    """Records named by slug: each value must be a slug of an existing record."""

    def _check_values(self, value):
        for slug in value:
            check_slug(slug)
        return super()._check_values(value)


class SlugListField(forms.MultipleChoiceField):
    """Any number of slugs, not checked against the table: an unknown one simply matches nothing."""

    def valid_value(self, value):
        check_slug(value)
        return True


class IdListField(forms.CharField):
    """Comma-separated record ids, e.g. `3,5,8`."""

    def clean(self, value):
        value = super().clean(value)
        if value in self.empty_values:
            return None
        return [record_id(part.strip()) for part in value.split(",")]


class StrictBooleanField(forms.NullBooleanField):
    """true/false (or 1/0): anything else is an error, not silently ignored as DRF's BooleanWidget would."""

    widget = forms.TextInput

    def to_python(self, value):
        text = str(value).strip().lower() if value is not None else ""
        if text in ("", "none"):
            return None
        if text in ("true", "1"):
            return True
        if text in ("false", "0"):
            return False
        raise forms.ValidationError("Expected true or false, not %(value)r.", code="invalid", params={"value": value})

    def validate(self, value):
        pass


class YearField(forms.IntegerField):
    """An astronomical year (-1799), or a historical one ("1800 BCE"; years.parse_year)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("min_value", MIN_YEAR)
        kwargs.setdefault("max_value", MAX_YEAR)
        super().__init__(**kwargs)

    def to_python(self, value):
        if value in self.empty_values:
            return None
        return parse_year(value, astronomical=True)


class YearRangeField(forms.CharField):
    """Two years `start,stop` with start <= stop: astronomical (`-2000,-1500`) or historical (`2001 BCE,1501 BCE`)."""

    def clean(self, value):
        value = super().clean(value)
        if value in self.empty_values:
            return None
        parts = [part.strip() for part in value.split(",")]
        try:
            if len(parts) != 2:
                raise ValueError
            start, stop = (parse_year(part, astronomical=True) for part in parts)
        except (ValueError, forms.ValidationError):
            raise forms.ValidationError(
                "Expected two years separated by a comma, start first, e.g. -2000,-1500 or 2001 BCE,1501 BCE.",
                code="invalid",
            ) from None
        if not (MIN_YEAR <= start <= MAX_YEAR and MIN_YEAR <= stop <= MAX_YEAR):
            raise forms.ValidationError(f"Years must lie between {MIN_YEAR} and {MAX_YEAR}.", code="out_of_range")
        if start > stop:
            raise forms.ValidationError("The first year must not be after the second.", code="reversed")
        return (start, stop)


class BBoxField(forms.CharField):
    """`min_lon,min_lat,max_lon,max_lat` in WGS84 degrees (RFC 7946 order); min_lon > max_lon crosses 180°."""

    def clean(self, value):
        value = super().clean(value)
        if value in self.empty_values:
            return None
        parts = [part.strip() for part in value.split(",")]
        try:
            if len(parts) != 4:
                raise InvalidOperation
            min_lon, min_lat, max_lon, max_lat = (Decimal(part) for part in parts)
            if not all(number.is_finite() for number in (min_lon, min_lat, max_lon, max_lat)):
                raise InvalidOperation
        except InvalidOperation:
            raise forms.ValidationError(
                "Expected four numbers min_lon,min_lat,max_lon,max_lat, e.g. 38.2,34.5,38.3,34.6.", code="invalid"
            ) from None
        if not (-180 <= min_lon <= 180 and -180 <= max_lon <= 180):
            raise forms.ValidationError("Longitudes must lie between -180 and 180.", code="out_of_range")
        if not (-90 <= min_lat <= 90 and -90 <= max_lat <= 90):
            raise forms.ValidationError("Latitudes must lie between -90 and 90.", code="out_of_range")
        if min_lat > max_lat:
            raise forms.ValidationError("min_lat must not be greater than max_lat.", code="reversed")
        return (min_lon, min_lat, max_lon, max_lat)
