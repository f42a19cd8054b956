"""Sending alerts, outside any web request, in two phases (``send_alerts``).

1. **Compose.** The updates recorded since the earliest due follower's mark
   are read once per run, with their pledge's themes, and indexed by what can
   be followed. Due followers are then taken a chunk at a time: in one
   transaction per chunk, each follower's message is rendered from the
   changes that match what they follow and were recorded after their mark,
   the messages are inserted into the outbox, and the chunk's marks move on
   to the run's cutoff. A crash rolls the chunk back whole; a rerun composes
   it again. The outbox's unique (follower, covers_from) means no period is
   ever composed twice.
2. **Deliver.** Each unsent message is read again just before it goes (an
   update withdrawn since it was composed is taken out, and a message with
   nothing left is cancelled), sent through Django's mail backend with its
   stable Message-ID, and marked sent.

The one window: between the mail server accepting a message and the sent
mark being written. A crash exactly there sends that one message again on the
next run, with the same Message-ID. That is at most one duplicate per crash;
everything else is exactly once (tests/test_alerts_crash.py kills the job).

Only one run at a time (``single_run``): two overlapping timers would
otherwise both deliver the same unsent message.
"""

import fcntl
import hashlib
import logging
import smtplib
import tempfile
from collections import defaultdict
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import connection, transaction
from django.db.models import Min
from django.utils import timezone, translation

from tracker.alerts import emails
from tracker.alerts.links import unsubscribe_url
from tracker.alerts.models import (
    ConfirmationRequest,
    Follow,
    OutboxMessage,
    Subscriber,
    message_id_for,
)
from tracker.models import Pledge, StatusUpdate

logger = logging.getLogger(__name__)

# Followers per transaction: large enough that the per-chunk queries are
# few, small enough that a chunk's rendered messages (a digest of fifty
# changes is some 60 kB, both parts) stay in tens of MB.
CHUNK = 200
# Sent (and cancelled) messages are kept this long, then pruned.
KEEP_SENT = timedelta(days=30)
# Confirmation requests are counted over at most a day.
KEEP_CONFIRMATION_REQUESTS = timedelta(days=1)

CHANGE_FIELDS = (
    "pk",
    "created",
    "pledge_id",
    "pledge__ref",
    "pledge__title",
    "pledge__source_id",
    "actor_id",
    "actor__name",
    "status",
    "as_of",
    "kind",
    "summary",
    "evidence_url",
    "evidence_reference",
)


@dataclass
class ChangeIndex:
    """The run's changes, once, indexed by each kind of target."""

    changes: dict = field(default_factory=dict)  # update id -> emails.Change
    by_pledge: dict = field(default_factory=lambda: defaultdict(list))
    by_theme: dict = field(default_factory=lambda: defaultdict(list))
    by_party: dict = field(default_factory=lambda: defaultdict(list))
    by_source: dict = field(default_factory=lambda: defaultdict(list))

    @classmethod
    def of(cls, updates):
        """Index ``updates`` (a StatusUpdate queryset): two queries."""
        index = cls()
        for row in updates.order_by().values_list(*CHANGE_FIELDS).iterator(chunk_size=2000):
            change = emails.Change.from_row(row)
            index.changes[change.pk] = change
            index.by_pledge[change.pledge_id].append(change)
            index.by_source[change.source_id].append(change)
            if change.actor_id is not None:
                index.by_party[change.actor_id].append(change)
        themes = Pledge.themes.through.objects.filter(
            pledge_id__in=updates.order_by().values("pledge_id")
        ).values_list("pledge_id", "theme_id")
        for pledge_id, theme_id in themes.iterator(chunk_size=2000):
            index.by_theme[theme_id].extend(index.by_pledge.get(pledge_id, ()))
        return index

    @classmethod
    def recorded_between(cls, after, until):
        """Updates that count, recorded in (after, until]."""
        return cls.of(StatusUpdate.objects.recorded().filter(created__gt=after, created__lte=until))

    @classmethod
    def of_ids(cls, ids):
        return cls.of(StatusUpdate.objects.recorded().filter(pk__in=ids))

    def matching(self, follows, after):
        """The changes recorded after ``after`` on what ``follows`` (tuples
        of pledge, theme, party and source ids) name, newest first, once each."""
        found = {}
        for pledge_id, theme_id, party_id, source_id in follows:
            if pledge_id is not None:
                candidates = self.by_pledge.get(pledge_id, ())
            elif theme_id is not None:
                candidates = self.by_theme.get(theme_id, ())
            elif party_id is not None:
                candidates = self.by_party.get(party_id, ())
            else:
                candidates = self.by_source.get(source_id, ())
            for change in candidates:
                if change.created > after:
                    found[change.pk] = change
        return sorted(found.values(), key=lambda c: (c.created, c.pk), reverse=True)


@dataclass
class RunReport:
    composed: int = 0
    considered: int = 0
    sent: int = 0
    cancelled: int = 0


def cutoff_at(now):
    return now - timedelta(seconds=settings.ALERTS_SETTLE_SECONDS)


def compose(now=None, report=None):
    """Phase 1: one outbox message per due follower with something to say."""
    now = now or timezone.now()
    report = report or RunReport()
    cutoff = cutoff_at(now)
    due = Subscriber.objects.due(now).filter(covered_until__lt=cutoff)
    earliest = due.aggregate(earliest=Min("covered_until"))["earliest"]
    if earliest is None:
        return report
    index = ChangeIndex.recorded_between(earliest, cutoff)
    after_pk = 0
    while True:
        with transaction.atomic():
            # Locked, and read again inside the transaction: a follower that
            # another run has just moved on is no longer due.
            chunk = list(
                due.filter(pk__gt=after_pk)
                .order_by("pk")
                .select_for_update(skip_locked=True)
                .only("pk", "email", "link_key", "covered_until", "language")[:CHUNK]
            )
            if not chunk:
                break
            after_pk = chunk[-1].pk
            composed = compose_chunk(chunk, index, cutoff)
            Subscriber.objects.filter(pk__in=[s.pk for s in chunk]).update(
                covered_until=cutoff, last_digest_at=now
            )
        report.considered += len(chunk)
        report.composed += composed
    return report


def compose_chunk(chunk, index, cutoff):
    """Insert the chunk's messages (two queries, or a few more on SQLite,
    whose bulk inserts go a hundred rows at a time); how many."""
    follows = defaultdict(list)
    rows = Follow.objects.filter(subscriber__in=[s.pk for s in chunk]).values_list(
        "subscriber_id", "pledge_id", "theme_id", "party_id", "source_id"
    )
    for subscriber_id, *target in rows:
        follows[subscriber_id].append(target)
    messages = []
    for subscriber in chunk:
        changes = index.matching(follows.get(subscriber.pk, ()), subscriber.covered_until)
        if not changes:
            continue
        rendered = emails.render_digest(subscriber, changes)
        messages.append(
            OutboxMessage(
                subscriber=subscriber,
                covers_from=subscriber.covered_until,
                covers_until=cutoff,
                update_ids=[change.pk for change in changes],
                message_id=message_id_for(subscriber.pk, subscriber.covered_until),
                subject=rendered.subject,
                body_text=rendered.text,
                body_html=rendered.html,
            )
        )
    OutboxMessage.objects.bulk_create(messages, batch_size=100)
    return len(messages)


def email_of(row):
    """The outbox row as an e-mail, with the RFC 8058 one-click headers (the
    unsubscribe link in the follower's language, as in the footer)."""
    with translation.override(row.subscriber.language):
        unsubscribe = unsubscribe_url(row.subscriber)
    message = EmailMultiAlternatives(
        subject=row.subject,
        body=row.body_text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[row.subscriber.email],
        headers={
            "Message-ID": row.message_id,
            "List-Unsubscribe": f"<{unsubscribe}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
            "Auto-Submitted": "auto-generated",
        },
    )
    message.attach_alternative(row.body_html, "text/html")
    return message


def without_withdrawn(row):
    """Take out of ``row`` any update withdrawn since it was composed
    (re-rendering what is left); False if nothing is left to send."""
    withdrawn = set(
        StatusUpdate.objects.filter(pk__in=row.update_ids)
        .exclude(withdrawn_at=None)
        .values_list("pk", flat=True)
    )
    if not withdrawn:
        return True
    remaining = [pk for pk in row.update_ids if pk not in withdrawn]
    index = ChangeIndex.of_ids(remaining)
    changes = [index.changes[pk] for pk in remaining if pk in index.changes]
    if not changes:
        OutboxMessage.objects.filter(pk=row.pk).update(cancelled_at=timezone.now())
        return False
    rendered = emails.render_digest(row.subscriber, changes)
    row.update_ids = [change.pk for change in changes]
    row.subject, row.body_text, row.body_html = rendered.subject, rendered.text, rendered.html
    row.save(update_fields=["update_ids", "subject", "body_text", "body_html"])
    return True


def deliver(report=None, mail_connection=None):
    """Phase 2: send each unsent message, oldest first, and mark it sent."""
    report = report or RunReport()
    after_pk = 0
    mail_connection = mail_connection or get_connection()
    with mail_connection:
        while True:
            ids = list(
                OutboxMessage.objects.pending()
                .filter(pk__gt=after_pk)
                .order_by("pk")
                .values_list("pk", flat=True)[:CHUNK]
            )
            if not ids:
                break
            after_pk = ids[-1]
            for pk in ids:
                row = OutboxMessage.objects.pending().select_related("subscriber").filter(pk=pk)
                row = row.first()
                if row is None:  # unsubscribed meanwhile
                    continue
                if not without_withdrawn(row):
                    report.cancelled += 1
                    continue
                try:
                    mail_connection.send_messages([email_of(row)])
                except smtplib.SMTPRecipientsRefused as refused:
                    # One bad address must not hold up everyone queued after
                    # it: a permanent refusal (5xx) cancels this message, a
                    # temporary one leaves it for the next run.
                    codes = [code for code, _text in refused.recipients.values()]
                    logger.warning("The mail server refused message %s: %s", pk, codes)
                    if all(code >= 500 for code in codes):
                        OutboxMessage.objects.filter(pk=pk).update(cancelled_at=timezone.now())
                        report.cancelled += 1
                    continue
                # The at-least-once window is here: accepted, not yet marked.
                OutboxMessage.objects.filter(pk=pk).update(sent_at=timezone.now())
                report.sent += 1
    return report


def prune(now=None):
    now = now or timezone.now()
    OutboxMessage.objects.exclude(sent_at=None).filter(sent_at__lt=now - KEEP_SENT).delete()
    OutboxMessage.objects.exclude(cancelled_at=None).filter(
        cancelled_at__lt=now - KEEP_SENT
    ).delete()
    ConfirmationRequest.objects.older_than(now - KEEP_CONFIRMATION_REQUESTS).delete()


# Any fixed number: the advisory lock's name among this database's locks.
ADVISORY_LOCK_KEY = 2020_0020


@contextmanager
def single_run():
    """True if this process may run, False if another run holds the lock.
    PostgreSQL: a session advisory lock, shared by every machine on the
    database. SQLite: a lock file beside nothing else, for this machine (an
    SQLite database has only one). Either is released if the process dies."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_try_advisory_lock(%s)", [ADVISORY_LOCK_KEY])
            held = cursor.fetchone()[0]
        try:
            yield held
        finally:
            if held:
                with connection.cursor() as cursor:
                    cursor.execute("SELECT pg_advisory_unlock(%s)", [ADVISORY_LOCK_KEY])
        return
    name = hashlib.sha256(str(connection.settings_dict["NAME"]).encode()).hexdigest()[:16]
    path = Path(tempfile.gettempdir()) / f"pledge-tracker-send-alerts-{name}.lock"
    with open(path, "w") as lock_file:
        try:
            fcntl.flock(lock_file, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            yield False
            return
        try:
            yield True
        finally:
            fcntl.flock(lock_file, fcntl.LOCK_UN)
