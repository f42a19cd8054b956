"""Typed readers for settings that come from the environment.

Each reader fails loudly with the variable's name, so a typo in a deployment
stops start-up with a message that says what to fix instead of running with a
silently wrong value.
"""

import os

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

# Only for DEBUG: a fixed, obviously insecure key so sessions survive restarts.
# Production refuses it (tracker/checks.py).
DEVELOPMENT_SECRET_KEY = "insecure-development-key-do-not-use-in-production"

TRUE_WORDS = {"1", "true", "yes", "on"}
FALSE_WORDS = {"0", "false", "no", "off", ""}


def env_str(name, default):
    return os.environ.get(name, default)


def env_bool(name, default):
    raw = os.environ.get(name)
    if raw is None:
        return default
    word = raw.strip().lower()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    raise ImproperlyConfigured(
        f"{name}={raw!r} is not a boolean; use one of: true, false, 1, 0, yes, no, on, off."
    )


def env_int(name, default):
    raw = os.environ.get(name)
    if raw is None:
        return default
    try:
        return int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name}={raw!r} is not a whole number.") from None


def env_choice(name, default, choices):
    raw = os.environ.get(name)
    if raw is None:
        return default
    if raw.upper() not in choices:
        raise ImproperlyConfigured(f"{name}={raw!r} is not one of: {', '.join(choices)}.")
    return raw.upper()


def env_list(name, default):
    """A comma-separated list; blank items are dropped."""
    raw = os.environ.get(name)
    if raw is None:
        return list(default)
    return [item.strip() for item in raw.split(",") if item.strip()]


SUPPORTED_DB_SCHEMES = ("sqlite", "postgres", "postgresql", "pgsql")


def env_database(name, default):
    """Parse a database URL such as ``postgres://user@host:5432/db`` or ``sqlite:////abs/path``."""
    raw = os.environ.get(name) or default
    scheme = raw.split("://", 1)[0] if "://" in raw else ""
    if scheme not in SUPPORTED_DB_SCHEMES:
        raise ImproperlyConfigured(
            f"{name}={raw!r} is not a supported database URL; expected "
            "postgres://USER@HOST:PORT/NAME or sqlite:///PATH."
        )
    try:
        config = dj_database_url.parse(raw, conn_max_age=0)
    except (ValueError, KeyError) as exc:
        raise ImproperlyConfigured(f"{name}={raw!r} could not be parsed: {exc}") from None
    if not config.get("NAME"):
        raise ImproperlyConfigured(f"{name}={raw!r} names no database.")
    if config["ENGINE"].endswith("sqlite3") and config["NAME"] in (":memory:", ""):
        raise ImproperlyConfigured(
            f"{name}={raw!r} is an in-memory SQLite database, which loses every change "
            "when the process stops; give a file path, e.g. sqlite:////srv/pledges.sqlite3."
        )
    if config["ENGINE"].endswith("sqlite3"):
        # Take the write lock when a transaction starts, so two transactions
        # never both read a row and then race to write it (optimistic
        # concurrency relies on this), and writers queue instead of failing.
        config.setdefault("OPTIONS", {})["transaction_mode"] = "IMMEDIATE"
    return config


SMTP_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
CONSOLE_BACKEND = "django.core.mail.backends.console.EmailBackend"
# EMAIL_URL schemes: how the connection is secured, and its usual port.
EMAIL_SCHEMES = {
    "smtp": {"use_tls": False, "use_ssl": False, "port": 25},
    "smtp+tls": {"use_tls": True, "use_ssl": False, "port": 587},  # STARTTLS
    "submission": {"use_tls": True, "use_ssl": False, "port": 587},
    "smtps": {"use_tls": False, "use_ssl": True, "port": 465},  # TLS from the start
    "smtp+ssl": {"use_tls": False, "use_ssl": True, "port": 465},
}
EMAIL_PARTS = ["EMAIL_HOST", "EMAIL_PORT", "EMAIL_HOST_USER", "EMAIL_HOST_PASSWORD"]


def env_email():
    """The outgoing e-mail connection, from ``EMAIL_URL`` or from the separate
    ``EMAIL_HOST``, ``EMAIL_PORT``, ``EMAIL_HOST_USER``, ``EMAIL_HOST_PASSWORD``,
    ``EMAIL_USE_TLS`` and ``EMAIL_USE_SSL`` (not both ways at once).

    ``EMAIL_URL`` looks like ``smtp+tls://user:password@mail.example.org:587``
    (``smtp`` plain, ``smtp+tls`` STARTTLS, ``smtps`` TLS from the start;
    user and password percent-encoded) or ``console:`` (print each message
    to standard output). Neither set: the console in development, and in
    production too, which ``check --deploy`` then warns about.

    Returns the Django settings as a dict, with ``configured`` telling
    whether an e-mail server was named."""
    url = os.environ.get("EMAIL_URL", "").strip()
    parts = [name for name in EMAIL_PARTS if os.environ.get(name)]
    if url and parts:
        raise ImproperlyConfigured(
            f"EMAIL_URL is set, and so is {', '.join(parts)}; configure e-mail one way only."
        )
    settings = {
        "EMAIL_BACKEND": CONSOLE_BACKEND,
        "EMAIL_HOST": "localhost",
        "EMAIL_PORT": 25,
        "EMAIL_HOST_USER": "",
        "EMAIL_HOST_PASSWORD": "",
        "EMAIL_USE_TLS": False,
        "EMAIL_USE_SSL": False,
        "configured": False,
    }
    if url:
        settings.update(parse_email_url(url))
    elif parts:
        settings.update(
            EMAIL_BACKEND=SMTP_BACKEND,
            EMAIL_HOST=env_str("EMAIL_HOST", "localhost"),
            EMAIL_PORT=env_int("EMAIL_PORT", 25),
            EMAIL_HOST_USER=env_str("EMAIL_HOST_USER", ""),
            EMAIL_HOST_PASSWORD=env_str("EMAIL_HOST_PASSWORD", ""),
            EMAIL_USE_TLS=env_bool("EMAIL_USE_TLS", False),
            EMAIL_USE_SSL=env_bool("EMAIL_USE_SSL", False),
            configured=True,
        )
    if settings["EMAIL_USE_TLS"] and settings["EMAIL_USE_SSL"]:
        raise ImproperlyConfigured(
            "EMAIL_USE_TLS and EMAIL_USE_SSL are both true; choose one (TLS is STARTTLS, "
            "usually port 587; SSL is TLS from the start, usually port 465)."
        )
    return settings


def parse_email_url(url):
    from urllib.parse import unquote, urlsplit

    scheme = url.split(":", 1)[0].lower()
    if scheme == "console":
        return {"EMAIL_BACKEND": CONSOLE_BACKEND, "configured": True}
    if scheme not in EMAIL_SCHEMES:
        raise ImproperlyConfigured(
            f"EMAIL_URL has the scheme {scheme!r}; use one of: "
            f"{', '.join(EMAIL_SCHEMES)}, console (e.g. smtp+tls://user:password@host:587)."
        )
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as exc:
        raise ImproperlyConfigured(f"EMAIL_URL could not be parsed: {exc}.") from None
    if not parts.hostname:
        raise ImproperlyConfigured("EMAIL_URL names no host, e.g. smtp+tls://mail.example.org.")
    security = EMAIL_SCHEMES[scheme]
    return {
        "EMAIL_BACKEND": SMTP_BACKEND,
        "EMAIL_HOST": parts.hostname,
        "EMAIL_PORT": port or security["port"],
        "EMAIL_HOST_USER": unquote(parts.username or ""),
        "EMAIL_HOST_PASSWORD": unquote(parts.password or ""),
        "EMAIL_USE_TLS": security["use_tls"],
        "EMAIL_USE_SSL": security["use_ssl"],
        "configured": True,
    }
