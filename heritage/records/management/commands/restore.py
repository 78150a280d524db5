"""manage.py restore: load a `backup` file into an empty, migrated database, all or nothing."""

from django.apps import apps
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction


def tables_with_rows():
    """Record and user tables that already hold rows. (Groups and other rows made by migrations are expected.)"""
    models = [*apps.get_app_config("records").get_models(), apps.get_model("auth", "User")]
    return [model._meta.label for model in models if model._default_manager.exists()]


class Command(BaseCommand):
    help = (
        "Restore a file written by `manage.py backup` into this database, which must be migrated and empty. "
        "Every record is validated; any error restores nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("input", help="The backup file.")

    def handle(self, *args, input, **options):
        occupied = tables_with_rows()
        if occupied:
            raise CommandError(
                "The database is not empty (rows in " + ", ".join(sorted(occupied)) + "). "
                "Restore into a freshly migrated database."
            )
        with transaction.atomic():
            call_command("loaddata", input, verbosity=0)
        self.stdout.write(f"Restored {input}.")
