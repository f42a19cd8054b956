"""Settings for the benchmark server: the production settings, plus a bare
view to measure the ceiling and a middleware that counts queries on request.

``bench/run.py`` starts gunicorn with these. Nothing else changes, so every
endpoint, the admin and the bare view run under the same server settings.
"""

from bench.config import SERVER_NAME
from tracker.settings import *  # noqa: F403
from tracker.settings import MIDDLEWARE

ROOT_URLCONF = "bench.urls"

# First, so that it also counts what the other middleware query (session, user).
# It does nothing unless a request carries the X-Bench-Count-Queries header.
MIDDLEWARE = ["bench.middleware.QueryCountMiddleware", *MIDDLEWARE]

# Names the server's PostgreSQL sessions, so that bench/run.py can end the
# queries of a request it cut short (and nobody else's).
if DATABASES["default"]["ENGINE"].endswith("postgresql"):  # noqa: F405
    DATABASES["default"].setdefault("OPTIONS", {})["application_name"] = SERVER_NAME  # noqa: F405

# With REDIS_URL (bench/run.py sets it, as production does), keep the bench's
# cache entries apart from any other site's on the same Redis.
if "KEY_PREFIX" in CACHES["default"]:  # noqa: F405
    CACHES["default"]["KEY_PREFIX"] = SERVER_NAME  # noqa: F405
