"""WSGI entry point, used by gunicorn in production (``gunicorn tracker.wsgi``)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tracker.settings")

application = get_wsgi_application()

# gunicorn runs no system checks: refuse weak production settings here, before
# the first request is served.
from tracker.checks import refuse_weak_production_settings  # noqa: E402

refuse_weak_production_settings()
