"""/parties/<slug>/: who the party is, the texts it is party to (with the
evidence), its scorecard, its pledges with self-reports beside assessments,
its feed and its CSV, today or ?as_of= a past day; a fixed number of queries."""

import csv
import io
from datetime import UTC, datetime

import pytest
from django.utils import timezone

from tests.factories import make_actor, make_source, make_user
from tests.helpers import html_text
from tests.party_helpers import text_with_parties
from tracker.models import PartyStatus, Pledge, StatusUpdate

pytestmark = pytest.mark.django_db


def test_the_page_shows_membership_scorecard_and_both_sides(client):
    source, (first, _), pledges = text_with_parties()
    response = client.get(f"/parties/{first.slug}/")
    text = response.text
    assert first.name in text and source.title in text
    assert "https://www.example.org/members" in text  # membership evidence
    # 3 pledges apply; one limited (progress), one contested, one without information
    assert f"Of the 3 commitments that apply to {first.name}, 1 (33%) has documented" in html_text(
        response, ".headline"
    )
    assert "Complete, as of 1 January 2006" in text  # the self-report
    assert "Not started, as of 13 April 2005" in text  # the assessment beside it
    assert "Contested" in text


def test_a_party_without_any_information_gets_zero_progress_and_gaps(client):
    source, (_, second), _ = text_with_parties()
    text = client.get(f"/parties/{second.slug}/").text
    assert (
        "Of the 3 commitments that apply to" in text
        and "0 (0%) have" in text
        and text.count("No information") >= 3
    )
    assert f"Nothing has been recorded about {second.name} yet." in text


def test_narrowing_removes_the_pledge_from_the_other_parties_page(client):
    source, (first, second), pledges = text_with_parties()
    pledges[0].applies_to.set([second])
    assert "Of the 2 commitments" in client.get(f"/parties/{first.slug}/").text
    assert "Of the 3 commitments" in client.get(f"/parties/{second.slug}/").text


def test_an_actor_that_is_no_party_is_a_404(client):
    assert client.get(f"/parties/{make_actor().slug}/").status_code == 404
    assert client.get("/parties/no-such-party/").status_code == 404


def test_queries_do_not_grow_with_the_pledges(client, django_assert_num_queries):
    _, (small, _), _ = text_with_parties(pledge_count=3)
    _, (large, _), _ = text_with_parties(pledge_count=60)
    for party in (small, large):
        # actor, memberships, count, scorecard, page of pledges, cells, feed
        # +1: the footer lists the sources from the database (issue 19).
        with django_assert_num_queries(8):
            assert client.get(f"/parties/{party.slug}/").status_code == 200


def test_csv_lists_every_applicable_pledge_with_its_cell(client):
    source, (first, _), pledges = text_with_parties()
    response = client.get(f"/parties/{first.slug}/export.csv")
    rows = list(
        csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig")))
    )
    assert [row["ref"] for row in rows] == [p.ref for p in pledges]
    assert rows[1]["status"] == "contested"
    assert rows[1]["self_report_status"] == "complete"
    assert rows[1]["assessment_status"] == "not_started"
    assert rows[2]["status"] == "no_information" and rows[2]["assessment_url"] == ""
    cell = PartyStatus.objects.get(pledge=pledges[1], actor=first)
    assert rows[1]["assessment_url"] == f"http://testserver/updates/{cell.assessed_update_id}/"
    assert rows[1]["self_report_url"] == f"http://testserver/updates/{cell.self_update_id}/"


def test_the_feed_has_the_updates_naming_the_party(client):
    _, (first, second), _ = text_with_parties()
    assert client.get(f"/parties/{first.slug}/feed/").text.count("<entry>") == 3
    assert client.get(f"/parties/{second.slug}/feed/").text.count("<entry>") == 0


def test_as_of_a_past_day_the_page_is_that_days_with_the_banner(client):
    source, (first, _), pledges = text_with_parties()
    # At the end of 2005 pledge 1 had only its assessment (not started); the
    # self-report that contests it is dated 1 January 2006.
    response = client.get(f"/parties/{first.slug}/", {"as_of": "2005-12-31"})
    text = response.text
    assert "You are reading the record as of 31 December 2005" in text
    assert 'href="?">See the record as it stands today.</a>' in text
    assert "Scorecard on 31 December 2005" in text
    assert "cell-contested-badge" not in text and "Complete, as of 1 January 2006" not in text
    assert "Not started, as of 13 April 2005" in text
    headline = html_text(response, ".headline")
    assert "Of the 3 commitments that apply to" in headline
    assert "1 (33%) has documented progress" in headline  # the limited one
    # Links keep the day: CSV, feed, the matrix.
    assert f"/parties/{first.slug}/export.csv?as_of=2005-12-31" in text
    assert f"/parties/{first.slug}/feed/?as_of=2005-12-31" in text
    assert f"?source={source.slug}&amp;as_of=2005-12-31" in text
    # Before anything was recorded: no information, nothing in the feed.
    early_response = client.get(f"/parties/{first.slug}/", {"as_of": "2005-01-01"})
    early = early_response.text
    assert "Of the 3 commitments that apply to" in html_text(early_response, ".headline")
    assert "0 (0%) have documented progress" in html_text(early_response, ".headline")
    assert "Nothing dated on or before 1 January 2005 has been recorded about" in early


def test_as_of_today_gives_exactly_the_maintained_cells(client):
    _, (first, _), _ = text_with_parties()
    today = timezone.localdate().isoformat()
    dated = client.get(f"/parties/{first.slug}/", {"as_of": today}).text
    current = client.get(f"/parties/{first.slug}/").text

    def main(text):
        return text[text.index("<h2>Scorecard") : text.index("<h2>Latest updates")]

    assert "You are reading the record as of" not in dated
    assert main(dated) == main(current)


def test_as_recorded_on_a_day_a_later_withdrawal_is_not_applied(client):
    source, (first, _), pledges = text_with_parties()
    claim = StatusUpdate.objects.get(pledge=pledges[1], kind="self_report")
    claim.withdraw(make_user(), "Wrong party.")
    entered = datetime(2006, 1, 2, tzinfo=UTC)
    Pledge.objects.filter(source=source).update(created=entered)
    StatusUpdate.objects.filter(pledge__source=source).update(created=entered)
    StatusUpdate.objects.filter(pk=claim.pk).update(withdrawn_at=datetime(2008, 1, 1, tzinfo=UTC))
    then = {"as_of": "2007-06-30", "recorded_on": "2007-06-30"}
    contested = "cell-contested-badge"
    assert contested in client.get(f"/parties/{first.slug}/", then).text
    assert contested not in client.get(f"/parties/{first.slug}/", {"as_of": "2007-06-30"}).text
    rows = list(
        csv.DictReader(
            io.StringIO(
                b"".join(
                    client.get(f"/parties/{first.slug}/export.csv", then).streaming_content
                ).decode()
            )
        )
    )
    assert rows[1]["status"] == "contested" and rows[1]["self_report_status"] == "complete"


def test_a_bad_day_gets_the_lists_message_and_todays_record(client):
    _, (first, _), _ = text_with_parties()
    response = client.get(f"/parties/{first.slug}/", {"as_of": "31/12/2005"})
    assert response.status_code == 200
    assert "Some filters were not applied" in response.text
    assert "Enter a date as YYYY-MM-DD." in response.text
    assert "cell-contested-badge" in response.text  # today's record
    for path in ("export.csv", "feed/"):
        bad = client.get(f"/parties/{first.slug}/{path}", {"as_of": "2005-02-30"})
        assert bad.status_code == 400 and "YYYY-MM-DD" in bad.content.decode(), path


def test_csv_and_feed_follow_the_day(client):
    _, (first, _), pledges = text_with_parties()
    response = client.get(f"/parties/{first.slug}/export.csv", {"as_of": "2005-12-31"})
    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert rows[1]["status"] == "not_started" and rows[1]["self_report_status"] == ""
    feed = client.get(f"/parties/{first.slug}/feed/", {"as_of": "2005-12-31"}).text
    assert feed.count("<entry>") == 2  # the 2006 self-report is not yet in it


def test_queries_as_of_a_past_day_do_not_grow_with_the_pledges(client, django_assert_num_queries):
    _, (small, _), _ = text_with_parties(pledge_count=3)
    _, (large, _), _ = text_with_parties(pledge_count=60)
    for party in (small, large):
        # as today, plus the updates behind the page's computed cells
        with django_assert_num_queries(9):
            response = client.get(f"/parties/{party.slug}/", {"as_of": "2005-12-31"})
            assert response.status_code == 200


def test_a_party_to_two_texts_has_a_feed(client):
    source, (first, _), _ = text_with_parties()
    other = make_source(slug="another-text")
    first.party_memberships.create(source=other, role="Partner", evidence_reference="A/1")
    assert client.get(f"/parties/{first.slug}/feed/").status_code == 200
