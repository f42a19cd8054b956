"""Typed readers for settings that come from the environment.

Each reader fails loudly with the variable's name, so a typo in a deployment
stops start-up with a message that says what to fix instead of running with a
silently wrong value.
"""

import os

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

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
