"""The settings before API tokens were hashed: DRF's rest_framework.authtoken, no knox, no accounts app."""

from heritage.settings import *  # noqa: F403

INSTALLED_APPS = [app for app in INSTALLED_APPS if app not in {"knox", "heritage.accounts"}]  # noqa: F405
INSTALLED_APPS.append("rest_framework.authtoken")
