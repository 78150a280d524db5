"""The admin's forms: EDTF dates read back as earliest/latest, and citations located in their source's text."""

import datetime

import pytest
from django.urls import reverse
from django.utils.formats import date_format

from heritage.records.dates import EDTF_HELP
from heritage.records.models import Citation, DamageReport, DisturbanceCause, Source

from .admin_helpers import make_user

pytestmark = pytest.mark.django_db


def damage_report_data(site, **overrides):
    data = {
        "slug": "temple-shelled",
        "site": site.pk,
        "description": "The temple was shelled.",
        "cause": DisturbanceCause.objects.get(slug="vandalism").pk,
        "severity": "severely_damaged",
        "extent": "partial",
        "is_permanent": "unknown",
        "certainty": "high",
        "occurred": "2015-05~/2016-03-27",
        "_save": "Save",
    }
    return {**data, **overrides}


@pytest.mark.parametrize(
    ("text", "earliest", "latest"),
    [
        ("2015-05~/2016-03-27", datetime.date(2015, 5, 1), datetime.date(2016, 3, 27)),
        ("2014-06", datetime.date(2014, 6, 1), datetime.date(2014, 6, 30)),
        ("1980", datetime.date(1980, 1, 1), datetime.date(1980, 12, 31)),
    ],
)
def test_edtf_date_is_saved_and_shown_with_its_bounds(client, palmyra, text, earliest, latest):
    """The form accepts EDTF; after saving, the change page shows the earliest and latest dates it was read as."""
    client.force_login(make_user("cora", group="Curator"))
    response = client.post(reverse("admin:records_damagereport_add"), damage_report_data(palmyra, occurred=text))
    assert response.status_code == 302, response.context["adminform"].form.errors
    report = DamageReport.objects.get(slug="temple-shelled")
    assert (report.occurred, report.occurred_earliest, report.occurred_latest) == (text, earliest, latest)
    assert report.status == "draft"
    page = client.get(reverse("admin:records_damagereport_change", args=[report.pk])).content.decode()
    for day in (earliest, latest):
        assert date_format(day) in page  # as the admin shows dates, e.g. "May 1, 2015"


@pytest.mark.parametrize("text", ["2015-13", "March 2015", "2016-03-27/2015-05"])
def test_malformed_edtf_is_refused_on_its_field_saying_what_edtf_expects(client, palmyra, text):
    client.force_login(make_user("cora", group="Curator"))
    response = client.post(reverse("admin:records_damagereport_add"), damage_report_data(palmyra, occurred=text))
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert list(errors) == ["occurred"]
    message = errors["occurred"][0]
    assert repr(text) in message
    if "ends before it starts" not in message:
        assert EDTF_HELP in message
    assert not DamageReport.objects.filter(slug="temple-shelled").exists()


def test_edtf_help_is_shown_before_any_error(client, palmyra):
    """The date fields say what EDTF expects before anything is typed."""
    client.force_login(make_user("cora", group="Curator"))
    page = client.get(reverse("admin:records_damagereport_add")).content.decode()
    assert "a date such as 2016-03-27, 2014-06 or 1980" in page


def citation_data(source, quote, **overrides):
    return {"source": source.pk, "quote": quote, "char_start": "", "char_end": "", "_save": "Save", **overrides}


def test_pasting_a_quote_finds_its_offsets(client, palmyra):
    """With the offsets left blank, saving finds them: the saved span is the quote."""
    client.force_login(make_user("cora", group="Curator"))
    source = Source.objects.get()
    quote = "making the premises unsafe"
    assert quote in source.text
    response = client.post(reverse("admin:records_citation_add"), citation_data(source, quote))
    assert response.status_code == 302, response.context["adminform"].form.errors
    citation = Citation.objects.get(quote=quote)
    assert source.text[citation.char_start : citation.char_end] == quote


def test_a_quote_not_in_the_source_is_refused_on_the_quote_field(client, palmyra):
    """A quote the source does not contain is refused on the quote field, showing the closest passage and how it
    differs; nothing is saved."""
    client.force_login(make_user("cora", group="Curator"))
    count = Citation.objects.count()
    response = client.post(
        reverse("admin:records_citation_add"), citation_data(Source.objects.get(), "Palmyra was never occupied")
    )
    assert response.status_code == 200
    [error] = response.context["adminform"].form.errors["quote"]
    assert error.startswith("This quote does not occur in the source's text. The closest passage")
    assert "is “Palmyra was largely defaced”" in error
    assert "typed “never” where the text has “largely”; typed “occupied” where the text has “defaced”" in error
    assert Citation.objects.count() == count


def test_a_quote_occurring_twice_is_refused(client, palmyra):
    """A quote found twice in the source is ambiguous: refused, asking for more words."""
    client.force_login(make_user("cora", group="Curator"))
    response = client.post(reverse("admin:records_citation_add"), citation_data(Source.objects.get(), "Palmyra"))
    assert "occurs more than once" in response.context["adminform"].form.errors["quote"][0]


def test_editing_a_quote_relocates_it(client, palmyra):
    """Changing the quote while leaving the old offsets in the form finds the new quote's offsets."""
    client.force_login(make_user("cora", group="Curator"))
    citation = Citation.objects.get(quote__startswith="At least 150 mines")
    source = citation.source
    new_quote = "At least 150 mines are said to be hidden around the city"
    assert new_quote in source.text
    response = client.post(
        reverse("admin:records_citation_change", args=[citation.pk]),
        citation_data(source, new_quote, char_start=citation.char_start, char_end=citation.char_end),
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    citation.refresh_from_db()
    assert source.text[citation.char_start : citation.char_end] == new_quote


@pytest.mark.parametrize(
    ("quote", "offsets", "field", "error"),
    [
        ("Palmyra was never occupied", {}, "quote", "This quote does not occur in the source's text."),
        (None, {"char_end": ""}, None, "Give both offsets, or leave both blank to find them from the quote."),
    ],
)
def test_a_refused_edit_of_a_citation_is_shown_again_with_its_error(client, palmyra, quote, offsets, field, error):
    """
    An edit refused after the offsets were cleared (a quote the text does not hold, one offset of two) shows the form
    again with the error, the quote's context waiting for a save; nothing is written.
    """
    client.force_login(make_user("cora", group="Curator"))
    citation = Citation.objects.get(quote="recaptured the desert city of Palmyra")
    data = citation_data(
        citation.source, quote or citation.quote, char_start=citation.char_start, char_end=citation.char_end
    )
    response = client.post(reverse("admin:records_citation_change", args=[citation.pk]), {**data, **offsets})
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert errors[field or "__all__"][0].startswith(error)
    assert "Shown after saving." in response.content.decode()
    assert Citation.objects.get(pk=citation.pk).quote == "recaptured the desert city of Palmyra"


def test_citation_page_shows_the_quote_highlighted_in_context(client, palmyra):
    """The quote is marked within its surrounding words, and the records citing it are listed."""
    client.force_login(make_user("cora", group="Curator"))
    citation = Citation.objects.get(quote="recaptured the desert city of Palmyra")
    before, quote, after = citation.context
    page = client.get(reverse("admin:records_citation_change", args=[citation.pk])).content.decode()
    assert f"{before[-30:]}<mark>recaptured the desert city of Palmyra</mark>{after[:30]}" in page
    assert "site: Palmyra" in page  # the records citing it are listed
