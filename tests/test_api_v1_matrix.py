"""/api/v1/matrix/?source=…: the pledge × party matrix of one text, the
same cells as /matrix/ and /matrix/data.json, with the list's filters, the
record as of a past day by the one per-party rule
(StatusUpdate.objects.party_cells), cursor pages, and a fixed number of
queries whatever the size."""

from datetime import UTC, date, datetime

import pytest
from django.utils import timezone

from tests.api_helpers import assert_documented
from tests.factories import make_pledge, make_update, make_user
from tests.party_helpers import make_party, text_with_parties
from tracker import parties
from tracker.api import matrix
from tracker.models import StatementKind, Status, StatusUpdate, UpdateKind

pytestmark = pytest.mark.django_db

URL = "/api/v1/matrix/"


def get(client, params=None, url=URL):
    response = client.get(url, params or {})
    assert response.status_code == 200, response.content
    return assert_documented(response)


def statuses(data):
    """``{ref: {party slug: cell status}}``."""
    return {
        row["ref"]: {slug: cell["status"] for slug, cell in row["cells"].items()}
        for row in data["results"]
    }


def test_the_cells_are_those_of_the_matrix_pages_data_json(client):
    source, (first, second), pledges = text_with_parties()
    pledges[2].applies_to.set([first])
    data = get(client, {"source": source.slug})
    assert data["source"]["slug"] == source.slug
    assert data["as_of"] is None
    assert [p["slug"] for p in data["parties"]] == [first.slug, second.slug]
    assert data["parties"][0]["url"] == f"http://testserver/parties/{first.slug}/"
    assert {entry["value"] for entry in data["legend"]} >= {"contested", "not_applicable"}
    page = client.get("/matrix/data.json", {"source": source.slug}).json()
    assert [row["ref"] for row in data["results"]] == [row["ref"] for row in page["rows"]]
    for ours, theirs in zip(data["results"], page["rows"], strict=True):
        for cell in ours["cells"].values():
            for side in ("self_report", "independent_assessment"):
                if side in cell:
                    assert cell[side].pop("url") == (
                        f"http://testserver/api/v1/updates/{cell[side]['update']}/"
                    )
        assert ours["cells"] == theirs["cells"]
    assert statuses(data) == {
        pledges[0].ref: {first.slug: "limited", second.slug: "no_information"},
        pledges[1].ref: {first.slug: "contested", second.slug: "no_information"},
        pledges[2].ref: {first.slug: "no_information", second.slug: "not_applicable"},
    }
    contested = data["results"][1]["cells"][first.slug]
    assert contested["self_report"]["status"] == "complete"
    assert contested["independent_assessment"]["status"] == "not_started"


def test_as_of_a_past_day_the_cells_are_that_days(client):
    source, (first, second), pledges = text_with_parties()
    # The self-report (complete) is dated 2006; the assessments 13 April 2005.
    data = get(client, {"source": source.slug, "as_of": "2005-12-31"})
    assert data["as_of"] == "2005-12-31"
    assert statuses(data)[pledges[1].ref][first.slug] == "not_started"
    assert statuses(data)[pledges[0].ref][first.slug] == "limited"
    before = get(client, {"source": source.slug, "as_of": "2005-01-01"})
    assert {s for row in statuses(before).values() for s in row.values()} == {"no_information"}
    # A text not yet adopted on that day has no pledges in the record.
    assert get(client, {"source": source.slug, "as_of": "2002-01-01"})["results"] == []


def test_as_of_today_equals_the_maintained_cells(client):
    source, party_list, pledges = text_with_parties(pledge_count=4, party_count=3)
    make_update(pledges[3], actor=party_list[2], status=Status.ONGOING, as_of=date(2010, 1, 1))
    today = timezone.localdate()
    plain = get(client, {"source": source.slug})
    assert get(client, {"source": source.slug, "as_of": today.isoformat()}) == plain
    ids, party_ids = [p.pk for p in pledges], [p.pk for p in party_list]
    # The rule computed on today's date gives exactly the maintained PartyStatus rows.
    assert matrix.dated_cells(ids, party_ids, today) == parties.cells_for(ids, party_ids)
    assert matrix.dated_matrix_rows(pledges, party_list, today) == parties.matrix_rows(
        pledges, party_list
    )


def test_a_withdrawn_update_does_not_count_on_any_day(client):
    source, (first, _second), pledges = text_with_parties()
    late = make_update(
        pledges[2],
        actor=first,
        status=Status.COMPLETE,
        as_of=date(2007, 1, 1),
        created=datetime(2007, 1, 1, tzinfo=UTC),
    )
    assert statuses(get(client, {"source": source.slug}))[pledges[2].ref][first.slug] == "complete"
    late.withdraw(make_user(), "Wrong party.")
    StatusUpdate.objects.filter(pk=late.pk).update(withdrawn_at=datetime(2012, 1, 1, tzinfo=UTC))
    for params in ({}, {"as_of": "2008-12-31"}):
        data = get(client, {"source": source.slug, **params})
        assert statuses(data)[pledges[2].ref][first.slug] == "no_information"


def test_the_list_filters_apply(client):
    source, (first, _), pledges = text_with_parties()
    make_pledge(
        source=source, ref="ctx-1", statement_kind=StatementKind.CONTEXT, commitment_type=""
    )
    only = get(client, {"source": source.slug, "q": pledges[2].ref})
    assert [row["ref"] for row in only["results"]] == [pledges[2].ref]
    context = get(client, {"source": source.slug, "statement_kind": "context"})
    assert [row["ref"] for row in context["results"]] == ["ctx-1"]
    dated = get(client, {"source": source.slug, "as_of": "2005-12-31", "status": "limited"})
    assert dated["results"] == []  # the pledges' own status: no overall update at all


def test_pages_follow_the_cursor_and_carry_the_day(client):
    source, _, pledges = text_with_parties(pledge_count=5)
    params = {"source": source.slug, "page_size": 2, "as_of": "2005-12-31"}
    data = get(client, params)
    seen = [row["ref"] for row in data["results"]]
    while data["next"]:
        assert "as_of=2005-12-31" in data["next"] and f"source={source.slug}" in data["next"]
        data = get(client, url=data["next"])
        seen += [row["ref"] for row in data["results"]]
    assert seen == [p.ref for p in pledges]
    response = client.get(URL, {"source": source.slug, "page_size": 1001})
    assert response.status_code == 400
    assert assert_documented(response)["errors"] == {
        "page_size": ["Ask for 1 to 1000 rows a page."]
    }


@pytest.mark.parametrize(
    "params, name, message",
    [
        ({}, "source", "Say which text: the slug of a source, e.g. source=asem-copenhagen-2002."),
        ({"source": "nowhere"}, "source", "There is no source “nowhere”."),
        ({"as_of": "2005-13-01"}, "as_of", "Enter a date as YYYY-MM-DD."),
        ({"recorded_on": "2005-12-31"}, "recorded_on", "This API does not know this parameter."),
    ],
)
def test_a_bad_parameter_is_a_400_naming_it(client, params, name, message):
    source, _, _ = text_with_parties()
    if name != "source":
        params = {"source": source.slug, **params}
    response = client.get(URL, params)
    assert response.status_code == 400
    assert assert_documented(response)["errors"] == {name: [message]}


@pytest.mark.parametrize("as_of", [None, "2005-12-31"])
def test_the_number_of_queries_does_not_grow_with_the_matrix(
    client, django_assert_num_queries, as_of
):
    small, _, _ = text_with_parties(pledge_count=3, party_count=2)
    large, party_list, pledges = text_with_parties(pledge_count=40, party_count=12)
    for pledge in pledges[2:]:
        pledge.applies_to.set(party_list[:3])
    for i, pledge in enumerate(pledges):
        make_update(
            pledge, actor=party_list[i % 12], kind=UpdateKind.SELF_REPORT, as_of=date(2004, 1, 1)
        )
    for source in (small, large):
        params = {"source": source.slug, "page_size": 1000, **({"as_of": as_of} if as_of else {})}
        # vocabulary, source, parties, the page's ids, its pledges, narrowing, cells
        with django_assert_num_queries(7):
            get(client, params)


def test_a_party_of_another_text_is_not_a_column(client):
    source, (first, second), _ = text_with_parties()
    other, _, _ = text_with_parties(pledge_count=2, party_count=1)
    make_party(other)
    data = get(client, {"source": source.slug})
    assert [p["slug"] for p in data["parties"]] == [first.slug, second.slug]
