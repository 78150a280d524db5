"""What `manage.py import` and `manage.py export` share: which records travel as files, and who runs them."""

from django.contrib.auth import get_user_model
from django.core.management.base import CommandError

from ..resources import RESOURCES


def records_named():
    """The records that travel as files, by the labels the commands take: "records.Site, …"."""
    return ", ".join(model._meta.label for model in RESOURCES)


def resource_named(name):
    """The resource of the records `name` stands for: a model's label (records.Site) or a resource's path."""
    for model, resource in RESOURCES.items():
        if name.lower() in (model._meta.label_lower, f"{resource.__module__}.{resource.__qualname__}".lower()):
            return resource
    raise CommandError(
        f"{name!r} is not something that imports from or exports to a file: give one of {records_named()}."
    )


def operator():
    """Whoever runs manage.py: they see every record, as loaddata and import_eamena do (drafts, exact locations)."""
    return get_user_model()(is_active=True, is_superuser=True)
