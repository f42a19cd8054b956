"""Settings come from the environment, and a malformed value stops start-up
with a message that names the variable."""

import os
import re
import subprocess
import sys
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
        (
            {"DEBUG": "true", "ALERTS_CONFIRM_RATE_CLIENT": "lots"},
            "ALERTS_CONFIRM_RATE_CLIENT",
        ),
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


# E-mail -------------------------------------------------------------------

EMAIL_FIELDS = "[s.EMAIL_BACKEND.rsplit('.', 2)[1], s.EMAIL_HOST, s.EMAIL_PORT, \
s.EMAIL_HOST_USER, s.EMAIL_HOST_PASSWORD, s.EMAIL_USE_TLS, s.EMAIL_USE_SSL, s.EMAIL_CONFIGURED]"


def email_settings(**env):
    result = settings_value(EMAIL_FIELDS, DEBUG="true", **env)
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        ({}, "['console', 'localhost', 25, '', '', False, False, False]"),
        ({"EMAIL_URL": "console:"}, "['console', 'localhost', 25, '', '', False, False, True]"),
        (
            {"EMAIL_URL": "smtp+tls://mailer:p%40ss%3Aword@mail.example.org"},
            "['smtp', 'mail.example.org', 587, 'mailer', 'p@ss:word', True, False, True]",
        ),
        (
            {"EMAIL_URL": "smtps://mail.example.org"},
            "['smtp', 'mail.example.org', 465, '', '', False, True, True]",
        ),
        (
            {"EMAIL_URL": "smtp://127.0.0.1:2525"},
            "['smtp', '127.0.0.1', 2525, '', '', False, False, True]",
        ),
        (
            {
                "EMAIL_HOST": "mail.example.org",
                "EMAIL_PORT": "587",
                "EMAIL_HOST_USER": "mailer",
                "EMAIL_HOST_PASSWORD": "secret",
                "EMAIL_USE_TLS": "true",
            },
            "['smtp', 'mail.example.org', 587, 'mailer', 'secret', True, False, True]",
        ),
    ],
)
def test_email_comes_from_the_environment(env, expected):
    assert email_settings(**env) == expected


@pytest.mark.parametrize(
    ("env", "named"),
    [
        ({"EMAIL_URL": "imap://mail.example.org"}, "EMAIL_URL"),
        ({"EMAIL_URL": "smtp://"}, "EMAIL_URL"),
        ({"EMAIL_URL": "smtp://mail.example.org:port"}, "EMAIL_URL"),
        ({"EMAIL_URL": "smtp://h", "EMAIL_HOST": "h"}, "EMAIL_HOST"),
        ({"EMAIL_HOST": "h", "EMAIL_USE_TLS": "true", "EMAIL_USE_SSL": "true"}, "EMAIL_USE_SSL"),
        ({"EMAIL_HOST": "h", "EMAIL_PORT": "twenty-five"}, "EMAIL_PORT"),
    ],
)
def test_a_bad_email_setting_stops_start_up_naming_it(env, named):
    result = settings_value("s.EMAIL_BACKEND", DEBUG="true", **env)
    assert result.returncode != 0
    assert named in result.stderr.splitlines()[-1]


def test_a_mail_password_never_appears_in_a_start_up_error():
    result = settings_value(
        "s.EMAIL_BACKEND", DEBUG="true", EMAIL_URL="smtp://u:hunter2-secret@mail.example.org:x"
    )
    assert result.returncode != 0 and "hunter2" not in result.stderr


# Start-up refuses weak production settings ---------------------------------

STRONG_KEY = "a-production-like-secret-key-that-is-long-and-random-0123456789abcdef"
PRODUCTION = {"DEBUG": "false", "SECRET_KEY": STRONG_KEY, "ALLOWED_HOSTS": "pledges.example.org"}


def serve(**env):
    """Import the WSGI application, as gunicorn does, in a fresh interpreter."""
    return run(["-c", "import tracker.wsgi; print('served')"], **env)


def run(args, **env):
    """``python <args>`` in the project, with only ``env`` of the settings' variables."""
    clean = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DEBUG", "SECRET_KEY", "DATABASE_URL", "DJANGO_SETTINGS_MODULE"}
    }
    clean.update(env)
    return subprocess.run(
        [sys.executable, *args], cwd=ROOT, env=clean, capture_output=True, text=True
    )


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"SECRET_KEY": ""}, "SECRET_KEY is not set"),
        ({"SECRET_KEY": "short"}, "SECRET_KEY is too weak"),
        ({"SECRET_KEY": "x" * 60}, "SECRET_KEY is too weak"),
        ({"SECRET_KEY": "django-insecure-" + STRONG_KEY}, "SECRET_KEY is too weak"),
        (
            {"SECRET_KEY": "insecure-development-key-do-not-use-in-production"},
            "SECRET_KEY is too weak",
        ),
        ({"ALLOWED_HOSTS": "*"}, "ALLOWED_HOSTS contains '*'"),
        ({"ALLOWED_HOSTS": "pledges.example.org,*"}, "ALLOWED_HOSTS contains '*'"),
    ],
)
def test_serving_refuses_weak_production_settings(env, message):
    result = serve(**{**PRODUCTION, **env})
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert message in result.stderr.splitlines()[-1]


def test_serving_starts_with_strong_production_settings():
    result = serve(**PRODUCTION)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "served"


def test_development_may_use_the_throw_away_key():
    result = serve(DEBUG="true")
    assert result.returncode == 0, result.stderr


def test_check_reports_weak_settings_as_errors():
    weak = {**PRODUCTION, "SECRET_KEY": "short", "ALLOWED_HOSTS": "*"}
    result = run(["manage.py", "check"], **weak)
    assert result.returncode != 0
    assert "tracker.E001" in result.stderr and "tracker.E002" in result.stderr


def test_changepassword_runs_without_debug_or_a_key(tmp_path):
    """An operator fixing an account needs no DEBUG and no SECRET_KEY (the
    command hashes a password; nothing it does is signed)."""
    import pty  # the command reads the password from a terminal

    local = {"DEBUG": "true", "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}"}
    create = "from django.contrib.auth.models import User; User.objects.create_user('ana')"
    for args in (["manage.py", "migrate", "-v0"], ["manage.py", "shell", "-c", create]):
        result = run(args, **local)
        assert result.returncode == 0, result.stderr

    env = {k: v for k, v in os.environ.items() if k not in {"DEBUG", "SECRET_KEY"}}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    env["DATABASE_URL"] = local["DATABASE_URL"]
    pid, terminal = pty.fork()
    if pid == 0:  # the child: the command, on the terminal
        os.chdir(ROOT)
        os.execve(sys.executable, [sys.executable, "manage.py", "changepassword", "ana"], env)
    output, answered = b"", 0
    while True:
        try:
            chunk = os.read(terminal, 1024)
        except OSError:  # the child has exited
            break
        if not chunk:
            break
        output += chunk
        if output.count(b"Password") > answered:
            answered += 1
            os.write(terminal, b"a-new-long-passphrase-1\n")
    _, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 0, output.decode()
    assert b"Password changed successfully for user 'ana'" in output

    check = (
        "from django.contrib.auth.models import User; "
        "print(User.objects.get(username='ana').check_password('a-new-long-passphrase-1'))"
    )
    result = run(["manage.py", "shell", "-c", check], **local)
    assert result.stdout.strip().endswith("True"), result.stdout + result.stderr


def variables_settings_read():
    """The names the settings read from the environment: those passed to
    tracker/env.py's readers (env_str, env_bool …) or to os.environ.get in
    tracker/settings.py and tracker/env.py."""
    import ast

    names = set()
    for module in ("settings.py", "env.py"):
        tree = ast.parse((ROOT / "tracker" / module).read_text())
        for node in ast.walk(tree):
            if not (isinstance(node, ast.Call) and node.args):
                continue
            func = node.func
            reader = (isinstance(func, ast.Name) and func.id.startswith("env_")) or (
                isinstance(func, ast.Attribute)
                and func.attr == "get"
                and isinstance(func.value, ast.Attribute)
                and func.value.attr == "environ"
            )
            first = node.args[0]
            if reader and isinstance(first, ast.Constant) and isinstance(first.value, str):
                names.add(first.value)
    return names


def test_env_example_lists_every_variable_the_settings_read():
    text = (ROOT / ".env.example").read_text()
    assigned = {
        line.split("=", 1)[0].strip()
        for line in text.splitlines()
        if "=" in line and not line.lstrip().startswith("#")
    }
    read = variables_settings_read()
    assert {"DEBUG", "SECRET_KEY", "DATABASE_URL", "SECURE_HSTS_PRELOAD", "EMAIL_URL"} <= read
    # Each variable read is set or named in the file (the e-mail parts are
    # named as the alternative to EMAIL_URL); each one set is read.
    words = set(re.findall(r"[A-Z][A-Z0-9_]+", text))
    assert read - words == set()
    assert assigned - read == set()
