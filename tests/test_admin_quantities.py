"""The admin's reported numbers: bounds side by side, each error on the input to correct, both ends in exports."""

import pytest
from django.urls import reverse
from import_export.formats.base_formats import CSV, XLSX

from heritage.records.models import DisturbanceCause, Occupation, Threat
from heritage.records.models.base import describe_quantity
from heritage.records.resources import OccupationResource

from .admin_helpers import make_user

pytestmark = pytest.mark.django_db


def threat_data(site, **overrides):
    data = {
        "slug": "palmyra-uxo",
        "site": site.pk,
        "cause": DisturbanceCause.objects.get(slug="landmines").pk,
        "endangers": "people",
        "certainty": "medium",
        "status": "draft",
        "quantity_min": "30",
        "quantity_max": "40",
        "quantity_qualifier": "between",
        "quantity_unit": "mines",
        "_save": "Save",
    }
    return {**data, **overrides}


def test_the_bounds_stand_side_by_side(client, palmyra):
    """One row of the form holds the smallest, the largest, the qualifier and the unit, in that order."""
    client.force_login(make_user("cora", group="Curator"))
    page = client.get(reverse("admin:records_threat_add")).content.decode()
    assert "field-quantity_min field-quantity_max field-quantity_qualifier field-quantity_unit" in page
    assert page.index('name="quantity_min"') < page.index('name="quantity_max"')


def test_a_range_is_saved_and_listed_as_worded(client, palmyra):
    client.force_login(make_user("cora", group="Curator"))
    response = client.post(reverse("admin:records_threat_add"), threat_data(palmyra))
    assert response.status_code == 302, response.context["adminform"].form.errors
    threat = Threat.objects.get(slug="palmyra-uxo")
    assert (threat.quantity_min, threat.quantity_max, threat.quantity_qualifier) == (30, 40, "between")
    listing = client.get(reverse("admin:records_threat_changelist")).content.decode()
    assert "between 30 and 40 mines" in listing


@pytest.mark.parametrize(
    ("overrides", "field", "words"),
    [
        ({"quantity_min": "40", "quantity_max": "30"}, "quantity_max", "must not be smaller than the smallest"),
        ({"quantity_min": "-1"}, "quantity_min", "greater than or equal to 0"),
        ({"quantity_min": "99999999999"}, "quantity_min", "less than or equal to 2147483647"),
        ({"quantity_qualifier": "at_least"}, "quantity_max", "leave the largest empty"),
        ({"quantity_qualifier": "exactly"}, "quantity_max", "one number"),
    ],
)
def test_a_bad_range_is_refused_on_its_field_and_saves_nothing(client, palmyra, overrides, field, words):
    client.force_login(make_user("cora", group="Curator"))
    before = Threat.objects.count()
    response = client.post(reverse("admin:records_threat_add"), threat_data(palmyra, **overrides))
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert list(errors) == [field], errors
    assert words in errors[field][0]
    assert Threat.objects.count() == before


def test_a_number_needs_its_qualifier_and_unit(client, palmyra):
    """Bounds without a qualifier are refused with the constraint's explanation, and nothing is saved."""
    client.force_login(make_user("cora", group="Curator"))
    before = Threat.objects.count()
    response = client.post(reverse("admin:records_threat_add"), threat_data(palmyra, quantity_qualifier=""))
    assert response.status_code == 200
    assert "A quantity needs a qualifier and unit" in " ".join(response.context["adminform"].form.non_field_errors())
    assert Threat.objects.count() == before


@pytest.mark.parametrize(
    ("bounds", "qualifier", "words"),
    [
        ((7, 7), "exactly", "exactly 7 people"),
        ((500, 500), "approximately", "approximately 500 people"),
        ((30, 40), "approximately", "approximately 30–40 people"),
        ((30, 40), "between", "between 30 and 40 people"),
        ((1500, None), "at_least", "at least 1,500 people"),
        ((2001, None), "more_than", "more than 2,000 people"),
        ((None, 20), "at_most", "at most 20 people"),
        ((None, 19), "fewer_than", "fewer than 20 people"),
        ((None, None), "", ""),
    ],
)
def test_a_quantity_reads_as_the_source_worded_it(bounds, qualifier, words):
    """What the lists and the dossier show: the wording back from the bounds ("more than 2,000" is stored as 2,001)."""
    assert describe_quantity(*bounds, qualifier, "people" if qualifier else "") == words


def test_the_occupations_export_gives_both_ends_and_imports_a_range(palmyra):
    """The admin's CSV and XLSX of occupations carry quantity_min and quantity_max; a range read back is stored."""
    for fmt in (CSV(), XLSX()):
        dataset = fmt.create_dataset(fmt.export_data(OccupationResource().export()))
        row = dict(zip(dataset.headers, dataset[dataset["slug"].index("isis-palmyra-2015")], strict=True))
        assert [str(row[name]) for name in ("quantity_min", "quantity_max", "quantity_qualifier", "quantity_unit")] == [
            "10",
            "10",
            "approximately",
            "months",
        ]
    dataset = CSV().create_dataset(CSV().export_data(OccupationResource().export()))
    index = dataset["slug"].index("isis-palmyra-2015")
    row = dict(zip(dataset.headers, dataset[index], strict=True))
    row.update(quantity_min="9", quantity_max="11", quantity_qualifier="between")
    dataset[index] = [row[name] for name in dataset.headers]
    result = OccupationResource().import_data(dataset, dry_run=False)
    assert not result.has_errors() and not result.has_validation_errors()
    occupation = Occupation.objects.get(slug="isis-palmyra-2015")
    assert occupation.quantity_display == "between 9 and 11 months"
