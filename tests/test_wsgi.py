"""The WSGI entry point that production servers load (gunicorn heritage.wsgi)."""

import gc
import importlib
import weakref
from wsgiref.util import setup_testing_defaults

import pytest
from django.core.signals import request_started

PYTHON_DEFAULT_THRESHOLD = (700, 10, 10)
COLLECTION_UID = "heritage.wsgi.collect_previous_request_garbage"


@pytest.fixture
def served():
    """heritage.wsgi loaded as a server loads it, from Python's default thresholds; undone afterwards."""
    saved = gc.get_threshold()
    gc.set_threshold(*PYTHON_DEFAULT_THRESHOLD)
    request_started.disconnect(dispatch_uid=COLLECTION_UID)  # in case something imported it before
    try:
        yield importlib.reload(importlib.import_module("heritage.wsgi"))
    finally:
        request_started.disconnect(dispatch_uid=COLLECTION_UID)
        gc.set_threshold(*saved)
        gc.enable()


def get(application, path):
    """The status of a GET through the WSGI application, read and closed as a server would."""
    environ = {"PATH_INFO": path}
    setup_testing_defaults(environ)
    statuses = []
    response = application(environ, lambda status, headers, exc_info=None: statuses.append(status))
    b"".join(response)
    response.close()
    return statuses[0]


class Cyclic:
    def __init__(self):
        self.me = self


def test_the_served_application_collects_young_garbage_less_often(served):
    """A list page's short-lived objects would set off Python's default young-generation collection several times."""
    assert gc.get_threshold() == (served.GC_YOUNG_THRESHOLD, *PYTHON_DEFAULT_THRESHOLD[1:])
    assert PYTHON_DEFAULT_THRESHOLD[0] < served.GC_YOUNG_THRESHOLD


@pytest.mark.django_db
def test_each_request_starts_by_collecting_the_cycles_the_previous_one_left(served):
    gc.disable()  # no automatic collection: only the request's own can free the cycle
    left_over = Cyclic()
    alive = weakref.ref(left_over)
    del left_over
    assert alive() is not None, "reference counting alone cannot free a cycle"

    assert get(served.application, "/api/v1/").startswith("200")
    assert alive() is None


def record_collections():
    """The generation of each collection from now on."""
    generations = []

    def record(phase, info):
        if phase == "start":
            generations.append(info["generation"])

    gc.callbacks.append(record)
    return generations, lambda: gc.callbacks.remove(record)


@pytest.mark.django_db
def test_the_middle_generation_is_collected_on_pythons_schedule(served):
    """Python collects the middle generation once more than `threshold1` young collections have run since the last."""
    gc.disable()
    gc.collect()
    middle_threshold = gc.get_threshold()[1]
    generations, stop = record_collections()
    try:
        for _ in range(3 * (middle_threshold + 2)):
            get(served.application, "/api/v1/")
    finally:
        stop()
    assert generations == ([0] * (middle_threshold + 1) + [1]) * 3
