"""Settings for the test suite: production settings with a throw-away key.

The suite runs with DEBUG off, as production does. DATABASE_URL still chooses
SQLite (default) or PostgreSQL, so the same suite runs on both.
"""

import os

os.environ.setdefault(
    "SECRET_KEY", "test-only-secret-key-not-for-any-deployment-it-is-long-enough-0123456789"
)

from tracker.settings import *  # noqa: E402,F403

# No collectstatic before tests: serve static files unhashed.
STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Fast hashing: tests create many users; strength is irrelevant here.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
ALLOWED_HOSTS = ["testserver", "localhost", "127.0.0.1"]
# The TLS proxy redirects in production; the test client speaks plain HTTP.
# tests/test_security_headers.py switches it back on to test it.
SECURE_SSL_REDIRECT = False
# Links in alert e-mail point at the test client's host, so tests can follow them.
SITE_URL = "http://testserver"
# Tests record updates and send alerts in the same second; the settling delay
# has its own test (tests/test_alerts_compose.py).
ALERTS_SETTLE_SECONDS = 0
