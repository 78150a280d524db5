"""
A record's check constraints validated together: one query for all of them where Django asks one for each.

`full_clean()` checks each `CheckConstraint` by a query of its own (`Q.check`), which names every field of the record
and, inside a transaction, runs in a savepoint of its own: four constraints of a site cost four queries and eight
savepoint statements, about 3 ms in all, a third of an import row's time (docs/performance.md). Here the same
conditions, with the same values (`Model._get_field_expression_map`, which Django's own check reads), are selected as
columns of one query, each as `COALESCE(condition, TRUE)` as Django tests it: a condition that is unknown (NULL)
holds, as it does for the database. Where that query cannot tell (a condition reaching another table, an error of
the database's), each constraint is checked as Django checks it.
"""

from contextlib import nullcontext

from django.core.exceptions import FieldError, ValidationError
from django.db import DatabaseError, connections, models, router, transaction
from django.db.models import BooleanField, Q, Value
from django.db.models.functions import Coalesce
from django.db.models.sql import Query
from django.db.models.sql.constants import SINGLE


def failing_checks(instance, model, checks, exclude, using):
    """
    Those of `checks` (CheckConstraints of `model`) that `instance` breaks, found by one query; None if that query
    cannot tell. A constraint naming a field in `exclude` is not checked (as in Django).
    """
    against = instance._get_field_expression_map(meta=model._meta, exclude=exclude)
    named = [(check, Q(check.condition).referenced_base_fields) for check in checks]
    checked = [(check, names) for check, names in named if names <= against.keys()]
    if not checked:
        return []
    query = Query(None)
    for name in set().union(*(names for _, names in checked)):
        query.add_annotation(against[name], name, select=False)
    for position, (check, _) in enumerate(checked):
        holds = Coalesce(Q(check.condition), Value(True), output_field=BooleanField())
        query.add_annotation(holds, f"check_{position}")
    in_transaction = connections[using].in_atomic_block
    try:
        # In a transaction, a failed query must not abort it (PostgreSQL): a savepoint, as Django's check takes.
        with transaction.atomic(using=using) if in_transaction else nullcontext():
            row = query.get_compiler(using=using).execute_sql(SINGLE)
    except (DatabaseError, FieldError):
        return None
    return [check for (check, _), holds in zip(checked, row, strict=True) if not holds]


class ChecksTogetherMixin(models.Model):
    """For a model: `validate_constraints()` as Django's, its check constraints checked together (module docstring)."""

    class Meta:
        abstract = True

    def validate_constraints(self, exclude=None):
        using = router.db_for_write(type(self), instance=self)
        connection = connections[using]
        errors = {}
        for model, constraints in self.get_constraints():
            checks = [c for c in constraints if type(c) is models.CheckConstraint]
            failing = None
            if checks and connection.features.supports_comparing_boolean_expr:
                failing = failing_checks(self, model, checks, exclude, using)
            together = {id(check) for check in checks} if failing is not None else set()
            failed = {id(check) for check in failing or ()}
            for constraint in constraints:
                try:
                    if id(constraint) not in together:
                        constraint.validate(model, self, exclude=exclude, using=using)
                    elif id(constraint) in failed:
                        raise ValidationError(
                            constraint.get_violation_error_message(), code=constraint.violation_error_code
                        )
                except ValidationError as error:
                    # As Django: a unique constraint on one field is that field's error.
                    if getattr(error, "code", None) == "unique" and len(constraint.fields) == 1:
                        errors.setdefault(constraint.fields[0], []).append(error)
                    else:
                        errors = error.update_error_dict(errors)
        if errors:
            raise ValidationError(errors)
