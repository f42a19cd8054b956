"""Caching of the read-heavy summaries (dashboard, facet counts, the
vocabulary) and of whole public pages for visitors who are not signed in, in
the shared cache, invalidated on every write.

Every cache key carries the current *data version*, a token stored in the
cache itself. Any committed write to a tracker model replaces the token, so
every cached summary is out of use at once, on every app server. The cache is
Django's Redis backend when ``REDIS_URL`` is set; without it, the dummy cache
stores nothing (a per-process memory cache would go stale across processes).

The cache is never a dependency: every call to it goes through ``cache_call``,
which turns an error (Redis stopped, frozen past its socket timeout, read-only
or full) into a miss, logs it, and then leaves the cache alone in this process
for ``RETRY_AFTER`` seconds, so a frozen Redis costs one socket timeout per
process per pause rather than one per call. Pages are then rendered from the
database, and a write that committed is answered as the success it is.

If replacing the data version fails after a write, the process retries it on
its next use of the cache; and nothing is stored for longer than
``CACHE_TIMEOUT``. So the public never sees a page or count older than
``CACHE_TIMEOUT`` seconds after a write, even when the invalidation failed on
every server.
"""

import hashlib
import logging
import threading
import time
import uuid
from functools import wraps

from django.apps import apps
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_migrate, post_save
from django.http import HttpResponse
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.http import urlencode
from django.utils.translation import get_language

logger = logging.getLogger(__name__)

DATA_VERSION_KEY = "tracker:data-version"
# Seconds a summary or page is kept. Writes invalidate sooner; this is the
# bound on how old a page the public can see when an invalidation failed.
CACHE_TIMEOUT = 60
# Seconds this process leaves the cache alone after an error.
RETRY_AFTER = 5


class CacheHealth:
    """This process's view of the cache: whether to leave it alone for now,
    and whether a data-version change is still owed to it."""

    def __init__(self):
        self.lock = threading.Lock()
        self.resting_until = 0.0
        self.version_change_owed = False

    def reset(self):
        self.resting_until = 0.0
        self.version_change_owed = False

    def resting(self):
        return time.monotonic() < self.resting_until

    def failed(self, error, operation):
        with self.lock:
            already = self.resting()
            self.resting_until = time.monotonic() + RETRY_AFTER
        if not already:
            logger.warning(
                "The cache failed on %s (%s: %s); serving from the database and "
                "not using the cache for %s seconds.",
                operation,
                type(error).__name__,
                error,
                RETRY_AFTER,
            )


health = CacheHealth()
MISSING = object()


def cache_call(operation, *args, default=None, **kwargs):
    """``cache.<operation>(...)``, or ``default`` if the cache fails or is
    resting after a failure. Only cache errors are caught: what is computed
    for the cache is computed outside this call."""
    if health.resting():
        return default
    try:
        return getattr(cache, operation)(*args, **kwargs)
    except Exception as error:  # any backend's error: a cache is allowed to fail
        health.failed(error, operation)
        return default


def data_version():
    """The current data version, or None when the cache cannot say (and so
    must not be used)."""
    if health.version_change_owed and not health.resting() and not new_data_version():
        return None
    version = cache_call("get", DATA_VERSION_KEY, default=MISSING)
    if version is None:  # never set, evicted, or a restarted Redis
        cache_call("add", DATA_VERSION_KEY, uuid.uuid4().hex, timeout=None)
        version = cache_call("get", DATA_VERSION_KEY, default=MISSING)
    return None if version is MISSING or version is None else version


def new_data_version():
    """Retire every stored summary and page. True if done; if the cache
    failed, the change is owed and retried by the next ``data_version()``."""
    marker = object()
    done = (
        cache_call("set", DATA_VERSION_KEY, uuid.uuid4().hex, timeout=None, default=marker)
        is not marker
    )
    health.version_change_owed = not done
    return done


def generation(version=None):
    """What every key starts with: the data version (``version``, read from
    the cache unless given), and today's date, since what is stale
    (dashboard, ?stale=, the counts) changes at midnight. None when the
    cache is unavailable."""
    if version is None:
        version = data_version()
    if version is None:
        return None
    return f"{version}:{timezone.localdate().isoformat()}"


def cached(name, compute, *key_parts):
    """``compute()``, cached under ``name`` and ``key_parts`` for the current
    data version, day and language (computed afresh when the cache is
    unavailable). The language, because a summary may hold words already
    translated: a French visitor must never be served an English one."""
    current = generation()
    if current is None:
        return compute()
    key_parts = (get_language(), *key_parts)
    digest = hashlib.sha256(repr(key_parts).encode()).hexdigest()[:32]
    key = f"tracker:{name}:{current}:{digest}"
    value = cache_call("get", key)
    if value is None:
        value = compute()
        cache_call("set", key, value, CACHE_TIMEOUT)
    return value


def cached_page(params=()):
    """Serve a public page from the shared cache to visitors who are not
    signed in, stored per data version, day and URL: any committed write
    retires every stored page at once, like the summaries above.

    - Only a GET or HEAD that carries no session and no messages cookie is
      served or stored, so the page cannot be anyone's own (a signed-in
      visitor always has a session cookie; a flash message travels in one of
      the two).
    - Only URLs whose query parameters are all among ``params`` are cached,
      keyed by the parameters sorted and without blanks, so made-up
      parameters cannot fill the cache with copies of a page.
    - Only a complete 200 response is stored, and not if rendering it asked
      for a CSRF token, which would be personal.

    Middleware runs on a stored page as on a fresh one, so the security
    headers are the same, and a stored page says ``Vary: Cookie`` as the
    fresh one does. With the dummy cache (no REDIS_URL) nothing is stored."""
    allowed = frozenset(params)

    def decorate(view):
        @wraps(view)
        def serve(request, *args, **kwargs):
            if (
                request.method not in ("GET", "HEAD")
                or not is_anonymous_visit(request)
                or not allowed.issuperset(request.GET)
            ):
                return view(request, *args, **kwargs)
            current = generation()
            if current is None:  # the cache is unavailable: render
                return view(request, *args, **kwargs)
            key = f"tracker:page:{current}:{page_digest(request)}"
            stored = cache_call("get", key)
            if stored is not None:
                content, content_type = stored
                response = HttpResponse(content, content_type=content_type)
                patch_vary_headers(response, ["Cookie"])
                return response
            response = view(request, *args, **kwargs)
            if (
                response.status_code == 200
                and not response.streaming
                and not response.cookies
                and not request.META.get("CSRF_COOKIE_NEEDS_UPDATE")
            ):
                cache_call("set", key, (response.content, response["Content-Type"]), CACHE_TIMEOUT)
            return response

        return serve

    return decorate


def is_anonymous_visit(request):
    cookies = request.COOKIES
    return settings.SESSION_COOKIE_NAME not in cookies and CookieStorage.cookie_name not in cookies


def page_digest(request):
    """The page's scheme, host and path (a page may carry absolute links) and
    its query without blank values, sorted by name; each parameter's values
    stay in their order, since a one-value filter reads the last one."""
    query = [
        (name, value)
        for name, values in sorted(request.GET.lists())
        for value in values
        if value.strip()
    ]
    url = f"{request.scheme}://{request.get_host()}{request.path}?{urlencode(query)}"
    return hashlib.sha256(url.encode()).hexdigest()


def invalidate_on_write(sender, **kwargs):
    # After commit: a reader must not cache the old data under the new version.
    # new_data_version() never raises; robust=True also keeps any other error
    # in it from turning a committed write into a 500.
    transaction.on_commit(new_data_version, robust=True)


def new_data_version_after_migrate(sender, **kwargs):
    # A deploy runs migrate: no page or summary of the old code outlives it.
    new_data_version()


def connect():
    """Called from the app's ready(): every tracker model, its m2m tables and
    its history records; user accounts, whose names the pages show; and
    migrate, which every deploy runs."""
    user_model = get_user_model()
    post_save.connect(invalidate_on_write, sender=user_model, dispatch_uid="cache-invalidate-user")
    post_migrate.connect(new_data_version_after_migrate, dispatch_uid="cache-invalidate-migrate")
    for model in apps.get_app_config("tracker").get_models():
        if not getattr(model, "affects_public_pages", True):
            continue
        uid = f"cache-invalidate-{model._meta.label_lower}"
        post_save.connect(invalidate_on_write, sender=model, dispatch_uid=f"{uid}-save")
        post_delete.connect(invalidate_on_write, sender=model, dispatch_uid=f"{uid}-delete")
        for field in model._meta.many_to_many:
            m2m_changed.connect(
                invalidate_on_write,
                sender=field.remote_field.through,
                dispatch_uid=f"{uid}-{field.name}",
            )


def cache_configured():
    """Whether a shared cache is configured at all (REDIS_URL)."""
    return "DummyCache" not in settings.CACHES["default"]["BACKEND"]


def cache_answers():
    """Whether the shared cache answers now: False when none is configured,
    when this process is resting after an error, or when a read fails (which
    starts such a rest, as any failed call does). Never raises."""
    if not cache_configured() or health.resting():
        return False
    return cache_call("get", DATA_VERSION_KEY, default=MISSING) is not MISSING
