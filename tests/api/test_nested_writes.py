"""
A site's names, designations and periods and an event's participants and figures are written with their record, in
one transaction: checked like the admin's inlines, errors named by list and position, nothing written on any error,
and a list sent replaces the record's list, items matched by their natural key.
"""

import pytest

from heritage.records.models import Designation, Event, EventFigure, EventParticipant, Site, SiteName, SitePeriod

from ..conftest import table_counts
from .base import if_match

END_BEFORE_START = "The designation's end (valid_to) must not be before its start (valid_from)."


def nimrud(**extra):
    return {"slug": "nimrud", "name": "Nimrud", "kind": "archaeological_site", "country": "IQ", **extra}


def test_a_site_is_created_with_its_names_designations_and_periods(world, curator):
    """One POST writes the site and its lists, with their citations, and answers with them as they read back."""
    citation = world["citation"].pk
    body = nimrud(
        names=[
            {"name": "Kalhu", "kind": "historical", "language": "akk", "citations": [citation]},
            {"name": "نمرود", "kind": "local", "language": "ar"},
        ],
        designations=[{"kind": "unesco_tentative", "valid_from": "2000-01-27", "granted_by": "unesco"}],
        periods=[{"period": "parthian", "citations": [citation]}],
    )
    response = curator.post("/api/v1/sites/", body, format="json")
    assert response.status_code == 201, response.content
    site = Site.objects.get(slug="nimrud")
    assert sorted(site.names.values_list("name", "kind", "language")) == [
        ("Kalhu", "historical", "akk"),
        ("نمرود", "local", "ar"),
    ]
    assert list(site.names.get(name="Kalhu").citations.all()) == [world["citation"]]
    designation = site.designations.get()
    assert (designation.kind, designation.granted_by.slug) == ("unesco_tentative", "unesco")
    assert designation.valid_from_earliest.isoformat() == "2000-01-27"  # the bounds are derived, as in the admin
    assert list(site.site_periods.get().citations.all()) == [world["citation"]]
    read = curator.get("/api/v1/sites/nimrud/").json()
    assert response.json() == read
    assert read["periods"][0]["period"]["slug"] == "parthian"
    assert read["periods"][0]["citations"][0]["id"] == citation
    assert read["designations"][0]["valid_from"] == {
        "edtf": "2000-01-27",
        "earliest": "2000-01-27",
        "latest": "2000-01-27",
    }
    assert read["designations"][0]["is_current"] is True


NOT_A_DATE_PART = "Not a part of a date (edtf, earliest, latest)."


@pytest.mark.parametrize(
    ("lists", "errors"),
    [
        # A value the serializer refuses, an unknown key, a model check, a unique constraint within the list.
        (
            {"names": [{"name": "Kalhu", "kind": "ancient"}]},
            {"names": {"0": {"kind": ['"ancient" is not a valid choice.']}}},
        ),
        (
            {"names": [{"name": "Kalhu", "kind": "historical"}, {"name": "Kalah", "kind": "variant", "colour": 1}]},
            {"names": {"1": {"colour": ["Unknown field."]}}},
        ),
        (
            {"designations": [{"kind": "unesco_in_danger", "valid_from": "2015", "valid_to": "2013"}]},
            {"designations": {"0": {"non_field_errors": [END_BEFORE_START]}}},
        ),
        (
            {"designations": [{"kind": "unesco_in_danger"}]},
            {"designations": {"0": {"valid_from": ["This field is required."]}}},
        ),
        (
            {"names": [{"name": 12345678901234567890123, "kind": "historical"}]},
            {"names": {"0": {"name": ["Not a valid string."]}}},
        ),
        (
            {"designations": [{"kind": "unesco_in_danger", "valid_from": {"date": "2015"}}]},
            {"designations": {"0": {"valid_from": {"date": [NOT_A_DATE_PART], "edtf": ["This field is required."]}}}},
        ),
        (
            {"names": [{"name": "Kalhu", "kind": "historical"}, {"name": "Kalhu", "kind": "variant"}]},
            {"names": {"1": {"name": ["This site already has this name. (item 0 has the same.)"]}}},
        ),
        (
            {"periods": [{"period": "no-such-period"}]},
            {"periods": {"0": {"period": ["No record with slug 'no-such-period'."]}}},
        ),
        ({"periods": [{"period": "parthian", "citations": [999999]}]}, None),
        (
            {"periods": [{"period": "parthian", "citations": {"15": "x"}}]},
            {"periods": {"0": {"citations": ['Expected a list of items but got type "dict".']}}},
        ),
        ({"names": "Kalhu"}, None),
    ],
)
def test_a_bad_item_refuses_the_whole_write(world, curator, lists, errors):
    """A bad item is a 400 naming the list, its position and the field; neither the site nor any item is written."""
    before = table_counts()
    response = curator.post("/api/v1/sites/", nimrud(**lists), format="json")
    assert response.status_code == 400, response.content
    if errors is not None:
        assert response.json() == errors
    else:
        assert list(response.json()) == list(lists)
    assert table_counts() == before


def test_errors_of_the_record_and_of_its_items_come_together(world, curator):
    """A bad record field and a bad item are both named in one answer."""
    body = nimrud(country="XX", names=[{"name": "Kalhu", "kind": "historical"}, {"name": "", "kind": "variant"}])
    response = curator.post("/api/v1/sites/", body, format="json")
    assert response.status_code == 400
    assert set(response.json()) == {"country", "names"}
    assert list(response.json()["names"]) == ["1"] and "name" in response.json()["names"]["1"]


def test_a_list_sent_replaces_the_list_matching_items_by_natural_key(world, curator):
    """
    PATCH with a list: an item with the natural key of an existing row updates that row (same id, citations kept
    when the item gives none); new keys are new rows; rows no item names are deleted.
    """
    hatra = world["hatra"]
    kept = hatra.names.get(name="al-Hadr")
    kept.citations.add(world["citation"])
    url = "/api/v1/sites/hatra/"
    names = [{"name": "al-Hadr", "kind": "local", "language": "ar"}, {"name": "الحضر", "kind": "local"}]
    response = curator.patch(url, {"names": names}, format="json", **if_match(curator, url))
    assert response.status_code == 200, response.content
    assert [name["name"] for name in response.json()["names"]] == ["al-Hadr", "الحضر"]
    updated = SiteName.objects.get(pk=kept.pk)
    assert updated.language == "ar"
    assert list(updated.citations.all()) == [world["citation"]]
    # Replacing with fewer: the unnamed row goes; an empty list empties it.
    response = curator.patch(url, {"names": names[1:]}, format="json", **if_match(curator, url))
    assert response.status_code == 200
    assert not SiteName.objects.filter(pk=kept.pk).exists()
    response = curator.patch(url, {"names": []}, format="json", **if_match(curator, url))
    assert response.json()["names"] == [] and not hatra.names.exists()


def test_a_list_left_out_is_left_alone(world, curator):
    """A PATCH or PUT without a list changes nothing of it."""
    url = "/api/v1/sites/hatra/"
    before = sorted(Designation.objects.filter(site=world["hatra"]).values_list("pk", "version"))
    response = curator.patch(url, {"description": "Changed."}, format="json", **if_match(curator, url))
    assert response.status_code == 200
    assert sorted(Designation.objects.filter(site=world["hatra"]).values_list("pk", "version")) == before
    assert len(response.json()["designations"]) == 2


def test_a_changed_periods_list_is_in_the_site_and_the_period_filter(world, curator):
    """A site's periods, replaced through the API, are what the site and the periods filter show."""
    url = "/api/v1/sites/hatra/"
    periods = [{"period": "early-second-millennium-bce"}]
    response = curator.patch(url, {"periods": periods}, format="json", **if_match(curator, url))
    assert response.status_code == 200, response.content
    assert [p["period"]["slug"] for p in response.json()["periods"]] == ["early-second-millennium-bce"]
    assert not SitePeriod.objects.filter(site=world["hatra"], period=world["parthian"]).exists()
    listed = curator.get("/api/v1/periods/", {"site": "hatra"}).json()["results"]
    assert [p["slug"] for p in listed] == ["early-second-millennium-bce"]


def test_a_designations_derived_field_may_be_echoed_but_not_changed(world, curator):
    """`is_current` of a designation is read-only: sent as the item shows it, accepted; otherwise a 400."""
    url = "/api/v1/sites/hatra/"
    designations = curator.get(url).json()["designations"]
    response = curator.patch(url, {"designations": designations}, format="json", **if_match(curator, url))
    assert response.status_code == 200, response.content
    designations[0]["is_current"] = not designations[0]["is_current"]
    response = curator.patch(url, {"designations": designations}, format="json", **if_match(curator, url))
    assert response.status_code == 400
    assert "not writable" in response.json()["designations"]["0"]["is_current"][0]


def test_an_event_is_created_with_its_participants_and_figures(world, curator):
    """One POST writes the event, its participants and its figures, with their citations."""
    citation = world["citation"].pk
    body = {
        "slug": "nimrud-bulldozed",
        "title": "Nimrud bulldozed",
        "kind": "capture",
        "participants": [
            {"actor": "isis", "role": "agent", "description": "with bulldozers", "citations": [citation]},
            {"actor": "unesco", "role": "critic"},
        ],
        "figures": [{"measure": "days", "quantity": {"min": 3, "max": 5, "qualifier": "between", "unit": "days"}}],
    }
    response = curator.post("/api/v1/events/", body, format="json")
    assert response.status_code == 201, response.content
    event = Event.objects.get(slug="nimrud-bulldozed")
    assert sorted(event.participants.values_list("actor__slug", "role")) == [("isis", "agent"), ("unesco", "critic")]
    figure = event.figures.get()
    assert (figure.quantity_min, figure.quantity_max, figure.quantity_qualifier, figure.quantity_unit_id) == (
        3,
        5,
        "between",
        "days",
    )
    read = curator.get("/api/v1/events/nimrud-bulldozed/").json()
    assert read == response.json()
    agent = next(p for p in read["participants"] if p["role"] == "agent")
    assert agent["actor"]["slug"] == "isis" and agent["citations"][0]["id"] == citation
    assert read["figures"][0]["quantity"] == {"min": 3, "max": 5, "qualifier": "between", "unit": "days"}


@pytest.mark.parametrize(
    ("lists", "path"),
    [
        ({"participants": [{"actor": "atlantis", "role": "agent"}]}, ("participants", "0", "actor")),
        ({"participants": [{"actor": {"slug": "isis", "colour": 1}, "role": "agent"}]}, ("participants", "0", "actor")),
        ({"participants": [{"actor": "isis", "role": "agent"}, {"actor": "isis", "role": "agent"}]}, None),
        ({"figures": [{"measure": "sorties"}]}, ("figures", "0", "non_field_errors")),
        (
            {
                "figures": [
                    {"measure": "sorties", "quantity": {"min": -1, "max": -1, "qualifier": "exactly", "unit": "days"}}
                ]
            },
            None,
        ),
    ],
)
def test_a_bad_participant_or_figure_refuses_the_event(world, curator, lists, path):
    """A bad participant or figure: 400 under the list and position, and no event, participant or figure written."""
    before = table_counts()
    response = curator.post("/api/v1/events/", {"slug": "e", "title": "E", "kind": "capture", **lists}, format="json")
    assert response.status_code == 400, response.content
    (name,) = lists
    assert list(response.json()) == [name]
    if path is not None:
        assert path[2] in response.json()[path[0]][path[1]]
    assert table_counts() == before


def test_an_events_participants_are_replaced(world, curator):
    """PATCH participants: the same actor and role keeps its row; a new one is added; the rest are deleted."""
    recapture = world["recapture"]
    kept = recapture.participants.get()
    url = "/api/v1/events/hatra-recapture/"
    participants = [
        {"actor": "pmf", "role": "agent", "description": "led the assault"},
        {"actor": "isis", "role": "opponent"},
    ]
    response = curator.patch(url, {"participants": participants}, format="json", **if_match(curator, url))
    assert response.status_code == 200, response.content
    assert EventParticipant.objects.get(pk=kept.pk).description == "led the assault"
    assert recapture.participants.count() == 2
    figures = [{"measure": "fighters", "quantity": {"min": 2001, "qualifier": "more_than", "unit": "people"}}]
    kept_figure = recapture.figures.get()
    response = curator.patch(url, {"figures": figures}, format="json", **if_match(curator, url))
    assert response.status_code == 200, response.content
    assert EventFigure.objects.get(pk=kept_figure.pk).quantity_min == 2001


def test_batches_name_the_record_and_the_item(world, curator):
    """In a batch, a bad item is named by the record's position, then the list and the item's."""
    before = table_counts()
    body = [nimrud(), nimrud(slug="ashur", name="Ashur", names=[{"name": "Assur", "kind": "nope"}])]
    response = curator.post("/api/v1/sites/", body, format="json")
    assert response.status_code == 400
    assert response.json()["errors"] == {"1": {"names": {"0": {"kind": ['"nope" is not a valid choice.']}}}}
    assert table_counts() == before


def test_lists_sent_back_as_read_save_none_of_their_rows(world, curator):
    """A site's lists PUT back as read: every row keeps its id and version, and nothing enters its history."""
    url = "/api/v1/sites/hatra/"
    hatra = world["hatra"]
    rows = lambda: [  # noqa: E731
        sorted(manager.values_list("pk", "version"))
        for manager in (hatra.names, hatra.designations, hatra.site_periods)
    ]
    before, history = rows(), SiteName.history.count() + Designation.history.count() + SitePeriod.history.count()
    read = curator.get(url)
    response = curator.put(url, read.json(), format="json", HTTP_IF_MATCH=read["ETag"])
    assert response.status_code == 200, response.content
    assert rows() == before
    assert SiteName.history.count() + Designation.history.count() + SitePeriod.history.count() == history
