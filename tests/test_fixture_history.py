"""The shipped historical record, ``fixtures/history.json``: every update is
on a real pledge, dated within the pledge's life, evidenced, in the
vocabulary, and authored by an account nobody can sign in as."""

import json
from datetime import date
from pathlib import Path
from urllib.parse import urlparse

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management import call_command

from tracker.models import (
    HISTORICAL_RECORD_USERNAME,
    Pledge,
    Status,
    StatusUpdate,
    UpdateKind,
)

pytestmark = pytest.mark.django_db

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
UPDATE_ROWS = [
    row
    for row in json.loads((FIXTURES / "history.json").read_text(encoding="utf-8"))
    if row["model"] == "tracker.statusupdate"
]
TODAY = date.today()


@pytest.fixture
def loaded():
    call_command("loaddata", "pledges", "history", verbosity=0)


def test_it_loads_after_the_pledges(loaded):
    assert StatusUpdate.objects.count() == len(UPDATE_ROWS) > 40
    assert StatusUpdate.objects.exclude(author__username=HISTORICAL_RECORD_USERNAME).count() == 0


def update_problems(update):
    """Everything wrong with one shipped update (empty when it is sound)."""
    problems = []
    if update.status not in Status.values:
        problems.append(f"status {update.status!r} is not in the vocabulary")
    if update.kind != UpdateKind.INDEPENDENT_ASSESSMENT:
        problems.append("not an independent assessment")
    if not update.pledge.source.date_adopted <= update.as_of <= TODAY:
        problems.append(f"as_of {update.as_of} is outside the pledge's life")
    if not (update.evidence_url or update.evidence_reference):
        problems.append("no evidence")
    if update.evidence_url and urlparse(update.evidence_url).scheme not in {"http", "https"}:
        problems.append("evidence URL is not http(s)")
    if len(update.summary) < 40:
        problems.append("summary too thin to say what happened")
    try:
        update.full_clean()  # every model rule a steward's entry must meet
    except ValidationError as error:
        problems.append(str(error.message_dict))
    return problems


def test_every_update_is_on_a_pledge_dated_evidenced_and_valid(loaded):
    updates = StatusUpdate.objects.select_related("pledge__source", "author")
    assert {u.pk for u in updates} == {row["pk"] for row in UPDATE_ROWS}
    assert {row["fields"]["pledge"][0] for row in UPDATE_ROWS} <= set(
        Pledge.objects.values_list("ref", flat=True)
    )
    problems = {u.pk: update_problems(u) for u in updates}
    assert {pk: found for pk, found in problems.items() if found} == {}


def test_the_checks_catch_a_bad_update(loaded):
    update = StatusUpdate.objects.select_related("pledge__source").first()
    update.as_of = date(2001, 1, 1)
    update.evidence_url = "ftp://example.org"
    update.evidence_reference = ""
    problems = " ".join(update_problems(update))
    assert "outside the pledge's life" in problems and "not http(s)" in problems


def test_the_author_cannot_sign_in(loaded):
    author = get_user_model().objects.get(username=HISTORICAL_RECORD_USERNAME)
    assert not author.has_usable_password()
    assert not author.is_staff and not author.is_superuser
    assert not author.check_password("historical-record-cannot-sign-in")


def test_loading_it_twice_changes_nothing(loaded):
    call_command("loaddata", "history", verbosity=0)
    assert StatusUpdate.objects.count() == len(UPDATE_ROWS)
    assert get_user_model().objects.filter(username=HISTORICAL_RECORD_USERNAME).count() == 1


def test_the_maintained_statuses_follow_the_record(loaded):
    for pledge in Pledge.objects.as_of():
        assert pledge.current_status == pledge.status_on, pledge.ref
        assert pledge.last_update_as_of == pledge.last_update_on, pledge.ref
        assert pledge.latest_update_id == pledge.latest_update_on_id, pledge.ref


def test_the_record_reads_as_the_documented_history(loaded):
    """The facts the issue names: the Nuclear Terrorism Convention was concluded
    (2005) and the Comprehensive Convention was not."""
    nuclear = Pledge.objects.get(ref="asem-2002-3.7")
    assert nuclear.current_status == Status.COMPLETE
    assert nuclear.updates.filter(as_of=date(2005, 4, 13), evidence_reference__contains="59/290")
    comprehensive = Pledge.objects.get(ref="asem-2002-3.6")
    assert comprehensive.current_status == Status.STALLED
    assert Pledge.objects.filter(updates__isnull=True).exists()  # gaps are left as gaps


def test_complete_is_used_only_where_the_pledge_is_fully_met(loaded):
    complete_refs = set(
        StatusUpdate.objects.filter(status=Status.COMPLETE).values_list("pledge__ref", flat=True)
    )
    assert complete_refs == {"asem-2002-3.7"}


def test_the_timeline_labels_the_record(client, loaded):
    response = client.get("/pledges/asem-2002-3.7/")
    assert "Historical record" in response.text
    assert "compiled by Pledge Tracker from the published evidence" in response.text
    assert "A/RES/59/290" in response.text
