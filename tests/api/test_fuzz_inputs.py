"""
Arbitrary text in every filter parameter of every list, and in the EDTF dates of a write: the answer is a 200 or a
400 naming the parameter or field, never a 500.

Hypothesis draws the text (any unicode, plus date-shaped text, which reaches deeper into the EDTF and date parsers);
each example is one request through the whole stack (django-filter, the serializer, the database).
"""

import itertools

import pytest
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from heritage.records.api.urls import router

from ..conftest import table_counts

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
def test_any_text_in_any_filter_is_a_200_or_a_400(world, curator, unthrottled, prefix, viewset):
    """Every filter of this list, given arbitrary text (alone, or twice as a repeated parameter)."""
    url = f"/api/v1/{prefix}/"
    names = filter_names(viewset)
    assert names, f"{prefix} has filters"
    seen = set()

    @FUZZ
    @given(name=st.sampled_from(names), values=st.lists(anything, min_size=1, max_size=2))
    def run(name, values):
        response = curator.get(url, {name: values})
        assert response.status_code in (200, 400), (name, values, response.status_code, response.content[:300])
        if response.status_code == 400:
            assert name in response.json(), response.json()
        seen.add(response.status_code)

    run()
    assert 200 in seen


@pytest.mark.parametrize("field", ["occurred"])
def test_any_text_as_an_edtf_date_is_a_201_or_a_400(world, curator, unthrottled, field):
    """A damage report POSTed with arbitrary text as its date: created with ordered bounds, or refused on that field."""
    slugs = (f"fuzz-{n}" for n in itertools.count())
    seen = set()

    @FUZZ
    @given(value=anything)
    def run(value):
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


# --- Hostile input: NUL, lone surrogates, invalid UTF-8, deep nesting, huge numbers -------------------------------

# Text a client can put in a URL: any unicode, with NUL, lone surrogates (sent as the bytes of their UTF-8-like
# encoding, which is not valid UTF-8) and numbers far past any column's range.
hostile_text = st.one_of(
    anything,
    st.sampled_from(["\x00", "a\x00b", "\ud800", "\udfff", "x\ud83d", "9" * 40, "-9" * 30, "1e999999999", "NaN"]),
    st.text(alphabet=st.characters(min_codepoint=0, max_codepoint=0xFFFF), max_size=20),
)


def query_string(pairs):
    """Percent-encoded query string of (name, value) pairs; lone surrogates go out as the bytes a client would send."""
    from urllib.parse import quote

    return "&".join(
        f"{quote(name.encode('utf-8', 'surrogatepass'))}={quote(value.encode('utf-8', 'surrogatepass'))}"
        for name, value in pairs
    )


@pytest.mark.parametrize(("prefix", "viewset"), LISTS, ids=[prefix for prefix, _ in LISTS])
def test_hostile_text_in_any_filter_is_a_200_or_a_400(world, anonymous, unthrottled, prefix, viewset):
    """NUL, lone surrogates, invalid UTF-8 and huge numbers in every filter (and in cursor, page, format)."""
    names = [*filter_names(viewset), "cursor", "page", "page_size", "format", "ordering"]

    @FUZZ
    @given(pairs=st.lists(st.tuples(st.sampled_from(names), hostile_text), min_size=1, max_size=3))
    def run(pairs):
        response = anonymous.get(f"/api/v1/{prefix}/?{query_string(pairs)}")
        assert response.status_code in (200, 400, 404), (pairs, response.status_code, response.content[:300])
        assert response["Content-Type"].startswith(("application/json", "text/csv", "application/geo+json"))

    run()


# Any JSON value, nested a little or a lot, with hostile strings and numbers of any size.
json_values = st.recursive(
    st.one_of(
        st.none(),
        st.booleans(),
        st.integers(min_value=-(2**70), max_value=2**70),
        st.floats(allow_nan=False, allow_infinity=False),
        hostile_text,
    ),
    lambda children: st.one_of(st.lists(children, max_size=3), st.dictionaries(hostile_text, children, max_size=3)),
    max_leaves=8,
)
WRITABLE = [(prefix, viewset) for prefix, viewset in LISTS if hasattr(viewset, "create")]


@pytest.mark.parametrize(("prefix", "viewset"), WRITABLE, ids=[prefix for prefix, _ in WRITABLE])
def test_hostile_json_in_any_field_is_a_201_or_a_400_that_writes_nothing(world, deleter, unthrottled, prefix, viewset):
    """
    A POST whose writable fields hold any JSON value: created (201), or refused (400) with nothing written. Deep
    nesting of the body itself, and the other malformed bodies, are in test_trust.py.
    """
    import json

    fields = [name for name, field in viewset.serializer_class().fields.items() if not field.read_only]
    bodies = iter(range(10**6))

    @FUZZ
    @given(values=st.dictionaries(st.sampled_from(fields), json_values, min_size=1, max_size=4))
    def run(values):
        before = table_counts()
        body = json.dumps({"slug": f"hostile-{next(bodies)}", **values})  # ensure_ascii: surrogates as \\udXXX
        response = deleter.post(f"/api/v1/{prefix}/", body, content_type="application/json")
        assert response.status_code in (201, 400), (values, response.status_code, response.content[:300])
        if response.status_code == 400:
            assert table_counts() == before

    run()


# --- The change feed: timestamps, deletions, the Atom feed, a deletion's reason -----------------------------------

# Every Unicode category (letters, marks, numbers, punctuation, symbols, separators, controls, format characters,
# private use and surrogates): what a timestamp or a reason may be given as.
any_category = st.text(alphabet=st.characters(codec=None, categories=None), max_size=30)
timestamp_like = st.one_of(
    st.text(alphabet="0123456789-:.TZ+ Wt", max_size=40),
    st.datetimes(timezones=st.one_of(st.none(), st.timezones())).map(lambda moment: moment.isoformat()),
    any_category,
    hostile_text,
)
CHANGE_FEED = [
    ("/api/v1/deletions/", ["since", "record_type", "cursor", "page", "page_size"]),
    ("/api/v1/feeds/damage-reports.atom", ["updated_since", "site", "status", "severity", "occurred_after", "q"]),
    *((f"/api/v1/{prefix}/", ["updated_since"]) for prefix, _ in LISTS),
]


@pytest.mark.parametrize(("url", "names"), CHANGE_FEED, ids=[url for url, _ in CHANGE_FEED])
def test_any_timestamp_or_text_in_the_change_feed_is_a_200_or_a_400(world, anonymous, unthrottled, url, names):
    """Timestamps of any shape, zone and year, and text of every Unicode category: a 200, or a 400 naming it."""

    @FUZZ
    @given(name=st.sampled_from(names), value=timestamp_like)
    def run(name, value):
        response = anonymous.get(f"{url}?{query_string([(name, value)])}")
        assert response.status_code in (200, 400, 404), (name, value, response.status_code, response.content[:300])
        if response.status_code == 400 and "\x00" not in value:
            assert name in response.json() or "detail" in response.json(), response.content[:300]

    run()


def test_any_reason_for_a_deletion_is_kept_or_refused_with_nothing_deleted(world, deleter, unthrottled):
    """A DELETE's reason of any text (every Unicode category, hostile bytes, too long): a 204, or a 400 or 404."""
    from heritage.records.models import Deletion, Site

    slugs = (f"doomed-{n}" for n in itertools.count())

    @FUZZ
    @given(reason=st.one_of(any_category, hostile_text, st.just("x" * 501)))
    def run(reason):
        site = Site.objects.create(slug=next(slugs), name="Doomed", kind="monument", country="SY")
        url = f"/api/v1/sites/{site.slug}/"
        before = table_counts()
        response = deleter.delete(f"{url}?{query_string([('reason', reason)])}", HTTP_IF_MATCH='"1"')
        assert response.status_code in (204, 400), (reason, response.status_code, response.content[:300])
        if response.status_code == 204:
            assert Deletion.objects.get(identifier=site.slug).reason == reason.strip()
        else:
            assert table_counts() == before

    run()


# --- Search strings: long, and of every Unicode category ---------------------------------------------------------

every_category = st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), min_size=1, max_size=200)


@pytest.mark.parametrize("prefix", ["sites", "damage-reports", "citations"])
def test_any_search_string_is_a_200_or_a_400_naming_search(world, anonymous, unthrottled, prefix):
    """Text of every Unicode category (marks, symbols, controls, private use, RTL marks) and of 10,000 characters."""
    seen = set()

    @FUZZ
    @given(value=st.one_of(every_category, st.just("تَدْمُر" * 2000), st.just("palmyra " * 1250)))
    def run(value):
        response = anonymous.get(f"/api/v1/{prefix}/", {"search": value})
        assert response.status_code in (200, 400), (value[:50], response.status_code, response.content[:300])
        if response.status_code == 400:
            assert "search" in response.json(), response.json()
        seen.add(response.status_code)

    run()
    assert seen == {200, 400}
