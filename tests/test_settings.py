"""Settings come from the environment, and a malformed value stops start-up
with a message that names the variable."""

from pathlib import Path

import pytest

from tests.helpers import settings_value
from tracker.env import env_bool, env_database, env_list

ROOT = Path(__file__).resolve().parent.parent


def start_up(**env):
    """Import the real settings module in a fresh interpreter with this environment."""
    return settings_value("s.DATABASES['default']['ENGINE']", **env)


def test_it_starts_on_sqlite_by_default():
    result = start_up(DEBUG="true")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "django.db.backends.sqlite3"


def test_it_reads_a_postgres_url():
    result = start_up(DEBUG="true", DATABASE_URL="postgres://postgres@127.0.0.1:5432/x")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "django.db.backends.postgresql"


@pytest.mark.parametrize(
    ("env", "named"),
    [
        ({"DEBUG": "maybe"}, "DEBUG"),
        ({"DEBUG": "true", "DATABASE_URL": "mysql-ish-nonsense"}, "DATABASE_URL"),
        ({"DEBUG": "true", "DATABASE_URL": "postgres://host:notaport/db"}, "DATABASE_URL"),
        ({"DEBUG": "false"}, "SECRET_KEY"),
    ],
)
def test_a_malformed_value_stops_start_up_naming_the_variable(env, named):
    result = start_up(**env)
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert named in result.stderr.splitlines()[-1]


def test_env_bool_words(monkeypatch):
    monkeypatch.setenv("FLAG", "Yes")
    assert env_bool("FLAG", False) is True
    monkeypatch.setenv("FLAG", "off")
    assert env_bool("FLAG", True) is False
    monkeypatch.delenv("FLAG")
    assert env_bool("FLAG", True) is True


def test_env_list_drops_blanks(monkeypatch):
    monkeypatch.setenv("HOSTS", "a.example, ,b.example,")
    assert env_list("HOSTS", []) == ["a.example", "b.example"]


def test_env_database_parses_credentials(monkeypatch):
    monkeypatch.setenv("DB", "postgres://me:secret@db.internal:6543/pledges")
    config = env_database("DB", "sqlite:///x")
    assert (config["USER"], config["PASSWORD"], config["HOST"], config["PORT"], config["NAME"]) == (
        "me",
        "secret",
        "db.internal",
        6543,
        "pledges",
    )
