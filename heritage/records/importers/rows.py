"""
Plain writes for an importer's batches: rows as tuples through `cursor.executemany`, and each field's check of a
value made once. Django's `bulk_create` prepares every value of every row through a model instance and its fields,
and `full_clean` runs a field's validators again for every record holding the same value (a country, a kind, a
certainty); on an EAMENA import those were most of the time.

- `insert_links(model, pairs)`: rows of a record model's table of citations, (record pk, citation pk).
- `insert_history(model, records, ...)`: the history rows django-simple-history's `bulk_history_create` writes,
  column for column (the same values, user and reason), without its model instances.
- `FieldChecks.full_clean(record, exclude)`: `record.full_clean(exclude, validate_unique=False,
  validate_constraints=False)`, the same errors and the same cleaned values, each field's check of one value run
  once per import (a field's `clean` depends only on the value: references, whose check is a query, are excluded).
"""

from django.core.exceptions import ValidationError
from django.db import connection
from django.utils import timezone
from simple_history.utils import get_change_reason_from_object

UNSEEN = object()


def executemany(table, columns, rows):
    if not rows:
        return
    quote = connection.ops.quote_name
    names = ", ".join(quote(column) for column in columns)
    marks = ", ".join(["%s"] * len(columns))
    with connection.cursor() as cursor:
        cursor.executemany(f"INSERT INTO {quote(table)} ({names}) VALUES ({marks})", rows)


def insert_links(model, pairs):
    """Link records of `model` to citations: `pairs` of (record pk, citation pk)."""
    through = model.citations.through
    record = through._meta.get_field(model._meta.model_name).column
    citation = through._meta.get_field("citation").column
    executemany(through._meta.db_table, [record, citation], pairs)


def insert_history(model, records, *, update, user, reason):
    """The history rows of `records` (created, or with `update` changed), as bulk_history_create writes them."""
    history = model.history.model
    assert not hasattr(history, "history_relation"), "history_relation rows are not written here"
    tracked = [(field, history._meta.get_field(field.attname)) for field in history.tracked_fields]
    extra = [history._meta.get_field(name) for name in ("history_date", "history_user", "history_change_reason")]
    columns = [column.column for _, column in tracked] + [field.column for field in extra] + ["history_type"]
    kind = "~" if update else "+"
    # One moment for the batch's rows (bulk_history_create takes the clock for each): they are one write.
    when = extra[0].get_db_prep_save(timezone.now(), connection)
    rows = []
    for record in records:
        values = [column.get_db_prep_save(getattr(record, field.attname), connection) for field, column in tracked]
        who = getattr(record, "_history_user", user or history.get_default_history_user(record))
        why = get_change_reason_from_object(record) or reason
        rows.append((*values, when, getattr(who, "pk", who), why, kind))
    executemany(history._meta.db_table, columns, rows)


class FieldChecks:
    """full_clean without constraints and unique checks, remembering each field's verdict on each value."""

    def __init__(self):
        self.verdicts = {}  # (field, value's type, value): cleaned value, or the ValidationError

    def full_clean(self, record, exclude):
        errors = {}
        for field in record._meta.fields:
            if field.name in exclude or field.generated:
                continue
            value = getattr(record, field.attname)
            if field.blank and value in field.empty_values:
                continue
            try:
                setattr(record, field.attname, self.clean(field, record, value))
            except ValidationError as exc:
                errors[field.name] = exc.error_list
        try:
            record.clean()
        except ValidationError as exc:
            errors = exc.update_error_dict(errors)
        if errors:
            raise ValidationError(errors)

    def clean(self, field, record, value):
        try:
            key = (field, type(value), value)
            hash(key)
        except TypeError:  # a geometry (a dict): checked each time
            return field.clean(value, record)
        verdict = self.verdicts.get(key, UNSEEN)
        if verdict is UNSEEN:
            try:
                verdict = field.clean(value, record)
            except ValidationError as exc:
                verdict = exc
            self.verdicts[key] = verdict
        if isinstance(verdict, ValidationError):
            raise ValidationError(verdict.error_list)
        return verdict
