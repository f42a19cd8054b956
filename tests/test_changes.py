"""/changes/?from=…&to=…: the pledges whose status changed between two days,
old -> new, with the updates that changed them, and beside them the party
cells that changed; the default period is the last twelve months. The updates
feed and the updates CSV take the same dates."""

from datetime import UTC, date, datetime, timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from tests.factories import make_actor, make_pledge, make_source, make_update, make_user, populate
from tests.helpers import read_streamed_csv
from tests.party_helpers import make_party, text_with_parties
from tracker.models import Pledge, Status, StatusUpdate, UpdateKind

pytestmark = pytest.mark.django_db

URL = reverse("changes")


@pytest.fixture
def record():
    """a: limited (2004) -> complete (2010). b: ongoing from 2006, and again
    in 2012 (no change). c: an actor's update in 2008 only. d: a 2009 update
    that was withdrawn. e: its text adopted in 2011, limited in 2012."""
    a, b, c, d = (make_pledge(ref=f"{x}-1") for x in "abcd")
    later = make_source(date_adopted=date(2011, 3, 1))
    e = make_pledge(ref="e-1", source=later)
    make_update(a, status=Status.LIMITED, as_of=date(2004, 1, 1), summary="A began.")
    make_update(a, status=Status.COMPLETE, as_of=date(2010, 1, 1), summary="A was met.")
    make_update(b, status=Status.ONGOING, as_of=date(2006, 1, 1))
    make_update(b, status=Status.ONGOING, as_of=date(2012, 1, 1))
    make_update(c, status=Status.STALLED, as_of=date(2008, 1, 1), actor=make_actor())
    wrong = make_update(d, status=Status.COMPLETE, as_of=date(2009, 1, 1))
    wrong.withdraw(make_user(), "Wrong pledge.")
    make_update(e, status=Status.LIMITED, as_of=date(2012, 5, 1))
    return {"a": a, "b": b, "c": c, "d": d, "e": e}


def moves(response):
    return {change.pledge.ref: (change.old, change.new) for change in response.context["changes"]}


def test_it_lists_the_pledges_whose_status_changed_old_to_new(client, record):
    response = client.get(URL, {"from": "2006-01-01", "to": "2016-12-31"})
    assert response.status_code == 200
    assert moves(response) == {
        "a-1": (Status.LIMITED, Status.COMPLETE),
        "b-1": (Status.NO_INFORMATION, Status.ONGOING),
        "e-1": (Status.NO_INFORMATION, Status.LIMITED),
    }
    assert "3 pledges changed status" in response.text
    assert "What changed between 1 January 2006 and 31 December 2016" in response.text


def test_one_sources_changes(client, record):
    later = record["e"].source.slug
    response = client.get(URL, {"from": "2006-01-01", "to": "2016-12-31", "source": later})
    assert moves(response) == {"e-1": (Status.NO_INFORMATION, Status.LIMITED)}
    response = client.get(URL, {"from": "2006-01-01", "to": "2016-12-31", "source": "nope"})
    assert "There is no source “nope”." in response.text
    assert len(moves(response)) == 3


def test_each_change_comes_with_the_updates_that_made_it(client, record):
    response = client.get(URL, {"from": "2006-01-01", "to": "2016-12-31"})
    changes = {change.pledge.ref: change for change in response.context["changes"]}
    assert [u.summary for u in changes["a-1"].updates] == ["A was met."]
    assert [u.as_of for u in changes["b-1"].updates] == [date(2006, 1, 1), date(2012, 1, 1)]
    assert "A was met." in response.text


def test_the_status_before_is_the_day_before_the_period(client, record):
    # a became complete on 1 January 2010: a period starting that day sees it.
    response = client.get(URL, {"from": "2010-01-01", "to": "2010-01-01"})
    assert moves(response) == {"a-1": (Status.LIMITED, Status.COMPLETE)}
    response = client.get(URL, {"from": "2010-01-02", "to": "2011-01-01"})
    assert moves(response) == {}
    assert "No pledge changed status between 2 January 2010 and 1 January 2011." in response.text


def test_the_default_is_the_last_twelve_months(client):
    pledge = make_pledge()
    today = timezone.localdate()
    make_update(pledge, status=Status.LIMITED, as_of=today - timedelta(days=400))
    make_update(pledge, status=Status.SUBSTANTIAL, as_of=today - timedelta(days=20))
    response = client.get(URL)
    assert response.context["end"] == today
    assert response.context["start"] == today - timedelta(days=364)
    assert moves(response) == {pledge.ref: (Status.LIMITED, Status.SUBSTANTIAL)}


@pytest.mark.parametrize(
    "params, message",
    [
        ({"from": "2006"}, "Enter a date as YYYY-MM-DD."),
        ({"to": "2999-01-01"}, "2999-01-01 is in the future"),
        ({"from": "2010-01-01", "to": "2005-01-01"}, "after it ends (2005-01-01)"),
    ],
)
def test_bad_dates_get_a_clear_message_and_the_default_period(client, record, params, message):
    response = client.get(URL, params)
    assert response.status_code == 200
    assert message in response.text
    assert "Some filters were not applied" in response.text


def test_it_agrees_with_the_record_as_of_both_days():
    populate(40, updates_per_pledge=4)
    start, end = date(2005, 1, 1), date(2006, 6, 30)
    before = dict(Pledge.objects.as_of(start - timedelta(days=1)).values_list("pk", "status_on"))
    after = dict(Pledge.objects.as_of(end).values_list("pk", "status_on"))
    expected = {pk for pk in after if before.get(pk, Status.NO_INFORMATION) != after[pk]}
    changed = set(Pledge.objects.changed_between(start, end).values_list("pk", flat=True))
    assert changed == expected
    assert changed


@pytest.mark.parametrize("pledge_count", [10, 120])
def test_the_page_runs_a_fixed_number_of_queries(client, django_assert_num_queries, pledge_count):
    populate(pledge_count, updates_per_pledge=4)
    # The vocabulary (the source choices); the changed pledges; the page's
    # pledges; their updates in the period. Then the party cells (populate()
    # gives some updates an actor): the pairs with an update in the period,
    # the cells before and after, reading order, party names; the page's
    # pledges, parties and updates.
    # +1: the footer lists the sources from the database (issue 19).
    with django_assert_num_queries(13):
        response = client.get(URL, {"from": "2004-01-01", "to": "2008-12-31"})
    assert response.context["page"].paginator.count > 0


# --- the same dates on the updates feed and CSV --------------------------------------


def test_the_updates_csv_takes_the_period(client, record):
    rows = read_streamed_csv(
        client.get(reverse("update-export-csv"), {"from": "2006-01-01", "to": "2009-12-31"})
    )
    assert sorted(row["as_of"] for row in rows) == [
        "2006-01-01",
        "2008-01-01",
        "2009-01-01",
    ]
    response = client.get(reverse("update-export-csv"), {"from": "01/01/2006"})
    assert response.status_code == 400
    assert "from: Enter a date as YYYY-MM-DD." in response.text


def test_the_updates_feed_takes_the_period(client, record):
    response = client.get(reverse("update-feed"), {"from": "2012-01-01", "to": "2012-12-31"})
    assert response.status_code == 200
    assert response.text.count("<entry>") == 2
    assert "(as of 1 January 2012)" in response.text
    assert "(as of 1 May 2012)" in response.text
    response = client.get(reverse("update-feed"), {"to": "nope"})
    assert response.status_code == 400
    assert "to: Enter a date as YYYY-MM-DD." in response.text


def test_withdrawn_updates_change_nothing(client, record):
    StatusUpdate.objects.filter(pledge=record["d"]).update(
        withdrawn_at=datetime(2009, 6, 1, tzinfo=UTC)
    )
    response = client.get(URL, {"from": "2008-06-01", "to": "2009-12-31"})
    assert "d-1" not in moves(response)


# --- the party cells that changed, beside the pledges ---------------------------------


@pytest.fixture
def party_record():
    """One text with parties X and Y. X: assessed limited (2004), then its
    own self-report says complete (2010): contested from then. Y: ongoing
    from 2006 and again in 2012 (no change); a 2010 self-report of Y that was
    withdrawn."""
    source = make_source(slug="party-text")
    pledge = make_pledge(ref="p-1", source=source)
    x, y = make_party(source, name="Xland"), make_party(source, name="Yland")
    self_report = UpdateKind.SELF_REPORT
    make_update(pledge, actor=x, status=Status.LIMITED, as_of=date(2004, 1, 1))
    make_update(
        pledge,
        actor=x,
        kind=self_report,
        status=Status.COMPLETE,
        as_of=date(2010, 1, 1),
        summary="X says it was met.",
    )
    make_update(pledge, actor=y, status=Status.ONGOING, as_of=date(2006, 1, 1))
    make_update(pledge, actor=y, status=Status.ONGOING, as_of=date(2012, 1, 1))
    wrong = make_update(
        pledge, actor=y, kind=self_report, status=Status.STALLED, as_of=date(2010, 6, 1)
    )
    wrong.withdraw(make_user(), "Wrong party.")
    return {"pledge": pledge, "x": x, "y": y, "source": source}


def cell_moves(response):
    return {
        (change.party.name, change.pledge.ref): (change.old.value, change.new.value)
        for change in response.context["party_changes"]
    }


def test_it_lists_the_party_cells_that_changed_old_to_new(client, party_record):
    response = client.get(URL, {"from": "2009-01-01", "to": "2012-12-31"})
    assert cell_moves(response) == {("Xland", "p-1"): (Status.LIMITED, "contested")}
    text = response.text
    assert "1 party cell changed status" in text
    assert 'class="badge status-contested"' in text and "css/parties.css" in text
    change = response.context["party_changes"][0]
    assert [u.summary for u in change.updates] == ["X says it was met."]
    assert "Self-report" in text and "X says it was met." in text


def test_a_cell_before_any_update_was_no_information(client, party_record):
    response = client.get(URL, {"from": "2003-01-01", "to": "2006-12-31"})
    assert cell_moves(response) == {
        ("Xland", "p-1"): (Status.NO_INFORMATION, Status.LIMITED),
        ("Yland", "p-1"): (Status.NO_INFORMATION, Status.ONGOING),
    }


def test_withdrawn_updates_change_no_cell(client, party_record):
    # Y's withdrawn 2010 self-report would have contested its cell.
    response = client.get(URL, {"from": "2010-05-01", "to": "2011-12-31"})
    assert cell_moves(response) == {}
    assert "No party cell changed status" in response.text


def test_one_sources_party_changes(client, party_record):
    other = make_source(slug="other-text")
    period = {"from": "2003-01-01", "to": "2006-12-31"}
    assert len(cell_moves(client.get(URL, {**period, "source": "party-text"}))) == 2
    assert cell_moves(client.get(URL, {**period, "source": other.slug})) == {}


def test_party_changes_agree_with_party_cells_on_both_days():
    call_command(
        "generate_synthetic",
        pledges=120,
        updates_per_pledge=2,
        parties=4,
        party_updates_per_pledge=4,
        seed=11,
        stdout=StringIO(),
    )
    start, end = date(2008, 1, 1), date(2014, 6, 30)

    def statuses(day):
        cells = StatusUpdate.objects.party_cells(day)
        return {key: cell.status for key, cell in cells.items()}

    before, after = statuses(start - timedelta(days=1)), statuses(end)
    expected = {
        (*key, before.get(key, Status.NO_INFORMATION), new)
        for key, new in after.items()
        if before.get(key, Status.NO_INFORMATION) != new
    }
    changed = set(StatusUpdate.objects.party_cells_changed_between(start, end))
    assert changed == expected
    assert changed


@pytest.mark.parametrize("pledge_count", [3, 60])
def test_party_changes_run_a_fixed_number_of_queries(
    client, django_assert_num_queries, pledge_count
):
    _, parties, pledges = text_with_parties(pledge_count=pledge_count, party_count=3)
    for pledge in pledges:
        for party in parties:
            make_update(pledge, actor=party, status=Status.LIMITED, as_of=date(2007, 1, 1))
    # Pledges: vocabulary, changed pledges. Party cells: the pairs with an
    # update in the period, the cells before and after, reading order, party
    # names; the page's pledges, parties and updates; +1: the footer's sources (issue 19).
    with django_assert_num_queries(11):
        response = client.get(URL, {"from": "2006-01-01", "to": "2008-12-31"})
    # Every pair moved but one: the first party's cell on the first pledge
    # was already limited (text_with_parties).
    assert response.context["party_page"].paginator.count == pledge_count * 3 - 1


def test_the_cached_party_cell_changes_hold_plain_strings():
    """/changes/ caches every changed cell of the period (a hundred thousand
    at the benchmark's size): plain strings unpickle ten times faster than
    Status members, and compare and look up the same."""
    import pickle

    from tracker import presenters

    text_with_parties(pledge_count=3, party_count=2)
    changed = presenters.party_cell_changes(date(2000, 1, 1), timezone.localdate())
    assert changed
    for _pledge, _party, old, new in changed:
        assert type(old) is str and type(new) is str
    assert pickle.loads(pickle.dumps(changed)) == changed
    assert {old for *_, old, _new in changed} == {Status.NO_INFORMATION}
