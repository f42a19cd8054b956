"""Settings for Pledge Tracker.

Everything that differs between machines comes from the environment (see
``.env.example`` and README); the defaults give a working local site on SQLite.
"""

import re
from datetime import timedelta
from pathlib import Path

from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

from tracker.env import (
    DEVELOPMENT_SECRET_KEY,
    env_bool,
    env_choice,
    env_database,
    env_email,
    env_int,
    env_list,
    env_str,
)

BASE_DIR = Path(__file__).resolve().parent.parent

DEBUG = env_bool("DEBUG", False)

# Required with DEBUG off: start-up (tracker/checks.py) refuses a missing,
# short or published key there. Left empty here so that commands which need no
# key, such as changepassword, still run in a shell without it.
SECRET_KEY = env_str("SECRET_KEY", "") or (DEVELOPMENT_SECRET_KEY if DEBUG else "")

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost"] if DEBUG else [])
# Origins (scheme and host) the site is served from behind a proxy, e.g.
# https://pledges.example.org; needed for form posts over HTTPS.
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    # django.contrib.admin, with a 403 for signed-in users who are not staff.
    "tracker.apps.TrackerAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.sitemaps",
    "django_filters",
    "simple_history",
    "import_export",
    "rules.apps.AutodiscoverRulesConfig",
    "axes",
    "csp",
    # Serves the API docs page's own copy of Swagger UI (no CDN).
    "ninja",
    "tracker",
    "tracker.api",
    # Follows and e-mail alerts (issue 20): its own app, label "alerts".
    "tracker.alerts",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # /api/ only: tokens, rate limits, conditional GETs, CORS, JSON errors
    # (also for what the middleware below refuses).
    "tracker.api.http.ApiMiddleware",
    # Before anything reads a request body: bounded size, UTF-8 forms.
    "tracker.limits.RequestBoundsMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "tracker.sessions.IdleSessionMiddleware",
    # The language comes from the URL's prefix (/fr/…); unprefixed is English.
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Public pages may be kept a minute; anything personal is not stored.
    "tracker.plumbing.CacheControlMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    # Records who made each change in the edit history.
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last, as django-axes requires: it turns lock-outs into a response.
    "axes.middleware.AxesMiddleware",
]

AUTHENTICATION_BACKENDS = [
    # Throttles failed sign-ins before any other backend is asked.
    "axes.backends.AxesStandaloneBackend",
    # Object-level permissions derived from the data (tracker/rules.py).
    "rules.permissions.ObjectPermissionBackend",
    "django.contrib.auth.backends.ModelBackend",
]

ROOT_URLCONF = "tracker.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "tracker.context_processors.status_vocabulary",
                "tracker.context_processors.languages",
                "tracker.context_processors.footer_sources",
            ],
        },
    },
]

WSGI_APPLICATION = "tracker.wsgi.application"

# The embedded default is an SQLite file inside the project (git-ignored).
DATABASES = {"default": env_database("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}

# `loaddata pledges` and `loaddata history` find their files here.
FIXTURE_DIRS = [BASE_DIR / "fixtures"]

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Bounded requests (tracker/limits.py). A whole body, uploads included, is
# refused over MAX_UPLOAD_SIZE; the non-file part of a form over Django's
# DATA_UPLOAD_MAX_MEMORY_SIZE; uploads above FILE_UPLOAD_MAX_MEMORY_SIZE are
# spooled to a temporary file instead of memory.
MAX_UPLOAD_SIZE = 1024 * 1024 * env_int("MAX_UPLOAD_MB", 10)
DATA_UPLOAD_MAX_MEMORY_SIZE = 1024 * 1024 * env_int("MAX_FORM_MB", 2)
DATA_UPLOAD_MAX_NUMBER_FIELDS = 1000
FILE_UPLOAD_MAX_MEMORY_SIZE = 1024 * 1024 * 2

# Login throttling: after 5 failures for one username from one address, that
# pair waits 15 minutes (a cool-off, never a permanent lock-out).
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("AXES_COOLOFF_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
# The address is the client's, not the proxy's (tracker/client_address.py):
# otherwise every client shares the proxy's address, and five bad guesses by
# anyone would lock the username out for everyone.
AXES_CLIENT_IP_CALLABLE = "tracker.client_address.client_ip"
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_VERBOSE = False

# Admin import/export: importing needs the import_<model> permission, which
# only the Steward group holds; exporting needs view. Exported cells are
# formula-escaped by tracker/admin/resources.py with the rule in
# tracker/spreadsheets.py, not by the library's partial escape.
IMPORT_EXPORT_IMPORT_PERMISSION_CODE = "import"
IMPORT_EXPORT_EXPORT_PERMISSION_CODE = "view"
IMPORT_EXPORT_USE_TRANSACTIONS = True

# How many proxies stand in front of the app and append to X-Forwarded-For:
# production runs behind one TLS proxy (see SECURE_PROXY_SSL_HEADER below);
# 0 trusts no forwarded address at all.
PROXY_DEPTH = env_int("PROXY_DEPTH", 0 if DEBUG else 1)
if PROXY_DEPTH < 0:
    raise ImproperlyConfigured(f"PROXY_DEPTH={PROXY_DEPTH} is negative; use 0, 1, 2 …")

# Sessions end after this long without a request (tracker/sessions.py moves
# the expiry on), rather than a fixed 14 days.
SESSION_COOKIE_AGE = 60 * env_int("SESSION_IDLE_MINUTES", 60)
if SESSION_COOKIE_AGE <= 0:
    raise ImproperlyConfigured("SESSION_IDLE_MINUTES must be a positive number of minutes.")

LOGIN_URL = "login"
# Reporters land on their own page (it sends everyone else to the dashboard).
LOGIN_REDIRECT_URL = "reporter-home"
LOGOUT_REDIRECT_URL = "dashboard"

LANGUAGE_CODE = "en-gb"
# English and French, the UN Secretariat's working languages. French pages
# live under /fr/ (tracker/urls.py); the catalogue is locale/fr/LC_MESSAGES/
# django.po, compiled by `make` (and by the test session) with polib.
LANGUAGES = [("en-gb", "English"), ("fr", "Français")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = BASE_DIR / "staticfiles"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        # Hashed, compressed files in production; the plain backend keeps tests
        # and DEBUG free of a collectstatic step.
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage",
    },
}

# The shared cache (tracker/caching.py): the vocabularies, the dashboard, the
# facet counts and whole public pages for visitors who are not signed in.
# Without REDIS_URL nothing is cached: app servers keep no local state.
REDIS_URL = env_str("REDIS_URL", "")
# Seconds to wait for Redis to connect or answer. Redis answers a healthy
# request in well under a millisecond; a frozen or unreachable one must cost a
# request a fraction of a second, not the length of the outage (and after one
# failure tracker/caching.py leaves it alone for a few seconds).
REDIS_TIMEOUT = 0.25


def redis_caches(url):
    return {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": url,
            "KEY_PREFIX": "pledge-tracker",
            # Passed to redis-py's connection pool. It retries nothing by
            # default, so one failed call costs at most one timeout.
            "OPTIONS": {"socket_connect_timeout": REDIS_TIMEOUT, "socket_timeout": REDIS_TIMEOUT},
        }
    }


if REDIS_URL:
    if not REDIS_URL.startswith(("redis://", "rediss://", "unix://")):
        raise ImproperlyConfigured(
            f"REDIS_URL={REDIS_URL!r} is not a Redis URL; expected redis://HOST:6379/0."
        )
    CACHES = redis_caches(REDIS_URL)
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}

# Security headers. The CSP allows nothing inline: no inline scripts or style
# attributes anywhere in our templates, and charts are SVG attributes.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
# No script of ours reads the CSRF token from the cookie (forms carry it).
CSRF_COOKIE_HTTPONLY = True
CSRF_COOKIE_SAMESITE = "Lax"

if not DEBUG:
    # Production runs behind a TLS-terminating proxy that sets X-Forwarded-Proto.
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)
    # __Host- cookies: Secure, Path=/, no Domain, so no sibling domain can set them.
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SESSION_COOKIE_NAME = "__Host-sessionid"
    CSRF_COOKIE_NAME = "__Host-csrftoken"

# E-mail: the one place the outgoing connection is configured; password
# resets use it, and so will anything else that sends mail. From EMAIL_URL,
# or from EMAIL_HOST/EMAIL_PORT/EMAIL_HOST_USER/EMAIL_HOST_PASSWORD/
# EMAIL_USE_TLS/EMAIL_USE_SSL (tracker/env.py); neither: the console.
_email = env_email()
EMAIL_CONFIGURED = _email.pop("configured")
EMAIL_BACKEND = _email["EMAIL_BACKEND"]
EMAIL_HOST = _email["EMAIL_HOST"]
EMAIL_PORT = _email["EMAIL_PORT"]
EMAIL_HOST_USER = _email["EMAIL_HOST_USER"]
EMAIL_HOST_PASSWORD = _email["EMAIL_HOST_PASSWORD"]
EMAIL_USE_TLS = _email["EMAIL_USE_TLS"]
EMAIL_USE_SSL = _email["EMAIL_USE_SSL"]
# Seconds before a silent mail server gives up, instead of holding a worker.
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 10)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "Pledge Tracker <pledge-tracker@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# Whom a refused user is told to ask for a role (the 403 page); blank: "a steward".
ACCESS_CONTACT_EMAIL = env_str("ACCESS_CONTACT_EMAIL", "")
# Password-reset links stay valid this long.
PASSWORD_RESET_TIMEOUT = 60 * 60 * env_int("PASSWORD_RESET_HOURS", 24)
# The API's rate limits (tracker/api/throttling.py), per token when one is
# sent and per client address otherwise. Exports are limited apart: each one
# streams the whole record.
API_THROTTLE_RATES = {
    "anonymous": env_str("API_RATE_ANONYMOUS", "120/minute"),
    "token": env_str("API_RATE_TOKEN", "600/minute"),
    "write": env_str("API_RATE_WRITE", "60/minute"),
    "export_anonymous": env_str("API_RATE_EXPORT_ANONYMOUS", "6/hour"),
    "export_token": env_str("API_RATE_EXPORT_TOKEN", "60/hour"),
}
for _scope, _rate in API_THROTTLE_RATES.items():
    if not re.fullmatch(r"\d+/(second|minute|hour|day)", _rate):
        raise ImproperlyConfigured(
            f"The API rate {_rate!r} for {_scope} is not valid; write it as e.g. 120/minute."
        )
# Exports streaming at once on one app server; further requests get a 429
# rather than a worker, so exports can never take every worker.
API_EXPORT_CONCURRENCY = env_int("API_EXPORT_CONCURRENCY", 1)
# Where the export slots' lock files live (the system's temporary directory
# when blank); the limit holds for the processes that share this directory.
API_EXPORT_LOCK_DIR = env_str("API_EXPORT_LOCK_DIR", "")

# Alerts (issue 20, tracker/alerts/). Links in e-mail are absolute: the site's
# public address, scheme included, without a trailing slash.
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000").rstrip("/")
# Confirmation e-mails asked for, per address and per client address (the
# format of the API rates). Counted in the database, so they hold on every
# app server and whether or not Redis is up.
ALERTS_CONFIRM_RATE_ADDRESS = env_str("ALERTS_CONFIRM_RATE_ADDRESS", "3/hour")
ALERTS_CONFIRM_RATE_CLIENT = env_str("ALERTS_CONFIRM_RATE_CLIENT", "10/hour")
for _name in ("ALERTS_CONFIRM_RATE_ADDRESS", "ALERTS_CONFIRM_RATE_CLIENT"):
    if not re.fullmatch(r"\d+/(second|minute|hour|day)", globals()[_name]):
        raise ImproperlyConfigured(f"{_name} is not valid; write it as e.g. 3/hour.")
# How long a confirmation link stays valid.
ALERTS_CONFIRM_HOURS = env_int("ALERTS_CONFIRM_HOURS", 72)
# send_alerts leaves out updates recorded in the last this-many seconds: a
# write transaction that is still open has stamped its update's `created`
# already but is not visible yet, and must not fall behind a follower's mark.
ALERTS_SETTLE_SECONDS = env_int("ALERTS_SETTLE_SECONDS", 120)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler", "stream": "ext://sys.stdout"}},
    "root": {
        "handlers": ["console"],
        "level": env_choice("LOG_LEVEL", "INFO", ["DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"]),
    },
}
