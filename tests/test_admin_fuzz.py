"""
Hostile values in the admin's query parameters: every list page of the records, given NUL, lone surrogates (as the
invalid UTF-8 a client would send), huge numbers or any text in its filters, date drill-down, search, ordering and
page, answers without a server error; so do the add pages given any initial value.
"""

import pytest
from django.contrib import admin
from django.test import RequestFactory
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from .admin_helpers import make_user
from .api.test_fuzz_inputs import hostile_text, query_string

pytestmark = pytest.mark.django_db

FUZZ = settings(
    max_examples=25,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
ADMINS = [model_admin for model, model_admin in admin.site._registry.items() if model._meta.app_label == "records"]


def parameters(model_admin, user):
    """The query parameters a list page reads: its filters', its date drill-down's, search, ordering, page."""
    request = RequestFactory().get("/")
    request.user = user
    changelist = model_admin.get_changelist_instance(request)
    names = {name for spec in changelist.filter_specs for name in spec.expected_parameters()}
    if model_admin.date_hierarchy:
        names |= {f"{model_admin.date_hierarchy}__{part}" for part in ("year", "month", "day")}
    return sorted(names | {"q", "o", "p", "e", "all", "_to_field", "_popup"})


@pytest.mark.parametrize("model_admin", ADMINS, ids=[type(a).__name__ for a in ADMINS])
def test_hostile_list_parameters_are_never_a_server_error(client, palmyra, model_admin):
    user = make_user("ada", superuser=True)
    client.force_login(user)
    opts = model_admin.model._meta
    url = f"/admin/{opts.app_label}/{opts.model_name}/"
    names = parameters(model_admin, user)

    @FUZZ
    @given(pairs=st.lists(st.tuples(st.sampled_from(names), hostile_text), min_size=1, max_size=3))
    def run(pairs):
        response = client.get(f"{url}?{query_string(pairs)}")
        assert response.status_code < 500, (pairs, response.status_code)

    run()


@pytest.mark.parametrize("model_admin", ADMINS, ids=[type(a).__name__ for a in ADMINS])
def test_hostile_initial_values_on_an_add_page_are_never_a_server_error(client, palmyra, model_admin):
    client.force_login(make_user("ada", superuser=True))
    opts = model_admin.model._meta
    fields = [field.name for field in opts.get_fields() if field.concrete and not field.auto_created]

    @FUZZ
    @given(pairs=st.lists(st.tuples(st.sampled_from(fields), hostile_text), min_size=1, max_size=3))
    def run(pairs):
        response = client.get(f"/admin/{opts.app_label}/{opts.model_name}/add/?{query_string(pairs)}")
        assert response.status_code < 500, (pairs, response.status_code)

    run()
