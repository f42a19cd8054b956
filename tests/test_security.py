"""Production settings and sign-in protections: headers, cookies, check
--deploy, login throttling with a cool-off, session rotation, password rules."""

import os
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone

from tests.factories import make_pledge, make_user

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parent.parent

PRODUCTION_ENV = {
    "DEBUG": "false",
    "SECRET_KEY": "a-production-like-secret-key-that-is-long-and-random-0123456789abcdef",
    "ALLOWED_HOSTS": "pledges.example.org",
    "EMAIL_URL": "smtp+tls://mailer:secret@mail.example.org:587",
}


def test_check_deploy_reports_no_issues():
    env = {
        k: v
        for k, v in os.environ.items()
        # Only what a deployment would have: not the test run's settings module,
        # nor the browser tests' DJANGO_ALLOW_ASYNC_UNSAFE.
        if k not in {"DEBUG", "DATABASE_URL", "DJANGO_SETTINGS_MODULE", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    }
    env.update(PRODUCTION_ENV)
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


@override_settings(SECURE_SSL_REDIRECT=True)
def test_plain_http_is_redirected_to_https(client):
    response = client.get("/pledges/")
    assert response.status_code == 301
    assert response["Location"] == "https://testserver/pledges/"


@override_settings(SECURE_SSL_REDIRECT=True)
def test_security_headers_on_an_https_page(client):
    response = client.get("/", secure=True)
    assert response.status_code == 200
    assert response["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    csp = response["Content-Security-Policy"]
    assert "default-src 'self'" in csp and "frame-ancestors 'none'" in csp
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp


def test_pages_need_no_inline_script_or_style(client):
    """What the CSP forbids must not be in our pages."""
    pledge = make_pledge()
    for url in ["/", "/pledges/", pledge.get_absolute_url(), "/themes/", "/accounts/login/"]:
        text = client.get(url).text
        assert "<script" not in text, url
        assert " style=" not in text and "<style" not in text, url


def test_session_and_csrf_cookies_are_host_prefixed_secure_httponly_samesite(client):
    make_user("ana")
    response = client.post(
        reverse("login"),
        {"username": "ana", "password": "correct-horse-battery-staple"},
        secure=True,
    )
    session = response.cookies["__Host-sessionid"]
    assert session["secure"] and session["httponly"] and session["samesite"] == "Lax"
    assert session["path"] == "/" and not session["domain"]
    csrf = client.get(reverse("login"), secure=True).cookies["__Host-csrftoken"]
    assert csrf["secure"] and csrf["httponly"] and csrf["samesite"] == "Lax"
    assert csrf["path"] == "/"


def test_the_session_is_rotated_at_login(client):
    make_user("ana")
    client.get(reverse("login"))
    client.session["marker"] = 1  # create an anonymous session
    session = client.session
    session["marker"] = 1
    session.save()
    before = session.session_key
    client.post(reverse("login"), {"username": "ana", "password": "correct-horse-battery-staple"})
    assert client.session.session_key != before


def test_failed_logins_are_throttled_then_cool_off(client, settings):
    make_user("ana")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(reverse("login"), {"username": "ana", "password": "wrong"})
    locked = client.post(
        reverse("login"), {"username": "ana", "password": "correct-horse-battery-staple"}
    )
    assert locked.status_code == 429
    assert "Too many failed sign-ins" in locked.text
    assert "_auth_user_id" not in client.session

    # Not a permanent lock-out: once the cool-off has passed, the right password works.
    from axes.models import AccessAttempt

    AccessAttempt.objects.update(attempt_time=timezone.now() - timedelta(minutes=16))
    response = client.post(
        reverse("login"), {"username": "ana", "password": "correct-horse-battery-staple"}
    )
    assert response.status_code == 302
    assert "_auth_user_id" in client.session


def test_the_cool_off_is_said_in_words(client, settings):
    make_user("ana")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(reverse("login"), {"username": "ana", "password": "wrong"})
    locked = client.post(reverse("login"), {"username": "ana", "password": "wrong"})
    assert locked.status_code == 429
    assert "paused for 15 minutes" in locked.text
    assert "PT15M" not in locked.text


def sign_in(client, username, password, forwarded_for):
    """A sign-in as the documented proxy forwards it: X-Forwarded-For is what
    the client sent, with the address the proxy saw appended."""
    return client.post(
        reverse("login"),
        {"username": username, "password": password},
        HTTP_X_FORWARDED_FOR=forwarded_for,
        REMOTE_ADDR="10.0.0.1",  # the proxy
    )


def test_behind_the_proxy_a_lock_out_holds_only_for_the_guessing_address(client, settings):
    settings.PROXY_DEPTH = 1
    make_user("ana")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        sign_in(client, "ana", "wrong", "203.0.113.66")
    assert sign_in(client, "ana", "correct-horse-battery-staple", "203.0.113.66").status_code == 429
    # Ana herself, from her own address through the same proxy, signs in.
    response = sign_in(Client(), "ana", "correct-horse-battery-staple", "198.51.100.7")
    assert response.status_code == 302


def test_a_forged_forwarded_address_neither_escapes_nor_aims_a_lock_out(client, settings):
    settings.PROXY_DEPTH = 1
    make_user("ana")
    # The attacker forges a new address in front of each guess, and forges
    # Ana's own address too; the proxy appends the attacker's real one.
    for n in range(settings.AXES_FAILURE_LIMIT + 3):
        sign_in(client, "ana", "wrong", f"192.0.2.{n}, 198.51.100.7, 203.0.113.66")
    locked = sign_in(client, "ana", "correct-horse-battery-staple", "10.9.9.9, 203.0.113.66")
    assert locked.status_code == 429
    response = sign_in(Client(), "ana", "correct-horse-battery-staple", "198.51.100.7")
    assert response.status_code == 302


@pytest.mark.parametrize(
    ("depth", "forwarded", "expected"),
    [
        (0, "203.0.113.66", "10.0.0.1"),  # no proxy: the header is the client's own
        (1, "203.0.113.66", "203.0.113.66"),
        (1, "192.0.2.1, 203.0.113.66", "203.0.113.66"),
        (2, "192.0.2.1, 203.0.113.66, 10.0.0.2", "203.0.113.66"),
        (2, "203.0.113.66", "10.0.0.1"),  # fewer entries than proxies
        (1, "not-an-address", "10.0.0.1"),
        (1, "", "10.0.0.1"),
        (1, "2001:db8::1", "2001:db8::1"),
    ],
)
def test_the_client_address_counts_trusted_proxies_from_the_right(
    rf, settings, depth, forwarded, expected
):
    from tracker.client_address import client_ip

    settings.PROXY_DEPTH = depth
    request = rf.get("/", HTTP_X_FORWARDED_FOR=forwarded, REMOTE_ADDR="10.0.0.1")
    assert client_ip(request) == expected


def test_a_session_ends_after_the_idle_time(client, settings):
    from django.contrib.sessions.models import Session

    from tracker.sessions import REFRESHED_KEY

    client.force_login(make_user("ana"))
    assert settings.SESSION_COOKIE_AGE == 60 * 60
    signed_in = Session.objects.get().expire_date
    assert signed_in < timezone.now() + timedelta(minutes=61)
    # Within five minutes of the last save, a request does not write the session...
    page = client.get("/themes/")
    assert settings.SESSION_COOKIE_NAME not in page.cookies
    assert Session.objects.get().expire_date == signed_in
    # ...after that, a request moves the expiry on by the idle time.
    session = client.session
    session[REFRESHED_KEY] -= 5 * 60
    session.save()
    Session.objects.update(expire_date=timezone.now() + timedelta(minutes=1))
    page = client.get("/themes/")
    assert int(page.cookies[settings.SESSION_COOKIE_NAME]["max-age"]) == 60 * 60
    assert Session.objects.get().expire_date > timezone.now() + timedelta(minutes=59)
    # Once the idle time passes without a request, the session is over.
    Session.objects.update(expire_date=timezone.now() - timedelta(seconds=1))
    assert client.get(reverse("password_change")).status_code == 302


def test_the_idle_time_is_a_setting():
    from tests.helpers import settings_value

    result = settings_value("s.SESSION_COOKIE_AGE", DEBUG="true", SESSION_IDLE_MINUTES="15")
    assert result.stdout.strip() == "900", result.stderr


def test_throttling_is_per_username(client, settings):
    make_user("ana"), make_user("ben")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(reverse("login"), {"username": "ana", "password": "wrong"})
    response = client.post(
        reverse("login"), {"username": "ben", "password": "correct-horse-battery-staple"}
    )
    assert response.status_code == 302


@pytest.mark.parametrize(
    ("password", "message"),
    [("short-pass1", "at least 12 characters"), ("password1234", "too common")],
)
def test_weak_passwords_are_refused(password, message):
    with pytest.raises(ValidationError) as raised:
        validate_password(password)
    assert message in " ".join(raised.value.messages)


def test_a_strong_password_is_accepted():
    validate_password("correct horse battery staple")


@pytest.mark.parametrize(("path", "status", "text"), [("/no-such-page/", 404, "Page not found")])
def test_custom_error_pages(client, path, status, text):
    response = client.get(path)
    assert response.status_code == status
    assert text in response.text and "Pledge Tracker" in response.text


def test_the_500_page_stands_alone(client):
    from django.template.loader import render_to_string

    html = render_to_string("500.html")
    assert "Something went wrong on our side" in html


def test_csrf_failure_explains_itself():
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    response = client.post(reverse("login"), {"username": "x", "password": "y"})
    assert response.status_code == 403
    assert "security token" in response.text
