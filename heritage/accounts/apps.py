from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "heritage.accounts"
    label = "accounts"
    verbose_name = "Accounts"
