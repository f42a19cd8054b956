"""WSGI entry point, used by gunicorn in production (``gunicorn tracker.wsgi``)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tracker.settings")

application = get_wsgi_application()

# gunicorn runs no system checks: refuse weak production settings here, before
# the first request is served.
from tracker.checks import refuse_weak_production_settings  # noqa: E402

refuse_weak_production_settings()

# What is loaded by now (Django, the apps, and through the URLconf every view
# module) lives as long as the worker. gc.freeze() takes it out of the
# collector's generations, so the full collections that a request building
# many objects triggers every few requests (an API page of 100 pledges makes
# ~1,100 dicts) walk that request's objects rather than the ~130,000 of the
# code. Measured on an API page: the slowest of 21 requests fell from
# 101-112 ms to 41-48 ms; the median (~30 ms) did not move.
import gc  # noqa: E402

from django.urls import get_resolver  # noqa: E402

get_resolver().url_patterns  # noqa: B018 - imports the views now, not at the first request
gc.freeze()
