"""
Arbitrary text in every filter parameter of every list, and in the EDTF dates of a write: the answer is a 200 or a
400 naming the parameter or field, never a 500.

Hypothesis draws the text (any unicode, plus date-shaped text, which reaches deeper into the EDTF and date parsers);
each example is one request through the whole stack (django-filter, the serializer, the database).
"""

import itertools

import pytest
from django.core.cache import cache
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from heritage.records.api.urls import router

# Digits, separators and qualifiers: the alphabet of dates, EDTF, ids, bounding boxes and year ranges.
date_like = st.text(alphabet="0123456789-/.,~?%XSYEu +:", max_size=30)
anything = st.one_of(date_like, st.text(max_size=40))

FUZZ = settings(
    max_examples=40,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

LISTS = [(prefix, viewset) for prefix, viewset, _ in router.registry]


def filter_names(viewset):
    return sorted(viewset.filterset_class.base_filters)


@pytest.mark.parametrize(("prefix", "viewset"), LISTS, ids=[prefix for prefix, _ in LISTS])
def test_any_text_in_any_filter_is_a_200_or_a_400(world, curator, prefix, viewset):
    """Every filter of this list, given arbitrary text (alone, or twice as a repeated parameter)."""
    url = f"/api/v1/{prefix}/"
    names = filter_names(viewset)
    assert names, f"{prefix} has filters"
    seen = set()

    @FUZZ
    @given(name=st.sampled_from(names), values=st.lists(anything, min_size=1, max_size=2))
    def run(name, values):
        cache.clear()
        response = curator.get(url, {name: values})
        assert response.status_code in (200, 400), (name, values, response.status_code, response.content[:300])
        if response.status_code == 400:
            assert name in response.json(), response.json()
        seen.add(response.status_code)

    run()
    assert 200 in seen


@pytest.mark.parametrize("field", ["occurred"])
def test_any_text_as_an_edtf_date_is_a_201_or_a_400(world, curator, field):
    """A damage report POSTed with arbitrary text as its date: created with ordered bounds, or refused on that field."""
    slugs = (f"fuzz-{n}" for n in itertools.count())
    seen = set()

    @FUZZ
    @given(value=anything)
    def run(value):
        cache.clear()
        body = {"slug": next(slugs), "site": "palmyra", "cause": "looting", "severity": "destroyed", "certainty": "low"}
        response = curator.post(reverse("api:damage-report-list"), {**body, field: value}, format="json")
        assert response.status_code in (201, 400), (value, response.status_code, response.content[:300])
        if response.status_code == 400:
            assert field in response.json(), response.json()
        else:
            date = response.json()[field]
            assert date["earliest"] is None or date["latest"] is None or date["earliest"] <= date["latest"]
        seen.add(response.status_code)

    run()
    assert seen == {201, 400}
