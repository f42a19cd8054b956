"""What every part of the benchmark shares: where things are, the names the
bench server is known by, what is measured, and the log line."""

import sys
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
DATA = BENCH / "data"  # scratch: SQLite files, query logs, gunicorn's error log
RESULTS = BENCH / "results"
BIN = Path(sys.executable).parent
DEFAULT_PG_URL = "postgres://postgres@127.0.0.1:5432/pledge_tracker_bench"

# The bench server's name: its PostgreSQL sessions' application_name (so
# that the runner ends only its own queries) and its cache key prefix (so
# that it deletes only its own keys on a shared Redis). bench/settings.py
# applies both.
SERVER_NAME = "pledge-tracker-bench"

# SSD storage, as README's PostgreSQL section recommends for production: with
# the default (4, for spinning disks) the planner reads a broad search's
# matches with a sequential scan.
RANDOM_PAGE_COST = 1.1

# Production runs behind a TLS proxy (SECURE_SSL_REDIRECT is on): say we came through it.
PROXY_HEADERS = {"X-Forwarded-Proto": "https"}

# A cookie that makes a public page be rendered rather than served from the
# page cache: the messages cookie (see tracker.caching.is_anonymous_visit).
RENDER_COOKIE = "messages"

LIST_STATUS = "ongoing"
# A selective two-word search and a broad one-word search (which also matches
# about a fifth of the pledges through their update summaries).
SEARCHES = ["Sahel piracy", "piracy"]
PLEDGE_PAGE_SAMPLE = 20
# Issue 17: the past day of the "list as of" row, and the period of the
# second "changes" row (the first is the default, the last twelve months).
AS_OF_DAY = "2015-12-31"
CHANGES_PERIOD = "from=2006-01-01&to=2016-12-31"


# API v1 (issue 18): the page size of its rows, and the rate limits raised so
# that wrk, one address, is measured rather than throttled.
API_PAGE = 100
UNTHROTTLED = {
    "API_RATE_ANONYMOUS": "100000000/minute",
    "API_RATE_TOKEN": "100000000/minute",
    "API_RATE_EXPORT_ANONYMOUS": "100000/hour",
    "API_EXPORT_CONCURRENCY": "2",
}


def log(message):
    print(f"[{datetime.now():%H:%M:%S}] {message}", flush=True)
