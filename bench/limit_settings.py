"""The benchmark's "limit" server: the project's settings and database, with a bare URLconf (bench/limit_urls.py)."""

from heritage.settings import *  # noqa: F403

ROOT_URLCONF = "bench.limit_urls"
