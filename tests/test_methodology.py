"""/methodology/: the modality classes, the statuses each type of commitment
allows, the status scale with its thresholds, how current status and
staleness are computed, the sourcing rules and who compiled the record."""

import pytest
from django.urls import reverse
from django.utils.html import escape

from tests.factories import make_pledge, make_update, make_user, populate
from tracker.models import (
    ALLOWED_STATUSES,
    HISTORICAL_RECORD_USERNAME,
    CommitmentType,
    StatementKind,
    Status,
)

pytestmark = pytest.mark.django_db

URL = "/methodology/"


def test_it_has_a_stable_address_linked_from_every_page(client):
    assert reverse("methodology") == URL
    response = client.get("/")
    assert f'href="{URL}"' in response.text


def test_it_defines_every_class_and_status(client):
    text = client.get(URL).text
    for choice in [*StatementKind, *CommitmentType, *Status]:
        assert escape(str(choice.label)) in text
        assert escape(str(choice.definition)) in text
    assert "fewer than half" in text.lower() and "half or more" in text.lower()
    assert "365 days" in text
    assert "Accepted sources" in text and "Weak sources" in text
    assert "Who compiled the record" in text


def test_the_allowed_statuses_table_follows_the_rule(client):
    text = client.get(URL).text
    principle_row = text.split('<th scope="row">Standing principle</th>')[1].split("</tr>")[0]
    allowed = ALLOWED_STATUSES[CommitmentType.STANDING_PRINCIPLE]
    for status in Status:
        assert (f">{status.label}<" in principle_row) == (status in allowed), status


def test_it_counts_pledges_by_modality_and_the_shipped_record(client):
    make_pledge(statement_kind=StatementKind.CONTEXT, commitment_type="")
    pledge = make_pledge()  # a firm undertaking and a deliverable
    make_update(pledge, author=make_user(username=HISTORICAL_RECORD_USERNAME))
    response = client.get(URL)
    rows = {row.kind: row for row in response.context["modality_rows"]}
    assert rows[StatementKind.CONTEXT].total == 1
    assert rows[StatementKind.FIRM_UNDERTAKING].counts == [1, 0, 0]
    assert response.context["record_total"] == 1
    assert "(1 status update)" in response.text


@pytest.mark.parametrize("pledge_count", [10, 200])
def test_query_count_does_not_grow_with_the_data(
    client, django_assert_max_num_queries, pledge_count
):
    populate(pledge_count)
    # +1: the footer lists the sources from the database (issue 19).
    with django_assert_max_num_queries(4):
        assert client.get(URL).status_code == 200
