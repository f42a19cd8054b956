"""Rate limits on confirmation e-mail, per address and per client address,
counted in the database (``ConfirmationRequest``): they hold across app
servers and do not depend on Redis, so there is no fail-open or fail-closed
choice to make when the cache is down. Every request counts, refused ones
too, so a client that keeps trying stays refused.
"""

from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.utils import timezone

from tracker.alerts.models import ConfirmationRequest, keyed_digest, normalise_address
from tracker.api.throttling import parse_rate
from tracker.client_address import client_ip


@dataclass(frozen=True)
class Verdict:
    client_over: bool
    address_over: bool


def count_request(request, address):
    """Record this confirmation request and say which limit, if any, it is over."""
    now = timezone.now()
    address_digest = keyed_digest(normalise_address(address))
    client_digest = keyed_digest(client_ip(request))
    address_limit, address_period = parse_rate(settings.ALERTS_CONFIRM_RATE_ADDRESS)
    client_limit, client_period = parse_rate(settings.ALERTS_CONFIRM_RATE_CLIENT)
    recent = ConfirmationRequest.objects
    by_client = recent.filter(client_digest=client_digest).since(
        now - timedelta(seconds=client_period)
    )
    by_address = recent.filter(address_digest=address_digest).since(
        now - timedelta(seconds=address_period)
    )
    verdict = Verdict(
        client_over=by_client.count() >= client_limit,
        address_over=by_address.count() >= address_limit,
    )
    ConfirmationRequest.objects.create(address_digest=address_digest, client_digest=client_digest)
    return verdict
