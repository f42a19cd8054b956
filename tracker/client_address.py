"""The real address of the client, behind the documented proxies.

Each proxy in front of the app appends the address it received the request
from to ``X-Forwarded-For``. With ``PROXY_DEPTH`` proxies, the app trusts
exactly that many entries, counted from the right: the entry written by the
outermost proxy is the client. Anything further left was sent by the client
itself and is ignored, so a forged header cannot pick the address that
sign-in throttling counts against.
"""

import ipaddress

from django.conf import settings


def client_ip(request):
    remote = request.META.get("REMOTE_ADDR", "")
    depth = settings.PROXY_DEPTH
    if depth == 0:
        return remote
    forwarded = [
        entry.strip()
        for entry in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
        if entry.strip()
    ]
    if len(forwarded) < depth:
        # Not forwarded by every proxy: whoever connected is all we know.
        return remote
    candidate = forwarded[-depth]
    try:
        return str(ipaddress.ip_address(candidate))
    except ValueError:
        return remote
