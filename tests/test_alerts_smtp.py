"""An alert digest sent through a real SMTP server (aiosmtpd, started by the
test) and read as it arrived: headers, both parts, and links that work."""

import re
from datetime import timedelta
from html.parser import HTMLParser
from urllib.parse import urlsplit

import pytest
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from tests.factories import make_pledge, make_update, make_user
from tests.smtp_server import Inbox, SmtpServer, use_smtp
from tracker.alerts.models import OutboxMessage, Subscriber, Target
from tracker.models import Status

pytestmark = pytest.mark.django_db


class Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.hrefs = []

    def handle_starttag(self, tag, attrs):
        if tag == "a":
            self.hrefs.append(dict(attrs)["href"])


def hrefs_of(html):
    parser = Links()
    parser.feed(html)
    return parser.hrefs


def local(url):
    assert url.startswith("http://testserver/"), url
    return urlsplit(url).path


@pytest.fixture
def digest(settings, smtp_server):
    """Ana follows a pledge with two new updates; send_alerts runs against the server."""
    use_smtp(settings, smtp_server)
    settings.DEFAULT_FROM_EMAIL = "Pledge Tracker <alerts@pledges.example.org>"
    pledge = make_pledge(ref="asem-2002-3.2", title="Ratify the conventions")
    ana = Subscriber.objects.confirm("ana@example.org", Target("pledge", pledge), "immediate")
    Subscriber.objects.filter(pk=ana.pk).update(covered_until=timezone.now() - timedelta(minutes=1))
    author = make_user("assessor")
    updates = [
        make_update(pledge, author=author, status=Status.LIMITED, summary="Two partners ratified."),
        make_update(
            pledge,
            author=author,
            status=Status.SUBSTANTIAL,
            summary="Most partners ratified.",
            evidence_url="https://treaties.un.org/status",
            evidence_reference="C.N.123.2005",
        ),
    ]
    call_command("send_alerts")
    [(envelope, message)] = smtp_server.inbox.messages
    return {"envelope": envelope, "message": message, "pledge": pledge, "updates": updates}


def test_the_envelope_and_the_headers(digest):
    envelope, message = digest["envelope"], digest["message"]
    assert envelope.mail_from == "alerts@pledges.example.org"
    assert envelope.rcpt_tos == ["ana@example.org"]
    assert message["From"] == "Pledge Tracker <alerts@pledges.example.org>"
    assert message["To"] == "ana@example.org"
    assert message["Subject"] == "Pledge Tracker: 2 changes on what you follow"
    assert re.fullmatch(r"<alert\.\d+\.\d+@testserver>", message["Message-ID"])
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    # A long header is folded onto its own line; unfolded, it is the one URL.
    assert re.fullmatch(
        r"<http://testserver/alerts/unsubscribe/[^>]+/>", message["List-Unsubscribe"].strip()
    )


def test_both_parts_carry_each_change_with_its_evidence(digest):
    message = digest["message"]
    assert message.get_content_type() == "multipart/alternative"
    text = message.get_body(preferencelist=("plain",)).get_content()
    html = message.get_body(preferencelist=("html",)).get_content()
    for part in (text, html):
        assert "Two partners ratified." in part and "Most partners ratified." in part
        assert "https://treaties.un.org/status" in part and "C.N.123.2005" in part
        assert part.index("Most partners") < part.index("Two partners")  # newest first
    assert "<a " not in text


def test_the_links_lead_to_the_right_pages(digest):
    html = digest["message"].get_body(preferencelist=("html",)).get_content()
    client = Client()
    hrefs = [href for href in hrefs_of(html) if href.startswith("http://testserver/")]
    for update in digest["updates"]:
        permalink = f"http://testserver/updates/{update.pk}/"
        assert permalink in hrefs
        page = client.get(local(permalink), follow=True)
        assert page.status_code == 200 and f'id="update-{update.pk}"' in page.text
    assert (
        client.get(local(f"http://testserver/pledges/{digest['pledge'].ref}/")).status_code == 200
    )
    following = [href for href in hrefs if "/alerts/following/" in href]
    page = client.get(local(following[0]))
    assert page.status_code == 200 and "asem-2002-3.2" in page.text


def test_the_one_click_unsubscribe_works_without_signing_in(digest):
    header = digest["message"]["List-Unsubscribe"].strip().strip("<>")
    # What a mail client sends (RFC 8058): a POST with this body, no cookies.
    response = Client(enforce_csrf_checks=True).post(
        local(header),
        "List-Unsubscribe=One-Click",
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 200
    assert not Subscriber.objects.filter(email="ana@example.org").exists()
    html = digest["message"].get_body(preferencelist=("html",)).get_content()
    assert header in hrefs_of(html)  # the footer's link is the same


class RefusesSome(Inbox):
    """Refuses one address for good and another for now, at RCPT."""

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address.startswith("gone@"):
            return "550 No such mailbox"
        if address.startswith("full@"):
            return "452 Mailbox full, try later"
        envelope.rcpt_tos.append(address)
        return "250 OK"


def test_a_refused_address_does_not_hold_up_the_others(settings):
    server = SmtpServer(RefusesSome())
    try:
        use_smtp(settings, server)
        pledge = make_pledge()
        for name in ("gone", "full", "ana"):
            subscriber = Subscriber.objects.confirm(
                f"{name}@example.org", Target("pledge", pledge), "immediate"
            )
            Subscriber.objects.filter(pk=subscriber.pk).update(
                covered_until=timezone.now() - timedelta(minutes=1)
            )
        make_update(pledge, author=make_user("assessor"))
        call_command("send_alerts")
    finally:
        server.stop()

    assert [envelope.rcpt_tos for envelope, _ in server.inbox.messages] == [["ana@example.org"]]
    state = {
        row.subscriber.email: (row.sent_at is not None, row.cancelled_at is not None)
        for row in OutboxMessage.objects.select_related("subscriber")
    }
    assert state == {
        "gone@example.org": (False, True),  # refused for good: cancelled
        "full@example.org": (False, False),  # refused for now: the next run tries again
        "ana@example.org": (True, False),
    }
