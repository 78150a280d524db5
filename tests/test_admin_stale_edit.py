"""
No lost updates in the admin: of two curators who opened the same record, the second to save is refused, told what
the first changed, and nothing of theirs is written. Saving the refused form again applies it deliberately.
"""

import pytest
from django.urls import reverse

from heritage.records.models import DamageReport, Occupation

from .admin_helpers import make_user

pytestmark = pytest.mark.django_db


def form_data(response):
    """The change form's current values, as the browser would post them back."""
    form = response.context["adminform"].form
    data = {}
    for name in form.fields:
        value = form[name].value()
        if value is None:
            continue
        data[form.add_prefix(name)] = [str(v) for v in value] if isinstance(value, (list, tuple)) else str(value)
    for formset in response.context["inline_admin_formsets"]:
        management = formset.formset.management_form
        for name in management.fields:
            data[management.add_prefix(name)] = management[name].value()
        for inline_form in formset.formset.forms:
            for name in inline_form.fields:
                value = inline_form[name].value()
                if value is not None:
                    data[inline_form.add_prefix(name)] = str(value)
    return data


@pytest.mark.parametrize("model, slug", [(DamageReport, "palmyra-defaced-by-isis"), (Occupation, "isis-palmyra-2015")])
def test_the_second_of_two_curators_is_refused_and_shown_the_newer_values(
    client, django_user_model, palmyra, model, slug
):
    record = model.objects.get(slug=slug)
    url = reverse(f"admin:records_{model._meta.model_name}_change", args=[record.pk])
    first, second = client, client.__class__()
    first.force_login(make_user("cora", group="Curator"))
    second.force_login(make_user("carl", group="Curator"))
    first_form, second_form = form_data(first.get(url)), form_data(second.get(url))  # both open version N

    first_form["description"] = "Checked against imagery."
    assert first.post(url, first_form).status_code == 302

    second_form["description"] = "A rival edit."
    refused = second.post(url, second_form)
    assert refused.status_code == 200
    message = " ".join(refused.context["adminform"].form.non_field_errors())
    assert "was changed by someone else since you opened it" in message
    assert "by cora" in message and "Checked against imagery." in message  # the newer values are shown
    record.refresh_from_db()
    assert record.description == "Checked against imagery."

    # Having seen the message, the curator saves again on purpose: the refused form now carries the new version.
    retry = form_data(refused)
    retry["description"] = "A rival edit."
    assert second.post(url, retry).status_code == 302
    record.refresh_from_db()
    assert record.description == "A rival edit."
