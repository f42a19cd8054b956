"""/pledges/export.csv: one row per pledge with its latest update, the list
page's filters, 400 for bad parameters, formula escaping, a streamed body and
a query count that does not grow with rows."""

import csv
import io
from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

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
from tests.helpers import read_streamed_csv
from tracker import exports
from tracker.models import Pledge, Status, Timeframe
from tracker.spreadsheets import escape_formula

pytestmark = pytest.mark.django_db

URL = reverse("pledge-export-csv")

COLUMNS = [
    "ref",
    "title",
    "source",
    "paragraph",
    "quote",
    "themes",
    "actors",
    "instruments",
    "timeframe",
    "statement_kind",
    "commitment_type",
    "current_status",
    "last_update_as_of",
    "latest_update_as_of",
    "latest_update_status",
    "latest_update_summary",
    "latest_update_evidence_url",
    "latest_update_evidence_reference",
    "url",
]


def get_rows(client, params=None):
    return read_streamed_csv(client.get(URL, params or {}))


def test_it_is_a_dated_attachment(client):
    response = client.get(URL)
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    today = timezone.localdate()
    assert response["Content-Disposition"] == f'attachment; filename="pledges-{today}.csv"'


def test_the_header_names_every_column(client):
    make_pledge()
    body = b"".join(client.get(URL).streaming_content)
    # A UTF-8 byte-order mark first, so Excel reads the accents (issue 19).
    assert body.startswith(b"\xef\xbb\xbf")
    assert body.decode("utf-8-sig").splitlines()[0].split(",") == COLUMNS


def test_excel_reads_the_accents_and_the_bom_appears_once(client):
    make_pledge(title="Côte d’Ivoire’s pledge")
    body = b"".join(client.get(URL).streaming_content)
    assert body.count("\ufeff".encode()) == 1
    assert "Côte d’Ivoire’s pledge" in body.decode("utf-8-sig")


def test_it_gives_every_column(client):
    source = make_source(slug="asem-2002")
    themes = [make_theme(slug="terrorism", name="A"), make_theme(slug="finance", name="B")]
    actors = [make_actor(slug="asem-partners")]
    pledge = make_pledge(
        source=source,
        themes=themes,
        actors=actors,
        instruments=[make_instrument(slug="unscr-1373")],
        ref="asem-2002-3.2",
        paragraph=2,
        quote='We pledge to do the "second" thing,\nwith a line break.',
        title="Freeze terrorist assets",
        timeframe=Timeframe.SHORT_TO_MEDIUM,
    )
    make_update(pledge, status=Status.LIMITED, as_of=date(2003, 1, 1), summary="Begun.")
    make_update(
        pledge,
        status=Status.COMPLETE,
        as_of=date(2005, 4, 13),
        summary='Done, with commas, and "quotes".',
        evidence_url="https://www.un.org/done",
        evidence_reference="A/RES/59/290",
    )
    [row] = get_rows(client)
    assert row == {
        "ref": "asem-2002-3.2",
        "title": "Freeze terrorist assets",
        "source": "asem-2002",
        "paragraph": "2",
        "quote": 'We pledge to do the "second" thing,\nwith a line break.',
        "themes": "terrorism; finance",  # in the Theme's order (by name)
        "actors": "asem-partners",
        "instruments": "unscr-1373",
        "timeframe": "short_to_medium",
        "statement_kind": "firm_undertaking",
        "commitment_type": "deliverable",
        "current_status": "complete",
        "last_update_as_of": "2005-04-13",
        "latest_update_as_of": "2005-04-13",
        "latest_update_status": "complete",
        "latest_update_summary": 'Done, with commas, and "quotes".',
        "latest_update_evidence_url": "https://www.un.org/done",
        "latest_update_evidence_reference": "A/RES/59/290",
        "url": "http://testserver/pledges/asem-2002-3.2/",
    }


def test_the_latest_update_is_the_newest_of_all_updates_by_as_of_then_created(client):
    pledge = make_pledge()
    actor = make_actor(slug="one-party")
    now = timezone.now()
    make_update(pledge, status=Status.COMPLETE, as_of=date(2007, 1, 1), created=now, summary="B")
    # Same as_of, recorded later, about one actor's part: it is the latest
    # update, though the current status follows overall updates only.
    make_update(
        pledge,
        actor=actor,
        status=Status.STALLED,
        as_of=date(2007, 1, 1),
        created=now + timedelta(hours=1),
        summary="Latest",
    )
    # Recorded last of all, but it describes an earlier state of affairs.
    make_update(
        pledge,
        status=Status.LIMITED,
        as_of=date(2004, 1, 1),
        created=now + timedelta(hours=2),
        summary="Back-dated",
    )
    [row] = get_rows(client)
    assert row["latest_update_summary"] == "Latest"
    assert row["latest_update_status"] == "stalled"
    assert row["latest_update_as_of"] == "2007-01-01"
    assert row["current_status"] == "complete"


def test_a_pledge_without_updates_has_empty_latest_columns(client):
    make_pledge(ref="lonely-1")
    [row] = get_rows(client)
    assert row["current_status"] == "no_information"
    latest_columns = [name for name in COLUMNS if name.startswith("latest_update")]
    assert [row[name] for name in ["last_update_as_of", *latest_columns]] == [""] * 6


def test_it_keeps_the_filtersets_ordering(client):
    for ref in ("b-1", "c-1", "a-1"):
        make_pledge(ref=ref)
    assert [row["ref"] for row in get_rows(client, {"ordering": "-ref"})] == ["c-1", "b-1", "a-1"]


def test_it_filters_by_theme(client):
    theme = make_theme(slug="maritime")
    make_pledge(ref="in-theme", themes=[theme, make_theme()])
    make_pledge(ref="other-theme", themes=[make_theme()])
    assert [row["ref"] for row in get_rows(client, {"theme": "maritime"})] == ["in-theme"]


def test_it_filters_by_status(client):
    make_update(make_pledge(ref="done"), status=Status.COMPLETE)
    make_update(make_pledge(ref="stuck"), status=Status.STALLED)
    assert [row["ref"] for row in get_rows(client, {"status": "stalled"})] == ["stuck"]


def test_it_filters_by_source(client):
    make_pledge(ref="wanted", source=make_source(slug="wanted-source"))
    make_pledge(ref="unwanted")
    assert [row["ref"] for row in get_rows(client, {"source": "wanted-source"})] == ["wanted"]


def test_it_filters_by_search(client):
    make_pledge(ref="ships-1", title="Strengthen maritime security")
    make_pledge(ref="money-1", title="Freeze terrorist assets")
    assert [row["ref"] for row in get_rows(client, {"q": "maritime"})] == ["ships-1"]


@pytest.mark.parametrize(
    ("params", "parameter", "message"),
    [
        ({"theme": "no-such-theme"}, "theme", "There is no theme “no-such-theme”."),
        ({"updated_after": "2005-13-45"}, "updated_after", "date"),
        ({"ordering": "colour"}, "ordering", "colour is not one of the available choices"),
    ],
)
def test_a_bad_parameter_is_a_400_that_says_why(client, params, parameter, message):
    make_pledge()
    response = client.get(URL, params)
    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/plain")
    assert "Content-Disposition" not in response
    text = response.content.decode()
    line = next(line for line in text.splitlines() if line.startswith(f"{parameter}: "))
    assert message.lower() in line.lower()


@pytest.mark.parametrize("trigger", ["=", "+", "-", "@", "\t", "\r"])
def test_a_cell_that_a_spreadsheet_would_run_is_escaped(client, trigger):
    pledge = make_pledge(title=f'{trigger}HYPERLINK("https://evil.example")')
    make_update(pledge, summary=f"{trigger}1+1", evidence_reference=f"{trigger}cmd")
    [row] = get_rows(client)
    assert row["title"] == f'\'{trigger}HYPERLINK("https://evil.example")'
    assert row["latest_update_summary"] == f"'{trigger}1+1"
    assert row["latest_update_evidence_reference"] == f"'{trigger}cmd"


def test_an_ordinary_cell_is_left_alone(client):
    pledge = make_pledge(title="Total = 5 + 3 - 1 @ noon")
    make_update(pledge, summary="'Quoted' already")
    [row] = get_rows(client)
    assert row["title"] == "Total = 5 + 3 - 1 @ noon"
    assert row["latest_update_summary"] == "'Quoted' already"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("=SUM(A1)", "'=SUM(A1)"),
        ("+1", "'+1"),
        ("-1", "'-1"),
        ("@A1", "'@A1"),
        ("\tx", "'\tx"),
        ("\rx", "'\rx"),
        ("a=b", "a=b"),
        ("", ""),
        (None, ""),
        (12, "12"),
    ],
)
def test_escape_formula(value, expected):
    assert escape_formula(value) == expected


QUERY_CEILING = 3  # pledges, then per batch of 2,000: their tags, their latest updates


def test_the_query_count_does_not_grow_with_rows(client, django_assert_max_num_queries):
    populate(10)
    with django_assert_max_num_queries(QUERY_CEILING):
        rows = read_streamed_csv(client.get(URL))
    assert len(rows) == 10

    populate(190)
    with django_assert_max_num_queries(QUERY_CEILING):
        rows = read_streamed_csv(client.get(URL))
    assert len(rows) == 200
    # populate() gives each pledge three updates, the third the newest.
    assert all(row["latest_update_summary"].startswith("Update 2 on") for row in rows)
    assert all(row["themes"] and row["actors"] and row["instruments"] for row in rows)


def test_batches_and_chunks_keep_every_row_and_its_tags(
    client, monkeypatch, django_assert_num_queries
):
    """Small batches and write chunks, so the 23 rows cross both boundaries:
    every row comes out once, with its own tags, at two queries per batch."""
    monkeypatch.setattr(exports, "CSV_CHUNK_SIZE", 7)
    monkeypatch.setattr(exports, "CSV_ROWS_PER_WRITE", 3)
    populate(23)
    expected = {
        pledge.ref: "; ".join(t.slug for t in sorted(pledge.themes.all(), key=lambda t: t.name))
        for pledge in Pledge.objects.prefetch_related("themes")
    }
    with django_assert_num_queries(1 + 2 * 4):  # 4 batches: 7 + 7 + 7 + 2
        response = client.get(URL)
        chunks = list(response.streaming_content)
    assert len(chunks) == 1 + 8  # the header, then ceil(23 / 3) chunks of rows
    rows = list(csv.DictReader(io.StringIO(b"".join(chunks).decode("utf-8-sig"))))
    assert {row["ref"]: row["themes"] for row in rows} == expected
    assert len(rows) == 23


def test_a_withdrawn_update_is_not_the_latest_update(client):
    """Withdrawn updates stay on the timeline but no longer count, in the
    export's latest-update columns as in the status."""
    pledge = make_pledge(ref="w-1.1")
    make_update(pledge, summary="Still counts.", as_of=date(2005, 1, 1))
    mistake = make_update(pledge, summary="Logged by mistake.", as_of=date(2006, 1, 1))
    mistake.withdraw(make_user(), "Entered against the wrong pledge.")
    [row] = read_streamed_csv(client.get(URL))
    assert row["latest_update_summary"] == "Still counts."
    assert row["latest_update_as_of"] == "2005-01-01"


def test_context_has_its_kind_and_no_status(client):
    from tests.factories import make_pledge
    from tracker.models import StatementKind

    make_pledge(ref="hlm5-2003-8.4", statement_kind=StatementKind.CONTEXT, commitment_type="")
    [row] = get_rows(client)
    assert (row["statement_kind"], row["commitment_type"], row["current_status"]) == (
        "context",
        "",
        "",
    )
