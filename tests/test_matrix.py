"""/matrix/?source=…: pledges × parties, every cell in words, gaps marked,
the list's filters applied, a fixed number of queries whatever the size, and
the same matrix as CSV and JSON."""

import csv
import io

import pytest

from tests.party_helpers import make_party, text_with_parties

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
    small, _, _ = text_with_parties(pledge_count=3, party_count=2)
    large, parties, pledges = text_with_parties(pledge_count=40, party_count=12)
    for pledge in pledges[2:]:
        pledge.applies_to.set(parties[:3])
    for source in (small, large):
        # vocabulary, source, parties, count, page of pledges, narrowing, cells,
        # and the footer's sources (issue 19)
        with django_assert_num_queries(8):
            assert matrix(client, source=source.slug).status_code == 200


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
