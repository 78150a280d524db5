from django.apps import AppConfig


class RecordsConfig(AppConfig):
    name = "heritage.records"
    label = "records"
    verbose_name = "Heritage record"

    def ready(self):
        from . import changes, signals  # noqa: F401  (connect the change feed's bookkeeping, the date-bound and offset derivations)
