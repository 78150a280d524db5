"""The admin fits a curator's work: proposed slugs, help texts in words, a real "View site", natural messages."""

import re

import pytest
from django.contrib import admin
from django.contrib.admin.utils import flatten_fieldsets
from django.contrib.messages import get_messages
from django.test import RequestFactory
from django.urls import reverse

from heritage.records.models import Citation, Source

from .admin_helpers import make_user
from .test_history import form_data

pytestmark = pytest.mark.django_db

RECORD_ADMINS = [
    model_admin for model, model_admin in admin.site._registry.items() if model._meta.app_label == "records"
]
CODE_IN_WORDS = re.compile(r"services\.|\w\(\)|\.py\b")


def superuser_request():
    request = RequestFactory().get("/admin/")
    request.user = make_user("ada", superuser=True)
    return request


def forms_of(model_admin, request):
    """(name, admin, fieldsets' field names, prepopulated fields) of an add form and of each of its inlines."""
    yield model_admin, flatten_fieldsets(model_admin.get_fieldsets(request))
    for inline in model_admin.get_inline_instances(request):
        yield inline, flatten_fieldsets(inline.get_fieldsets(request))


@pytest.mark.parametrize("model_admin", RECORD_ADMINS, ids=lambda a: a.model.__name__)
def test_a_slug_is_proposed_from_the_name_and_comes_after_it(model_admin):
    """Every form with a slug fills it in from the name or title (prepopulated_fields), placed after that field."""
    request = superuser_request()
    for form_admin, fields in forms_of(model_admin, request):
        if "slug" not in fields:
            continue
        sources = form_admin.get_prepopulated_fields(request).get("slug")
        assert sources, f"{form_admin}: the slug is not proposed from any field"
        assert fields[0] != "slug", f"{form_admin}: the slug is the form's first field"
        assert fields.index("slug") > max(fields.index(source) for source in sources), form_admin


def test_the_add_page_proposes_the_slug(client):
    """The add page of a threat wires the slug to the description (Django's prepopulate script)."""
    client.force_login(make_user("cora", group="Curator"))
    page = client.get(reverse("admin:records_threat_add")).content.decode()
    assert 'data-prepopulated-fields="' in page
    assert "&quot;#id_slug&quot;" in page and "&quot;#id_description&quot;" in page


@pytest.mark.parametrize("model_admin", RECORD_ADMINS, ids=lambda a: a.model.__name__)
def test_help_texts_are_words_not_code_paths(model_admin):
    """No help text on a form, an inline or a read-only field names a Python path or a call."""
    request = superuser_request()
    texts = {name: str(field.help_text) for name, field in model_admin.get_form(request).base_fields.items()}
    for inline in model_admin.get_inline_instances(request):
        texts.update({name: str(f.help_text) for name, f in inline.get_formset(request).form.base_fields.items()})
    texts.update({field.name: str(getattr(field, "help_text", "")) for field in model_admin.model._meta.get_fields()})
    assert not {name: text for name, text in texts.items() if CODE_IN_WORDS.search(text)}


def test_view_site_goes_somewhere_real(client):
    """The admin's "View site" link leads to a page that exists (the API's root), not to a 404."""
    client.force_login(make_user("cora", group="Curator"))
    page = client.get(reverse("admin:index")).content.decode()
    href = re.search(r'<a href="([^"]+)">View site</a>', page).group(1)
    response = client.get(href, HTTP_ACCEPT="application/json")
    assert response.status_code == 200
    assert "sites" in response.json()


def success_messages(response):
    return [str(message) for message in get_messages(response.wsgi_request)]


def test_a_citation_added_in_the_admin_is_announced_without_doubled_quotes(client, palmyra):
    """A citation's name is its quote in quote marks: the message does not wrap it in a second pair."""
    client.force_login(make_user("cora", group="Curator"))
    source = Source.objects.get()
    response = client.post(
        reverse("admin:records_citation_add"),
        {"source": source.pk, "quote": "scored a major victory in the fight against ISIS", "_save": "Save"},
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    assert Citation.objects.filter(quote="scored a major victory in the fight against ISIS").exists()
    [message] = success_messages(response)
    assert "““" not in message and "””" not in message
    name = f"“scored a major victory in the fight against ISIS” ({source.title})"
    assert re.fullmatch(rf"The citation <a href=\"[^\"]+\">{re.escape(name)}</a> was added successfully\.", message)


def test_other_records_keep_djangos_quotes(client, palmyra):
    client.force_login(make_user("cora", group="Curator"))
    url = reverse("admin:records_site_change", args=[palmyra.pk])
    response = client.post(url, form_data(client.get(url)))
    assert response.status_code == 302
    [message] = success_messages(response)
    assert re.fullmatch(r"The site “<a href=\"[^\"]+\">Palmyra</a>” was changed successfully\.", message)
