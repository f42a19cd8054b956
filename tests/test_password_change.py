"""/accounts/password_change/: every signed-in user, not only staff, changes
their own password on the site's pages."""

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse

from tests.factories import make_reporter, make_user

pytestmark = pytest.mark.django_db

OLD = "correct-horse-battery-staple"
NEW = "a-brand-new-long-passphrase"


def test_an_anonymous_visitor_is_sent_to_sign_in(client):
    response = client.get(reverse("password_change"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_the_header_links_to_it_when_signed_in(client):
    client.force_login(make_user())
    assert f'href="{reverse("password_change")}"' in client.get("/themes/").text


def test_a_reporter_changes_their_password(client, reporting_actor):
    reporter = make_reporter(reporting_actor, username="rita")
    client.force_login(reporter)
    page = client.get(reverse("password_change"))
    assert page.status_code == 200
    assert "Pledge Tracker" in page.text and 'name="old_password"' in page.text
    response = client.post(
        reverse("password_change"),
        {"old_password": OLD, "new_password1": NEW, "new_password2": NEW},
        follow=True,
    )
    assert response.redirect_chain[-1][0] == reverse("password_change_done")
    assert "Your password has been changed" in response.text
    reporter.refresh_from_db()
    assert reporter.check_password(NEW)
    # Still signed in here (the session hash was updated)...
    assert client.get(reverse("password_change")).status_code == 200


def test_other_sessions_are_signed_out(client):
    user = make_user("ana")
    elsewhere = Client()
    elsewhere.force_login(user)
    client.force_login(user)
    client.post(
        reverse("password_change"),
        {"old_password": OLD, "new_password1": NEW, "new_password2": NEW},
    )
    assert elsewhere.get(reverse("password_change")).status_code == 302


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"old_password": "wrong", "new_password1": NEW, "new_password2": NEW}, "incorrectly"),
        ({"old_password": OLD, "new_password1": NEW, "new_password2": NEW + "x"}, "didn"),
        ({"old_password": OLD, "new_password1": "short", "new_password2": "short"}, "12"),
        (
            {"old_password": OLD, "new_password1": "password1234", "new_password2": "password1234"},
            "common",
        ),
    ],
)
def test_a_refused_change_says_why_and_changes_nothing(client, data, message):
    client.force_login(make_user("ana"))
    response = client.post(reverse("password_change"), data)
    assert response.status_code == 200
    assert "Nothing was changed." in response.text
    assert message in response.text
    assert get_user_model().objects.get(username="ana").check_password(OLD)
