"""POST /updates/<pk>/review/: anyone who may log updates can ask stewards to
review one; the record itself does not change."""

import pytest
from django.urls import reverse

from tests.factories import make_pledge, make_update, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def update():
    return make_update(make_pledge(), status="complete")


def url(update):
    return reverse("update-request-review", args=[update.pk])


def test_a_reporter_flags_an_update(client, reporter, update):
    client.force_login(reporter)
    response = client.post(url(update), {"note": "The date looks wrong."}, follow=True)
    update.refresh_from_db()
    assert update.needs_review and update.review_requested_by == reporter
    assert update.status == "complete" and not update.is_withdrawn
    assert "a steward will review this update" in response.text
    assert "A review of this update has been requested." in response.text


def test_a_note_is_required(client, reporter, update):
    client.force_login(reporter)
    response = client.post(url(update), {"note": "  "}, follow=True)
    update.refresh_from_db()
    assert not update.needs_review
    assert "Say what looks wrong" in response.text


@pytest.mark.parametrize("who", ["anonymous", "plain"])
def test_visitors_cannot_flag(client, update, who):
    if who == "plain":
        client.force_login(make_user())
    response = client.post(url(update), {"note": "Spam"})
    if who == "plain":  # signed in: told why, not sent to sign in again
        assert response.status_code == 403
    else:
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    update.refresh_from_db()
    assert not update.needs_review


def test_get_is_not_allowed(client, reporter, update):
    client.force_login(reporter)
    assert client.get(url(update)).status_code == 405


def test_an_unknown_update_is_a_404(client, reporter):
    client.force_login(reporter)
    assert client.post("/updates/999999/review/", {"note": "x"}).status_code == 404
