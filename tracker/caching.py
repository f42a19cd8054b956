"""Caching of the read-heavy summaries (dashboard, facet counts) in the shared
cache, invalidated on every write.

Every cache key carries the current *data version*, a token stored in the
cache itself. Any committed write to a tracker model replaces the token, so
every cached summary is out of use at once, on every app server. The cache is
Django's Redis backend when ``REDIS_URL`` is set; without it, the dummy cache
stores nothing (a per-process memory cache would go stale across processes).
"""

import hashlib
import uuid

from django.apps import apps
from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save

DATA_VERSION_KEY = "tracker:data-version"
SUMMARY_TIMEOUT = 15 * 60  # seconds; writes invalidate sooner


def data_version():
    version = cache.get(DATA_VERSION_KEY)
    if version is None:
        cache.add(DATA_VERSION_KEY, uuid.uuid4().hex, timeout=None)
        version = cache.get(DATA_VERSION_KEY) or "uncached"
    return version


def new_data_version():
    cache.set(DATA_VERSION_KEY, uuid.uuid4().hex, timeout=None)


def cached(name, compute, *key_parts):
    """``compute()``, cached under ``name`` and ``key_parts`` for the current
    data version."""
    digest = hashlib.sha256(repr(key_parts).encode()).hexdigest()[:32]
    key = f"tracker:{name}:{data_version()}:{digest}"
    value = cache.get(key)
    if value is None:
        value = compute()
        cache.set(key, value, SUMMARY_TIMEOUT)
    return value


def invalidate_on_write(sender, **kwargs):
    # After commit: a reader must not cache the old data under the new version.
    transaction.on_commit(new_data_version)


def connect():
    """Called from the app's ready(): every tracker model, its m2m tables and
    its history records."""
    for model in apps.get_app_config("tracker").get_models():
        uid = f"cache-invalidate-{model._meta.label_lower}"
        post_save.connect(invalidate_on_write, sender=model, dispatch_uid=f"{uid}-save")
        post_delete.connect(invalidate_on_write, sender=model, dispatch_uid=f"{uid}-delete")
        for field in model._meta.many_to_many:
            m2m_changed.connect(
                invalidate_on_write,
                sender=field.remote_field.through,
                dispatch_uid=f"{uid}-{field.name}",
            )
