"""Helpers shared by several test modules (factories are in tests/factories.py)."""

import csv
import io
import os
import re
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# The two texts the shipped pledges quote, as published (the repository keeps
# its own copy: nothing reads outside it).
SOURCE_TEXTS = ROOT / "fixtures" / "sources"


def settings_value(expression, **env):
    """``print(<expression>)`` after importing the real settings module
    (as ``s``) in a fresh interpreter, with the test run's environment minus
    the variables the settings read, plus ``env``."""
    clean = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DEBUG", "SECRET_KEY", "DATABASE_URL", "REDIS_URL", "DJANGO_SETTINGS_MODULE"}
    }
    clean.update(env)
    return subprocess.run(
        [sys.executable, "-c", f"import tracker.settings as s; print({expression})"],
        cwd=ROOT,
        env=clean,
        capture_output=True,
        text=True,
    )


def read_streamed_csv(response):
    """The rows of a streamed CSV response, as dicts."""
    assert response.status_code == 200
    assert response.streaming is True
    body = b"".join(response.streaming_content)
    # Every CSV starts with a UTF-8 byte-order mark, for Excel (issue 19).
    assert body.startswith(b"\xef\xbb\xbf"), body[:20]
    return list(csv.DictReader(io.StringIO(body.decode("utf-8-sig"), newline="")))


def pledge_admin_data(pledge, **changes):
    """The POST data of the admin's pledge change form for ``pledge`` as it
    stands (with the version it was opened at), plus ``changes``; no inline
    update rows."""
    data = {
        "ref": pledge.ref,
        "title": pledge.title,
        "source": pledge.source_id,
        "paragraph": pledge.paragraph,
        "quote": pledge.quote,
        "timeframe": pledge.timeframe,
        "statement_kind": pledge.statement_kind,
        "commitment_type": pledge.commitment_type,
        "themes": [t.pk for t in pledge.themes.all()] if pledge.pk else [],
        "opened_version": pledge.version,
        # The new-update inline, then the read-only timeline inline.
        "updates-TOTAL_FORMS": "0",
        "updates-INITIAL_FORMS": "0",
        "updates-MIN_NUM_FORMS": "0",
        "updates-MAX_NUM_FORMS": "1000",
        "updates-2-TOTAL_FORMS": "0",
        "updates-2-INITIAL_FORMS": "0",
        "updates-2-MIN_NUM_FORMS": "0",
        "updates-2-MAX_NUM_FORMS": "1000",
    }
    data.update(changes)
    return data


def at_the_same_moment(*jobs):
    """Run each job in its own thread, and so its own database connection,
    all released at once; return each job's result, or the exception it
    raised. For real concurrent transactions on PostgreSQL (the test must be
    transactional: ``django_db(transaction=True)``)."""
    import threading

    from django.db import close_old_connections, connection

    barrier = threading.Barrier(len(jobs))
    results = [None] * len(jobs)

    def worker(index, job):
        try:
            barrier.wait(timeout=10)
            results[index] = job()
        except Exception as error:  # handed to the test, which asserts on it
            results[index] = error
        finally:
            close_old_connections()
            connection.close()

    threads = [threading.Thread(target=worker, args=(i, job)) for i, job in enumerate(jobs)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(thread.is_alive() for thread in threads), "a job hung"
    return results


def skip_unless_postgresql():
    from django.db import connection

    if connection.vendor != "postgresql":
        import pytest

        pytest.skip(
            "Real concurrent transactions need PostgreSQL's row locks; SQLite serialises "
            "writers. Run with DATABASE_URL=postgres://... (CI does)."
        )


class _ElementText(HTMLParser):
    """The text of the first element matching ``tag`` (or any tag) with
    ``attribute`` equal to ``value`` (``class`` matches one of its classes)."""

    VOID = {"br", "img", "input", "meta", "link", "hr", "wbr", "source", "col", "area"}

    def __init__(self, tag, attribute, value):
        super().__init__()
        self.tag, self.attribute, self.value = tag, attribute, value
        self.depth = 0
        self.parts = []
        self.found = False

    def matches(self, tag, attrs):
        if self.tag and tag != self.tag:
            return False
        actual = dict(attrs).get(self.attribute)
        if actual is None:
            return False
        return self.value in actual.split() if self.attribute == "class" else actual == self.value

    def handle_starttag(self, tag, attrs):
        if tag in self.VOID:
            return
        if self.depth:
            self.depth += 1
        elif not self.found and self.matches(tag, attrs):
            self.found, self.depth = True, 1

    def handle_endtag(self, tag):
        if self.depth and tag not in self.VOID:
            self.depth -= 1

    def handle_data(self, data):
        if self.depth:
            self.parts.append(data)


def html_text(response, selector):
    """The whitespace-collapsed text of the first element of ``response``
    matching ``selector``: ``.class``, or ``tag[attribute="value"]``."""
    match = re.fullmatch(
        r'(?:\.(?P<cls>[\w-]+))|(?P<tag>\w*)\[(?P<attr>[\w-]+)="(?P<val>[^"]*)"\]', selector
    )
    assert match, f"unsupported selector {selector!r}"
    if match["cls"]:
        parser = _ElementText(None, "class", match["cls"])
    else:
        parser = _ElementText(match["tag"] or None, match["attr"], match["val"])
    parser.feed(response.content.decode())
    assert parser.found, f"nothing matches {selector!r}"
    return " ".join("".join(parser.parts).split())
