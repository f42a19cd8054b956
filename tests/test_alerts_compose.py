"""manage.py send_alerts, in process: what is composed for whom, withdrawals,
frequencies, the settling delay and a fixed number of queries per chunk.
(Real SMTP: tests/test_alerts_smtp.py; a killed run: tests/test_alerts_crash.py.)"""

import threading
from collections import Counter
from datetime import UTC, datetime, timedelta

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import IntegrityError, connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tests.factories import make_actor, make_pledge, make_source, make_theme, make_update, make_user
from tests.party_helpers import make_party
from tracker.alerts import delivery
from tracker.alerts.models import Frequency, OutboxMessage, Subscriber, Target
from tracker.models import Status, UpdateKind

pytestmark = pytest.mark.django_db


def follower(address, *targets, frequency="immediate", since=None):
    subscriber = None
    for target in targets:
        subscriber = Subscriber.objects.confirm(address, target, frequency)
    if since is not None:
        Subscriber.objects.filter(pk=subscriber.pk).update(covered_until=since)
    return subscriber


def earlier(**delta):
    return timezone.now() - timedelta(**delta)


@pytest.fixture
def world():
    source = make_source(slug="asem-2002", short_title="ASEM 2002")
    theme = make_theme(slug="financing", name="Terrorist financing")
    pledges = [make_pledge(source=source, ref=f"asem-2002-{i}.1", themes=[theme]) for i in (1, 2)]
    other = make_pledge(ref="un-2003-1.1")
    party = make_party(source, slug="belgium", name="Belgium")
    author = make_user("assessor")
    return {
        "source": source,
        "theme": theme,
        "pledges": pledges,
        "other": other,
        "party": party,
        "author": author,
    }


def record(world, pledge, **fields):
    return make_update(pledge, author=world["author"], **fields)


def test_one_message_per_follower_however_many_pledges_changed(world):
    start = earlier(minutes=1)
    ana = follower("ana@example.org", Target("theme", world["theme"]), since=start)
    bob = follower("bob@example.org", Target("pledge", world["pledges"][0]), since=start)
    cem = follower("cem@example.org", Target("pledge", world["other"]), since=start)
    for pledge in world["pledges"]:
        record(world, pledge, status=Status.LIMITED)
        record(world, pledge, status=Status.SUBSTANTIAL)

    call_command("send_alerts")

    by_address = {message.to[0]: message for message in mail.outbox}
    assert sorted(by_address) == ["ana@example.org", "bob@example.org"]
    assert len(mail.outbox) == 2
    assert by_address["ana@example.org"].subject == "Pledge Tracker: 4 changes on what you follow"
    assert by_address["bob@example.org"].subject == "Pledge Tracker: 2 changes on what you follow"
    assert "asem-2002-2.1" not in by_address["bob@example.org"].body
    for subscriber in (ana, bob, cem):
        subscriber.refresh_from_db()
        assert subscriber.covered_until > start
    # A second run finds nothing new.
    call_command("send_alerts")
    assert len(mail.outbox) == 2


def test_a_follower_who_confirmed_in_french_reads_french(world, client):
    # Confirmed on the French site: the digest, its subject and every link
    # (to the pledge, the update, the following page, the one-click
    # unsubscribe in the header and the footer) are French.
    client.post(
        f"/fr/alerts/follow/pledge/{world['pledges'][0].ref}/",
        {"email": "eve@example.org", "frequency": "immediate"},
    )
    [confirmation] = mail.outbox
    assert "Confirmez" in confirmation.subject
    link = confirmation.body.split("http://testserver", 1)[1].split()[0]
    assert link.startswith("/fr/alerts/confirm/")
    client.post(link)
    eve = Subscriber.objects.get(email="eve@example.org")
    assert eve.language == "fr"
    follower("ana@example.org", Target("pledge", world["pledges"][0]))  # in English
    Subscriber.objects.update(covered_until=earlier(minutes=1))
    mail.outbox.clear()
    record(world, world["pledges"][0], status=Status.SUBSTANTIAL, as_of="2005-06-30")

    call_command("send_alerts")

    by_address = {message.to[0]: message for message in mail.outbox}
    french, english = by_address["eve@example.org"], by_address["ana@example.org"]
    assert (
        french.subject
        == "Pledge Tracker\u00a0: nouvelle mise à jour sur asem-2002-1.1 (Substantiel)"
    )
    assert english.subject == "Pledge Tracker: a new update on asem-2002-1.1 (Substantial)"
    html = french.alternatives[0][0]
    assert (
        '<html lang="fr">' in html
        and "au 30 juin 2005" in html
        and "au 30 juin 2005" in french.body
    )
    assert "Arrêter toutes les alertes de Pledge Tracker" in french.body
    header = french.extra_headers["List-Unsubscribe"].strip("<>")
    assert header.startswith("http://testserver/fr/alerts/unsubscribe/") and header in html
    assert "http://testserver/fr/pledges/asem-2002-1.1/" in html
    assert "/fr/" not in english.body and "/fr/" not in english.extra_headers["List-Unsubscribe"]


def test_each_change_comes_with_its_evidence_and_a_link(world):
    follower("ana@example.org", Target("pledge", world["pledges"][0]), since=earlier(minutes=1))
    update = record(
        world,
        world["pledges"][0],
        status=Status.SUBSTANTIAL,
        summary="Most partners filed their reports.",
        evidence_url="https://www.un.org/reports/2005",
        evidence_reference="S/2005/1",
    )
    call_command("send_alerts")
    [message] = mail.outbox
    assert message.subject == "Pledge Tracker: a new update on asem-2002-1.1 (Substantial)"
    for part in (message.body, message.alternatives[0][0]):
        assert "Most partners filed their reports." in part
        assert "https://www.un.org/reports/2005" in part and "S/2005/1" in part
        assert f"http://testserver/updates/{update.pk}/" in part


def test_each_kind_of_target_matches_its_updates(world):
    since = earlier(minutes=1)
    party, source = world["party"], world["source"]
    by_party = follower("party@example.org", Target("party", party), since=since)
    by_source = follower("source@example.org", Target("source", source), since=since)
    record(world, world["pledges"][0], kind=UpdateKind.SELF_REPORT, actor=party)
    record(world, world["other"])

    call_command("send_alerts", "--compose-only")

    assert OutboxMessage.objects.get(subscriber=by_party).update_ids == [
        world["pledges"][0].updates.get().pk
    ]
    assert OutboxMessage.objects.filter(subscriber=by_source).count() == 1
    assert OutboxMessage.objects.count() == 2


def test_withdrawn_updates_are_never_announced(world):
    follower("ana@example.org", Target("theme", world["theme"]), since=earlier(minutes=1))
    kept = record(world, world["pledges"][0], summary="This one stands.")
    withdrawn = record(world, world["pledges"][1], summary="This one was wrong.")
    withdrawn.withdraw(world["author"], "Wrong pledge.")

    call_command("send_alerts")

    [message] = mail.outbox
    assert "This one stands." in message.body and "This one was wrong." not in message.body
    assert OutboxMessage.objects.get().update_ids == [kept.pk]


def test_an_update_withdrawn_after_composing_is_taken_out_before_sending(world):
    follower("ana@example.org", Target("theme", world["theme"]), since=earlier(minutes=1))
    record(world, world["pledges"][0], summary="This one stands.")
    late = record(world, world["pledges"][1], summary="Withdrawn while queued.")
    call_command("send_alerts", "--compose-only")
    assert "Withdrawn while queued." in OutboxMessage.objects.get().body_text

    late.withdraw(world["author"], "Duplicate.")
    call_command("send_alerts", "--deliver-only")

    [message] = mail.outbox
    assert "Withdrawn while queued." not in message.body
    assert "Withdrawn while queued." not in message.alternatives[0][0]
    assert message.subject == "Pledge Tracker: a new update on asem-2002-1.1 (Ongoing)"


def test_a_message_whose_every_update_was_withdrawn_is_not_sent(world):
    follower("ana@example.org", Target("pledge", world["pledges"][0]), since=earlier(minutes=1))
    only = record(world, world["pledges"][0])
    call_command("send_alerts", "--compose-only")
    only.withdraw(world["author"], "Wrong.")
    call_command("send_alerts", "--deliver-only")
    assert mail.outbox == []
    row = OutboxMessage.objects.get()
    assert row.cancelled_at is not None and row.sent_at is None


def test_nothing_is_sent_for_updates_recorded_before_following(world):
    record(world, world["pledges"][0])
    follower("ana@example.org", Target("pledge", world["pledges"][0]))
    call_command("send_alerts")
    assert mail.outbox == []


def test_digests_go_once_a_day_or_once_a_week(world):
    monday_9 = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)
    daily = follower(
        "daily@example.org", Target("theme", world["theme"]), frequency=Frequency.DAILY
    )
    weekly = follower(
        "weekly@example.org", Target("theme", world["theme"]), frequency=Frequency.WEEKLY
    )
    Subscriber.objects.update(covered_until=monday_9 - timedelta(days=1))

    def run(moment, summary):
        update = record(world, world["pledges"][0], summary=summary)
        type(update).objects.filter(pk=update.pk).update(created=moment - timedelta(minutes=5))
        delivery.compose(now=moment)

    run(monday_9, "Monday morning")
    run(monday_9 + timedelta(hours=3), "Monday noon")  # neither is due again today
    run(monday_9 + timedelta(days=1), "Tuesday")  # daily is due; weekly is not

    def summaries(subscriber):
        return [row.body_text for row in OutboxMessage.objects.filter(subscriber=subscriber)]

    daily_texts, weekly_texts = summaries(daily), summaries(weekly)
    assert len(daily_texts) == 2 and len(weekly_texts) == 1
    assert "Monday morning" in daily_texts[0] and "Monday noon" not in daily_texts[0]
    assert "Monday noon" in daily_texts[1] and "Tuesday" in daily_texts[1]
    # The next Monday the weekly digest has everything since the first.
    delivery.compose(now=monday_9 + timedelta(days=7))
    weekly_texts = summaries(weekly)
    assert len(weekly_texts) == 2
    assert "Monday noon" in weekly_texts[1] and "Tuesday" in weekly_texts[1]


def test_updates_still_settling_wait_for_the_next_run(world, settings):
    """An update stamped just before the run may belong to a transaction
    that has not committed: it is left for the next run, not skipped."""
    settings.ALERTS_SETTLE_SECONDS = 120
    now = timezone.now()
    ana = follower(
        "ana@example.org", Target("theme", world["theme"]), since=now - timedelta(hours=1)
    )
    fresh = record(world, world["pledges"][0], summary="Just recorded.")
    type(fresh).objects.filter(pk=fresh.pk).update(created=now - timedelta(seconds=30))

    delivery.compose(now=now)
    assert not OutboxMessage.objects.exists()
    ana.refresh_from_db()
    assert ana.covered_until == now - timedelta(seconds=120)

    delivery.compose(now=now + timedelta(minutes=5))
    assert OutboxMessage.objects.get().update_ids == [fresh.pk]


def test_a_rerun_cannot_compose_the_same_period_twice(world):
    ana = follower("ana@example.org", Target("theme", world["theme"]), since=earlier(minutes=1))
    record(world, world["pledges"][0])
    ana.refresh_from_db()
    covered = ana.covered_until
    delivery.compose()
    # As if the mark had not moved (a crash between the two, which one
    # transaction rules out): the outbox still refuses a second message.
    Subscriber.objects.filter(pk=ana.pk).update(covered_until=covered)
    with pytest.raises(IntegrityError):
        delivery.compose()


def test_a_long_digest_lists_the_newest_fifty(world):
    follower("ana@example.org", Target("pledge", world["pledges"][0]), since=earlier(hours=1))
    for i in range(55):
        record(world, world["pledges"][0], summary=f"Change number {i}.")
    call_command("send_alerts")
    [message] = mail.outbox
    assert "Change number 54." in message.body and "Change number 4." not in message.body
    assert "5 more changes are not listed here" in message.body


# The due followers' earliest mark; the run's changes and their pledges'
# themes; then per chunk: the locked followers, their follows, the bulk
# insert, the marks; the savepoint around the chunk (the test's transaction
# makes it one), and the empty chunk that ends the loop with its own.
COMPOSE_QUERIES = 12


def test_composing_takes_the_same_queries_for_few_or_many_followers(world):
    """Per chunk of followers, a fixed number of queries, whatever their
    number: the run's changes are read once, the chunk's follows at once."""

    def queries_for(count, prefix):
        OutboxMessage.objects.all().delete()
        for i in range(count):
            follower(
                f"{prefix}{i}@example.org",
                Target("theme", world["theme"]),
                Target("party", world["party"]),
                since=earlier(minutes=10),
            )
        record(world, world["pledges"][0])
        record(world, world["pledges"][1], kind=UpdateKind.SELF_REPORT, actor=world["party"])
        with CaptureQueriesContext(connection) as captured:
            report = delivery.compose()
        assert report.composed == count
        return len(captured)

    few = queries_for(3, "few")
    Subscriber.objects.all().delete()
    # 60 followers: one chunk, and one bulk insert even on SQLite.
    many = queries_for(60, "many")
    assert few == many == COMPOSE_QUERIES, few


@pytest.mark.django_db(transaction=True)
def test_a_second_run_waits_for_the_first(world):
    """Another process (here a thread, with its own database connection: a
    PostgreSQL advisory lock is re-entrant within one session) finds the lock
    taken and sends nothing."""
    follower("ana@example.org", Target("pledge", world["pledges"][0]), since=earlier(minutes=1))
    record(world, world["pledges"][0])

    def another_run():
        try:
            call_command("send_alerts")
        finally:
            connection.close()

    with delivery.single_run() as first:
        assert first
        thread = threading.Thread(target=another_run)
        thread.start()
        thread.join(timeout=60)
    assert mail.outbox == []
    call_command("send_alerts")
    assert len(mail.outbox) == 1


def test_addresses_stay_out_of_public_pages_and_exports(client, world):
    follower("secret-ana@example.org", Target("pledge", world["pledges"][0]))
    follower("secret-ana@example.org", Target("party", world["party"]))
    actor = make_actor()
    assert actor  # an unrelated actor, so the party list has two rows
    for url in (
        world["pledges"][0].get_absolute_url(),
        world["party"].get_absolute_url(),
        "/pledges/export.csv",
        "/updates/export.csv",
        "/api/v1/pledges/",
        "/updates/feed/",
    ):
        response = client.get(url)
        body = b"".join(response.streaming_content) if response.streaming else response.content
        assert b"secret-ana" not in body, url


class CrashAfterAcceptance(Exception):
    pass


def test_a_crash_between_acceptance_and_the_sent_mark_resends_that_one_message(world):
    """The documented at-least-once window, at its worst: the server took
    the message and the job died before marking it. The next run sends it
    again, with the same Message-ID, and nothing else twice."""
    from django.core.mail import get_connection

    since = earlier(minutes=1)
    for name in ("ana", "bob", "cem"):
        follower(f"{name}@example.org", Target("pledge", world["pledges"][0]), since=since)
    record(world, world["pledges"][0])
    delivery.compose()

    class DiesAfterSecond:
        def __init__(self):
            self.inner = get_connection()
            self.accepted = 0

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            return False

        def send_messages(self, messages):
            self.inner.send_messages(messages)
            self.accepted += 1
            if self.accepted == 2:
                raise CrashAfterAcceptance

    with pytest.raises(CrashAfterAcceptance):
        delivery.deliver(mail_connection=DiesAfterSecond())
    delivery.deliver()

    sent = [(message.to[0], message.extra_headers["Message-ID"]) for message in mail.outbox]
    assert len(sent) == 4
    assert Counter(address for address, _ in sent) == Counter(
        {"ana@example.org": 1, "bob@example.org": 2, "cem@example.org": 1}
    )
    assert len({message_id for address, message_id in sent if address == "bob@example.org"}) == 1
    assert not OutboxMessage.objects.pending().exists()


def test_a_run_prunes_old_messages_and_confirmation_requests(world):
    from tracker.alerts.models import ConfirmationRequest

    ana = follower("ana@example.org", Target("pledge", world["pledges"][0]), since=earlier(days=40))
    record(world, world["pledges"][0])
    call_command("send_alerts")
    OutboxMessage.objects.update(sent_at=earlier(days=31))
    ConfirmationRequest.objects.create(
        address_digest="a", client_digest="b", created=earlier(days=2)
    )
    recent = ConfirmationRequest.objects.create(address_digest="c", client_digest="d")

    call_command("send_alerts")

    assert not OutboxMessage.objects.filter(subscriber=ana).exists()
    assert list(ConfirmationRequest.objects.all()) == [recent]
