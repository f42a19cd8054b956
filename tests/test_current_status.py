"""The current-status rule: a pledge's status is its latest overall update by
as_of, then by created; no_information when it has none. The maintained
column must always equal the value computed from the updates."""

import json
from datetime import date, timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from tests.factories import make_actor, make_pledge, make_source, make_update, make_user
from tracker.models import (
    CONTEXT_COUNT,
    Pledge,
    StatementKind,
    Status,
    StatusUpdate,
    refresh_all_statuses,
)

pytestmark = pytest.mark.django_db


def assert_maintained_matches_computed():
    for pledge in Pledge.objects.as_of():
        assert pledge.current_status == pledge.status_on, pledge.ref
        assert pledge.last_update_as_of == pledge.last_update_on, pledge.ref
        assert pledge.latest_update_id == pledge.latest_update_on_id, pledge.ref


def test_it_is_no_information_without_updates():
    pledge = make_pledge()
    assert pledge.current_status == Status.NO_INFORMATION
    assert pledge.last_update_as_of is None
    assert_maintained_matches_computed()


def test_it_follows_the_latest_of_several_updates():
    pledge = make_pledge()
    make_update(pledge, status=Status.LIMITED, as_of=date(2003, 1, 1))
    make_update(pledge, status=Status.SUBSTANTIAL, as_of=date(2004, 1, 1))
    pledge.refresh_from_db()
    assert pledge.current_status == Status.SUBSTANTIAL
    assert pledge.last_update_as_of == date(2004, 1, 1)
    assert_maintained_matches_computed()


def test_a_back_dated_update_does_not_replace_a_later_observation():
    pledge = make_pledge()
    make_update(pledge, status=Status.COMPLETE, as_of=date(2007, 7, 7))
    # Entered later, but it describes an earlier state of affairs.
    make_update(pledge, status=Status.LIMITED, as_of=date(2004, 1, 1))
    pledge.refresh_from_db()
    assert pledge.current_status == Status.COMPLETE
    assert pledge.last_update_as_of == date(2007, 7, 7)
    assert_maintained_matches_computed()


def test_two_updates_on_the_same_day_are_ordered_by_created():
    pledge = make_pledge()
    now = timezone.now()
    make_update(pledge, status=Status.STALLED, as_of=date(2010, 5, 5), created=now)
    make_update(
        pledge, status=Status.ONGOING, as_of=date(2010, 5, 5), created=now - timedelta(hours=1)
    )
    pledge.refresh_from_db()
    assert pledge.current_status == Status.STALLED
    assert_maintained_matches_computed()


def test_an_actor_specific_update_does_not_set_the_overall_status():
    pledge = make_pledge()
    make_update(pledge, status=Status.LIMITED, as_of=date(2004, 1, 1))
    make_update(pledge, status=Status.COMPLETE, as_of=date(2006, 1, 1), actor=make_actor())
    pledge.refresh_from_db()
    assert pledge.current_status == Status.LIMITED
    # ...but it is still activity on the pledge, so it is not stale from that date.
    assert pledge.last_update_as_of == date(2006, 1, 1)
    assert_maintained_matches_computed()


def test_withdrawing_the_latest_update_falls_back_to_the_previous_one():
    pledge = make_pledge()
    make_update(pledge, status=Status.LIMITED, as_of=date(2004, 1, 1))
    latest = make_update(pledge, status=Status.COMPLETE, as_of=date(2006, 1, 1))
    latest.withdraw(make_user(), "Entered against the wrong pledge.")
    pledge.refresh_from_db()
    assert pledge.current_status == Status.LIMITED
    assert pledge.last_update_as_of == date(2004, 1, 1)
    assert_maintained_matches_computed()


def test_withdrawing_every_update_resets_to_no_information():
    pledge = make_pledge()
    update = make_update(pledge, status=Status.COMPLETE)
    update.withdraw(make_user(), "Duplicate.")
    pledge.refresh_from_db()
    assert pledge.current_status == Status.NO_INFORMATION
    assert pledge.last_update_as_of is None


def test_an_edit_of_the_pledge_never_writes_back_a_stale_status():
    pledge = make_pledge()
    stale_copy = Pledge.objects.get(pk=pledge.pk)  # opened before the update
    make_update(pledge, status=Status.COMPLETE)
    stale_copy.title = "A new title"
    stale_copy.save()
    pledge.refresh_from_db()
    assert pledge.title == "A new title"
    assert pledge.current_status == Status.COMPLETE


def test_reloading_the_pledge_fixture_keeps_the_statuses():
    from django.core.management import call_command

    call_command("loaddata", "pledges", "history", verbosity=0)
    call_command("loaddata", "pledges", verbosity=0)
    assert Pledge.objects.get(ref="asem-2002-3.7").current_status == Status.COMPLETE
    assert_maintained_matches_computed()


def test_refresh_all_statuses_repairs_bulk_inserted_updates():
    first, second = make_pledge(), make_pledge()
    author = make_update(first).author
    # bulk_create sends no signals, so the maintained columns go stale...
    StatusUpdate.objects.bulk_create(
        [
            StatusUpdate(
                pledge=second,
                status=Status.STALLED,
                as_of=date(2015, 1, 1),
                summary="Bulk",
                evidence_reference="A/1",
                kind="independent_assessment",
                author=author,
            )
        ]
    )
    second.refresh_from_db()
    assert second.current_status == Status.NO_INFORMATION
    # ...until they are recomputed in one statement.
    refresh_all_statuses()
    second.refresh_from_db()
    assert second.current_status == Status.STALLED
    assert_maintained_matches_computed()


def test_stale_means_no_update_within_a_year():
    today = timezone.localdate()
    fresh = make_pledge()
    make_update(fresh, as_of=today - timedelta(days=30))
    old = make_pledge()
    make_update(old, as_of=today - timedelta(days=400))
    never = make_pledge()
    assert set(Pledge.objects.stale()) == {old, never}
    assert set(Pledge.objects.not_stale()) == {fresh}
    assert old.is_stale and never.is_stale and not fresh.is_stale


def test_status_counts_include_every_status_in_one_query(django_assert_num_queries):
    make_update(make_pledge(), status=Status.COMPLETE)
    make_pledge()
    make_pledge(statement_kind=StatementKind.CONTEXT, commitment_type="")
    with django_assert_num_queries(1):
        counts = Pledge.objects.status_counts()
    assert counts[Status.COMPLETE] == 1
    assert counts[Status.NO_INFORMATION] == 1  # context is counted apart, not here
    assert counts[CONTEXT_COUNT] == 1
    assert set(counts) == {*Status.values, CONTEXT_COUNT}


def test_a_pledge_takes_its_source_adoption_date_and_follows_a_correction():
    """source_adopted (the default order's index key) is a copy of the source's
    date: set on every save, fixture loads included, and moved along when the
    source's date is corrected."""
    early, late = (
        make_source(date_adopted=date(2001, 1, 1)),
        make_source(date_adopted=date(2005, 1, 1)),
    )
    pledge = make_pledge(source=late)
    assert pledge.source_adopted == date(2005, 1, 1)
    pledge.source = early
    pledge.save()
    assert Pledge.objects.get(pk=pledge.pk).source_adopted == date(2001, 1, 1)
    early.date_adopted = date(2000, 6, 1)
    early.save()
    assert Pledge.objects.get(pk=pledge.pk).source_adopted == date(2000, 6, 1)


def test_a_raw_fixture_load_sets_the_adoption_date(tmp_path):
    source = make_source(date_adopted=date(2003, 7, 30))
    fixture = tmp_path / "pledge.json"
    fixture.write_text(
        json.dumps(
            [
                {
                    "model": "tracker.pledge",
                    "fields": {
                        "ref": "loaded-1.1",
                        "source": source.pk,
                        "paragraph": 1,
                        "quote": "We pledge to do the first thing.",
                        "title": "Loaded",
                        "created": "2024-01-01T00:00:00Z",
                        "updated": "2024-01-01T00:00:00Z",
                    },
                }
            ]
        )
    )
    call_command("loaddata", str(fixture), verbosity=0)
    assert Pledge.objects.get(ref="loaded-1.1").source_adopted == date(2003, 7, 30)
