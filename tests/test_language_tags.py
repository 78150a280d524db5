"""Languages of names and texts are BCP 47 tags, checked with langcodes and stored in their standard form."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from heritage.records.models import Actor, ActorAlias, Site, SiteName

from .admin_helpers import make_user

pytestmark = pytest.mark.django_db


def site_name(language):
    return SiteName(site=Site.objects.get(slug="palmyra"), name="Tadmur", kind="historical", language=language)


def alias(language):
    return ActorAlias(actor=Actor.objects.get(slug="isis"), name="Dawla", language=language)


@pytest.mark.parametrize("make", [site_name, alias])
@pytest.mark.parametrize("tag", ["Akkadian", "xx-YY-ZZ", "en_US", "ar latn", "عربي"])
def test_a_name_in_no_language_tag_is_refused_naming_the_field(palmyra, make, tag):
    with pytest.raises(ValidationError) as caught:
        make(tag).full_clean()
    assert list(caught.value.message_dict) == ["language"]
    assert "is not a BCP 47 language tag" in caught.value.message_dict["language"][0]


@pytest.mark.parametrize("make", [site_name, alias])
@pytest.mark.parametrize(
    ("tag", "stored"),
    [("akk", "akk"), ("ar-Latn", "ar-Latn"), ("fa", "fa"), ("AR-latn", "ar-Latn"), ("ara", "ar"), ("", "")],
)
def test_a_language_tag_is_stored_in_its_standard_form(palmyra, make, tag, stored):
    """However the record is saved: validated (forms, the API) or by code."""
    validated = make(tag)
    validated.full_clean()
    validated.save()
    validated.refresh_from_db()
    assert validated.language == stored
    validated.delete()
    saved = make(tag)
    saved.save()
    saved.refresh_from_db()
    assert saved.language == stored


def test_the_admin_refuses_a_language_name_on_the_field_and_writes_nothing(client, palmyra):
    client.force_login(make_user("cora", group="Curator"))
    before = ActorAlias.objects.count()
    data = {"actor": Actor.objects.get(slug="isis").pk, "name": "Dawla", "language": "Akkadian", "_save": "Save"}
    response = client.post(reverse("admin:records_actoralias_add"), data)
    assert response.status_code == 200
    assert "is not a BCP 47 language tag" in str(response.context["adminform"].form.errors["language"])
    assert ActorAlias.objects.count() == before
    response = client.post(reverse("admin:records_actoralias_add"), {**data, "language": "AR-latn"})
    assert response.status_code == 302
    assert ActorAlias.objects.get(name="Dawla").language == "ar-Latn"
