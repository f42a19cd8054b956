"""/api/pledges/, the API before v1: every field, the list page's filters and
order, 400 for bad parameters, pages of 100 linked by ``next``, a Deprecation
header with a link to v1, and a query count that does not grow with rows."""

from datetime import UTC, date, datetime, timedelta

import pytest
from django.urls import reverse

from tests.factories import (
    make_actor,
    make_instrument,
    make_pledge,
    make_source,
    make_theme,
    make_update,
    make_user,
    populate,
)
from tracker.models import (
    CommitmentType,
    Pledge,
    StatementKind,
    Status,
    Timeframe,
    UpdateKind,
)

pytestmark = pytest.mark.django_db

URL = reverse("api-pledge-list")


def get_json(client, params=None, url=URL):
    response = client.get(url, params or {})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    return response.json()


def refs(data):
    return [item["ref"] for item in data["results"]]


@pytest.fixture
def full_pledge():
    """One pledge with every relation and a history of three updates."""
    source = make_source(slug="asem-2002", title="ASEM Copenhagen Declaration", short_title="ASEM")
    theme = make_theme(slug="terrorist-financing", name="Terrorist financing")
    actor = make_actor(slug="asem-partners", name="ASEM partners")
    instrument = make_instrument(
        slug="unscr-1373", name="Resolution 1373", symbol="S/RES/1373 (2001)"
    )
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
    author = make_user("steward", first_name="Ada", last_name="Lovelace")
    recorded = datetime(2024, 1, 2, 3, 4, 5, tzinfo=UTC)
    oldest = make_update(
        pledge,
        author=author,
        status=Status.LIMITED,
        as_of=date(2003, 1, 1),
        summary="Work began.",
        evidence_reference="A/RES/59/290",
        evidence_url="",
        kind=UpdateKind.SELF_REPORT,
        created=recorded,
    )
    newest = make_update(
        pledge,
        author=author,
        status=Status.COMPLETE,
        as_of=date(2005, 4, 13),
        summary="Done.",
        created=recorded,
    )
    # Same as_of as the newest, recorded earlier: it sorts after it.
    middle = make_update(
        pledge,
        author=author,
        actor=actor,
        status=Status.SUBSTANTIAL,
        as_of=date(2005, 4, 13),
        summary="The partners' part.",
        created=recorded - timedelta(days=1),
    )
    pledge.refresh_from_db()
    return pledge, [newest, middle, oldest]


def test_it_gives_every_field(client, full_pledge):
    pledge, history = full_pledge
    data = get_json(client)
    assert data["count"] == 1
    assert data["next"] is None
    [item] = data["results"]
    assert item == {
        "ref": "asem-2002-3.2",
        "url": "http://testserver/pledges/asem-2002-3.2/",
        "title": "Freeze terrorist assets",
        "quote": "We pledge to do the second thing.",
        "source": {
            "slug": "asem-2002",
            "title": "ASEM Copenhagen Declaration",
            "short_title": "ASEM",
            "document_symbol": "",
            "url": "",
        },
        "paragraph": 2,
        "paragraph_url": "http://testserver/sources/asem-2002/#p2",
        "timeframe": "long_term",
        "statement_kind": {
            "value": "firm_undertaking",
            "label": "Firm undertaking",
            "definition": StatementKind.FIRM_UNDERTAKING.definition,
        },
        "commitment_type": {
            "value": "deliverable",
            "label": "Deliverable",
            "definition": CommitmentType.DELIVERABLE.definition,
        },
        "themes": [{"slug": "terrorist-financing", "name": "Terrorist financing"}],
        "actors": [{"slug": "asem-partners", "name": "ASEM partners"}],
        "instruments": [
            {"slug": "unscr-1373", "name": "Resolution 1373", "symbol": "S/RES/1373 (2001)"}
        ],
        "current_status": {
            "value": "complete",
            "label": "Complete",
            "definition": Status.COMPLETE.definition,
        },
        "last_update_as_of": "2005-04-13",
        "created": pledge.created.isoformat(),
        "updated": pledge.updated.isoformat(),
        "updates": [
            {
                "as_of": "2005-04-13",
                "status": "complete",
                "kind": "independent_assessment",
                "actor": None,
                "author": "steward",
                "summary": "Done.",
                "evidence_url": "https://www.un.org/example",
                "evidence_reference": "",
                "created": "2024-01-02T03:04:05+00:00",
                "withdrawn_at": None,
                "withdrawal_reason": "",
            },
            {
                "as_of": "2005-04-13",
                "status": "substantial",
                "kind": "independent_assessment",
                "actor": "asem-partners",
                "author": "steward",
                "summary": "The partners' part.",
                "evidence_url": "https://www.un.org/example",
                "evidence_reference": "",
                "created": "2024-01-01T03:04:05+00:00",
                "withdrawn_at": None,
                "withdrawal_reason": "",
            },
            {
                "as_of": "2003-01-01",
                "status": "limited",
                "kind": "self_report",
                "actor": None,
                "author": "steward",
                "summary": "Work began.",
                "evidence_url": "",
                "evidence_reference": "A/RES/59/290",
                "created": "2024-01-02T03:04:05+00:00",
                "withdrawn_at": None,
                "withdrawal_reason": "",
            },
        ],
    }


def test_the_history_is_newest_first_whatever_the_order_of_entry(client):
    pledge = make_pledge()
    for year in (2004, 2010, 2002, 2007):
        make_update(pledge, as_of=date(year, 1, 1))
    [item] = get_json(client)["results"]
    assert [update["as_of"] for update in item["updates"]] == [
        "2010-01-01",
        "2007-01-01",
        "2004-01-01",
        "2002-01-01",
    ]


def test_a_pledge_without_updates_has_an_empty_history(client):
    make_pledge(ref="lonely-1")
    [item] = get_json(client)["results"]
    assert item["updates"] == []
    assert item["last_update_as_of"] is None
    assert item["current_status"]["value"] == "no_information"


def test_an_empty_selection_is_valid_json(client):
    assert get_json(client) == {"count": 0, "next": None, "results": []}


def test_the_default_order_is_the_models(client):
    early = make_source(date_adopted=date(2001, 1, 1))
    late = make_source(date_adopted=date(2005, 1, 1))
    make_pledge(source=late, ref="a-late", paragraph=1)
    make_pledge(source=early, ref="z-early-p2", paragraph=2)
    make_pledge(source=early, ref="y-early-p1", paragraph=1)
    assert refs(get_json(client)) == ["y-early-p1", "z-early-p2", "a-late"]


def test_it_keeps_the_filtersets_ordering(client):
    for ref in ("b-1", "c-1", "a-1"):
        make_pledge(ref=ref)
    assert refs(get_json(client, {"ordering": "-ref"})) == ["c-1", "b-1", "a-1"]


def test_it_filters_by_theme(client):
    theme = make_theme(slug="maritime")
    make_pledge(ref="in-theme", themes=[theme, make_theme()])
    make_pledge(ref="other-theme", themes=[make_theme()])
    data = get_json(client, {"theme": "maritime"})
    assert data["count"] == 1
    assert refs(data) == ["in-theme"]


def test_it_filters_by_status(client):
    make_update(make_pledge(ref="done"), status=Status.COMPLETE)
    make_update(make_pledge(ref="stuck"), status=Status.STALLED)
    make_pledge(ref="unknown")
    data = get_json(client, {"status": ["complete", "no_information"]})
    assert data["count"] == 2
    assert sorted(refs(data)) == ["done", "unknown"]


def test_it_filters_by_source(client):
    source = make_source(slug="wanted-source")
    make_pledge(ref="wanted", source=source)
    make_pledge(ref="unwanted")
    assert refs(get_json(client, {"source": "wanted-source"})) == ["wanted"]


def test_it_filters_by_actor(client):
    actor = make_actor(slug="asem-partners")
    make_pledge(ref="carried", actors=[actor, make_actor()])
    make_pledge(ref="not-carried", actors=[make_actor()])
    assert refs(get_json(client, {"actor": "asem-partners"})) == ["carried"]


def test_non_ascii_text_survives(client):
    make_pledge(ref="accents-1", title="Coopération régionale — “quoted”")
    [item] = get_json(client)["results"]
    assert item["title"] == "Coopération régionale — “quoted”"


def test_it_filters_by_search(client):
    make_pledge(ref="ships-1", title="Strengthen maritime security")
    make_pledge(ref="money-1", title="Freeze terrorist assets")
    data = get_json(client, {"q": "maritime"})
    assert data["count"] == 1
    assert refs(data) == ["ships-1"]


@pytest.mark.parametrize(
    ("params", "parameter", "message"),
    [
        ({"theme": "no-such-theme"}, "theme", "There is no theme “no-such-theme”."),
        ({"updated_after": "2005-13-45"}, "updated_after", "date"),
        ({"ordering": "colour"}, "ordering", "colour is not one of the available choices"),
        ({"status": "finished"}, "status", "“finished” is not a status."),
    ],
)
def test_a_bad_parameter_is_a_400_that_says_why(client, params, parameter, message):
    make_pledge()
    response = client.get(URL, params)
    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    errors = response.json()["errors"]
    assert list(errors) == [parameter]
    assert any(message.lower() in text.lower() for text in errors[parameter]), errors


def test_good_parameters_beside_a_bad_one_still_give_400(client):
    make_theme(slug="maritime")
    response = client.get(URL, {"theme": "maritime", "updated_before": "yesterday"})
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["updated_before"]


# ids of the page, count, pledges, themes, actors, instruments, updates.
QUERY_CEILING = 7


def test_the_query_count_does_not_grow_with_rows(client, django_assert_max_num_queries):
    populate(10)
    with django_assert_max_num_queries(QUERY_CEILING):
        data = get_json(client)
    assert data["count"] == len(data["results"]) == 10

    populate(90)
    with django_assert_max_num_queries(QUERY_CEILING):
        data = get_json(client)
    assert data["count"] == len(data["results"]) == 100
    assert all(len(item["updates"]) == 3 for item in data["results"])
    assert all(item["themes"] and item["actors"] for item in data["results"])


def test_pages_of_a_hundred_linked_by_next_reach_every_pledge(client):
    populate(250)
    pages = [get_json(client)]
    while pages[-1]["next"]:
        pages.append(get_json(client, url=pages[-1]["next"]))
    assert [len(page["results"]) for page in pages] == [100, 100, 50]
    assert all(page["count"] == 250 for page in pages)
    seen = [item["ref"] for page in pages for item in page["results"]]
    assert seen == list(Pledge.objects.values_list("ref", flat=True))


def test_next_keeps_the_filters(client):
    theme = make_theme(slug="maritime")
    for i in range(101):
        make_pledge(ref=f"sea-{i}", themes=[theme])
    make_pledge(ref="land-1")
    first = get_json(client, {"theme": "maritime"})
    second = get_json(client, url=first["next"])
    assert first["count"] == second["count"] == 101
    assert len(second["results"]) == 1 and second["next"] is None


def test_it_says_it_is_deprecated_and_links_to_v1(client):
    response = client.get(URL)
    assert response["Deprecation"].startswith("@")
    assert '<http://testserver/api/v1/pledges/>; rel="successor-version"' in response["Link"]
    bad = client.get(URL, {"theme": "nope"})
    assert bad.status_code == 400 and bad.has_header("Deprecation")


def test_a_made_up_cursor_is_a_400(client):
    response = client.get(URL, {"cursor": "nonsense"})
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["cursor"]


def test_a_withdrawn_update_says_so_and_why(client):
    pledge = make_pledge(ref="w-1.1")
    make_update(pledge, summary="Counts.", as_of=date(2005, 1, 1))
    mistake = make_update(pledge, summary="Wrong pledge.", as_of=date(2006, 1, 1))
    mistake.withdraw(make_user(), "Entered against the wrong pledge.")
    [item] = get_json(client)["results"]
    withdrawn, counted = item["updates"]  # newest first
    assert withdrawn["withdrawal_reason"] == "Entered against the wrong pledge."
    assert withdrawn["withdrawn_at"] is not None
    assert counted["withdrawn_at"] is None and counted["withdrawal_reason"] == ""


def test_context_has_its_kind_and_no_current_status(client):
    make_pledge(ref="hlm5-2003-8.4", statement_kind=StatementKind.CONTEXT, commitment_type="")
    [item] = get_json(client)["results"]
    assert item["statement_kind"]["value"] == "context"
    assert item["commitment_type"] is None and item["current_status"] is None


def test_the_api_filters_by_modality(client):
    make_pledge(ref="a-1.1")
    make_pledge(ref="b-1.1", statement_kind=StatementKind.CONTEXT, commitment_type="")
    data = get_json(client, {"statement_kind": "context"})
    assert [item["ref"] for item in data["results"]] == ["b-1.1"]
