"""The record as of any day: Pledge.objects.as_of(), the one rule, and the
pages that read it (?as_of= and ?recorded_on= on the list, the dashboard and
pledge pages).

as_of(today) must equal the maintained columns exactly, on the shipped record
and on generated data; a past day must give what that day's updates made it."""

from datetime import UTC, date, datetime, timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from tests.factories import make_actor, make_pledge, make_source, make_update, make_user, populate
from tracker.models import CONTESTED, Pledge, Status, StatusUpdate

pytestmark = pytest.mark.django_db

LIST = reverse("pledge-list")


def assert_as_of_today_equals_the_maintained_columns():
    today = timezone.localdate()
    pledges = list(Pledge.objects.as_of(today).order_by("pk"))
    assert len(pledges) == Pledge.objects.filter(source_adopted__lte=today).count() > 0
    for pledge in pledges:
        assert pledge.status_on == pledge.current_status, pledge.ref
        assert pledge.last_update_on == pledge.last_update_as_of, pledge.ref
        assert pledge.latest_update_on_id == pledge.latest_update_id, pledge.ref


def test_as_of_today_equals_the_maintained_columns_on_the_shipped_record():
    call_command("loaddata", "pledges", "history", verbosity=0)
    assert StatusUpdate.objects.exists()
    assert_as_of_today_equals_the_maintained_columns()


def test_as_of_today_equals_the_maintained_columns_on_generated_data():
    call_command("generate_synthetic", pledges=300, updates_per_pledge=6, seed=5, stdout=StringIO())
    assert_as_of_today_equals_the_maintained_columns()


def test_as_of_today_counts_an_update_dated_tomorrow_as_the_maintained_column_does():
    pledge = make_pledge()
    make_update(pledge, status=Status.LIMITED, as_of=date(2004, 1, 1))
    make_update(pledge, status=Status.COMPLETE, as_of=timezone.localdate() + timedelta(days=1))
    assert_as_of_today_equals_the_maintained_columns()
    assert Pledge.objects.as_of(timezone.localdate()).get().status_on == Status.COMPLETE


def on(day, recorded_on=None):
    return Pledge.objects.as_of(day, recorded_on).get()


@pytest.fixture
def timeline():
    """One pledge (text adopted 24 September 2002): limited in 2003,
    substantial in 2005, an actor's own update in 2006, complete in 2008 but
    that one withdrawn on 1 June 2010. The pledge entered in October 2002,
    each update on the day it is dated, except the 2005 one, entered in 2009."""
    pledge = make_pledge()
    steward = make_user()

    def add(status, as_of, created, **fields):
        return make_update(
            pledge,
            status=status,
            as_of=as_of,
            created=datetime(*created, 12, tzinfo=UTC),
            **fields,
        )

    add(Status.LIMITED, date(2003, 3, 1), (2003, 3, 1))
    add(Status.SUBSTANTIAL, date(2005, 6, 1), (2009, 1, 5))
    add(Status.STALLED, date(2006, 1, 1), (2006, 1, 1), actor=make_actor())
    wrong = add(Status.COMPLETE, date(2008, 2, 1), (2008, 2, 1))
    wrong.withdraw(steward, "The report it cites says the opposite.")
    StatusUpdate.objects.filter(pk=wrong.pk).update(withdrawn_at=datetime(2010, 6, 1, tzinfo=UTC))
    Pledge.objects.filter(pk=pledge.pk).update(created=datetime(2002, 10, 1, tzinfo=UTC))
    return pledge


def test_a_past_day_takes_the_latest_overall_update_dated_on_or_before_it(timeline):
    assert on(date(2003, 2, 28)).status_on == Status.NO_INFORMATION
    assert on(date(2003, 3, 1)).status_on == Status.LIMITED
    assert on(date(2005, 12, 31)).status_on == Status.SUBSTANTIAL
    # The actor's update is not about the pledge as a whole, but it is its
    # latest update of any kind.
    later = on(date(2006, 6, 30))
    assert later.status_on == Status.SUBSTANTIAL
    assert later.last_update_on == date(2006, 1, 1)


def test_a_pledge_whose_text_was_not_yet_adopted_is_not_in_the_record(timeline):
    assert not Pledge.objects.as_of(date(2002, 9, 23)).exists()
    assert on(date(2002, 9, 24)).status_on == Status.NO_INFORMATION


def test_as_known_today_a_withdrawn_update_never_counts(timeline):
    # Withdrawn in 2010 because it was wrong: wrong for 2008 too.
    assert on(date(2009, 1, 1)).status_on == Status.SUBSTANTIAL
    assert on(date(2011, 1, 1)).status_on == Status.SUBSTANTIAL


def test_as_recorded_a_later_withdrawal_is_not_applied(timeline):
    # On 31 December 2009 the tracker still counted the 2008 update.
    assert on(date(2009, 12, 31), recorded_on=date(2009, 12, 31)).status_on == Status.COMPLETE
    assert on(date(2010, 5, 31), recorded_on=date(2010, 5, 31)).status_on == Status.COMPLETE
    # From 1 June 2010 it no longer did.
    assert on(date(2010, 6, 1), recorded_on=date(2010, 6, 1)).status_on == Status.SUBSTANTIAL


def test_as_recorded_an_update_entered_later_was_not_in_the_record(timeline):
    # The 2005 update was entered in 2009: in 2006 the tracker only knew of 2003's.
    assert on(date(2006, 6, 30), recorded_on=date(2006, 6, 30)).status_on == Status.LIMITED
    # As known today, 2006 was already substantial.
    assert on(date(2006, 6, 30)).status_on == Status.SUBSTANTIAL
    # Asked in 2009 about 2006: by then the tracker knew.
    assert on(date(2006, 6, 30), recorded_on=date(2009, 1, 5)).status_on == Status.SUBSTANTIAL


def test_as_recorded_a_pledge_entered_later_is_not_in_the_record(timeline):
    Pledge.objects.filter(pk=timeline.pk).update(created=datetime(2004, 1, 1, tzinfo=UTC))
    assert not Pledge.objects.as_of(date(2003, 6, 1), recorded_on=date(2003, 12, 31)).exists()
    assert Pledge.objects.as_of(date(2003, 6, 1), recorded_on=date(2004, 1, 1)).exists()


def test_ties_on_the_day_go_to_the_update_entered_last(timeline):
    make_update(
        timeline,
        status=Status.ONGOING,
        as_of=date(2005, 6, 1),
        created=datetime(2009, 1, 6, tzinfo=UTC),
    )
    assert on(date(2005, 6, 1)).status_on == Status.ONGOING


# --- the list --------------------------------------------------------------------


@pytest.fixture
def two_pledges():
    """a: limited in 2004, complete in 2010. b: ongoing in 2006."""
    a = make_pledge(ref="a-1")
    b = make_pledge(ref="b-1")
    make_update(a, status=Status.LIMITED, as_of=date(2004, 1, 1))
    make_update(a, status=Status.COMPLETE, as_of=date(2010, 1, 1))
    make_update(b, status=Status.ONGOING, as_of=date(2006, 1, 1))
    return a, b


def facet(response, name):
    return {option["value"]: option["count"] for option in response.context["facets"][name]}


def test_the_list_as_of_a_past_day_filters_counts_and_shows_that_days_statuses(client, two_pledges):
    response = client.get(f"{LIST}?as_of=2005-12-31")
    counts = facet(response, "status")
    assert counts[Status.LIMITED] == 1
    assert counts[Status.NO_INFORMATION] == 1
    assert counts[Status.COMPLETE] == 0
    rows = {p.ref: p.status_choice for p in response.context["page"].object_list}
    assert rows == {"a-1": Status.LIMITED, "b-1": Status.NO_INFORMATION}
    response = client.get(f"{LIST}?as_of=2007-06-30&status=ongoing")
    assert [p.ref for p in response.context["page"].object_list] == ["b-1"]
    assert response.context["page"].paginator.count == 1
    response = client.get(f"{LIST}?as_of=2007-06-30&ordering=-status")
    assert [p.ref for p in response.context["page"].object_list] == ["b-1", "a-1"]


def test_the_list_as_of_a_past_day_says_so_with_a_link_back_to_today(client, two_pledges):
    response = client.get(f"{LIST}?as_of=2005-12-31&status=limited")
    assert "You are reading the record as of 31 December 2005." in response.text
    assert 'href="?status=limited">See the record as it stands today.' in response.text
    response = client.get(f"{LIST}?status=limited")
    assert "You are reading the record" not in response.text


def test_the_list_last_update_filters_follow_the_day(client, two_pledges):
    response = client.get(f"{LIST}?as_of=2008-12-31&updated_after=2005-01-01")
    assert [p.ref for p in response.context["page"].object_list] == ["b-1"]
    # Stale on 31 December 2008: a's last update was in 2004, b's in 2006.
    response = client.get(f"{LIST}?as_of=2008-12-31&stale=yes")
    assert [p.ref for p in response.context["page"].object_list] == ["a-1", "b-1"]
    response = client.get(f"{LIST}?as_of=2006-06-30&stale=no")
    assert [p.ref for p in response.context["page"].object_list] == ["b-1"]


@pytest.mark.parametrize(
    "value, message",
    [
        ("31/12/2005", "Enter a date as YYYY-MM-DD."),
        ("2005-02-30", "Enter a date as YYYY-MM-DD."),
        ("2999-01-01", "2999-01-01 is in the future"),
    ],
)
def test_a_bad_day_gets_the_lists_message_and_the_record_of_today(
    client, two_pledges, value, message
):
    for url in (LIST, reverse("dashboard"), two_pledges[0].get_absolute_url()):
        response = client.get(url, {"as_of": value})
        assert response.status_code == 200
        assert message in response.text
        assert "Some filters were not applied" in response.text
        assert "You are reading the record" not in response.text


def test_the_list_as_of_today_reads_the_maintained_columns(client, two_pledges):
    today = timezone.localdate().isoformat()
    response = client.get(f"{LIST}?as_of={today}")
    assert response.context["as_of_banner"] is None
    assert facet(response, "status")[Status.COMPLETE] == 1


@pytest.mark.parametrize("pledge_count", [10, 200])
def test_the_list_as_of_a_past_day_runs_a_fixed_number_of_queries(
    client, django_assert_num_queries, pledge_count
):
    data = populate(pledge_count)
    theme = data["themes"][0].slug
    # The vocabulary, three facets, the page's ids, its rows and their themes.
    # +1: the footer lists the sources from the database (issue 19).
    with django_assert_num_queries(8):
        response = client.get(f"{LIST}?as_of=2006-12-31&theme={theme}&status=limited")
    assert response.status_code == 200
    assert response.context["page"].paginator.count > 0


def test_the_exports_follow_the_day(client, two_pledges):
    from tests.helpers import read_streamed_csv

    rows = read_streamed_csv(client.get(reverse("pledge-export-csv"), {"as_of": "2005-12-31"}))
    assert {row["ref"]: row["current_status"] for row in rows} == {
        "a-1": "limited",
        "b-1": "no_information",
    }
    a = next(row for row in rows if row["ref"] == "a-1")
    assert a["last_update_as_of"] == "2004-01-01"
    assert a["latest_update_status"] == "limited"
    response = client.get(reverse("api-pledge-list"), {"as_of": "2005-12-31", "status": "limited"})
    body = response.content.decode()  # a page of the old API, no longer a stream
    assert '"ref": "a-1"' in body
    assert '"current_status": {"value": "limited"' in body
    assert '"b-1"' not in body
    bad = client.get(reverse("pledge-export-csv"), {"as_of": "yesterday"})
    assert bad.status_code == 400
    assert "as_of: Enter a date as YYYY-MM-DD." in bad.text


# --- the dashboard and a pledge's page ---------------------------------------------


def test_the_dashboard_as_of_a_past_day(client, two_pledges):
    response = client.get(reverse("dashboard"), {"as_of": "2005-12-31"})
    counts = [r.bar.counts for r in response.context["source_rows"] if r.total]
    assert sorted(counts, key=str) == [{Status.LIMITED: 1}, {Status.NO_INFORMATION: 1}]
    assert [e.as_of for e in response.context["latest_events"]] == [date(2004, 1, 1)]
    assert "You are reading the record as of 31 December 2005." in response.text
    assert "Were the pledges being kept on 31 December 2005?" in response.text


def test_the_dashboard_leaves_out_texts_not_yet_adopted(client, two_pledges):
    later = make_source(date_adopted=date(2003, 7, 30))
    make_pledge(source=later, ref="c-1")
    response = client.get(reverse("dashboard"), {"as_of": "2002-12-31"})
    assert response.context["pledge_total"] == 2


def test_a_pledge_page_as_of_a_past_day(client, two_pledges):
    a, _ = two_pledges
    response = client.get(a.get_absolute_url(), {"as_of": "2005-12-31"})
    assert response.context["status"] == Status.LIMITED
    assert [u.as_of for u in response.context["updates"]] == [date(2004, 1, 1)]
    assert "Status on 31 December 2005" in response.text
    assert "You are reading the record as of 31 December 2005." in response.text
    response = client.get(a.get_absolute_url(), {"as_of": "2002-01-01"})
    assert response.context["not_yet_adopted"] is True
    assert "was not adopted until 24 September 2002" in response.text


def test_a_pledge_page_as_recorded_on_a_day(client, two_pledges):
    a, _ = two_pledges
    Pledge.objects.filter(pk=a.pk).update(created=datetime(2003, 1, 1, tzinfo=UTC))
    StatusUpdate.objects.filter(pledge=a).update(created=datetime(2011, 1, 1, tzinfo=UTC))
    response = client.get(a.get_absolute_url(), {"recorded_on": "2010-12-31"})
    assert response.context["status"] == Status.NO_INFORMATION
    assert "as the tracker recorded it on 31 December 2010" in response.text


# --- the party cells: StatusUpdate.objects.party_cells(as_of, recorded_on) ------------


def assert_party_cells_as_of_today_equal_the_maintained_rows():
    from tracker.models import PartyStatus

    columns = ("status", "self_status", "self_update_id", "assessed_status", "assessed_update_id")
    maintained = {
        (pledge_id, actor_id): tuple(values)
        for pledge_id, actor_id, *values in PartyStatus.objects.values_list(
            "pledge_id", "actor_id", *columns
        )
    }
    computed = {
        key: tuple(getattr(cell, name) for name in columns)
        for key, cell in StatusUpdate.objects.party_cells(as_of=timezone.localdate()).items()
    }
    assert len(maintained) > 0
    assert computed == maintained


def test_party_cells_as_of_today_equal_the_maintained_rows_on_the_shipped_record():
    call_command("loaddata", "pledges", "history", verbosity=0)
    call_command("loaddata", "parties", "party-history", verbosity=0)
    assert_party_cells_as_of_today_equal_the_maintained_rows()


def test_party_cells_as_of_today_equal_the_maintained_rows_on_generated_data():
    call_command(
        "generate_synthetic",
        pledges=200,
        updates_per_pledge=3,
        parties=6,
        party_updates_per_pledge=3,
        seed=7,
        stdout=StringIO(),
    )
    assert_party_cells_as_of_today_equal_the_maintained_rows()


@pytest.fixture
def party_timeline():
    """One pledge and one party: an assessment "limited" in 2004; a
    self-report "complete" dated 2006, entered then, and withdrawn on 1 June
    2010."""
    from tracker.models import UpdateKind

    pledge, party, steward = make_pledge(), make_actor(), make_user()
    make_update(
        pledge,
        actor=party,
        status=Status.LIMITED,
        as_of=date(2004, 5, 1),
        created=datetime(2004, 5, 1, 12, tzinfo=UTC),
    )
    claim = make_update(
        pledge,
        actor=party,
        kind=UpdateKind.SELF_REPORT,
        status=Status.COMPLETE,
        as_of=date(2006, 3, 1),
        created=datetime(2006, 3, 1, 12, tzinfo=UTC),
    )
    claim.withdraw(steward, "The report it cites says the opposite.")
    StatusUpdate.objects.filter(pk=claim.pk).update(withdrawn_at=datetime(2010, 6, 1, tzinfo=UTC))
    return pledge, party


def cell_on(pledge, party, day, recorded_on=None):
    cells = StatusUpdate.objects.filter(pledge=pledge).party_cells(day, recorded_on)
    cell = cells.get((pledge.pk, party.pk))
    return None if cell is None else cell.status


def test_a_party_cell_on_a_past_day_takes_the_updates_dated_on_or_before_it(party_timeline):
    pledge, party = party_timeline
    assert cell_on(pledge, party, date(2004, 4, 30)) is None  # no information yet
    assert cell_on(pledge, party, date(2004, 5, 1)) == Status.LIMITED


def test_a_party_cell_as_recorded_keeps_a_withdrawal_made_later_unapplied(party_timeline):
    pledge, party = party_timeline
    # On 31 December 2008, as the tracker then showed it, the self-report still
    # counted, and disagreed with the assessment.
    assert cell_on(pledge, party, date(2008, 12, 31), date(2008, 12, 31)) == CONTESTED
    # Once withdrawn (1 June 2010), as recorded from then on, it no longer counts.
    assert cell_on(pledge, party, date(2008, 12, 31), date(2010, 6, 2)) == Status.LIMITED


def test_a_party_cell_as_known_today_never_counts_a_withdrawn_update(party_timeline):
    pledge, party = party_timeline
    # ?as_of= alone is what we know today about that day, as for the pledges.
    assert cell_on(pledge, party, date(2008, 12, 31)) == Status.LIMITED
    assert Pledge.objects.as_of(date(2008, 12, 31)).get().status_on == Status.NO_INFORMATION
