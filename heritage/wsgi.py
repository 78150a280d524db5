"""WSGI entry point (gunicorn heritage.wsgi)."""

import gc
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "heritage.settings")

# A page of 100 damage reports allocates tens of thousands of short-lived objects (rows, dicts, strings), which
# reference counting frees; at Python's default of a young-generation collection every 700 net allocations, the
# cycle collector still ran over them a few times per request, about a tenth of the page's time on a busy machine.
# 50,000 leaves at most a few MB of cyclic garbage waiting between collections.
GC_YOUNG_THRESHOLD = 50_000

application = get_wsgi_application()
gc.set_threshold(GC_YOUNG_THRESHOLD, *gc.get_threshold()[1:])
