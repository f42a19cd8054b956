"""The signed links in alert e-mail, with django.core.signing (the site's
SECRET_KEY; a salt per kind of link, so one kind can never stand for another).

- A **confirmation** link carries the whole follow request (address, target,
  frequency) and expires after ``ALERTS_CONFIRM_HOURS``: nothing is stored
  before it is used.
- A **follower** link (the "following" page and one-click unsubscribe) names
  the follower and their ``link_key``; it does not expire, because an
  unsubscribe link in an old message must keep working, and a new key
  revokes them all. It carries no timestamp either: one follower always
  gets the same link, so the List-Unsubscribe header and the footer of a
  message, signed a moment apart, can never differ.
"""

from django.conf import settings
from django.core import signing
from django.urls import reverse

from tracker.alerts.models import Subscriber

CONFIRM_SALT = "tracker.alerts.confirm"
FOLLOWER_SALT = "tracker.alerts.follower"


def absolute(path):
    return settings.SITE_URL + path


def confirmation_token(address, target, frequency):
    return signing.dumps(
        {"e": address, "k": target.kind, "t": target.obj.pk, "f": frequency},
        salt=CONFIRM_SALT,
        compress=True,
    )


def read_confirmation(token):
    """The request a confirmation link carries, or None if it was tampered
    with or has expired."""
    try:
        return signing.loads(token, salt=CONFIRM_SALT, max_age=settings.ALERTS_CONFIRM_HOURS * 3600)
    except signing.BadSignature:
        return None


def follower_signer():
    return signing.Signer(salt=FOLLOWER_SALT)


def follower_token(subscriber):
    return follower_signer().sign_object({"s": subscriber.pk, "k": subscriber.link_key})


def read_follower(token):
    """The follower a link names, or None (bad signature, unknown follower,
    or a key that has been replaced)."""
    try:
        if token.count(":") == 2:
            # A link sent before follower links lost their timestamp
            # ("payload:timestamp:signature"); it must keep working.
            data = signing.loads(token, salt=FOLLOWER_SALT)
        else:
            data = follower_signer().unsign_object(token)
    except signing.BadSignature:
        return None
    subscriber = Subscriber.objects.filter(pk=data.get("s")).first()
    if subscriber is None or subscriber.link_key != data.get("k"):
        return None
    return subscriber


def following_url(subscriber):
    return absolute(reverse("alerts:following", args=[follower_token(subscriber)]))


def unsubscribe_url(subscriber):
    return absolute(reverse("alerts:unsubscribe", args=[follower_token(subscriber)]))
