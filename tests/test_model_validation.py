"""Bad input is refused by model validation, so the admin and every form share
the rule; a refused update writes nothing."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from tests.factories import make_pledge, make_steward, make_user
from tracker.models import (
    CommitmentType,
    Pledge,
    StatementKind,
    Status,
    StatusUpdate,
    UpdateKind,
)
from tracker.quotes import normalise_for_quote

pytestmark = pytest.mark.django_db


def build_update(**fields):
    pledge = fields.pop("pledge", None) or make_pledge()
    defaults = {
        "pledge": pledge,
        "status": Status.ONGOING,
        "as_of": date(2005, 1, 1),
        "summary": "Something happened.",
        "evidence_url": "https://www.un.org/",
        "kind": UpdateKind.INDEPENDENT_ASSESSMENT,
        "author": make_user(),
    }
    defaults.update(fields)
    return StatusUpdate(**defaults)


def errors_of(instance):
    with pytest.raises(ValidationError) as raised:
        instance.full_clean()
    return raised.value.message_dict


def test_a_valid_update_passes():
    build_update().full_clean()


def test_an_as_of_in_the_future_is_refused():
    in_two_days = timezone.localdate() + timedelta(days=2)
    errors = errors_of(build_update(as_of=in_two_days))
    assert "in the future" in errors["as_of"][0]


def test_today_and_tomorrow_utc_are_allowed_for_people_east_of_utc():
    build_update(as_of=timezone.localdate()).full_clean()
    build_update(as_of=timezone.localdate() + timedelta(days=1)).full_clean()


def test_an_as_of_before_the_source_was_adopted_is_refused():
    pledge = make_pledge()  # its source was adopted on 24 September 2002
    errors = errors_of(build_update(pledge=pledge, as_of=date(2002, 9, 23)))
    assert "before" in errors["as_of"][0] and "24 September 2002" in errors["as_of"][0]
    build_update(pledge=pledge, as_of=date(2002, 9, 24)).full_clean()


@pytest.mark.parametrize(
    "url",
    ["ftp://example.org/report.pdf", "javascript:alert(1)", "file:///etc/passwd", "www.un.org"],
)
def test_an_evidence_url_that_is_not_http_is_refused(url):
    errors = errors_of(build_update(evidence_url=url))
    assert "http://" in " ".join(errors["evidence_url"])


def test_a_status_outside_the_vocabulary_is_refused():
    errors = errors_of(build_update(status="done"))
    assert "not a valid choice" in errors["status"][0]


def test_a_kind_outside_the_vocabulary_is_refused():
    assert "kind" in errors_of(build_update(kind="rumour"))


def test_an_update_without_any_evidence_is_refused():
    errors = errors_of(build_update(evidence_url="", evidence_reference="  "))
    assert "evidence" in errors["evidence_url"][0].lower()


def test_a_document_symbol_alone_is_enough_evidence():
    build_update(evidence_url="", evidence_reference="A/RES/59/290").full_clean()


def test_a_blank_summary_is_refused():
    assert "summary" in errors_of(build_update(summary=""))


def test_a_pledge_quote_must_be_a_verbatim_span_of_its_paragraph():
    pledge = make_pledge()
    pledge.quote = "We pledge to do something else entirely."
    assert "not a verbatim span" in errors_of(pledge)["quote"][0]


def test_a_pledge_must_cite_a_paragraph_its_source_has():
    pledge = make_pledge()
    pledge.paragraph = 99
    assert "no paragraph 99" in errors_of(pledge)["paragraph"][0]


@pytest.mark.parametrize("ref", ["ASEM-2002-1", "asem 2002", "asem--1", "-asem", "asem.", ""])
def test_a_malformed_ref_is_refused(ref):
    pledge = make_pledge()
    pledge.ref = ref
    assert "ref" in errors_of(pledge)


def test_refs_may_use_dots_and_hyphens():
    pledge = make_pledge(ref="asem-2002-3.2")
    pledge.full_clean()
    assert Pledge.objects.get(ref="asem-2002-3.2") == pledge


def test_quote_normalisation_forgives_only_white_space_and_typographic_quotes():
    assert normalise_for_quote("“new”\u00a0 threats’") == '"new" threats\''
    assert normalise_for_quote("new threats") != normalise_for_quote("new threat")


# --- Modality: a status must be able to describe the commitment it is on -------------


def classified(statement_kind, commitment_type=""):
    return make_pledge(statement_kind=statement_kind, commitment_type=commitment_type)


@pytest.mark.parametrize(
    ("commitment_type", "refused", "allowed"),
    [
        (CommitmentType.STANDING_PRINCIPLE, Status.COMPLETE, Status.ONGOING),
        (CommitmentType.STANDING_PRINCIPLE, Status.LIMITED, Status.SUPERSEDED),
        (CommitmentType.PROCESS, Status.SUBSTANTIAL, Status.STALLED),
        (CommitmentType.PROCESS, Status.COMPLETE, Status.NOT_STARTED),
    ],
)
def test_a_status_its_commitment_type_cannot_have_is_refused(commitment_type, refused, allowed):
    pledge = classified(StatementKind.SOFT_COMMITMENT, commitment_type)
    errors = errors_of(build_update(pledge=pledge, status=refused))
    message = errors["status"][0]
    assert f"“{refused.label}” cannot apply to {pledge.ref}" in message
    assert commitment_type.label.lower() in message
    assert f"“{allowed.label}”" in message  # the message lists what can apply
    build_update(pledge=pledge, status=allowed).full_clean()


def test_a_deliverable_takes_every_status():
    pledge = classified(StatementKind.FIRM_UNDERTAKING, CommitmentType.DELIVERABLE)
    for status in Status:
        build_update(pledge=pledge, status=status).full_clean()


@pytest.mark.parametrize("status", list(Status))
def test_context_takes_no_status_at_all(status):
    pledge = classified(StatementKind.CONTEXT)
    errors = errors_of(build_update(pledge=pledge, status=status))
    assert "is context, not a commitment" in errors["status"][0]


def test_a_refused_update_is_not_saved_by_the_form_either():
    from tracker.forms import StatusUpdateForm

    pledge = classified(StatementKind.SOFT_COMMITMENT, CommitmentType.STANDING_PRINCIPLE)
    user = make_steward()
    form = StatusUpdateForm(
        {
            "status": Status.COMPLETE,
            "as_of": "2005-01-01",
            "kind": UpdateKind.INDEPENDENT_ASSESSMENT,
            "summary": "Something happened.",
            "evidence_url": "https://www.un.org/",
        },
        instance=StatusUpdate(pledge=pledge, author=user),
        user=user,
    )
    assert not form.is_valid()
    assert "cannot apply" in form.errors["status"][0]
    assert not StatusUpdate.objects.exists()


def test_a_commitment_needs_a_type_and_context_has_none():
    pledge = make_pledge()
    pledge.commitment_type = ""
    errors = errors_of(pledge)
    assert "Say what type of commitment" in errors["commitment_type"][0]
    pledge.statement_kind, pledge.commitment_type = StatementKind.CONTEXT, CommitmentType.PROCESS
    assert "leave the type blank" in errors_of(pledge)["commitment_type"][0]
    pledge.commitment_type = ""
    pledge.full_clean()


def test_reclassifying_under_a_recorded_status_it_would_refuse_is_refused():
    pledge = classified(StatementKind.FIRM_UNDERTAKING, CommitmentType.DELIVERABLE)
    update = build_update(pledge=pledge, status=Status.COMPLETE)
    update.save()
    pledge.commitment_type = CommitmentType.STANDING_PRINCIPLE
    errors = errors_of(pledge)
    assert "“Complete”" in errors["statement_kind"][0]
    assert "Withdraw those updates" in errors["statement_kind"][0]
    # Once the update is withdrawn (it stays in the record), the pledge can move.
    update.withdraw(make_user(), "It was about another pledge.")
    pledge.full_clean()
    update.refresh_from_db()
    update.full_clean()  # a withdrawn update keeps what it said and stays valid
