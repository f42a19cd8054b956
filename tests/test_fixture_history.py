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


# --- The record corrected and completed (issue 15; docs/history-sources.md) -------------


def test_every_recorded_status_is_allowed_for_its_pledges_kind(loaded):
    for update in StatusUpdate.objects.recorded().select_related("pledge"):
        assert update.status in update.pledge.allowed_statuses(), (update.pk, update.pledge.ref)
    assert not StatusUpdate.objects.recorded().filter(pledge__statement_kind="context").exists()
    assert set(Pledge.objects.context().values_list("current_status", flat=True)) == {
        Status.NO_INFORMATION
    }


def test_corrections_are_withdrawals_with_reasons_never_rewrites(loaded):
    withdrawn = StatusUpdate.objects.exclude(withdrawn_at=None).select_related("withdrawn_by")
    assert set(withdrawn.values_list("pk", flat=True)) == {
        1008,
        1009,
        1015,
        1018,
        1023,
        1038,
        1039,
        1040,
        1049,
        1052,
    }
    for update in withdrawn:
        assert update.withdrawn_by.get_username() == HISTORICAL_RECORD_USERNAME
        assert len(update.withdrawal_reason) > 60, update.pk
    # The withdrawn rows still say what they said: 1023 keeps its wrong date.
    assert StatusUpdate.objects.get(pk=1023).as_of == date(2006, 2, 3)


@pytest.mark.parametrize(
    ("ref", "wrong", "right"),
    [
        ("asem-2002-3.6", date(2006, 2, 3), date(2006, 3, 3)),  # L/3105's dateline typo
        ("hlm5-2003-5.3", date(2005, 9, 1), date(2005, 9, 2)),  # SG/SM/10073
        ("hlm5-2003-5.3", date(2007, 4, 1), date(2007, 4, 26)),  # SG/A/1060-BIO/3867
    ],
)
def test_misdated_updates_are_relogged_on_the_right_day(loaded, ref, wrong, right):
    recorded = StatusUpdate.objects.recorded().filter(pledge__ref=ref)
    assert not recorded.filter(as_of=wrong).exists()
    assert recorded.filter(as_of=right).exists()


def test_the_corrected_summaries_say_what_their_sources_say(loaded):
    recorded = StatusUpdate.objects.recorded()
    tokyo = recorded.filter(as_of=date(2007, 5, 16))
    assert set(tokyo.values_list("pledge__ref", flat=True)) == {
        "asem-2002-6.1",
        "asem-2002-9.2",
        "asem-2002-8.1",  # the Chair's Summary ties the series to the Declaration
    }
    assert all("Semarang (2005)" in u.summary for u in tokyo)
    peer_review = recorded.get(pledge__ref="hlm5-2003-6.2")
    assert peer_review.status == Status.LIMITED and "fewer than half" in peer_review.summary
    sixth = recorded.filter(as_of=date(2005, 7, 26), evidence_reference="SG/SM/10014")
    assert sixth.count() == 2 and not any("twenty delegations" in u.summary for u in sixth)
    assert not recorded.filter(
        pledge__ref="hlm5-2003-9.1"
    ).exists()  # Greentree was not working level


def test_the_history_reaches_asem_summits_and_the_un_machinery(loaded):
    recorded = StatusUpdate.objects.recorded()
    # ASEM summits and conferences the record lacked.
    for as_of in (date(2003, 9, 23), date(2004, 10, 9), date(2005, 11, 15), date(2006, 9, 11)):
        assert recorded.filter(as_of=as_of, pledge__source__slug="asem-copenhagen-2002").exists()
    assert recorded.filter(pledge__ref="asem-2002-2.1", as_of=date(2016, 7, 15)).exists()
    # The CTC's special meetings with regional organizations, and the presidential statements.
    assert recorded.filter(pledge__ref="hlm5-2003-3.3").count() >= 2
    assert recorded.filter(pledge__ref="asem-2002-3.4", evidence_reference="SC/8152").exists()
    # The World Summit Outcome, SG/SM/10191 and the later CTED renewals.
    assert recorded.filter(evidence_reference="A/RES/60/1", pledge__ref="asem-2002-3.6").exists()
    assert recorded.filter(evidence_reference="SG/SM/10191", pledge__ref="hlm5-2003-2.3").exists()
    renewals = recorded.filter(pledge__ref="asem-2002-3.3").values_list("as_of", flat=True)
    assert {date(2017, 12, 21), date(2021, 12, 30), date(2025, 12, 30)} <= set(renewals)


# Commitments the record still has no evidence on. Each stays a gap, not a guess;
# docs/history-sources.md says what was looked for.
STILL_NO_INFORMATION = {
    "asem-2002-4.1",
    "asem-2002-9.1",
    "hlm5-2003-2.1",
    "hlm5-2003-4.3",
    "hlm5-2003-5.2",
    "hlm5-2003-7.1",
    "hlm5-2003-7.3",
    "hlm5-2003-8.1",
    "hlm5-2003-8.2",
    "hlm5-2003-9.1",
}


def test_only_the_documented_gaps_stay_without_information(loaded):
    gaps = Pledge.objects.commitments().filter(current_status=Status.NO_INFORMATION)
    assert set(gaps.values_list("ref", flat=True)) == STILL_NO_INFORMATION
