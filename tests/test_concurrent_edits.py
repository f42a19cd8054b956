"""Optimistic concurrency on pledge edits: the second of two editors who
opened the same version gets a clear conflict message showing what changed,
and neither edit is lost."""

import threading

import pytest
from django.db import close_old_connections, connection, transaction

from tests.factories import make_pledge, make_steward
from tests.test_history import edit_pledge
from tracker.admin.forms import VersionedPledgeForm
from tracker.models import EditConflict, Pledge

pytestmark = pytest.mark.django_db


def test_the_second_of_two_editors_gets_a_conflict_showing_what_changed(client):
    alice, bob = make_steward("alice"), make_steward("bob")
    pledge = make_pledge(title="Original title")
    opened = Pledge.objects.get(pk=pledge.pk)  # both open version 1

    client.force_login(alice)
    assert edit_pledge(client, opened, title="Alice title").status_code == 302

    client.force_login(bob)
    response = edit_pledge(
        client, opened, title="Original title", quote=opened.quote, timeframe="long_term"
    )
    assert response.status_code == 200
    text = response.text
    assert "alice saved this pledge" in text
    assert "They changed title: “Original title” → “Alice title”." in text
    assert "Your changes are below and have not been saved" in text
    # Bob's values are still in the form, and it now carries the new version.
    assert '<option value="long_term" selected>' in text
    assert f'name="opened_version" value="{opened.version + 1}"' in text
    pledge.refresh_from_db()
    assert pledge.title == "Alice title" and pledge.timeframe == "unspecified"

    # Saving again applies Bob's change on top of Alice's: nothing is lost.
    pledge.refresh_from_db()
    response = edit_pledge(client, pledge, timeframe="long_term")
    assert response.status_code == 302
    pledge.refresh_from_db()
    assert (pledge.title, pledge.timeframe, pledge.version) == ("Alice title", "long_term", 3)


def test_save_with_a_stale_version_raises_and_writes_nothing():
    pledge = make_pledge(title="One")
    first, second = Pledge.objects.get(pk=pledge.pk), Pledge.objects.get(pk=pledge.pk)
    first.title = "Two"
    first.save(expected_version=1)
    second.title = "Three"
    with pytest.raises(EditConflict):
        second.save(expected_version=1)
    pledge.refresh_from_db()
    assert (pledge.title, pledge.version) == ("Two", 2)


@pytest.mark.django_db(transaction=True)
def test_two_real_concurrent_transactions_on_postgresql():
    """Two editors submit at the same moment, each in its own transaction and
    database connection. The row lock makes the second wait for the first
    and then see the new version: exactly one saves, the other gets the
    conflict. (SQLite serialises whole transactions instead: see settings.)"""
    if connection.vendor != "postgresql":
        pytest.skip("real concurrent transactions are tested on PostgreSQL")
    pledge = make_pledge(title="Original")
    barrier = threading.Barrier(2)
    outcomes = {}

    def editor(name, title):
        try:
            with transaction.atomic():
                instance = Pledge.objects.get(pk=pledge.pk)
                data = {
                    "ref": instance.ref,
                    "title": title,
                    "source": instance.source_id,
                    "paragraph": instance.paragraph,
                    "quote": instance.quote,
                    "timeframe": instance.timeframe,
                    "statement_kind": instance.statement_kind,
                    "commitment_type": instance.commitment_type,
                    "opened_version": 1,
                }
                form = VersionedPledgeForm(data, instance=instance)
                barrier.wait(timeout=10)  # both have read version 1
                if form.is_valid():  # locks the row; the second waits here
                    form.save()
                    outcomes[name] = "saved"
                else:
                    outcomes[name] = " ".join(form.non_field_errors())
        finally:
            close_old_connections()
            connection.close()

    threads = [
        threading.Thread(target=editor, args=("alice", "Alice")),
        threading.Thread(target=editor, args=("bob", "Bob")),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert sorted(v == "saved" for v in outcomes.values()) == [False, True], outcomes
    loser_message = next(v for v in outcomes.values() if v != "saved")
    assert "after you opened it" in loser_message
    pledge.refresh_from_db()
    assert pledge.version == 2
    assert pledge.title == ("Alice" if outcomes["alice"] == "saved" else "Bob")


@pytest.mark.parametrize("tampered", [None, "", "0", "-1"])
def test_an_edit_without_its_opened_version_is_a_conflict_not_a_blind_save(client, tampered):
    """The check cannot be switched off by the client (review F15): a form
    without the version it was opened at, or with 0, overwrites nothing."""
    from django.urls import reverse

    from tests.helpers import pledge_admin_data

    alice, bob = make_steward("alice"), make_steward("bob")
    pledge = make_pledge(title="Original title")
    stale = Pledge.objects.get(pk=pledge.pk)
    client.force_login(alice)
    assert edit_pledge(client, pledge, title="Alice title").status_code == 302

    client.force_login(bob)
    data = pledge_admin_data(stale, title="Bob title")
    if tampered is None:
        del data["opened_version"]
    else:
        data["opened_version"] = tampered
    url = reverse("admin:tracker_pledge_change", args=[pledge.pk])
    response = client.post(url, data)
    assert response.status_code == 200
    assert "did not say which version of the pledge you opened" in response.text
    pledge.refresh_from_db()
    assert pledge.title == "Alice title"
    # The form now carries the current version: saving again applies Bob's edit.
    assert f'name="opened_version" value="{pledge.version}"' in response.text
    data["opened_version"] = pledge.version
    assert client.post(url, data).status_code == 302
    pledge.refresh_from_db()
    assert pledge.title == "Bob title"
