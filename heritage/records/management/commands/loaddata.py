"""
Django's loaddata, with errors that say what is wrong.

Records are validated on load by the signals in heritage/records/signals.py. This command adds two explanations
that Django's own loaddata loses: the parse error of a malformed file, and which natural key could not be found when
a required reference names a record that does not exist (Django defers it and then fails on a NULL instead).
Records are saved raw, without the signals that keep the search index, so the index is rebuilt once they are in.
"""

from django.core.management.commands import loaddata
from django.core.serializers.base import DeserializationError

from heritage.search import index


class Command(loaddata.Command):
    help = f"{loaddata.Command.help} Every record is validated with full_clean(); any error loads nothing."

    def handle(self, *fixture_labels, **options):
        try:
            result = super().handle(*fixture_labels, **options)
        except DeserializationError as exc:
            if exc.__cause__ is not None and str(exc).rstrip().endswith(":"):
                exc.args = (f"{str(exc).rstrip()} {exc.__cause__}",)
            raise
        if self.loaded_object_count:
            index.rebuild(self.using)
        return result

    def save_obj(self, obj):
        for field, natural_key in (obj.deferred_fields or {}).items():
            if field.many_to_many or field.null:
                continue  # may be a forward reference, resolved once the whole file is in
            model = obj.object._meta.label
            related = field.related_model._meta.label
            raise ValueError(
                f"Could not load {model}(pk={obj.object.pk}): {field.name}: "
                f"no {related} has the natural key {natural_key!r}."
            )
        return super().save_obj(obj)
