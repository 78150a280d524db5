"""The load test's server: the project's settings, with server errors (tracebacks) logged to stderr."""

from heritage.settings import *  # noqa: F403

# With DEBUG off Django only mails a 500's traceback to the admins; the load test wants it in its own output.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "loggers": {"django.request": {"handlers": ["console"], "level": "ERROR", "propagate": False}},
}
