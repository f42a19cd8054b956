"""The per-(pledge, party) cells: the rule (latest self-report and latest
independent assessment kept apart, contested where they disagree), the
maintained PartyStatus rows equal to what the rule computes after every kind
of write, and the same guarantee under real concurrent transactions."""

import re
import threading
from datetime import date

import pytest
from django.db import close_old_connections, connection, transaction
from django.test.utils import CaptureQueriesContext

from tests.factories import make_actor, make_pledge, make_update, make_user
from tracker.models import (
    CONTESTED,
    PartyMembership,
    PartyStatus,
    Pledge,
    Status,
    StatusUpdate,
    UpdateKind,
    cell_status,
    refresh_all_party_statuses,
    refresh_party_status,
)

pytestmark = pytest.mark.django_db

SELF, ASSESSED = UpdateKind.SELF_REPORT, UpdateKind.INDEPENDENT_ASSESSMENT


def stored(pledge, actor):
    row = PartyStatus.objects.filter(pledge=pledge, actor=actor).first()
    return None if row is None else (row.status, row.self_status, row.assessed_status)


def computed(pledge, actor, as_of=None):
    cells = StatusUpdate.objects.filter(pledge=pledge).party_cells(as_of=as_of)
    cell = cells.get((pledge.pk, actor.pk))
    return None if cell is None else (cell.status, cell.self_status, cell.assessed_status)


@pytest.mark.parametrize(
    ("self_status", "assessed", "expected"),
    [
        ("", "", Status.NO_INFORMATION),
        (Status.LIMITED, "", Status.LIMITED),
        ("", Status.ONGOING, Status.ONGOING),
        (Status.ONGOING, Status.ONGOING, Status.ONGOING),
        (Status.COMPLETE, Status.LIMITED, CONTESTED),
    ],
)
def test_the_cell_rule(self_status, assessed, expected):
    assert cell_status(self_status, assessed) == expected


def test_an_update_naming_a_party_gives_the_pair_its_own_status_and_leaves_the_pledge_alone():
    pledge, japan = make_pledge(), make_actor(slug="japan", name="Japan")
    make_update(pledge, status=Status.LIMITED, actor=japan, kind=ASSESSED)
    assert stored(pledge, japan) == (Status.LIMITED, "", Status.LIMITED)
    pledge.refresh_from_db()
    assert pledge.current_status == Status.NO_INFORMATION  # overall status: blank actor only


def test_self_reports_and_assessments_are_kept_apart_and_disagreement_is_contested():
    pledge, japan = make_pledge(), make_actor()
    make_update(pledge, status=Status.COMPLETE, actor=japan, kind=SELF, as_of=date(2006, 1, 1))
    make_update(pledge, status=Status.LIMITED, actor=japan, kind=ASSESSED, as_of=date(2005, 1, 1))
    assert stored(pledge, japan) == (CONTESTED, Status.COMPLETE, Status.LIMITED)
    # A newer assessment that agrees ends the contest; an older one changes nothing.
    make_update(
        pledge, status=Status.NOT_STARTED, actor=japan, kind=ASSESSED, as_of=date(2004, 1, 1)
    )
    assert stored(pledge, japan)[0] == CONTESTED
    make_update(pledge, status=Status.COMPLETE, actor=japan, kind=ASSESSED, as_of=date(2007, 1, 1))
    assert stored(pledge, japan) == (Status.COMPLETE, Status.COMPLETE, Status.COMPLETE)
    assert stored(pledge, japan) == computed(pledge, japan)


def test_withdrawing_the_only_update_returns_the_cell_to_no_information():
    pledge, japan = make_pledge(), make_actor()
    update = make_update(pledge, status=Status.LIMITED, actor=japan)
    update.withdraw(make_user(), "Wrong party.")
    assert stored(pledge, japan) is None
    assert computed(pledge, japan) is None


def test_withdrawing_the_latest_falls_back_to_the_one_before():
    pledge, japan = make_pledge(), make_actor()
    make_update(pledge, status=Status.LIMITED, actor=japan, as_of=date(2004, 1, 1))
    newer = make_update(pledge, status=Status.COMPLETE, actor=japan, as_of=date(2005, 1, 1))
    newer.withdraw(make_user(), "Misdated.")
    assert stored(pledge, japan) == (Status.LIMITED, "", Status.LIMITED)


def test_as_of_counts_only_updates_up_to_that_date():
    pledge, japan = make_pledge(), make_actor()
    make_update(pledge, status=Status.LIMITED, actor=japan, as_of=date(2004, 1, 1))
    make_update(pledge, status=Status.COMPLETE, actor=japan, as_of=date(2008, 1, 1))
    assert computed(pledge, japan, as_of=date(2005, 1, 1))[0] == Status.LIMITED
    assert computed(pledge, japan, as_of=date(2003, 1, 1)) is None
    assert computed(pledge, japan)[0] == Status.COMPLETE


def test_same_day_updates_are_ordered_by_entry_time_as_the_pledge_timeline_is():
    pledge, japan = make_pledge(), make_actor()
    make_update(pledge, status=Status.LIMITED, actor=japan)
    make_update(pledge, status=Status.SUBSTANTIAL, actor=japan)  # same as_of, entered later
    assert stored(pledge, japan)[0] == Status.SUBSTANTIAL


def test_the_bulk_rebuild_equals_the_maintained_rows():
    pledges, actors = [make_pledge() for _ in range(3)], [make_actor() for _ in range(2)]
    for i, pledge in enumerate(pledges):
        for j, actor in enumerate(actors):
            make_update(pledge, status=Status.LIMITED, actor=actor, kind=SELF)
            if (i + j) % 2:
                make_update(pledge, status=Status.ONGOING, actor=actor, kind=ASSESSED)
    before = set(PartyStatus.objects.values_list("pledge", "actor", "status", "self_update"))
    assert refresh_all_party_statuses() == 6
    after = set(PartyStatus.objects.values_list("pledge", "actor", "status", "self_update"))
    assert before == after and len(after) == 6
    assert {status for _, _, status, _ in after} == {Status.LIMITED, CONTESTED}


def test_a_pledge_applies_to_every_party_of_its_text_unless_narrowed():
    pledge = make_pledge()
    other = make_pledge(source=pledge.source)
    japan, china, outsider = make_actor(), make_actor(), make_actor()
    for actor in (japan, china):
        PartyMembership.objects.create(source=pledge.source, actor=actor, evidence_reference="X")
    assert set(Pledge.objects.applicable_to(japan)) == {pledge, other}
    assert not Pledge.objects.applicable_to(outsider).exists()
    other.applies_to.set([china])
    assert set(Pledge.objects.applicable_to(japan)) == {pledge}
    assert set(Pledge.objects.applicable_to(china)) == {pledge, other}


def log_concurrently(pledge, actor, author, reports):
    """Log each (kind, status) of ``reports`` in its own thread, connection and
    transaction, all released at once; returns the errors raised."""
    barrier = threading.Barrier(len(reports))
    errors = []

    def log(kind, status):
        try:
            with transaction.atomic():
                barrier.wait(timeout=60)
                make_update(pledge, author=author, status=status, actor=actor, kind=kind)
        except Exception as error:  # reported by the caller's assertion
            errors.append(error)
        finally:
            close_old_connections()
            connection.close()

    threads = [threading.Thread(target=log, args=report) for report in reports]
    for thread in threads:
        thread.start()
    for thread in threads:
        # Generous: on a busy machine a transaction can wait a while for the lock.
        thread.join(timeout=120)
    assert not any(thread.is_alive() for thread in threads), "a transaction never finished"
    return errors


@pytest.mark.django_db(transaction=True)
def test_two_real_concurrent_updates_to_one_cell_on_postgresql():
    """A self-report and an assessment of the same pair, committed at the same
    moment from two connections: both are accepted, and the cell ends equal
    to what the rule computes from both (contested), never one of them alone
    and never a failed insert of the first row."""
    if connection.vendor != "postgresql":
        pytest.skip("real concurrent transactions are tested on PostgreSQL")
    for attempt in range(5):
        pledge, japan, author = make_pledge(), make_actor(), make_user()
        errors = log_concurrently(
            pledge, japan, author, [(SELF, Status.COMPLETE), (ASSESSED, Status.LIMITED)]
        )
        assert errors == [], f"attempt {attempt}: {errors}"
        assert StatusUpdate.objects.filter(pledge=pledge).count() == 2
        assert stored(pledge, japan) == (CONTESTED, Status.COMPLETE, Status.LIMITED)
        assert stored(pledge, japan) == computed(pledge, japan)


def test_the_cell_refresh_takes_the_one_pledge_lock_on_postgresql():
    """refresh_party_status() locks through PledgeQuerySet.lock(), the lock
    every other writer of a pledge's derived state takes: FOR NO KEY UPDATE
    of the pledge row, never a plain FOR UPDATE of its own."""
    if connection.vendor != "postgresql":
        pytest.skip("row locks are PostgreSQL's; SQLite serialises writers")
    pledge, actor = make_pledge(), make_actor()
    with CaptureQueriesContext(connection) as queries, transaction.atomic():
        refresh_party_status(pledge.pk, actor.pk)
    locks = [
        query["sql"] for query in queries if re.search(r"\bFOR (NO KEY )?UPDATE\b", query["sql"])
    ]
    assert locks, "no row lock was taken"
    assert all(" FOR NO KEY UPDATE OF " in sql for sql in locks), locks


@pytest.mark.django_db(transaction=True)  # not inside the test's own transaction
def test_a_cell_is_refreshed_only_inside_a_transaction():
    with pytest.raises(RuntimeError, match="inside a transaction"):
        refresh_party_status(make_pledge().pk, make_actor().pk)


def test_a_partys_scorecard_counts_commitments_only():
    """Context applies to the party's text but commits no one: the scorecard
    must not count it as a commitment with no information."""
    from tests.party_helpers import text_with_parties
    from tracker import parties
    from tracker.models import Pledge, StatementKind

    _, (first, _), pledges = text_with_parties(pledge_count=3)
    Pledge.objects.filter(pk=pledges[2].pk).update(
        statement_kind=StatementKind.CONTEXT, commitment_type=""
    )
    applicable = Pledge.objects.applicable_to(first)
    assert applicable.count() == 3
    card = parties.scorecard(first, applicable)
    assert card.commitments == 2
    assert parties.scorecard(first, applicable, day=date(2030, 1, 1)).commitments == 2
