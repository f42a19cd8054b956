"""/: status by theme and by source as server-drawn bars, latest updates,
stale pledges, totals."""

from datetime import date, timedelta

import pytest
from django.utils import timezone

from tests.factories import make_pledge, make_source, make_theme, make_update, populate
from tests.helpers import html_text
from tracker.models import Status

pytestmark = pytest.mark.django_db


def test_it_draws_a_bar_per_theme_with_segments_per_status(client):
    theme = make_theme(name="Human rights")
    make_update(make_pledge(themes=[theme]), status=Status.COMPLETE)
    make_pledge(themes=[theme])
    response = client.get("/")
    assert response.status_code == 200
    row = next(r for r in response.context["theme_rows"] if r.object == theme)
    assert row.total == 2
    assert {s["status"]: s["width"] for s in row.bar.segments} == {
        Status.NO_INFORMATION: 50.0,
        Status.COMPLETE: 50.0,
    }
    # Each segment's count in words beside the bar (issue 19): no hover needed.
    counts = html_text(response, 'ul[aria-label="Human rights, by status"]')
    assert counts == "No information 1 Complete 1"
    assert "<svg" in response.text and "<script" not in response.text


def test_the_headline_figures_count_commitments_by_the_one_rule(client):
    from tracker.models import StatementKind

    for status in (Status.COMPLETE, Status.ONGOING, Status.STALLED, Status.NOT_STARTED):
        make_update(make_pledge(), status=status)
    make_pledge()  # no information
    make_pledge(statement_kind=StatementKind.CONTEXT, commitment_type="")
    response = client.get("/")
    card = response.context["scorecard"]
    assert (card.commitments, card.with_progress, card.complete, card.stalled) == (5, 2, 1, 1)
    assert card.no_information == 1 and card.progress_share == 40
    assert (
        "Of the 5 commitments in the texts followed, 2 (40%) have documented progress, "
        "1 of them complete; 1 is stalled and 1 has no information."
    ) in html_text(response, ".headline")
    assert 'href="/methodology/#scorecard"' in response.text


def test_one_document_that_updated_several_pledges_is_one_event(client):
    first, second = make_pledge(ref="e-1.1"), make_pledge(ref="e-1.2")
    for pledge in (second, first):
        make_update(pledge, as_of=date(2006, 5, 1), evidence_url="https://example.org/report")
    make_update(first, as_of=date(2006, 5, 1), evidence_url="https://example.org/other")
    response = client.get("/")
    events = response.context["latest_events"]
    assert [len(event.updates) for event in events] == [2, 1] or [
        len(event.updates) for event in events
    ] == [1, 2]
    grouped = next(event for event in events if len(event.updates) == 2)
    assert [update.pledge.ref for update in grouped.updates] == ["e-1.1", "e-1.2"]
    assert response.text.count('href="https://example.org/report"') == 1
    assert "2 pledges" in response.text


def test_it_totals_pledges_per_source(client):
    source = make_source(short_title="ASEM 2002")
    make_pledge(source=source)
    make_pledge(source=source)
    make_pledge()
    response = client.get("/")
    totals = {row.label: row.total for row in response.context["source_rows"]}
    assert totals["ASEM 2002"] == 2
    assert response.context["pledge_total"] == 3


def test_it_lists_the_latest_updates_newest_first(client):
    pledge = make_pledge()
    make_update(pledge, as_of=date(2004, 1, 1), summary="Older news")
    make_update(pledge, as_of=date(2009, 1, 1), summary="Newer news")
    text = client.get("/").text
    assert text.index("Newer news") < text.index("Older news")


def test_it_lists_stale_pledges_oldest_first(client):
    fresh = make_pledge(title="Fresh pledge")
    make_update(fresh, as_of=timezone.localdate() - timedelta(days=10))
    old = make_pledge(title="Old pledge")
    make_update(old, as_of=date(2004, 1, 1))
    never = make_pledge(title="Never updated pledge")
    response = client.get("/")
    assert list(response.context["stale_pledges"]) == [never, old]
    assert response.context["stale_total"] == 2
    assert "never updated" in response.text


def test_an_empty_database_shows_empty_states(client):
    response = client.get("/")
    assert response.status_code == 200
    assert "No status update has been recorded yet." in response.text
    assert "No source texts yet." in response.text


@pytest.mark.parametrize("pledge_count", [10, 200])
def test_query_count_does_not_grow_with_the_data(
    client, django_assert_max_num_queries, pledge_count
):
    populate(pledge_count)
    # 9 (issue 19): the headline figures, and the footer's sources.
    with django_assert_max_num_queries(9):
        response = client.get("/")
    assert response.status_code == 200


def test_counts_and_staleness_cover_commitments_only(client):
    from tracker.models import StatementKind

    theme = make_theme(name="Human rights")
    make_pledge(themes=[theme])  # a commitment with no update: stale
    make_pledge(themes=[theme], statement_kind=StatementKind.CONTEXT, commitment_type="")
    response = client.get("/")
    row = next(r for r in response.context["theme_rows"] if r.object == theme)
    assert row.total == 1
    assert response.context["pledge_total"] == 1
    assert response.context["stale_total"] == 1
    assert response.context["context_total"] == 1
    assert "1 passage of context that commits no one" in response.text
