"""Bulk actions on the pledge changelist: add or remove a theme, log one
status update per selected pledge, export the selection."""

from datetime import date
from functools import partial

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.test import Client
from django.urls import reverse

from tests.factories import make_pledge, make_reporter, make_steward, make_theme
from tests.helpers import at_the_same_moment, skip_unless_postgresql
from tracker.models import Status, StatusUpdate
from tracker.roles import ensure_groups

pytestmark = pytest.mark.django_db
CHANGELIST = reverse("admin:tracker_pledge_changelist")


@pytest.fixture
def pledges():
    return [make_pledge(ref=f"b-{i}.1") for i in range(3)]


def act(client, action, pledges, **data):
    return client.post(
        CHANGELIST,
        {"action": action, ACTION_CHECKBOX_NAME: [p.pk for p in pledges], **data},
    )


def test_add_a_theme_asks_which_then_adds_it_with_history(client, steward, pledges):
    theme = make_theme(name="Human rights")
    client.force_login(steward)
    page = act(client, "add_theme", pledges[:2])
    assert page.status_code == 200 and "Add a theme to the selected pledges" in page.text
    response = act(client, "add_theme", pledges[:2], apply="1", theme=theme.pk)
    assert response.status_code == 302
    assert set(theme.pledges.all()) == set(pledges[:2])
    assert pledges[0].history.first().themes.count() == 1  # recorded in the edit history


def test_remove_a_theme(client, steward, pledges):
    theme = make_theme()
    for pledge in pledges:
        pledge.themes.add(theme)
    client.force_login(steward)
    act(client, "remove_theme", pledges[:2], apply="1", theme=theme.pk)
    assert list(theme.pledges.all()) == [pledges[2]]


def test_a_theme_action_without_a_theme_asks_again_and_changes_nothing(client, steward, pledges):
    client.force_login(steward)
    response = act(client, "add_theme", pledges, apply="1", theme="")
    assert response.status_code == 200 and "This field is required" in response.text


VALID_UPDATE = {
    "status": "ongoing",
    "as_of": "2006-06-01",
    "kind": "independent_assessment",
    "summary": "Reported at the 2006 meeting.",
    "evidence_reference": "DOC/2006",
}


def test_log_one_update_per_selected_pledge(client, steward, pledges):
    client.force_login(steward)
    response = act(client, "log_update", pledges[:2], apply="1", **VALID_UPDATE)
    assert response.status_code == 302
    assert StatusUpdate.objects.filter(author=steward).count() == 2
    for pledge in pledges[:2]:
        pledge.refresh_from_db()
        assert pledge.current_status == Status.ONGOING
    assert not pledges[2].updates.exists()


def test_a_bulk_update_that_one_pledge_refuses_logs_none(client, steward, pledges):
    later = make_pledge(ref="late-1.1")
    later.source.date_adopted = date(2010, 1, 1)  # the update predates this text
    later.source.save()
    client.force_login(steward)
    response = act(client, "log_update", [pledges[0], later], apply="1", **VALID_UPDATE)
    assert response.status_code == 200
    assert "Nothing was logged" in response.text and "late-1.1" in response.text
    assert not StatusUpdate.objects.exists()


def test_a_bulk_update_on_context_logs_none_and_says_why(client, steward, pledges):
    from tracker.models import StatementKind

    context = make_pledge(
        ref="hlm5-2003-8.4", statement_kind=StatementKind.CONTEXT, commitment_type=""
    )
    client.force_login(steward)
    response = act(client, "log_update", [pledges[0], context], apply="1", **VALID_UPDATE)
    assert response.status_code == 200
    assert "Nothing was logged" in response.text
    assert "hlm5-2003-8.4 is context, not a commitment" in response.text
    assert not StatusUpdate.objects.exists()


def test_export_selected(client, steward, pledges):
    client.force_login(steward)
    page = act(client, "export_admin_action", pledges[:2])
    form = page.context["form"]
    assert form.initial["export_items"] == [pledges[0].pk, pledges[1].pk]
    fields = {name: "on" for name in form.fields if name.startswith("pledgeresource_")}
    response = client.post(
        reverse("admin:tracker_pledge_export"),
        {"resource": "0", "format": "0", "export_items": form.initial["export_items"], **fields},
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert body.startswith("ref,source,paragraph,quote")
    assert "b-0.1" in body and "b-1.1" in body and "b-2.1" not in body


def test_bulk_actions_are_for_stewards(client, pledges):
    reporter = make_reporter()
    reporter.is_staff = True
    reporter.save()
    client.force_login(reporter)
    act(client, "log_update", pledges, apply="1", **VALID_UPDATE)
    assert not StatusUpdate.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_concurrent_bulk_updates_on_the_same_pledges_queue_instead_of_deadlocking():
    """Two stewards log an update on the same twelve pledges at the same
    moment, one with the changelist sorted by ref ascending, the other
    descending (so the rows come in opposite orders): both are stored."""
    skip_unless_postgresql()
    ensure_groups()  # an earlier transactional test's flush removed them
    selection = [make_pledge(ref=f"c-{i:02}.1") for i in range(12)]
    stewards = []
    for name in ("steward-a", "steward-b"):
        client = Client(raise_request_exception=False)  # a 500 is an outcome here
        client.force_login(make_steward(name))
        stewards.append(client)
    rounds = 4
    for n in range(rounds):
        data = {
            "action": "log_update",
            ACTION_CHECKBOX_NAME: [p.pk for p in selection],
            "apply": "1",
            **VALID_UPDATE,
            "summary": f"Round {n}.",
        }
        responses = at_the_same_moment(
            partial(stewards[0].post, f"{CHANGELIST}?o=1", data),
            partial(stewards[1].post, f"{CHANGELIST}?o=-1", data),
        )
        codes = [getattr(r, "status_code", r) for r in responses]
        assert codes == [302, 302], f"round {n}: {codes}"
        assert StatusUpdate.objects.filter(summary=f"Round {n}.").count() == 24
