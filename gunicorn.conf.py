"""gunicorn settings for production: `gunicorn -c gunicorn.conf.py tracker.wsgi`.

gunicorn bounds the request line and the headers; it has no limit on the
body, which Django bounds (MAX_UPLOAD_SIZE, DATA_UPLOAD_MAX_MEMORY_SIZE in
tracker/settings.py) and the proxy in front should bound too (README,
Deploying). Each value can be overridden on the command line.
"""

import os

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("GUNICORN_WORKERS", "3"))
# A request running longer than this is killed, so one slow request cannot
# hold a worker for ever.
timeout = 30
# The longest request line (method, path and query string), in bytes: long
# enough for every filter combination the list pages offer.
limit_request_line = 4094
# At most this many headers, each at most this many bytes (a session and a
# CSRF cookie fit easily).
limit_request_fields = 50
limit_request_field_size = 8190
accesslog = "-"
