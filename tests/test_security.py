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
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from tests.factories import make_pledge, make_user

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parent.parent

PRODUCTION_ENV = {
    "DEBUG": "false",
    "SECRET_KEY": "a-production-like-secret-key-that-is-long-and-random-0123456789abcdef",
    "ALLOWED_HOSTS": "pledges.example.org",
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
    assert csrf["secure"] and csrf["path"] == "/"


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
