"""
External identifiers in the admin: inline on the pages of sites, actors and periods, each a link to its register;
a bad value or one another record holds is refused on the value field, naming the reason; a sensitive site's are not
shown to a user who may not see its location.
"""

import pytest
from django.urls import reverse

from heritage.records.models import Actor, Period, Site, SiteIdentifier

from .admin_helpers import make_user
from .test_history import form_data

pytestmark = pytest.mark.django_db


def change_url(record):
    return reverse(f"admin:records_{record._meta.model_name}_change", args=[record.pk])


def with_identifier(client, record, scheme, value):
    """The record's change form as shown, with one identifier added in the inline's empty row."""
    response = client.get(change_url(record))
    data = form_data(response)
    prefix = next(
        inline.formset.prefix
        for inline in response.context["inline_admin_formsets"]
        if inline.formset.model.__name__.endswith("Identifier")
    )
    total = int(data[f"{prefix}-TOTAL_FORMS"])
    data.update(
        {f"{prefix}-TOTAL_FORMS": total + 1, f"{prefix}-{total}-scheme": scheme, f"{prefix}-{total}-value": value}
    )
    return data, prefix, total


@pytest.fixture
def curator(client, palmyra):
    client.force_login(make_user("cora", group="Curator"))
    return client


@pytest.mark.parametrize(
    ("record", "scheme", "value"),
    [
        (lambda: Site.objects.get(slug="palmyra"), "pleiades", "668331"),
        (lambda: Actor.objects.get(slug="isis"), "wikidata", "Q2429253"),
        (lambda: Period.objects.order_by("pk").first(), "periodo", "p0qhb66fhbb"),
    ],
)
def test_an_identifier_is_added_inline_and_shown_as_a_link_to_its_register(curator, record, scheme, value):
    record = record()
    data, _, _ = with_identifier(curator, record, scheme, value)
    response = curator.post(change_url(record), data)
    assert response.status_code == 302, response.context and response.context["errors"]
    identifier = record.identifiers.get()
    assert (identifier.scheme, identifier.value) == (scheme, value)
    page = curator.get(change_url(record)).content.decode()
    assert f'<a href="{identifier.url}" target="_blank" rel="noopener noreferrer">' in page


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("Q5747", "&#x27;Q5747&#x27; is not a Pleiades place number"),
        ("668331", "pleiades:668331 already identifies the site “Palmyra” (palmyra)."),
    ],
)
def test_a_bad_or_taken_value_is_refused_on_the_field(curator, palmyra, value, message):
    """A value of the wrong form, or one that another site holds: the error is on the value, nothing is saved."""
    SiteIdentifier.objects.create(site=palmyra, scheme="pleiades", value="668331")
    hatra = Site.objects.create(slug="hatra", name="Hatra", kind="archaeological_site", country="IQ")
    data, prefix, row = with_identifier(curator, hatra, "pleiades", value)
    response = curator.post(change_url(hatra), data)
    assert response.status_code == 200
    formset = next(f.formset for f in response.context["inline_admin_formsets"] if f.formset.prefix == prefix)
    assert list(formset.forms[row].errors) == ["value"]
    assert message in response.content.decode()
    assert not hatra.identifiers.exists()


def test_a_sensitive_sites_identifiers_are_not_shown_to_those_who_may_not_see_its_location(client, palmyra):
    """A staff user who may change sites but not view them does not get the inline (nor the identifiers' list)."""
    from django.contrib.auth.models import Permission

    SiteIdentifier.objects.create(site=palmyra, scheme="pleiades", value="668331")
    Site.objects.filter(pk=palmyra.pk).update(is_sensitive=True)
    user = make_user("changer")
    user.user_permissions.add(*Permission.objects.filter(codename__in=["change_site", "change_siteidentifier"]))
    client.force_login(user)
    page = client.get(change_url(palmyra))
    assert page.status_code == 200
    assert "668331" not in page.content.decode()
    listed = client.get(reverse("admin:records_siteidentifier_changelist"))
    assert listed.status_code == 200 and "668331" not in listed.content.decode()


def test_a_deleted_identifier_of_a_sensitive_site_keeps_no_history_for_those_who_may_not_see_its_location(
    client, palmyra
):
    """Its value (a gazetteer's entry, which says where the place is) stays out of its history page too."""
    from django.contrib.auth.models import Permission

    identifier = SiteIdentifier.objects.create(site=palmyra, scheme="pleiades", value="668331")
    Site.objects.filter(pk=palmyra.pk).update(is_sensitive=True)
    pk = identifier.pk
    identifier.delete()
    user = make_user("viewer")
    user.user_permissions.add(*Permission.objects.filter(codename="view_siteidentifier"))
    client.force_login(user)
    assert client.get(reverse("admin:records_siteidentifier_history", args=[pk])).status_code == 404
    client.force_login(make_user("cora", group="Curator"))
    assert "668331" in client.get(reverse("admin:records_siteidentifier_history", args=[pk])).content.decode()
