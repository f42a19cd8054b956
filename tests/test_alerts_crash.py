"""A send_alerts run killed halfway neither loses nor duplicates a message.

Everything is real: ``manage.py send_alerts`` runs as its own process,
against a database of this test's own (an SQLite file, or on PostgreSQL a
database named after the run's, created and dropped here), and sends to an
aiosmtpd server that this test starts. The server accepts a few messages,
then holds the next one unanswered; the test SIGKILLs the job there, as a
crash or an out-of-memory kill would, and runs it again.

What the design promises (tracker/alerts/delivery.py): a message the server
accepted and the job marked sent is never sent again; a message the job
never heard accepted is sent on the next run. The one window left, between
the server's acceptance and the sent mark, sends that one message twice
with the same Message-ID: a kill cannot be aimed at it from outside, so
tests/test_alerts_compose.py shows it in process.
"""

import json
import os
import signal
import subprocess
import sys
from collections import Counter
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest

from tests.smtp_server import Inbox, SmtpServer

ROOT = Path(__file__).resolve().parent.parent
FOLLOWERS = 12
ACCEPTED_BEFORE_THE_KILL = 5

SEED = f"""
from datetime import timedelta
from django.utils import timezone
from tests.factories import make_pledge, make_update, make_user
from tracker.alerts.models import Subscriber, Target
pledge = make_pledge(ref="asem-2002-3.2")
for i in range({FOLLOWERS}):
    Subscriber.objects.confirm(f"follower{{i}}@example.org", Target("pledge", pledge), "immediate")
Subscriber.objects.update(covered_until=timezone.now() - timedelta(minutes=1))
make_update(pledge, author=make_user("assessor"), summary="Ratified.")
"""

OUTBOX_STATE = """
import json
from tracker.alerts.models import OutboxMessage
rows = OutboxMessage.objects.all()
print(json.dumps({"rows": rows.count(), "unsent": rows.pending().count()}))
"""


@pytest.fixture
def database_url(tmp_path):
    """A database for this test alone, reachable from other processes."""
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        yield f"sqlite:///{tmp_path / 'alerts-crash.sqlite3'}"
        return
    import psycopg

    parts = urlsplit(url)
    name = parts.path.lstrip("/") + "_alerts_crash"
    server = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(server, autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}"')
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield urlunsplit(parts._replace(path=f"/{name}"))
    finally:
        with psycopg.connect(server, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


EMAIL_VARIABLES = {"EMAIL_URL", "EMAIL_HOST", "EMAIL_PORT", "EMAIL_USE_TLS", "EMAIL_USE_SSL"}


def environment(database_url, smtp):
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DATABASE_URL", "REDIS_URL", "DJANGO_SETTINGS_MODULE"} | EMAIL_VARIABLES
    }
    env.update(
        DJANGO_SETTINGS_MODULE="tracker.settings_test",
        DATABASE_URL=database_url,
        EMAIL_URL=f"smtp://{smtp.host}:{smtp.port}",
        DEBUG="false",
    )
    return env


def manage(env, *args, timeout=120):
    done = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def outbox_state(env):
    return json.loads(manage(env, "shell", "-c", OUTBOX_STATE).strip().splitlines()[-1])


def test_a_killed_run_loses_nothing_and_duplicates_nothing(database_url):
    inbox = Inbox(hold_after=ACCEPTED_BEFORE_THE_KILL)
    smtp = SmtpServer(inbox)
    try:
        env = environment(database_url, smtp)
        manage(env, "migrate", "-v0", timeout=300)
        manage(env, "shell", "-c", SEED)

        job = subprocess.Popen(
            [sys.executable, "manage.py", "send_alerts"],
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        try:
            assert inbox.holding.wait(timeout=120), job.communicate(timeout=5)
        finally:
            job.send_signal(signal.SIGKILL)
            job.wait(timeout=30)
        inbox.hold_after = None
        inbox.release.set()
        assert len(inbox.messages) == ACCEPTED_BEFORE_THE_KILL
        state = outbox_state(env)
        # Composed whole before the kill; the accepted ones are marked.
        assert state == {"rows": FOLLOWERS, "unsent": FOLLOWERS - ACCEPTED_BEFORE_THE_KILL}

        output = manage(env, "send_alerts")
        assert f"sent {FOLLOWERS - ACCEPTED_BEFORE_THE_KILL}," in output

        recipients = Counter(
            address for envelope, _message in inbox.messages for address in envelope.rcpt_tos
        )
        assert recipients == Counter({f"follower{i}@example.org": 1 for i in range(FOLLOWERS)})
        message_ids = {message["Message-ID"] for _envelope, message in inbox.messages}
        assert len(message_ids) == FOLLOWERS
        assert outbox_state(env) == {"rows": FOLLOWERS, "unsent": 0}
        # And a third run sends nothing more.
        manage(env, "send_alerts")
        assert len(inbox.messages) == FOLLOWERS
    finally:
        smtp.stop()
