"""/matrix/?source=…: pledges × parties, every cell in words, gaps marked,
the list's filters and its filter form, ?as_of= (every cell as of that day),
a fixed number of queries whatever the size, and the same matrix as CSV and
JSON."""

import csv
import io
from datetime import UTC, date, datetime

import pytest
from django.utils import timezone

from tests.factories import make_theme, make_user
from tests.party_helpers import make_party, text_with_parties
from tracker.models import Pledge, StatusUpdate

pytestmark = pytest.mark.django_db


def matrix(client, **params):
    return client.get("/matrix/", params)


def test_without_a_source_it_offers_the_texts(client):
    source, _, _ = text_with_parties()
    response = matrix(client)
    assert response.status_code == 200
    assert f"?source={source.slug}" in response.text and "Choose a text" in response.text


def test_an_unknown_source_is_reported_not_a_500(client):
    text_with_parties()
    response = matrix(client, source="nowhere")
    assert response.status_code == 200
    assert "There is no source “nowhere”." in response.text


def test_cells_say_their_status_in_words_link_evidence_and_mark_gaps(client):
    source, (first, second), pledges = text_with_parties()
    text = matrix(client, source=source.slug).text
    assert first.name in text and second.name in text
    # pledge 0: an assessment (limited) for the first party, a gap for the second
    update = pledges[0].updates.get()
    assert f'href="/updates/{update.pk}/"' in text and ">Limited</a>" in text
    # pledge 2 has nothing for either party: one band across both columns
    assert '<td class="gap" colspan="2">No information</td>' in text
    assert text.count('<td class="gap">No information</td>') == 2  # beside the two known
    # pledge 1: self-report complete vs assessment not started
    assert "<strong>Contested</strong>" in text
    assert "Self-report: Complete" in text and "Assessment: Not started" in text


def test_a_narrowed_pledge_is_not_applicable_to_the_other_parties(client):
    source, (first, second), pledges = text_with_parties()
    pledges[2].applies_to.set([first])
    text = matrix(client, source=source.slug).text
    assert text.count("Not applicable</td>") == 1


def test_the_list_filters_apply(client):
    source, _, pledges = text_with_parties()
    pledges[2].title = "Accede to the conventions"
    pledges[2].save()
    text = matrix(client, source=source.slug, q=pledges[2].ref).text
    assert pledges[2].ref in text and f">{pledges[0].ref}<" not in text


def test_a_text_without_parties_says_so(client):
    source, _, _ = text_with_parties()
    source.party_memberships.all().delete()
    assert (
        "No parties to this text have been entered yet" in matrix(client, source=source.slug).text
    )


def test_the_number_of_queries_does_not_grow_with_the_matrix(client, django_assert_num_queries):
    small, _, small_pledges = text_with_parties(pledge_count=3, party_count=2)
    large, parties, pledges = text_with_parties(pledge_count=40, party_count=12)
    for pledge in pledges[2:]:
        pledge.applies_to.set(parties[:3])
    theme = make_theme()
    for pledge in small_pledges + pledges:
        pledge.themes.add(theme)
    for source, size in ((small, 3), (large, 40)):
        # vocabulary, source, parties, count, page of pledges, narrowing,
        # cells, the filter form's three facet counts (status, theme, source)
        # and the footer's sources (issue 19)
        with django_assert_num_queries(11):
            response = matrix(client, source=source.slug)
            assert response.text.count('<tr><th scope="row">') == size
        # As of a past day, with a theme and a status ticked: the same number.
        with django_assert_num_queries(11):
            response = matrix(
                client,
                source=source.slug,
                as_of="2005-12-31",
                status="no_information",
                theme=theme.slug,
            )
            assert response.text.count('<tr><th scope="row">') == size


def test_as_of_a_day_the_rows_skip_the_days_statuses_unless_a_filter_needs_them(client):
    """A row of cells never shows a pledge's own status, so the as-of
    subqueries (Pledge.objects.as_of) run only where ?status= needs them:
    never in the SELECT, and not at all in the count and page without it;
    and the matches are read directly, not through an id subquery."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    source, _, _ = text_with_parties(pledge_count=3, party_count=2)
    for status, expected in ((None, 0), ("no_information", 1)):
        params = {"source": source.slug, "as_of": "2005-12-31"}
        if status:
            params["status"] = status
        with CaptureQueriesContext(connection) as queries:
            response = matrix(client, **params)
        assert response.status_code == 200
        rows = [
            q["sql"]
            for q in queries.captured_queries
            if q["sql"].startswith('SELECT "tracker_pledge"."id", "tracker_pledge"."ref"')
        ]
        assert len(rows) == 1
        select, _, where = rows[0].partition(" FROM ")
        assert "tracker_statusupdate" not in select
        assert where.count("tracker_statusupdate") >= expected
        assert ("tracker_statusupdate" in where) == bool(expected)
        assert '"tracker_pledge"."id" IN (SELECT' not in where


def test_csv_has_one_column_per_party_and_every_cell_in_words(client):
    source, (first, second), pledges = text_with_parties()
    response = client.get("/matrix/export.csv", {"source": source.slug})
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    assert rows[0] == ["ref", "title", first.slug, second.slug]
    by_ref = {row[0]: row for row in rows[1:]}
    assert by_ref[pledges[0].ref][2:] == ["Limited", "No information"]
    assert by_ref[pledges[1].ref][2] == (
        "Contested (self-report: Complete; independent assessment: Not started)"
    )


def test_csv_and_json_without_a_source_are_a_clear_400(client):
    for path in ("/matrix/export.csv", "/matrix/data.json"):
        response = client.get(path)
        assert response.status_code == 400
        assert "Say which text" in response.text


def test_json_gives_the_cells_with_both_sides_of_a_contest(client, django_assert_num_queries):
    source, (first, _), pledges = text_with_parties()
    make_party(source)
    with django_assert_num_queries(7):
        data = client.get("/matrix/data.json", {"source": source.slug}).json()
    assert data["count"] == 3 and data["next"] is None and len(data["parties"]) == 3
    cell = data["rows"][1]["cells"][first.slug]
    assert cell["status"] == "contested"
    assert cell["self_report"]["status"] == "complete"
    assert cell["independent_assessment"]["status"] == "not_started"


def csv_rows(response):
    return list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))


def body(response):
    """The matrix table's body, without the rest of the page."""
    text = response.text
    return text[text.index("<tbody>") : text.index("</tbody>")]


def test_the_page_has_the_lists_filter_form_pointed_at_the_matrix(client):
    source, _, _ = text_with_parties()
    theme = make_theme()
    text = matrix(client, source=source.slug, theme=theme.slug).text
    assert 'action="/matrix/"' in text and 'class="filter-form"' in text
    assert f'name="theme" value="{theme.slug}" id="theme-{theme.slug}" checked' in text
    for name in ("status", "actor", "instrument", "as_of", "q"):
        assert f'name="{name}"' in text, name
    assert f'href="/matrix/?source={source.slug}">Clear all</a>' in text
    assert 'name="ordering"' not in text  # the matrix keeps its reading order


def test_theme_status_and_actor_filters_apply_to_page_csv_and_json(client):
    source, (first, _), pledges = text_with_parties()
    theme = make_theme()
    pledges[1].themes.add(theme)
    pledges[1].actors.add(first)
    query = {"source": source.slug, "theme": theme.slug, "actor": first.slug}
    text = body(matrix(client, **query))
    assert f">{pledges[1].ref}<" in text and f">{pledges[0].ref}<" not in text
    rows = csv_rows(client.get("/matrix/export.csv", query))
    assert [row[0] for row in rows[1:]] == [pledges[1].ref]
    data = client.get("/matrix/data.json", query).json()
    assert [row["ref"] for row in data["rows"]] == [pledges[1].ref]
    # A status filter is the pledge's own status, as on the list.
    assert client.get("/matrix/data.json", {**query, "status": "complete"}).json()["count"] == 0


def test_as_of_a_past_day_every_cell_is_that_days_with_the_banner(client):
    source, (first, _), pledges = text_with_parties()
    # pledge 1 was contested only from 1 January 2006 (the self-report);
    # at the end of 2005 its one assessment said "not started".
    response = matrix(client, source=source.slug, as_of="2005-12-31")
    assert "You are reading the record as of 31 December 2005" in response.text
    assert f'href="?source={source.slug}">See the record as it stands today.</a>' in response.text
    text = body(response)
    assert "Contested" not in text and ">Not started</a>" in text and ">Limited</a>" in text
    # Before any update: every cell has no information.
    early = body(matrix(client, source=source.slug, as_of="2005-01-01"))
    assert "</a></td>" not in early and early.count('colspan="2">No information') == 3


def test_as_of_today_gives_exactly_the_maintained_cells(client):
    source, _, _ = text_with_parties()
    today = timezone.localdate().isoformat()
    assert body(matrix(client, source=source.slug, as_of=today)) == body(
        matrix(client, source=source.slug)
    )


def test_as_recorded_on_a_day_a_later_withdrawal_is_not_applied(client):
    source, (first, _), pledges = text_with_parties()
    claim = StatusUpdate.objects.get(pledge=pledges[1], kind="self_report")
    claim.withdraw(make_user(), "Wrong party.")
    # Entered early in 2006 (the pledges too), withdrawn on 1 January 2008.
    entered = datetime(2006, 1, 2, tzinfo=UTC)
    Pledge.objects.filter(source=source).update(created=entered)
    StatusUpdate.objects.filter(pledge__source=source).update(created=entered)
    StatusUpdate.objects.filter(pk=claim.pk).update(withdrawn_at=datetime(2008, 1, 1, tzinfo=UTC))
    before = {"source": source.slug, "as_of": "2007-06-30", "recorded_on": "2007-06-30"}
    assert "<strong>Contested</strong>" in body(matrix(client, **before))
    # As known today the withdrawn self-report never counts.
    assert "Contested" not in body(matrix(client, source=source.slug, as_of="2007-06-30"))
    rows = csv_rows(client.get("/matrix/export.csv", before))
    assert rows[2][2].startswith("Contested")


def test_a_bad_day_gets_the_lists_message_and_todays_cells(client):
    source, _, _ = text_with_parties()
    response = matrix(client, source=source.slug, as_of="2005-13-01")
    assert response.status_code == 200
    assert "Some filters were not applied" in response.text
    assert "Enter a date as YYYY-MM-DD." in response.text
    assert "You are reading the record as of" not in response.text
    assert "<strong>Contested</strong>" in body(response)  # today's record
    future = date(timezone.localdate().year + 1, 1, 1).isoformat()
    assert "is in the future" in matrix(client, source=source.slug, as_of=future).text
    export = client.get("/matrix/export.csv", {"source": source.slug, "as_of": "2005-13-01"})
    assert export.status_code == 400 and "YYYY-MM-DD" in export.text


def test_csv_and_json_follow_the_day(client):
    source, (first, _), pledges = text_with_parties()
    query = {"source": source.slug, "as_of": "2005-12-31"}
    rows = csv_rows(client.get("/matrix/export.csv", query))
    assert rows[2][2] == "Not started"  # pledge 1, not yet contested
    data = client.get("/matrix/data.json", query).json()
    assert data["as_of"] == "2005-12-31" and data["recorded_on"] is None
    assert data["rows"][1]["cells"][first.slug]["status"] == "not_started"
    assert client.get("/matrix/data.json", {"source": source.slug}).json()["as_of"] is None
