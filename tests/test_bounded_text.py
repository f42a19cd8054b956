"""Bounded text: summaries, quotes, reasons and notes have maximum lengths
with clear messages, wherever they are entered (forms, admin, imports all
run the model's validation); and no input can push a pledge's search
document past PostgreSQL's tsvector limit (1 MB of distinct words), which
made the pledge refuse every later update."""

import random
import string
from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.urls import reverse

from tests.factories import make_assessor, make_pledge, make_update, make_user
from tracker.models import (
    NOTE_MAX_LENGTH,
    QUOTE_MAX_LENGTH,
    SUMMARY_MAX_LENGTH,
    Pledge,
    StatusUpdate,
)

pytestmark = pytest.mark.django_db


def test_a_summary_one_character_too_long_is_refused_with_a_message():
    pledge = make_pledge()
    update = StatusUpdate(
        pledge=pledge,
        author=make_user(),
        status="ongoing",
        as_of=date(2005, 1, 1),
        kind="independent_assessment",
        summary="x" * (SUMMARY_MAX_LENGTH + 1),
        evidence_url="https://example.org/",
    )
    with pytest.raises(ValidationError) as refused:
        update.full_clean()
    assert refused.value.message_dict["summary"] == [
        f"Keep the summary to {SUMMARY_MAX_LENGTH} characters or fewer; "
        f"it has {SUMMARY_MAX_LENGTH + 1}."
    ]
    update.summary = "x" * SUMMARY_MAX_LENGTH
    update.full_clean()  # the limit itself is allowed


def test_an_over_long_quote_is_refused_with_a_message():
    pledge = make_pledge()
    pledge.quote = "We pledge " * (QUOTE_MAX_LENGTH // 10 + 1)
    with pytest.raises(ValidationError) as refused:
        pledge.full_clean()
    assert f"Keep the quote to {QUOTE_MAX_LENGTH} characters" in str(refused.value)


def test_an_over_long_title_is_refused_with_a_message():
    pledge = make_pledge()
    pledge.title = "t" * 201
    with pytest.raises(ValidationError) as refused:
        pledge.full_clean()
    assert "at most 200 characters (it has 201)" in str(refused.value)


def test_an_over_long_withdrawal_reason_or_review_note_writes_nothing():
    update = make_update(make_pledge())
    with pytest.raises(ValidationError) as refused:
        update.withdraw(make_user(), "r" * (NOTE_MAX_LENGTH + 1))
    assert "Keep the reason to" in refused.value.message_dict["withdrawal_reason"][0]
    with pytest.raises(ValidationError) as refused:
        update.request_review(make_user(), "n" * (NOTE_MAX_LENGTH + 1))
    assert "Keep the note to" in refused.value.message_dict["review_note"][0]
    update.refresh_from_db()
    assert not update.is_withdrawn and not update.needs_review


def random_words(rng, count):
    return " ".join("".join(rng.choices(string.ascii_lowercase, k=7)) for _ in range(count))


def test_no_number_of_updates_can_push_the_search_document_past_the_limit(client):
    """Distinct words worth more than PostgreSQL's 1 MB tsvector limit, in
    summaries of the longest allowed length; then an ordinary update with new
    words is still accepted, and is findable."""
    if connection.vendor != "postgresql":
        pytest.skip("The search document and its limit exist on PostgreSQL only.")
    rng = random.Random(12)
    pledge = make_pledge()
    author = make_user()
    # 330 summaries of 500 distinct 7-letter words: 1,155,000 bytes of words.
    StatusUpdate.objects.bulk_create(
        StatusUpdate(
            pledge=pledge,
            author=author,
            status="ongoing",
            as_of=date(2005, 1, 1),
            kind="independent_assessment",
            summary=random_words(rng, 500)[:SUMMARY_MAX_LENGTH],
            evidence_url="https://example.org/",
        )
        for _ in range(330)
    )
    assessor = make_assessor()
    client.force_login(assessor)
    response = client.post(
        reverse("update-create", args=[pledge.ref]),
        {
            "status": "complete",
            "as_of": "2010-10-10",
            "kind": "independent_assessment",
            "summary": "Kazakhstan, Uzbekistan and Kyrgyzstan ratified the Shanghai Convention.",
            "evidence_url": "https://example.org/ratified",
        },
    )
    assert response.status_code == 302
    pledge.refresh_from_db()
    assert pledge.current_status == "complete"
    assert Pledge.objects.filter(pk=pledge.pk, search_document="Uzbekistan").exists()
