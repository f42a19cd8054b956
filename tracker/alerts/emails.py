"""What alert e-mail says: the digest (text and HTML) and the confirmation.

Templates in templates/alerts/; every link is absolute (``SITE_URL``).
"""

from dataclasses import dataclass
from datetime import date, datetime
from functools import lru_cache

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext, ngettext

from tracker.alerts.links import absolute, confirmation_token, following_url, unsubscribe_url
from tracker.models import Status, UpdateKind

# A digest lists at most this many changes (the newest); the rest are
# counted and the follower is pointed at the pages they follow. Bounds the
# size of every message, and of the outbox.
MAX_CHANGES_SHOWN = 50


@dataclass(frozen=True)
class Change:
    """One recorded update as a digest shows it."""

    pk: int
    created: datetime
    pledge_id: int
    pledge_ref: str
    pledge_title: str
    source_id: int
    actor_id: int | None
    actor_name: str | None
    status: str
    as_of: date
    kind: str
    summary: str
    evidence_url: str
    evidence_reference: str

    @classmethod
    def from_row(cls, row):
        return cls(*row)

    @property
    def status_label(self):
        return Status(self.status).label

    @property
    def kind_label(self):
        return UpdateKind(self.kind).label

    @property
    def url(self):
        return absolute(reverse("update-detail", args=[self.pk]))

    @property
    def pledge_url(self):
        return absolute(reverse("pledge-detail", args=[self.pledge_ref]))


@dataclass(frozen=True)
class Rendered:
    subject: str
    text: str
    html: str


# Each change is rendered once per run, however many digests list it (a
# theme's change goes to everyone who follows the theme). Updates are
# append-only, so a rendered change never goes stale; the bound keeps a
# run's cache to a few tens of MB.
@lru_cache(maxsize=10_000)
def change_blocks(change, language):
    """The change as the text part and the HTML part show it, in
    ``language`` (the active one: the argument keys the cache)."""
    context = {"change": change}
    return (
        render_to_string("alerts/_change.txt", context),
        render_to_string("alerts/_change.html", context),
    )


def render_digest(subscriber, changes):
    """The digest in the follower's language, its links to that language's pages."""
    with translation.override(subscriber.language):
        return render_digest_in_language(subscriber, changes)


def render_digest_in_language(subscriber, changes):
    shown = changes[:MAX_CHANGES_SHOWN]
    blocks = [change_blocks(change, translation.get_language()) for change in shown]
    count = len(changes)
    if count == 1:
        subject = gettext("Pledge Tracker: a new update on %(ref)s (%(status)s)") % {
            "ref": shown[0].pledge_ref,
            "status": shown[0].status_label,
        }
    else:
        subject = ngettext(
            "Pledge Tracker: %(count)d change on what you follow",
            "Pledge Tracker: %(count)d changes on what you follow",
            count,
        ) % {"count": count}
    context = {
        "count": count,
        "not_shown": count - len(shown),
        "following_url": following_url(subscriber),
        "unsubscribe_url": unsubscribe_url(subscriber),
        "site_url": settings.SITE_URL,
    }
    return Rendered(
        subject=subject[:200],
        text=render_to_string("alerts/digest.txt", {**context, "blocks": [b[0] for b in blocks]}),
        html=render_to_string("alerts/digest.html", {**context, "blocks": [b[1] for b in blocks]}),
    )


def send_confirmation(address, target, frequency, already_following_url=None):
    """The one message an address gets before it is confirmed: a link that
    confirms this follow (or, for an address that follows it already, a link
    to what it follows). Sent in the request, as the password reset is."""
    token = confirmation_token(address, target, frequency)
    context = {
        "target": target,
        "confirm_url": absolute(reverse("alerts:confirm", args=[token])),
        "hours": settings.ALERTS_CONFIRM_HOURS,
        "already_following_url": already_following_url,
        "site_url": settings.SITE_URL,
    }
    send_mail(
        subject=gettext("Confirm your Pledge Tracker alerts")
        if already_following_url is None
        else gettext("You already follow this on Pledge Tracker"),
        message=render_to_string("alerts/confirm_email.txt", context),
        from_email=settings.DEFAULT_FROM_EMAIL,
        recipient_list=[address],
    )
