"""/parties/<slug>/: who the party is, the texts it is party to (with the
evidence), its scorecard, its pledges with self-reports beside assessments,
its feed and its CSV; a fixed number of queries."""

import csv
import io

import pytest

from tests.factories import make_actor
from tests.helpers import html_text
from tests.party_helpers import text_with_parties

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


def test_the_feed_has_the_updates_naming_the_party(client):
    _, (first, second), _ = text_with_parties()
    assert client.get(f"/parties/{first.slug}/feed/").text.count("<entry>") == 3
    assert client.get(f"/parties/{second.slug}/feed/").text.count("<entry>") == 0
