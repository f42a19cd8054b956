"""/api/v1/pledges/ and /api/v1/pledges/<ref>/: the list page's filters and
order, cursor pages that reach every pledge, 400s that name the parameter,
and a query count that does not grow with the page."""

from datetime import date

import pytest

from tests.api_helpers import assert_documented
from tests.factories import (
    make_actor,
    make_instrument,
    make_pledge,
    make_source,
    make_theme,
    make_update,
    populate,
)
from tracker.error_messages import DATE_FORMAT
from tracker.models import Pledge, Status, Timeframe, UpdateKind

pytestmark = pytest.mark.django_db

URL = "/api/v1/pledges/"


def get(client, url=URL, params=None):
    response = client.get(url, params or {})
    assert response.status_code == 200, response.content
    return assert_documented(response)


def refs(data):
    return [item["ref"] for item in data["results"]]


def follow(client, url, params=None):
    """Every page, following ``next``; returns the refs and the pages seen."""
    data = get(client, url, params)
    pages = [data]
    while data["next"]:
        data = get(client, data["next"])
        pages.append(data)
    return [ref for page in pages for ref in refs(page)], pages


def test_a_pledge_has_every_field(client):
    source = make_source(slug="asem-2002", title="ASEM Copenhagen Declaration", short_title="ASEM")
    theme = make_theme(slug="terrorist-financing", name="Terrorist financing")
    actor = make_actor(slug="asem-partners", name="ASEM partners")
    instrument = make_instrument(slug="unscr-1373", name="Res 1373", symbol="S/RES/1373 (2001)")
    pledge = make_pledge(
        source=source,
        themes=[theme],
        actors=[actor],
        instruments=[instrument],
        ref="asem-2002-3.2",
        paragraph=2,
        quote="We pledge to do the second thing.",
        title="Freeze terrorist assets",
        timeframe=Timeframe.LONG_TERM,
    )
    update = make_update(
        pledge,
        status=Status.LIMITED,
        as_of=date(2003, 1, 1),
        kind=UpdateKind.SELF_REPORT,
        actor=actor,
        evidence_reference="A/RES/59/290",
    )
    [item] = get(client)["results"]
    assert item == get(client, f"{URL}asem-2002-3.2/")
    assert item["url"] == "http://testserver/pledges/asem-2002-3.2/"
    assert item["api_url"] == "http://testserver/api/v1/pledges/asem-2002-3.2/"
    assert item["source"] == {
        "slug": "asem-2002",
        "title": "ASEM Copenhagen Declaration",
        "short_title": "ASEM",
        "url": "http://testserver/api/v1/sources/asem-2002/",
    }
    assert item["paragraph_url"] == "http://testserver/sources/asem-2002/#p2"
    assert item["timeframe"] == "long_term"
    assert item["themes"] == [{"slug": "terrorist-financing", "name": "Terrorist financing"}]
    assert item["instruments"] == [
        {"slug": "unscr-1373", "name": "Res 1373", "symbol": "S/RES/1373 (2001)"}
    ]
    assert item["current_status"]["value"] == "no_information"  # an actor's part only
    assert item["last_update_as_of"] == "2003-01-01"
    [entry] = item["updates"]
    assert entry["id"] == update.pk
    assert entry["url"] == f"http://testserver/api/v1/updates/{update.pk}/"
    assert entry["actor"] == "asem-partners"
    assert entry["kind"] == "self_report"
    assert entry["evidence_reference"] == "A/RES/59/290"
    assert entry["withdrawn_at"] is None


def test_an_unknown_ref_is_a_json_404(client):
    response = client.get(f"{URL}no-such-pledge/")
    assert response.status_code == 404
    assert assert_documented(response)["detail"] == "There is nothing at this address."


def test_paging_by_next_reaches_every_pledge_once_in_the_list_order(client):
    populate(23)
    got, pages = follow(client, URL, {"page_size": 5})
    assert len(pages) == 5
    expected = list(Pledge.objects.values_list("ref", flat=True))  # the model's reading order
    assert got == expected


def test_previous_walks_back_through_the_same_pages(client):
    populate(12)
    first = get(client, params={"page_size": 5})
    assert first["previous"] is None
    second = get(client, first["next"])
    third = get(client, second["next"])
    assert third["next"] is None
    assert refs(get(client, third["previous"])) == refs(second)
    back = get(client, second["previous"])
    assert refs(back) == refs(first)
    assert back["previous"] is None


@pytest.mark.parametrize("ordering", ["title", "-ref", "status", "-status", "last_update"])
def test_pages_follow_any_ordering_the_list_page_offers(client, ordering):
    populate(9)
    # Some pledges without updates: NULL last-update dates sort first.
    make_pledge(title="Never updated A")
    make_pledge(title="Never updated B")
    got, _ = follow(client, URL, {"ordering": ordering, "page_size": 2})
    whole = get(client, params={"ordering": ordering, "page_size": 100})
    assert got == refs(whole)
    assert len(got) == 11


def test_the_last_update_order_keeps_never_updated_pledges_when_reversed(client):
    populate(4)
    never = make_pledge(title="Never updated")
    got, _ = follow(client, URL, {"ordering": "-last_update", "page_size": 2})
    assert got[-1] == never.ref
    assert len(got) == 5


def test_filters_are_the_list_pages(client):
    theme = make_theme(slug="rights")
    tagged = make_pledge(themes=[theme])
    make_update(tagged, status=Status.COMPLETE)
    make_pledge()
    assert refs(get(client, params={"theme": "rights"})) == [tagged.ref]
    assert refs(get(client, params={"status": "complete"})) == [tagged.ref]
    assert refs(get(client, params={"status": ["complete", "no_information"]})) != []


def test_filters_carry_over_to_the_next_page(client):
    theme = make_theme(slug="rights")
    tagged = [make_pledge(themes=[theme]) for _ in range(3)]
    make_pledge()
    got, _ = follow(client, URL, {"theme": "rights", "page_size": 1})
    assert sorted(got) == sorted(p.ref for p in tagged)


@pytest.mark.parametrize(
    "params, name, message",
    [
        ({"theme": "nope"}, "theme", "There is no theme “nope”."),
        ({"status": "done"}, "status", "“done” is not a status."),
        ({"updated_after": "yesterday"}, "updated_after", DATE_FORMAT),
        ({"page_size": "101"}, "page_size", "Ask for 1 to 100 items a page."),
        ({"page_size": "0"}, "page_size", "Ask for 1 to 100 items a page."),
        ({"cursor": "made-up"}, "cursor", None),
        ({"stauts": "complete"}, "stauts", "This API does not know this parameter."),
    ],
)
def test_a_bad_parameter_is_a_400_naming_it(client, params, name, message):
    make_pledge()
    response = client.get(URL, params)
    assert response.status_code == 400
    data = assert_documented(response)
    assert list(data["errors"]) == [name]
    if message:
        assert data["errors"][name] == [message]


def test_a_cursor_from_another_ordering_is_refused(client):
    populate(4)
    first = get(client, params={"page_size": 2, "ordering": "title"})
    cursor = first["next"].split("cursor=")[1]
    response = client.get(URL, {"cursor": cursor, "ordering": "status"})
    assert response.status_code == 400
    assert "cursor" in response.json()["errors"]


def test_the_link_header_carries_next_and_previous(client):
    populate(6)
    first = client.get(URL, {"page_size": 2})
    assert first["Link"] == f'<{first.json()["next"]}>; rel="next"'
    second = client.get(first.json()["next"])
    data = second.json()
    assert second["Link"] == f'<{data["next"]}>; rel="next", <{data["previous"]}>; rel="prev"'


def test_an_empty_list_is_an_empty_page(client):
    data = get(client)
    assert data == {"results": [], "next": None, "previous": None}


def test_a_page_costs_the_same_queries_whatever_its_size_or_depth(
    client, django_assert_num_queries
):
    populate(30, updates_per_pledge=4)
    # The page's ids, the pledges with their sources, every tag (one UNION),
    # every update with its actor and author: four queries.
    with django_assert_num_queries(4):
        first = get(client, params={"page_size": 3})
    with django_assert_num_queries(4):
        get(client, params={"page_size": 25})
    with django_assert_num_queries(4):
        get(client, first["next"])


def test_a_filtered_page_adds_only_the_vocabulary(client, django_assert_num_queries):
    data = populate(10)
    with django_assert_num_queries(5):
        get(client, params={"theme": data["themes"][0].slug})


def test_withdrawn_updates_are_listed_and_marked(client, steward):
    pledge = make_pledge()
    update = make_update(pledge)
    update.withdraw(steward, "Duplicate of another update.")
    [entry] = get(client, f"{URL}{pledge.ref}/")["updates"]
    assert entry["withdrawn_at"] is not None
    assert entry["withdrawal_reason"] == "Duplicate of another update."


@pytest.mark.parametrize("name", ["as_of", "recorded_on"])
def test_another_day_is_refused_by_name_until_v1_serves_it(client, name):
    response = client.get(URL, {name: "2005-12-31"})
    assert response.status_code == 400
    [message] = assert_documented(response)["errors"][name]
    assert message.startswith("API v1 does not serve the record as of another day yet")
