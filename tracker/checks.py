"""Start-up refuses weak production settings.

With DEBUG off, a missing, short or published ``SECRET_KEY`` and
``ALLOWED_HOSTS=*`` are errors: the system check below stops ``runserver``,
``migrate`` and ``check``, and ``tracker/wsgi.py`` stops gunicorn before it
serves a request. Commands that skip system checks (``changepassword``,
``createsuperuser``) still run, so an operator can always fix an account.
"""

from django.conf import settings
from django.core import checks
from django.core.checks.security.base import (
    SECRET_KEY_INSECURE_PREFIX,
    SECRET_KEY_MIN_LENGTH,
    SECRET_KEY_MIN_UNIQUE_CHARACTERS,
)
from django.core.exceptions import ImproperlyConfigured

from tracker.env import DEVELOPMENT_SECRET_KEY

GENERATE_KEY = "python3 -c 'import secrets; print(secrets.token_urlsafe(50))'"


def weak_production_settings():
    """What is unsafe about these settings for production, as sentences."""
    if settings.DEBUG:
        return []
    problems = []
    try:
        key = settings.SECRET_KEY
    except ImproperlyConfigured:
        key = ""
    if not key:
        problems.append(
            f"SECRET_KEY is not set. Set it to a long random string ({GENERATE_KEY}), "
            "or set DEBUG=true for local development."
        )
    elif (
        key == DEVELOPMENT_SECRET_KEY
        or key.startswith(SECRET_KEY_INSECURE_PREFIX)
        or len(key) < SECRET_KEY_MIN_LENGTH
        or len(set(key)) < SECRET_KEY_MIN_UNIQUE_CHARACTERS
    ):
        problems.append(
            f"SECRET_KEY is too weak for production: it must be at least "
            f"{SECRET_KEY_MIN_LENGTH} random characters and not a published example. "
            f"Generate one with {GENERATE_KEY}."
        )
    if "*" in settings.ALLOWED_HOSTS:
        problems.append(
            "ALLOWED_HOSTS contains '*', which accepts any Host header (forged password-reset "
            "links, cache poisoning). List the site's host names, e.g. "
            "ALLOWED_HOSTS=pledges.example.org."
        )
    return problems


@checks.register(checks.Tags.security)
def check_production_settings(app_configs, **kwargs):
    return [
        checks.Error(problem, id=f"tracker.E{number:03d}")
        for number, problem in enumerate(weak_production_settings(), start=1)
    ]


@checks.register(checks.Tags.security, deploy=True)
def check_email_is_configured(app_configs, **kwargs):
    if settings.DEBUG or settings.EMAIL_CONFIGURED:
        return []
    return [
        checks.Warning(
            "No e-mail server is configured, so password-reset messages are only printed to "
            "the log. Set EMAIL_URL (e.g. smtp+tls://user:password@mail.example.org:587).",
            id="tracker.W001",
        )
    ]


def refuse_weak_production_settings():
    """Called by the WSGI entry point: fail start-up, naming every problem."""
    problems = weak_production_settings()
    if problems:
        raise ImproperlyConfigured(" ".join(problems))
