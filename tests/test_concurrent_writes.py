"""Derived columns under real concurrency (PostgreSQL): after every round of
concurrent writers, each in its own transaction and connection, a pledge's
``current_status``, ``last_update_as_of``, ``latest_update`` and search
document, and its (pledge, party) cells, equal what the documented rules
compute from its updates, and of two stewards withdrawing one update
exactly one succeeds.

The lock that makes this hold is ``PledgeQuerySet.lock()``. SQLite has no
row locks and serialises writing transactions, so there is no race to test
there; these tests run in CI's PostgreSQL pass."""

import threading
from collections import Counter
from datetime import date, timedelta
from functools import partial

import pytest
from django.db import close_old_connections, connection, transaction

from tests.factories import make_actor, make_pledge, make_update, make_user
from tracker.models import (
    AlreadyWithdrawn,
    PartyStatus,
    Pledge,
    Status,
    StatusUpdate,
    update_summaries,
)
from tracker.search import document_vector

# Enough rounds that the race, when the lock is missing, shows in most runs
# (without it: about a quarter of rounds ended wrong).
ROUNDS = 40
STATUSES = [s for s in Status.values if s != Status.NO_INFORMATION]


def postgresql_only():
    if connection.vendor != "postgresql":
        pytest.skip(
            "Real concurrent transactions need PostgreSQL's row locks; SQLite "
            "serialises writers. Run with DATABASE_URL=postgres://... (CI does)."
        )


pytestmark = [pytest.mark.django_db(transaction=True)]


def run_at_once(*jobs):
    """Run each job in its own thread, transaction and database connection,
    all released at the same moment; return each job's result or exception."""
    barrier = threading.Barrier(len(jobs))
    results = [None] * len(jobs)

    def worker(index, job):
        try:
            barrier.wait(timeout=10)
            with transaction.atomic():
                results[index] = job()
        except Exception as error:  # reported to the test, not swallowed
            results[index] = error
        finally:
            close_old_connections()
            connection.close()

    threads = [threading.Thread(target=worker, args=(i, job)) for i, job in enumerate(jobs)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(thread.is_alive() for thread in threads), "a writer hung"
    return results


def rule_violations(pledge_ids):
    """What differs between the maintained columns and the rule, per pledge."""
    wrong = []
    rows = (
        Pledge.objects.filter(pk__in=pledge_ids)
        .as_of()  # the one status rule, today
        .annotate(fresh_document=document_vector(update_summaries()))
        .values(
            "ref",
            "current_status",
            "status_on",
            "last_update_as_of",
            "last_update_on",
            "latest_update_id",
            "latest_update_on_id",
            "search_document",
            "fresh_document",
        )
    )
    for row in rows:
        for stored, rule in (
            ("current_status", "status_on"),
            ("last_update_as_of", "last_update_on"),
            ("latest_update_id", "latest_update_on_id"),
            ("search_document", "fresh_document"),
        ):
            if row[stored] != row[rule]:
                wrong.append((row["ref"], stored, row[stored], row[rule]))
    # The party cells: the maintained rows against party_cells(), the rule.
    columns = ("status", "self_update_id", "assessed_update_id", "last_update_as_of")
    maintained = {
        (pledge_id, actor_id): tuple(values)
        for pledge_id, actor_id, *values in PartyStatus.objects.filter(
            pledge_id__in=pledge_ids
        ).values_list("pledge_id", "actor_id", *columns)
    }
    cells = StatusUpdate.objects.filter(pledge_id__in=pledge_ids).party_cells()
    computed = {key: tuple(getattr(cell, name) for name in columns) for key, cell in cells.items()}
    if maintained != computed:
        wrong.append(("party cells", "PartyStatus", maintained, computed))
    return wrong


def post(pledge, n, day, offset, author, actor=None):
    """One writer's update: its own date, status and searchable word."""
    return make_update(
        pledge,
        author=author,
        actor=actor,
        status=STATUSES[(n + offset) % len(STATUSES)],
        as_of=day + timedelta(days=offset),
        summary=f"round{n}word{offset} concurrent",
    ).pk


def test_derived_columns_follow_the_rule_after_every_round_of_concurrent_writes():
    postgresql_only()
    pledges = [make_pledge(), make_pledge()]
    ids = [p.pk for p in pledges]
    authors = [make_user() for _ in range(4)]
    actor = make_actor()
    for pledge in pledges:
        make_update(pledge, status=Status.LIMITED, as_of=date(2003, 1, 1), author=authors[0])
    day = date(2004, 1, 1)
    wrong_rounds = []

    for n in range(ROUNDS):
        pledge = pledges[n % 2]
        # Each round's dates are newer than anything before, and every writer
        # has its own date, status and searchable word.
        day += timedelta(days=10)
        latest = StatusUpdate.objects.recorded().filter(pledge=pledge).newest_first().first()

        results = run_at_once(
            partial(post, pledge, n, day, 1, authors[0]),
            partial(post, pledge, n, day, 2, authors[1]),
            partial(post, pledge, n, day, 3, authors[2], actor=actor),
            partial(latest.withdraw, authors[3], f"Round {n}: entered twice."),
        )
        errors = [r for r in results if isinstance(r, Exception)]
        assert not errors, f"round {n}: {errors}"
        if violations := rule_violations(ids):
            wrong_rounds.append((n, violations))

    by_column = Counter(column for _, violations in wrong_rounds for _, column, *_ in violations)
    assert wrong_rounds == [], (
        f"{len(wrong_rounds)} of {ROUNDS} rounds left a wrong value; "
        f"wrong columns: {dict(by_column)}"
    )
    # Every summary of every round is findable.
    assert Pledge.objects.filter(pk__in=ids, search_document="round7word2").exists()


def test_of_two_concurrent_withdrawals_exactly_one_succeeds_and_its_reason_stands():
    postgresql_only()
    pledge = make_pledge()
    alice, bob = make_user("alice"), make_user("bob")
    rounds = 10
    for n in range(rounds):
        update = make_update(pledge, as_of=date(2005, 1, 1) + timedelta(days=n))
        # Each steward opened the update before either withdrew it.
        copies = [StatusUpdate.objects.get(pk=update.pk) for _ in range(2)]
        results = run_at_once(
            lambda c=copies[0]: c.withdraw(alice, "Alice's reason."),
            lambda c=copies[1]: c.withdraw(bob, "Bob's reason."),
        )
        refused = [r for r in results if isinstance(r, AlreadyWithdrawn)]
        assert len(refused) == 1 and results.count(None) == 1, f"round {n}: {results}"
        update.refresh_from_db()
        winner = "alice" if results[0] is None else "bob"
        assert update.withdrawn_by.username == winner
        assert update.withdrawal_reason.startswith(winner.capitalize())
        assert "already withdrawn" in refused[0].messages[0]
        assert f"by {winner}" in refused[0].messages[0]
        # The one withdrawal is the only history record that withdrew it.
        assert update.history.filter(withdrawn_at__isnull=False).count() == 1
    assert rule_violations([pledge.pk]) == []
