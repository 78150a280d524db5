"""
Hostile values in the admin's query parameters: every list page of the records, given NUL, lone surrogates (as the
invalid UTF-8 a client would send), huge numbers or any text in its filters, date drill-down, search, ordering and
page, answers without a server error; so do the add pages given any initial value, and every list of the admin
given lookups of its own fields that Django builds but the database would fail on, an action on a selection no
key can be, or a search longer than any the API takes; and every admin form refuses a related record no key can be.
"""

import pytest
from django import forms
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.messages import get_messages
from django.db import models
from django.test import RequestFactory
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from heritage.admin_input import KeyChoiceField, KeyMultipleChoiceField

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


def lookups_the_database_would_fail_on(model):
    """
    Lookups of `model`'s own fields that Django's list builds without complaint but that fail once compiled or run:
    years no date has, a number wider than any column, regular expressions that do not compile.
    """
    fields = model._meta.concrete_fields
    dates = [field.name for field in fields if isinstance(field, models.DateField)]  # DateTimeField included
    texts = [field.name for field in fields if isinstance(field, models.CharField | models.TextField)]
    lookups = [f"{model._meta.pk.name}__in=1,{2**64}"]
    for name in dates[:1]:
        lookups += [f"{name}__year=0", f"{name}__year=10000", f"{name}__year__gt={10**11}", f"{name}__iso_year=-1"]
    for name in texts[:1]:
        lookups += [f"{name}__regex=(", f"{name}__iregex=["]
    return lookups


EVERY_ADMIN = list(admin.site._registry)


@pytest.mark.parametrize("model", EVERY_ADMIN, ids=[model._meta.label for model in EVERY_ADMIN])
def test_lookups_the_database_would_fail_on_are_refused_on_every_list(client, model):
    """
    Every list of the admin (records, users and groups, login attempts) refuses such lookups as it refuses any bad
    lookup (its "?e=1" page), and a regular expression with a 400, never with a server error.
    """
    client.force_login(make_user("ada", superuser=True))
    url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
    for query in lookups_the_database_would_fail_on(model):
        response = client.get(f"{url}?{query}")
        if "regex=" in query:
            assert response.status_code == 400, query
        else:
            assert (response.status_code, response.get("Location")) == (302, f"{url}?e=1"), query


def deletable(model):
    """Whether the admin of `model` lets a superuser delete its records (releases and tombstones are kept)."""
    request = RequestFactory().get("/")
    request.user = get_user_model()(is_superuser=True, is_active=True)
    return admin.site._registry[model].has_delete_permission(request)


DELETABLE = [model for model in EVERY_ADMIN if deletable(model)]


@pytest.mark.parametrize("model", DELETABLE, ids=[model._meta.label for model in DELETABLE])
def test_an_action_on_records_that_cannot_exist_changes_nothing_and_says_so(client, palmyra, model):
    """
    Deleting a selection that names a record no key can be (text, a fraction, a number wider than any column, NUL),
    as the list's action form or its confirmation posts it: back to the list with the reason, nothing deleted.
    """
    client.force_login(make_user("ada", superuser=True))
    url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
    before = model._default_manager.count()
    for value in ("x", "1.5", str(2**64), "\x00"):
        for data in ({"index": "0"}, {"post": "yes"}):
            selection = {"action": "delete_selected", "_selected_action": ["1", value], **data}
            response = client.post(url, selection)
            assert (response.status_code, response["Location"]) == (302, url), value
            *_, message = get_messages(response.wsgi_request)  # the last: the list was not shown in between
            assert str(message) == "The selection names records that cannot exist. No items have been changed."
    assert model._default_manager.count() == before


SEARCHABLE = [model for model in EVERY_ADMIN if admin.site._registry[model].search_fields]


@pytest.mark.parametrize("model", SEARCHABLE, ids=[model._meta.label for model in SEARCHABLE])
def test_a_search_longer_than_the_api_takes_finds_nothing_and_says_why(client, model):
    """
    A search of more than 1,000 characters or 32 words, as long as the API refuses (SQLite cannot run a LIKE
    pattern of 50,000 bytes, nor thousands of words): an empty list saying why, not a server error.
    """
    client.force_login(make_user("ada", superuser=True))
    url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
    for term, this_one in (("%" * 1001, "1,001 characters"), ("a " * 33, "33 words")):
        response = client.get(url, {"q": term})
        assert response.status_code == 200 and response.context["cl"].result_count == 0
        assert [str(message) for message in response.context["messages"]] == [
            f"A search is at most 1,000 characters and 32 words: this one has {this_one}."
        ]


def test_a_search_as_long_as_the_api_takes_runs_and_an_autocomplete_longer_finds_nothing(client, palmyra):
    """32 words and 1,000 characters are searched as any search is; the autocomplete's longer term finds nothing."""
    client.force_login(make_user("ada", superuser=True))
    longest = " ".join(["palmyra"] * 32).ljust(1000)
    response = client.get(reverse("admin:records_site_changelist"), {"q": longest})
    assert not list(response.context["messages"])
    assert [str(site) for site in response.context["cl"].result_list] == ["Palmyra"]
    autocomplete = "/admin/autocomplete/?app_label=records&model_name=damagereport&field_name=site&term="
    assert client.get(autocomplete + "Palm").json()["results"][0]["text"] == "Palmyra"
    assert client.get(autocomplete + "Palm" * 20000).json() == {"results": [], "pagination": {"more": False}}


def relation_fields(model):
    """The form fields of `model`'s admin forms (a superuser's, to add and to change) that name related records."""
    request = RequestFactory().get("/")
    request.user = get_user_model()(is_superuser=True, is_active=True)
    model_admin = admin.site._registry[model]
    return {
        name: type(field)
        for form in (model_admin.get_form(request), model_admin.get_form(request, model()))
        for name, field in form.base_fields.items()
        if isinstance(field, forms.ModelChoiceField)  # ModelMultipleChoiceField is one too
    }


@pytest.mark.parametrize("model", EVERY_ADMIN, ids=[model._meta.label for model in EVERY_ADMIN])
def test_every_admin_form_names_related_records_by_a_checked_key(model):
    """Every related-record field of every admin form refuses a value no key can be, before any query."""
    unchecked = {
        name: kind.__name__
        for name, kind in relation_fields(model).items()
        if not issubclass(kind, KeyChoiceField | KeyMultipleChoiceField)
    }
    assert not unchecked


def test_a_permission_no_key_can_be_is_a_form_error(client):
    """A group's permissions (django.contrib.auth's admin) given a number wider than any column: refused, not a 500."""
    client.force_login(make_user("ada", superuser=True))
    response = client.post("/admin/auth/group/add/", {"name": "editors", "permissions": ["9" * 30], "_save": "1"})
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["permissions"] == [f"“{'9' * 30}” is not a valid value."]
