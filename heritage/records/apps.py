from django.apps import AppConfig


class RecordsConfig(AppConfig):
    name = "heritage.records"
    label = "records"
    verbose_name = "Heritage record"

    def ready(self):
        from . import signals  # noqa: F401  (connects the date-bound and offset derivations)
