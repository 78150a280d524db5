"""Make the search index anew from the records: after bulk inserts, or to check that it is current."""

from django.core.management.base import BaseCommand

from heritage.search import index


class Command(BaseCommand):
    help = (
        "Rebuild the full-text search index (every record's search entry, and the database's index over them) from "
        "the records, in one transaction. Saves through the admin, the API, imports, loaddata and restore keep it "
        "current by themselves; bulk inserts (synthetic data) call this."
    )

    def add_arguments(self, parser):
        parser.add_argument("--database", default="default", help="The database to rebuild the index of.")

    def handle(self, *args, database, verbosity, **options):
        def progress(model, count):
            if verbosity >= 2:
                self.stdout.write(f"{model._meta.verbose_name_plural}: {count}")

        counts = index.rebuild(database, progress=progress)
        if verbosity >= 1:
            self.stdout.write(f"Indexed {sum(counts.values())} records of {len(counts)} kinds.")
