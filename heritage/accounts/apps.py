from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "heritage.accounts"
    label = "accounts"
    verbose_name = "Accounts"

    def ready(self):
        from . import schema  # noqa: F401  (registers the tokens' OpenAPI security scheme)
