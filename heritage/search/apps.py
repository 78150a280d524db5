from django.apps import AppConfig


class SearchConfig(AppConfig):
    name = "heritage.search"
    label = "search"
    verbose_name = "Search index"

    def ready(self):
        from . import signals  # noqa: F401  (keeps the index current on every write)
