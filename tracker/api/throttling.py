"""Rate limits for the API: fixed windows counted in the shared cache.

Each scope (anonymous reads, token reads, writes, exports) has a rate in
``settings.API_THROTTLE_RATES`` such as ``"120/minute"``. A client is counted
by its token when it sends one and by its address otherwise.

The shared cache (Redis) can be down or absent. A throttle must then neither
fail the request nor stop limiting: it counts in this process's memory
instead, which still bounds what one client can ask of each worker.
"""

import logging
import time

from django.conf import settings
from django.core.cache import cache
from django.core.cache.backends.dummy import DummyCache
from django.core.cache.backends.locmem import LocMemCache

from tracker.client_address import client_ip

logger = logging.getLogger(__name__)

PERIODS = {"second": 1, "minute": 60, "hour": 3600, "day": 86400}

# This process's own counters, for when the shared cache cannot count.
local_counters = LocMemCache("tracker-api-throttle", {"MAX_ENTRIES": 10_000})


def parse_rate(rate):
    """``"120/minute"`` -> ``(120, 60)``."""
    count, _, period = rate.partition("/")
    return int(count), PERIODS[period.strip()]


def count_in(store, key, timeout):
    """Count one under ``key`` (made with ``timeout`` by the window's first
    request); the count so far. Incrementing first: the key is there for
    every request of a window but the first, and each call is a round trip
    to the cache (Django's Redis incr() is two, add() one)."""
    try:
        return store.incr(key)
    except ValueError:  # the window's first request
        pass
    if store.add(key, 1, timeout):
        return 1
    try:  # another request added it meanwhile
        return store.incr(key)
    except ValueError:  # and it expired since
        store.set(key, 1, timeout)
        return 1


def hit(key, timeout):
    """Count one request under ``key``; the count so far in this window."""
    if not isinstance(cache, DummyCache):
        try:
            return count_in(cache, key, timeout)
        except Exception:
            logger.warning("The shared cache cannot count API requests; counting in memory.")
    return count_in(local_counters, key, timeout)


def wait_for(scope, ident, now=None):
    """Count this request against ``scope`` for ``ident``. ``None`` if it may
    go ahead, else how many seconds to wait."""
    limit, period = parse_rate(settings.API_THROTTLE_RATES[scope])
    now = time.time() if now is None else now
    window = int(now // period)
    if hit(f"tracker:throttle:{scope}:{ident}:{window}", period + 1) <= limit:
        return None
    return max(1, int((window + 1) * period - now))


def client_address(request):
    """The client's address as sign-in throttling counts it (PROXY_DEPTH)."""
    return client_ip(request)
