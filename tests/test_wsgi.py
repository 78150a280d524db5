"""The WSGI entry point that production servers load (gunicorn heritage.wsgi)."""

import gc
import importlib

PYTHON_DEFAULT_THRESHOLD = (700, 10, 10)


def test_the_served_application_collects_young_garbage_less_often():
    """A list page's short-lived objects would set off Python's default young-generation collection several times."""
    saved = gc.get_threshold()
    gc.set_threshold(*PYTHON_DEFAULT_THRESHOLD)
    try:
        module = importlib.reload(importlib.import_module("heritage.wsgi"))
        assert callable(module.application)
        assert gc.get_threshold() == (module.GC_YOUNG_THRESHOLD, *PYTHON_DEFAULT_THRESHOLD[1:])
        assert PYTHON_DEFAULT_THRESHOLD[0] < module.GC_YOUNG_THRESHOLD
    finally:
        gc.set_threshold(*saved)
