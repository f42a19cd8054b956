"""The status update change page in the admin: opening it never changes the
update; of two withdrawals of one update exactly one succeeds and the other
is told, with the first reason kept (also when two stewards submit at the
same moment, on PostgreSQL)."""

from functools import partial

import pytest
from django.test import Client
from django.urls import reverse

from tests.factories import make_pledge, make_reporter, make_steward, make_update, make_user
from tests.helpers import at_the_same_moment, skip_unless_postgresql
from tracker.models import StatusUpdate
from tracker.roles import ensure_groups

pytestmark = pytest.mark.django_db


def change_url(update):
    return reverse("admin:tracker_statusupdate_change", args=[update.pk])


def withdraw(client, update, reason):
    return client.post(change_url(update), {"withdraw_update": "on", "withdrawal_reason": reason})


def test_a_view_only_staff_user_opening_a_flagged_update_changes_nothing(client):
    update = make_update(make_pledge())
    update.request_review(make_user(), "Looks like a duplicate.")
    viewer = make_reporter()  # the Reporter group may view status updates in the admin
    viewer.is_staff = True
    viewer.save()
    client.force_login(viewer)

    response = client.get(change_url(update))

    assert response.status_code == 200
    update.refresh_from_db()
    assert update.needs_review and update.review_note == "Looks like a duplicate."
    assert not update.is_withdrawn
    assert "Looks like a duplicate." in response.text
    # Nothing to tick for someone who may not act.
    assert 'name="withdraw_update"' not in response.text
    assert 'name="clear_review_request"' not in response.text


def test_a_second_withdrawal_is_told_and_the_first_reason_stands(client):
    update = make_update(make_pledge())
    first, second = make_steward("first"), make_steward("second")
    client.force_login(first)
    assert withdraw(client, update, "Entered twice.").status_code == 302

    client.force_login(second)
    response = withdraw(client, update, "Wrong pledge.")

    assert response.status_code == 200
    assert "This update was already withdrawn" in response.text
    assert "by first" in response.text and "Entered twice." in response.text
    update.refresh_from_db()
    assert update.withdrawn_by == first and update.withdrawal_reason == "Entered twice."


def test_a_double_click_on_withdraw_withdraws_once(client, steward):
    update = make_update(make_pledge())
    client.force_login(steward)
    responses = [withdraw(client, update, "Entered twice.") for _ in range(2)]
    assert [r.status_code for r in responses] == [302, 200]
    assert "already withdrawn" in responses[1].text
    assert update.history.filter(withdrawn_at__isnull=False).count() == 1


def logged_in(user):
    client = Client(raise_request_exception=False)  # a 500 is an outcome here
    client.force_login(user)
    return client


@pytest.mark.django_db(transaction=True)
def test_two_stewards_withdrawing_at_the_same_moment_on_postgresql():
    skip_unless_postgresql()
    ensure_groups()  # an earlier transactional test's flush removed them
    alice, bob = logged_in(make_steward("alice")), logged_in(make_steward("bob"))
    pledge = make_pledge()
    rounds = 6
    for n in range(rounds):
        update = make_update(pledge)
        responses = at_the_same_moment(
            partial(withdraw, alice, update, "alice's reason."),
            partial(withdraw, bob, update, "bob's reason."),
        )
        codes = sorted(getattr(r, "status_code", r) for r in responses)
        assert codes == [200, 302], f"round {n}: {codes}"
        winner = "alice" if responses[0].status_code == 302 else "bob"
        loser = next(r for r in responses if r.status_code == 200)
        assert "already withdrawn" in loser.text and f"by {winner}" in loser.text
        update.refresh_from_db()
        assert update.withdrawn_by.username == winner
        assert update.withdrawal_reason == f"{winner}'s reason."
    assert StatusUpdate.objects.filter(withdrawn_at__isnull=False).count() == rounds
