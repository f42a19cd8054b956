"""/updates/export.csv: one row per status update, newest first, optionally
narrowed by the pledge filters; 400 for bad parameters, formula escaping, a
streamed body and a query count that does not grow with rows."""

from datetime import UTC, date, datetime, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.factories import (
    make_actor,
    make_pledge,
    make_source,
    make_theme,
    make_update,
    make_user,
    populate,
)
from tests.helpers import read_streamed_csv
from tracker.models import Status, UpdateKind

pytestmark = pytest.mark.django_db

URL = reverse("update-export-csv")

COLUMNS = [
    "pledge_ref",
    "as_of",
    "status",
    "kind",
    "actor",
    "author",
    "summary",
    "evidence_url",
    "evidence_reference",
    "created",
    "withdrawn_at",
    "withdrawal_reason",
]


def get_rows(client, params=None):
    return read_streamed_csv(client.get(URL, params or {}))


def test_it_is_a_dated_attachment(client):
    response = client.get(URL)
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    today = timezone.localdate()
    assert response["Content-Disposition"] == f'attachment; filename="status-updates-{today}.csv"'


def test_the_header_names_every_column(client):
    body = b"".join(client.get(URL).streaming_content)
    assert body.startswith(b"\xef\xbb\xbf")  # for Excel (issue 19)
    assert body.decode("utf-8-sig").splitlines() == [",".join(COLUMNS)]


def test_it_gives_every_column(client):
    pledge = make_pledge(ref="asem-2002-3.2")
    author = make_user("steward")
    actor = make_actor(slug="asem-partners")
    recorded = datetime(2024, 1, 2, 3, 4, 5, tzinfo=UTC)
    make_update(
        pledge,
        author=author,
        actor=actor,
        status=Status.SUBSTANTIAL,
        as_of=date(2005, 4, 13),
        kind=UpdateKind.SELF_REPORT,
        summary="Most of it,\nover two lines.",
        evidence_url="https://www.un.org/done",
        evidence_reference="A/RES/59/290",
        created=recorded,
    )
    make_update(pledge, author=author, summary="Overall.", as_of=date(2004, 1, 1))
    rows = get_rows(client)
    assert rows[0] == {
        "pledge_ref": "asem-2002-3.2",
        "as_of": "2005-04-13",
        "status": "substantial",
        "kind": "self_report",
        "actor": "asem-partners",
        "author": "steward",
        "summary": "Most of it,\nover two lines.",
        "evidence_url": "https://www.un.org/done",
        "evidence_reference": "A/RES/59/290",
        "created": "2024-01-02T03:04:05+00:00",
        "withdrawn_at": "",
        "withdrawal_reason": "",
    }
    # An overall update has no actor.
    assert rows[1]["actor"] == ""
    assert rows[1]["summary"] == "Overall."


def test_it_lists_every_update_newest_first(client):
    first, second = make_pledge(ref="first-1"), make_pledge(ref="second-1")
    now = timezone.now()
    make_update(first, as_of=date(2004, 1, 1), summary="2004")
    make_update(second, as_of=date(2010, 1, 1), summary="2010 early", created=now)
    make_update(first, as_of=date(2002, 1, 1), summary="2002")
    make_update(
        first, as_of=date(2010, 1, 1), summary="2010 late", created=now + timedelta(hours=1)
    )
    rows = get_rows(client)
    assert [row["summary"] for row in rows] == ["2010 late", "2010 early", "2004", "2002"]
    assert [row["pledge_ref"] for row in rows] == ["first-1", "second-1", "first-1", "first-1"]


def test_the_pledge_filters_narrow_it_by_theme(client):
    theme = make_theme(slug="maritime")
    wanted = make_pledge(ref="in-theme", themes=[theme, make_theme()])
    make_update(wanted, summary="Wanted A")
    make_update(wanted, summary="Wanted B", as_of=date(2003, 1, 1))
    make_update(make_pledge(ref="other-theme", themes=[make_theme()]), summary="Other")
    rows = get_rows(client, {"theme": "maritime"})
    assert [row["summary"] for row in rows] == ["Wanted A", "Wanted B"]


def test_the_pledge_filters_narrow_it_by_current_status(client):
    done, stuck = make_pledge(ref="done"), make_pledge(ref="stuck")
    make_update(done, status=Status.COMPLETE)
    make_update(stuck, status=Status.STALLED)
    rows = get_rows(client, {"status": "complete"})
    assert [row["pledge_ref"] for row in rows] == ["done"]


def test_the_pledge_filters_narrow_it_by_source(client):
    wanted = make_pledge(ref="wanted", source=make_source(slug="wanted-source"))
    make_update(wanted)
    make_update(make_pledge(ref="unwanted"))
    rows = get_rows(client, {"source": "wanted-source"})
    assert [row["pledge_ref"] for row in rows] == ["wanted"]


def test_the_pledge_filters_narrow_it_by_search(client):
    make_update(make_pledge(ref="ships-1", title="Strengthen maritime security"))
    make_update(make_pledge(ref="money-1", title="Freeze terrorist assets"))
    # With an ordering too: on PostgreSQL, search adds a rank that the
    # subquery must not choke on.
    rows = get_rows(client, {"q": "maritime", "ordering": "-status"})
    assert [row["pledge_ref"] for row in rows] == ["ships-1"]


@pytest.mark.parametrize(
    ("params", "parameter", "message"),
    [
        ({"theme": "no-such-theme"}, "theme", "There is no theme “no-such-theme”."),
        ({"updated_before": "2005-02-30"}, "updated_before", "date"),
        ({"ordering": "colour"}, "ordering", "colour is not one of the available choices"),
    ],
)
def test_a_bad_parameter_is_a_400_that_says_why(client, params, parameter, message):
    make_update(make_pledge())
    response = client.get(URL, params)
    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/plain")
    assert "Content-Disposition" not in response
    text = response.content.decode()
    line = next(line for line in text.splitlines() if line.startswith(f"{parameter}: "))
    assert message.lower() in line.lower()


@pytest.mark.parametrize("trigger", ["=", "+", "-", "@", "\t", "\r"])
def test_a_cell_that_a_spreadsheet_would_run_is_escaped(client, trigger):
    make_update(
        make_pledge(),
        summary=f'{trigger}HYPERLINK("https://evil.example")',
        evidence_reference=f"{trigger}cmd",
    )
    [row] = get_rows(client)
    assert row["summary"] == f'\'{trigger}HYPERLINK("https://evil.example")'
    assert row["evidence_reference"] == f"'{trigger}cmd"


def test_an_ordinary_cell_is_left_alone(client):
    make_update(make_pledge(), summary="Total = 5 + 3 - 1 @ noon", evidence_reference="A/1")
    [row] = get_rows(client)
    assert row["summary"] == "Total = 5 + 3 - 1 @ noon"
    assert row["evidence_reference"] == "A/1"


QUERY_CEILING = 1  # the updates, joined to their pledge, actor and author


def test_the_query_count_does_not_grow_with_rows(client, django_assert_max_num_queries):
    populate(10)
    with django_assert_max_num_queries(QUERY_CEILING):
        rows = read_streamed_csv(client.get(URL))
    assert len(rows) == 30

    populate(190)
    with django_assert_max_num_queries(QUERY_CEILING):
        rows = read_streamed_csv(client.get(URL))
    assert len(rows) == 600
    assert all(row["pledge_ref"].startswith("bulk-") and row["author"] for row in rows)


def test_a_filtered_export_is_still_one_query_after_validation(
    client, django_assert_max_num_queries
):
    theme = populate(60)["themes"][0]  # one pledge in three, so 20 pledges
    # One query validates the theme slug, one streams the updates.
    with django_assert_max_num_queries(2):
        rows = read_streamed_csv(client.get(URL, {"theme": theme.slug}))
    assert len(rows) == 20 * 3


def test_a_withdrawn_update_says_so_and_why(client):
    pledge = make_pledge()
    make_update(pledge, summary="Counts.")
    mistake = make_update(pledge, summary="Wrong pledge.")
    mistake.withdraw(make_user(), "Entered against the wrong pledge.")
    rows = {row["summary"]: row for row in read_streamed_csv(client.get(URL))}
    assert rows["Counts."]["withdrawn_at"] == rows["Counts."]["withdrawal_reason"] == ""
    assert rows["Wrong pledge."]["withdrawal_reason"] == "Entered against the wrong pledge."
    assert rows["Wrong pledge."]["withdrawn_at"].startswith(str(mistake.withdrawn_at.year))
