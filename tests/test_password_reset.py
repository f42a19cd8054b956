"""/accounts/password_reset/: a forgotten password is reset by e-mail through
Django's e-mail backend, tested with the test outbox and once against a real
SMTP server (aiosmtpd) that the test starts."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.urls import reverse

from tests.factories import make_user
from tests.smtp_server import use_smtp

pytestmark = pytest.mark.django_db

NEW = "a-brand-new-long-passphrase"
LINK = re.compile(r"https?://testserver(/accounts/reset/[^/\s]+/[^/\s]+/)")


@pytest.fixture
def ana():
    return make_user("ana", email="ana@example.org")


def reset_link(message_body):
    match = LINK.search(message_body)
    assert match, message_body
    return match[1]


def test_the_sign_in_pages_link_to_it(client):
    assert f'href="{reverse("password_reset")}"' in client.get(reverse("login")).text
    # The admin's sign-in page offers it too (Django shows the link when the
    # admin_password_reset URL exists).
    admin_login = client.get(reverse("admin:login"))
    assert reverse("admin_password_reset") in admin_login.text


def test_a_forgotten_password_is_reset_through_the_mailed_link(client, ana):
    response = client.post(reverse("password_reset"), {"email": "ana@example.org"}, follow=True)
    assert response.redirect_chain[-1][0] == reverse("password_reset_done")
    assert "Check your e-mail" in response.text and "for 24 hours" in response.text
    [message] = mail.outbox
    assert message.to == ["ana@example.org"]
    assert message.subject == "Reset your Pledge Tracker password"
    assert "Hello ana" in message.body and "within 24 hours" in message.body

    form = client.get(reset_link(message.body), follow=True)
    assert "Choose a new password" in form.text
    done = client.post(
        form.redirect_chain[-1][0], {"new_password1": NEW, "new_password2": NEW}, follow=True
    )
    assert done.redirect_chain[-1][0] == reverse("password_reset_complete")
    assert "Your new password is set" in done.text
    assert get_user_model().objects.get(username="ana").check_password(NEW)


def test_the_link_works_once(client, ana):
    client.post(reverse("password_reset"), {"email": "ana@example.org"})
    link = reset_link(mail.outbox[0].body)
    form = client.get(link, follow=True)
    client.post(form.redirect_chain[-1][0], {"new_password1": NEW, "new_password2": NEW})
    again = client.get(link, follow=True)
    assert "This link no longer works" in again.text


def test_an_unknown_address_gets_the_same_answer_and_no_mail(client, ana):
    response = client.post(reverse("password_reset"), {"email": "nobody@example.org"}, follow=True)
    assert "Check your e-mail" in response.text
    assert mail.outbox == []


def test_a_weak_new_password_is_refused(client, ana):
    client.post(reverse("password_reset"), {"email": "ana@example.org"})
    form = client.get(reset_link(mail.outbox[0].body), follow=True)
    response = client.post(
        form.redirect_chain[-1][0], {"new_password1": "short", "new_password2": "short"}
    )
    assert response.status_code == 200
    assert "Nothing was changed." in response.text and "12 characters" in response.text
    assert (
        get_user_model().objects.get(username="ana").check_password("correct-horse-battery-staple")
    )


def test_the_reset_mail_goes_through_a_real_smtp_server(client, ana, settings, smtp_server):
    use_smtp(settings, smtp_server)
    settings.DEFAULT_FROM_EMAIL = "Pledge Tracker <noreply@pledges.example.org>"

    client.post(reverse("password_reset"), {"email": "ana@example.org"})

    [(envelope, message)] = smtp_server.inbox.messages
    assert envelope.mail_from == "noreply@pledges.example.org"
    assert envelope.rcpt_tos == ["ana@example.org"]
    assert message["Subject"] == "Reset your Pledge Tracker password"
    body = message.get_content()
    form = client.get(reset_link(body), follow=True)
    client.post(form.redirect_chain[-1][0], {"new_password1": NEW, "new_password2": NEW})
    assert get_user_model().objects.get(username="ana").check_password(NEW)
