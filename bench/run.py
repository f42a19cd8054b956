#!/usr/bin/env python3
"""Benchmark Pledge Tracker under gunicorn, from a separate load process (wrk).

    .venv/bin/python bench/run.py                       # PostgreSQL, 100k pledges, 1M updates
    .venv/bin/python bench/run.py --sqlite --pledges 10000

Steps: create (PostgreSQL) or open (SQLite) the bench database, migrate,
generate the synthetic data unless it is already there at the requested size,
collectstatic, start gunicorn with DEBUG off, then for each endpoint: one
probe request that counts (and on PostgreSQL explains) its queries, a warm-up,
and a timed wrk run. The full CSV export is downloaded by this process
instead, on freshly started workers whose peak memory is read from /proc.
The table goes to stdout and to bench/results/ as Markdown, with the query
plans in a companion ``-explain.md`` file. See bench/README.md.
"""

import argparse
import csv
import http.client
import io
import json
import math
import os
import platform
import re
import resource
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
import uuid
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
BIN = Path(sys.executable).parent
DEFAULT_PG_URL = "postgres://postgres@127.0.0.1:5432/pledge_tracker_bench"
# Production runs behind a TLS proxy (SECURE_SSL_REDIRECT is on): say we came through it.
PROXY_HEADERS = {"X-Forwarded-Proto": "https"}
LIST_STATUS = "ongoing"
# A selective two-word search and a broad one-word search (which also matches
# about a fifth of the pledges through their update summaries).
SEARCHES = ["Sahel piracy", "piracy"]
PLEDGE_PAGE_SAMPLE = 20

TARGETS_NOTE = (
    "Targets (issue): list filtered by theme+status p95 ≤ 60 ms, ≤ 8 queries, ≥ 2× the admin "
    "changelist's req/s and ≥ 30% of the bare view's; q search p95 ≤ 100 ms; pledge page and "
    "dashboard p95 ≤ 60 ms; full CSV export ≥ 20,000 rows/s with peak worker memory ≤ 200 MB; "
    "SQLite at 10k pledges: list page p95 ≤ 60 ms."
)


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pledges", type=int, default=None, help="default 100000 (10000 --sqlite)")
    parser.add_argument("--updates-per-pledge", type=int, default=10)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--sqlite", action="store_true", help="SQLite instead of PostgreSQL")
    parser.add_argument(
        "--database-url", default=DEFAULT_PG_URL, help="PostgreSQL bench database (created)"
    )
    parser.add_argument(
        "--redis-url",
        default="redis://127.0.0.1:6379/0",
        help="the cache, as in production ('' for none: the dummy cache)",
    )
    parser.add_argument("--workers", type=int, default=2, help="gunicorn sync workers")
    parser.add_argument(
        "--worker-memory-limit",
        type=int,
        default=4096,
        help="MB of address space per gunicorn process (0: none), so that a runaway "
        "request fails with MemoryError instead of swapping the machine",
    )
    parser.add_argument(
        "--connections", type=int, default=None, help="wrk connections (default: = workers)"
    )
    parser.add_argument("--duration", type=int, default=10, help="seconds per wrk run")
    parser.add_argument("--warmup", type=int, default=3, help="seconds of warm-up per endpoint")
    parser.add_argument("--export-runs", type=int, default=3, help="timed CSV downloads")
    parser.add_argument(
        "--export-limit", type=int, default=120, help="seconds before a download is cut off"
    )
    parser.add_argument(
        "--slow-budget",
        type=int,
        default=90,
        help="seconds of sequential requests for an endpoint too slow for wrk",
    )
    parser.add_argument("--no-explain", action="store_true", help="skip the EXPLAIN file")
    parser.add_argument("--only", help="comma-separated endpoint keys, for a quick look")
    args = parser.parse_args()
    if args.pledges is None:
        args.pledges = 10_000 if args.sqlite else 100_000
    args.connections = args.connections or args.workers
    return args


def log(message):
    print(f"[{datetime.now():%H:%M:%S}] {message}", flush=True)


# --- set-up --------------------------------------------------------------------------


def configure_environment(args, query_log):
    if args.sqlite:
        data_dir = BENCH / "data"
        data_dir.mkdir(exist_ok=True)
        database_url = f"sqlite:///{data_dir / f'bench-{args.pledges}.sqlite3'}"
    else:
        name = args.database_url.rsplit("/", 1)[-1]
        if "bench" not in name:
            sys.exit(f"Refusing {args.database_url}: the bench database's name must say 'bench'.")
        database_url = args.database_url
    os.environ.update(
        {
            "DJANGO_SETTINGS_MODULE": "bench.settings",
            "DATABASE_URL": database_url,
            "DEBUG": "false",
            "SECRET_KEY": secrets.token_urlsafe(50),
            "ALLOWED_HOSTS": "127.0.0.1",
            "LOG_LEVEL": "WARNING",
            "BENCH_QUERY_LOG": str(query_log),
            "REDIS_URL": args.redis_url,
        }
    )
    sys.path.insert(0, str(ROOT))
    return database_url


def ensure_postgres_database(url):
    import psycopg

    server, name = url.rsplit("/", 1)
    with psycopg.connect(f"{server}/postgres", autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if not exists:
            log(f"creating database {name}")
            conn.execute(f'CREATE DATABASE "{name}"')
        # SSD storage, as README's PostgreSQL section recommends for production:
        # with the default (4, for spinning disks) the planner reads a broad
        # search's 23,000 matches with a sequential scan, 5x slower.
        conn.execute(f'ALTER DATABASE "{name}" SET random_page_cost = {RANDOM_PAGE_COST}')


def ensure_wrk():
    if shutil.which("wrk"):
        return
    log("wrk is missing; installing Debian's package")
    sudo = [] if os.geteuid() == 0 else ["sudo"]
    subprocess.run([*sudo, "apt-get", "update", "-qq"], check=True)
    subprocess.run([*sudo, "apt-get", "install", "-y", "-qq", "wrk"], check=True)


def prepare_database(args):
    import django
    from django.core.management import call_command

    django.setup()
    from tracker.models import Pledge, SourceDocument, StatusUpdate

    log("migrate")
    call_command("migrate", interactive=False, verbosity=0)
    wanted = f"--pledges {args.pledges} --updates-per-pledge {args.updates_per_pledge} "
    wanted += f"--seed {args.seed} "
    preamble = (
        SourceDocument.objects.filter(slug__startswith="synthetic-")
        .values_list("preamble", flat=True)
        .first()
    )
    present = Pledge.objects.filter(ref__startswith="syn-").count()
    if preamble and wanted in preamble and present == args.pledges:
        log(f"synthetic data already present ({present:,} pledges); not regenerating")
    else:
        log(f"generating synthetic data: {wanted.strip()}")
        # --force: this is the dedicated bench database; the command never
        # touches non-synthetic rows, it only refuses by default to mix.
        call_command(
            "generate_synthetic",
            pledges=args.pledges,
            updates_per_pledge=args.updates_per_pledge,
            seed=args.seed,
            force=True,
        )
    # Fresh statistics and visibility map, as autovacuum keeps them on a
    # running site: migrations applied to existing data (or VACUUM FULL)
    # leave the planner without index-only scans until then.
    from django.db import connection

    log("vacuum analyze")
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")
    log("collectstatic")
    call_command("collectstatic", interactive=False, verbosity=0)
    return {
        "pledges": Pledge.objects.count(),
        "updates": StatusUpdate.objects.count(),
    }


def admin_session_cookie():
    """A signed-in superuser's session, for the admin changelist."""
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.test import Client

    user, _ = get_user_model().objects.get_or_create(
        username="bench-admin", defaults={"is_staff": True, "is_superuser": True}
    )
    user.set_unusable_password()
    user.save()
    client = Client()
    client.force_login(user)
    name = settings.SESSION_COOKIE_NAME
    return f"{name}={client.cookies[name].value}"


RANDOM_PAGE_COST = 1.1

# A cookie that makes a public page be rendered rather than served from the
# page cache: the messages cookie (see tracker.caching.is_anonymous_visit).
RENDER_COOKIE = "messages"


def endpoints(args):
    """Every measured URL, chosen from the data: the most used theme, a
    common status, the deep page's number, a spread of pledges to rotate."""
    from django.db.models import Count

    from tracker.models import Pledge, SourceDocument, Theme

    try:
        from tracker.views import PLEDGES_PER_PAGE
    except ImportError:
        PLEDGES_PER_PAGE = 25
    theme = (
        Theme.objects.filter(slug__startswith="synthetic-")
        .annotate(n=Count("pledges"))
        .order_by("-n")
        .first()
    )
    source = (
        SourceDocument.objects.filter(slug__startswith="synthetic-")
        .annotate(n=Count("pledges"))
        .order_by("n", "slug")
        .first()
    )
    matching = Pledge.objects.filter(themes=theme, current_status=LIST_STATUS).count()
    last_page = max(1, math.ceil(matching / PLEDGES_PER_PAGE))
    refs = list(
        Pledge.objects.filter(ref__startswith="syn-").order_by("ref").values_list("ref", flat=True)
    )
    step = max(1, len(refs) // PLEDGE_PAGE_SAMPLE)
    sample = refs[::step][:PLEDGE_PAGE_SAMPLE]
    list_query = f"theme={theme.slug}&status={LIST_STATUS}"
    admin_query = f"themes__id__exact={theme.pk}&current_status__exact={LIST_STATUS}"
    api_query = f"{list_query}&source={source.slug}"
    api_count = Pledge.objects.filter(
        themes=theme, current_status=LIST_STATUS, source=source
    ).count()
    items = [
        ("list", "List, theme+status, page 1", [f"/pledges/?{list_query}"]),
        (
            "list_deep",
            f"List, theme+status, last page ({last_page})",
            [f"/pledges/?{list_query}&page={last_page}"],
        ),
        *[
            (f"search{i}", f"Search q={term!r}", [f"/pledges/?q={term.replace(' ', '+')}"])
            for i, term in enumerate(SEARCHES, 1)
        ],
        ("pledge", f"Pledge page ({len(sample)} rotating)", [f"/pledges/{r}/" for r in sample]),
        ("dashboard", "Dashboard", ["/"]),
        ("api", f"API, theme+status+source ({api_count} pledges)", [f"/api/pledges/?{api_query}"]),
        ("admin", "Admin changelist, same filter", [f"/admin/tracker/pledge/?{admin_query}"]),
        ("bare", "Bare view (ceiling)", ["/bench/bare/"]),
        ("export", "CSV export, full", ["/pledges/export.csv"]),
    ]
    # The public pages again, rendered for every request: a messages cookie
    # keeps the whole-page cache (tracker/caching.py) out of it, as for a
    # visitor with a flash message; the summaries stay cached.
    page_keys = {"list", "list_deep", "search1", "search2", "pledge"}
    rendered = [
        (f"{key}_rendered", f"{label}, rendered", paths)
        for key, label, paths in items
        if key in page_keys
    ]
    items[-3:-3] = rendered  # before the admin, the bare view and the export
    if args.only:
        keep = set(args.only.split(",")) | {"bare"}
        items = [
            item for item in items if item[0] in keep or item[0].removesuffix("_rendered") in keep
        ]
    parameters = {
        "theme": f"{theme.slug} ({theme.n:,} pledges)",
        "status": LIST_STATUS,
        "list matches": f"{matching:,} pledges, {last_page} pages of {PLEDGES_PER_PAGE}",
        "API source": source.slug,
    }
    return items, parameters


# --- the server ----------------------------------------------------------------------


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def fetch(port, path, headers=None, limit=None):
    """GET ``path``; returns (status, body, complete). With ``limit`` seconds,
    the download stops there and ``complete`` is False: a slow export is
    measured on what arrived instead of holding the run for an hour."""
    deadline = time.monotonic() + limit if limit else None
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=limit or 600)
    status, chunks = None, []
    try:
        conn.request("GET", path, headers={**PROXY_HEADERS, **(headers or {})})
        response = conn.getresponse()
        status = response.status
        while chunk := response.read1(1 << 16):
            chunks.append(chunk)
            if deadline and time.monotonic() > deadline:
                return status, b"".join(chunks), False
    except TimeoutError:  # nothing at all arrived for `limit` seconds
        return status, b"".join(chunks), False
    finally:
        conn.close()
    return status, b"".join(chunks), True


class Server:
    """gunicorn, started and stopped by us (by its own pid only)."""

    def __init__(self, args, error_log):
        self.port = free_port()
        self.args = args
        command = [
            str(BIN / "gunicorn"),
            "tracker.wsgi:application",
            f"--bind=127.0.0.1:{self.port}",
            f"--workers={args.workers}",
            "--worker-class=sync",
            "--timeout=300",
            "--graceful-timeout=10",
            "--log-level=warning",
            f"--error-logfile={error_log}",
        ]
        self.command = " ".join(command[1:])
        limit = args.worker_memory_limit * 2**20

        def limit_memory():  # in the child, before exec; the workers inherit it
            resource.setrlimit(resource.RLIMIT_AS, (limit, limit))

        self.process = subprocess.Popen(
            command, cwd=ROOT, preexec_fn=limit_memory if limit else None
        )
        self.wait_ready()

    def workers(self):
        """Pids of the master's children, from /proc (no psutil needed)."""
        pids = []
        for entry in Path("/proc").iterdir():
            if not entry.name.isdigit():
                continue
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            ppid = int(stat.rsplit(")", 1)[1].split()[1])
            if ppid == self.process.pid:
                pids.append(int(entry.name))
        return sorted(pids)

    def wait_ready(self, timeout=60):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                sys.exit("gunicorn exited; see its error log.")
            try:
                if fetch(self.port, "/bench/bare/", limit=5)[0] == 200:
                    return
            except OSError:
                pass
            time.sleep(0.2)
        sys.exit("gunicorn did not answer within a minute.")

    def cpu_ticks(self):
        total = 0
        for pid in self.workers():
            try:
                fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            total += int(fields[11]) + int(fields[12])  # utime + stime
        return total

    def wait_idle(self, timeout=60):
        """Wait until the workers and their database sessions have finished
        what the last run left in flight (wrk abandons requests at its end), so
        that one endpoint's stragglers do not slow the next one down."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            before = self.cpu_ticks()
            time.sleep(0.3)
            if self.cpu_ticks() - before <= 1 and not active_queries():
                return
        log("  the server stayed busy; ending its queries and restarting its workers")
        end_abandoned_queries()
        self.restart_workers()

    def restart_workers(self):
        """SIGHUP: gunicorn replaces every worker, so their peak memory starts afresh."""
        old = set(self.workers())
        self.process.send_signal(signal.SIGHUP)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            current = set(self.workers())
            if len(current) == self.args.workers and not current & old:
                break
            time.sleep(0.1)
        self.wait_ready()
        for _ in range(4 * self.args.workers):  # load the app in every worker
            fetch(self.port, "/bench/bare/", limit=30)

    def stop(self):
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def memory_kib(pid, field):
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


class MemorySampler(threading.Thread):
    """Samples the workers' resident memory every 20 ms; the kernel's own
    high-water mark (VmHWM) is read at the end as well."""

    def __init__(self, server):
        super().__init__(daemon=True)
        self.server = server
        self.peak_kib = 0
        self.stopping = threading.Event()

    def run(self):
        while not self.stopping.is_set():
            for pid in self.server.workers():
                self.peak_kib = max(self.peak_kib, memory_kib(pid, "VmRSS"))
            time.sleep(0.02)

    def stop(self):
        self.stopping.set()
        self.join()
        hwm = max((memory_kib(pid, "VmHWM") for pid in self.server.workers()), default=0)
        return max(self.peak_kib, hwm) / 1024


# --- measuring -----------------------------------------------------------------------


def probe(port, path, query_log, headers, explain, limit):
    """One request that counts its queries; returns the middleware's record."""
    request_id = uuid.uuid4().hex
    extra = {"X-Bench-Count-Queries": request_id, **headers}
    if explain:
        extra["X-Bench-Explain"] = "1"
    started = time.perf_counter()
    status, body, complete = fetch(port, path, extra, limit=limit)
    wall_ms = (time.perf_counter() - started) * 1000
    if status not in (200, None):  # None: cut off before the headers came
        sys.exit(f"GET {path} answered {status}; fix that before benchmarking.\n{body[:500]!r}")
    if not complete:
        # The worker notices a closed connection only at its next write; end
        # its query so that it gets there (and logs what it ran so far).
        end_abandoned_queries()
    deadline = time.monotonic() + 30  # a streamed response logs when its stream ends
    while time.monotonic() < deadline:
        if query_log.exists():
            for line in query_log.read_text().splitlines():
                record = json.loads(line)
                if record["id"] == request_id:
                    record.update(complete=complete, wall_ms=wall_ms)
                    return record
        time.sleep(0.05)
    if complete:
        sys.exit(f"No query count was logged for {path}.")
    return {"queries": 0, "db_ms": None, "statements": [], "complete": False, "wall_ms": wall_ms}


def run_wrk(port, paths, headers, duration, connections):
    command = [
        "wrk",
        "-t1",
        f"-c{connections}",
        f"-d{duration}s",
        "--timeout=60s",
        f"--script={BENCH / 'wrk.lua'}",
    ]
    for name, value in {**PROXY_HEADERS, **headers}.items():
        command.append(f"--header={name}: {value}")
    command += [f"http://127.0.0.1:{port}", "--", *paths]
    output = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    match = re.search(r"^BENCH_JSON (.*)$", output, re.MULTILINE)
    if not match:
        sys.exit(f"wrk printed no result:\n{output}")
    result = json.loads(match.group(1))
    errors = sum(value for key, value in result.items() if key.startswith("errors_"))
    # Sync workers close every connection; wrk may count a few reads at close as errors.
    non_2xx = result["errors_status"]
    seconds = result["duration_us"] / 1e6
    done = result["requests"] > 0
    return {
        "median_ms": result["p50_us"] / 1000 if done else None,
        "p95_ms": result["p95_us"] / 1000 if done else None,
        "rps": result["requests"] / seconds,
        "requests": result["requests"],
        "errors": errors,
        "non_2xx": non_2xx,
    }


def measure_single(port, paths, headers, budget, workers, samples=5):
    """Sequential requests for an endpoint too slow for wrk (the probe has
    warmed it up): the paths in turn until ``samples`` requests or ``budget``
    seconds. Median and p95 come from these few requests; req/s is estimated
    as workers ÷ median latency."""
    deadline = time.monotonic() + budget
    times, cut, failed = [], False, 0
    for i in range(samples):
        path = paths[i % len(paths)]
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            break
        started = time.perf_counter()
        status, _, complete = fetch(port, path, headers, limit=remaining)
        if not complete:
            end_abandoned_queries()
            cut = True
            break
        if status != 200:  # e.g. a request that ran out of memory: counted, not timed
            failed += 1
            continue
        times.append(time.perf_counter() - started)
    result = {
        "rps": 0.0,
        "requests": len(times),
        "errors": 0,
        "non_2xx": failed,
        "single": True,
        "cut": cut,
    }
    if not times:
        return {**result, "median_ms": None, "p95_ms": None}
    median = statistics.median(times)
    return {
        **result,
        "median_ms": median * 1000,
        # A request that did not finish within the budget is slower than all of these.
        "p95_ms": None if cut or failed else percentile(times, 0.95) * 1000,
        "rps": workers / median,
    }


def percentile(values, fraction):
    ordered = sorted(values)
    return ordered[max(0, math.ceil(fraction * len(ordered)) - 1)]


def busy_cores(seconds=1.0):
    """Cores' worth of CPU in use on the whole machine over ``seconds``."""

    def sample():
        fields = [int(x) for x in Path("/proc/stat").read_text().split("\n")[0].split()[1:]]
        idle = fields[3] + fields[4]  # idle + iowait
        return sum(fields), idle

    total_before, idle_before = sample()
    time.sleep(seconds)
    total_after, idle_after = sample()
    total = total_after - total_before
    busy = total - (idle_after - idle_before)
    return (os.cpu_count() or 1) * busy / total if total else 0.0


def wait_quiet(limit=30):
    """Before an endpoint's measures: wait (a little) for other work on the
    machine to stop, and return how busy it still was, for the report."""
    deadline = time.monotonic() + limit
    busy = busy_cores()
    while busy > 0.3 and time.monotonic() < deadline:
        busy = busy_cores()
    return busy


def clear_bench_cache(redis_url):
    """Start cold: delete the bench's own cache entries (bench/settings.py
    gives them their own key prefix); nobody else's are touched."""
    if not redis_url:
        return
    import redis

    client = redis.Redis.from_url(redis_url)
    keys = list(client.scan_iter(match="pledge-tracker-bench:*", count=1000))
    if keys:
        client.delete(*keys)


def active_queries():
    """How many of the bench server's PostgreSQL sessions are running a query."""
    from django.db import connection

    if connection.vendor != "postgresql":
        return 0
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE application_name = "
            "'pledge-tracker-bench' AND state = 'active' AND pid <> pg_backend_pid()"
        )
        return cursor.fetchone()[0]


def end_abandoned_queries():
    """After a download we cut short, the worker only notices at its next write
    and PostgreSQL may still be computing the result: end our server's own
    sessions (named in bench/settings.py) so they do not load the next runs."""
    from django.db import connection

    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE application_name = 'pledge-tracker-bench' AND pid <> pg_backend_pid()"
        )
    connection.close()


def csv_rows(body, complete):
    text = body.decode("utf-8", errors="ignore")
    if not complete:  # drop the row that was cut in two
        text = text[: text.rfind("\n") + 1]
    return sum(1 for _ in csv.reader(io.StringIO(text))) - 1


def measure_export(server, path, runs, limit):
    """Sequential downloads on fresh workers; rows/s from the median run. A
    download that passes ``limit`` seconds is cut short, counted on the rows
    that arrived, and ends the series."""
    server.restart_workers()
    baseline = max(memory_kib(pid, "VmRSS") for pid in server.workers()) / 1024
    sampler = MemorySampler(server)
    sampler.start()
    times, rates, complete = [], [], True
    for _ in range(runs):
        started = time.perf_counter()
        status, body, complete = fetch(server.port, path, limit=limit)
        elapsed = time.perf_counter() - started
        if status not in (200, None):
            sys.exit(f"GET {path} answered {status}")
        rows = csv_rows(body, complete)
        times.append(elapsed)
        rates.append(rows / elapsed)
        if not complete:
            break
    peak = sampler.stop()
    if not complete:
        end_abandoned_queries()
        server.restart_workers()
    median = statistics.median(times)
    return {
        "median_ms": median * 1000 if complete else None,
        "p95_ms": percentile(times, 0.95) * 1000 if complete else None,
        "rps": 1 / median if complete else 0.0,
        "requests": len(times) if complete else len(times) - 1,
        "errors": 0,
        "non_2xx": 0,
        "rows": rows,
        "complete": complete,
        "rows_per_s": statistics.median(rates),
        "megabytes": len(body) / 1e6,
        "baseline_mb": baseline,
        "peak_mb": peak,
    }


# --- report --------------------------------------------------------------------------


def environment_lines(args, database_url, sizes, server, parameters):
    from django.db import connection

    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SHOW server_version")
            engine = f"PostgreSQL {cursor.fetchone()[0]}"
            cursor.execute(
                "SELECT current_setting('shared_buffers'), current_setting('work_mem'), "
                "current_setting('random_page_cost')"
            )
            buffers, work_mem, page_cost = cursor.fetchone()
            engine += (
                f" (shared_buffers {buffers}, work_mem {work_mem}, random_page_cost {page_cost})"
            )
        else:
            import sqlite3

            engine = f"SQLite {sqlite3.sqlite_version}"
    git = subprocess.run(
        ["git", "log", "-1", "--format=%h %s"], cwd=ROOT, capture_output=True, text=True
    ).stdout.strip()
    dirty = subprocess.run(
        ["git", "status", "--porcelain"], cwd=ROOT, capture_output=True, text=True
    ).stdout.split("\n")
    dirty = [line[3:] for line in dirty if line.strip()]
    wrk_version = subprocess.run(["wrk", "--version"], capture_output=True, text=True).stdout
    wrk_version = wrk_version.split("[")[0].strip()
    lines = [
        f"- Date: {datetime.now():%Y-%m-%d %H:%M}; commit `{git}`"
        + (f", uncommitted changes in {len(dirty)} paths" if dirty else ""),
        f"- Machine: {os.cpu_count()} cores, "
        f"{os.sysconf('SC_PAGE_SIZE') * os.sysconf('SC_PHYS_PAGES') / 2**30:.0f} GiB, "
        f"Python {platform.python_version()}, {engine}",
        f"- Data: {sizes['pledges']:,} pledges, {sizes['updates']:,} status updates "
        f"(`generate_synthetic --pledges {args.pledges} --updates-per-pledge "
        f"{args.updates_per_pledge} --seed {args.seed}`)",
        f"- Server: `gunicorn {server.command}` (port varies; address space limited to "
        f"{args.worker_memory_limit} MB per process), DEBUG=False, settings "
        "`bench.settings` (production settings + the bare view + an idle query-count middleware)",
        f"- Load: `{wrk_version}` -t1 -c{args.connections}, {args.warmup} s warm-up then "
        f"{args.duration} s per endpoint, "
        "from a separate process on the same machine; every request sends "
        "`X-Forwarded-Proto: https` as the TLS proxy would",
        "- Queries: two probe requests per endpoint before its load run, counted by "
        "`bench/middleware.py`: the first fills the caches (cold; its plans are in the explain "
        "file), the second finds them warm; DB ms = time inside `execute()`. The load runs "
        "are all warm: nothing writes during the benchmark",
        f"- Cache: {'Redis ' + args.redis_url if args.redis_url else 'none (dummy cache)'}"
        + (" (key prefix pledge-tracker-bench)" if args.redis_url else ""),
        f"- Export: {args.export_runs} sequential downloads by the runner on freshly restarted "
        "workers; peak = highest worker RSS (sampled every 20 ms, and VmHWM)",
    ]
    lines += [f"- {name[0].upper()}{name[1:]}: {value}" for name, value in parameters.items()]
    return lines


def fmt(value, digits=1):
    return "–" if value is None else f"{value:,.{digits}f}"


def report(args, results, env_lines, started):
    by_key = {key: result for key, result in results}
    lines = [
        f"# Benchmark: {args.pledges // 1000}k pledges on "
        f"{'SQLite' if args.sqlite else 'PostgreSQL'}",
        "",
        *env_lines,
        "",
        "| Endpoint | Path | Median ms | p95 ms | Req/s | Queries cold / warm | "
        "DB ms cold / warm | Notes |",
        "| --- | --- | ---: | ---: | ---: | ---: | ---: | --- |",
    ]
    for _key, result in results:
        notes = []
        if "rows" in result:
            cut = "" if result["complete"] else f" (cut off after {args.export_limit} s)"
            notes.append(
                f"{result['rows']:,} rows{cut}, {fmt(result['rows_per_s'], 0)} rows/s, "
                f"{result['megabytes']:.1f} MB, worker RSS {result['baseline_mb']:.0f} → "
                f"peak {result['peak_mb']:.0f} MB"
            )
        elif result.get("single"):
            notes.append(
                f"too slow for wrk: {result['requests']} sequential requests, req/s estimated "
                "as workers ÷ median"
                if result["requests"]
                else f"no request finished within {args.slow_budget} s"
            )
            if result["cut"] and result["requests"]:
                notes.append(f"the next did not finish within the {args.slow_budget} s budget")
        elif not result["requests"]:
            notes.append(
                f"no request completed within {args.duration} s; the probe took "
                f"{result['probe_ms'] / 1000:.1f} s"
                + ("" if result["probe_complete"] else " before it was cut off")
            )
        elif result["requests"] < 5:
            notes.append(f"few samples ({result['requests']})")
        else:
            notes.append(f"{result['requests']:,} requests")
        if result["non_2xx"] or result["errors"]:
            notes.append(
                f"**{result['non_2xx']} answered with an error** (see bench/data/"
                f"gunicorn-error.log), {result['errors']} socket errors"
            )
        path = result["paths"][0] + (" …" if len(result["paths"]) > 1 else "")
        lines.append(
            f"| {result['label']} | `{path}` | {fmt(result['median_ms'])} | "
            f"{fmt(result['p95_ms'])} | {fmt(result['rps'])} | {result['queries']}"
            f"{'' if result['probe_complete'] else '+ (cut short)'} / {result['warm_queries']} | "
            f"{fmt(result['db_ms'])} / {fmt(result['warm_db_ms'])} | {'; '.join(notes)} |"
        )

    def ratio(a, b):
        if a in by_key and b in by_key and by_key[b]["rps"]:
            return by_key[a]["rps"] / by_key[b]["rps"]
        return None

    lines += ["", "## Ratios (req/s)", ""]
    for a, b, label in [
        ("list", "admin", "list page 1 / admin changelist"),
        ("list_rendered", "admin", "list page 1, rendered / admin changelist"),
        ("list_deep", "admin", "list last page / admin changelist"),
        ("list_deep_rendered", "admin", "list last page, rendered / admin changelist"),
        ("list", "bare", "list page 1 / bare view"),
        ("list_rendered", "bare", "list page 1, rendered / bare view"),
        ("list_deep", "bare", "list last page / bare view"),
        ("admin", "bare", "admin changelist / bare view"),
    ]:
        if ratio(a, b) is not None:
            lines.append(f"- {label}: {ratio(a, b):.3g}×")

    checks = []

    def target(label, key, field, limit, at_most=True):
        if key not in by_key:
            return
        value = by_key[key][field]
        if value is None:  # nothing completed in time
            checks.append((label, "too slow", f"{'≤' if at_most else '≥'} {limit:,}", False))
            return
        met = value <= limit if at_most else value >= limit
        shown = str(value) if field == "queries" else fmt(value)
        checks.append((label, shown, f"{'≤' if at_most else '≥'} {limit:,}", met))

    def ratio_target(label, key, other, factor):
        value = ratio(key, other)
        if value is not None:
            checks.append((label, f"{value:.3g}×", f"≥ {factor}×", value >= factor))

    if args.sqlite:
        for suffix, note in [("", ""), ("_rendered", ", rendered")]:
            target(f"SQLite list page 1{note} p95 (ms)", f"list{suffix}", "p95_ms", 60)
            target(f"SQLite list last page{note} p95 (ms)", f"list_deep{suffix}", "p95_ms", 60)
    else:
        for suffix, note in [("", ""), ("_rendered", ", rendered")]:
            target(f"List page 1{note} p95 (ms)", f"list{suffix}", "p95_ms", 60)
            target(f"List last page{note} p95 (ms)", f"list_deep{suffix}", "p95_ms", 60)
        target("List page 1 queries (cold caches)", "list", "queries", 8)
        target("List last page queries (cold caches)", "list_deep", "queries", 8)
        for suffix, note in [("", ""), ("_rendered", ", rendered")]:
            ratio_target(f"List page 1{note} vs admin req/s", f"list{suffix}", "admin", 2)
            ratio_target(f"List page 1{note} vs bare req/s", f"list{suffix}", "bare", 0.3)
        for suffix, note in [("", ""), ("_rendered", ", rendered")]:
            for i, term in enumerate(SEARCHES, 1):
                target(f"Search {term!r}{note} p95 (ms)", f"search{i}{suffix}", "p95_ms", 100)
            target(f"Pledge page{note} p95 (ms)", f"pledge{suffix}", "p95_ms", 60)
        target("Dashboard p95 (ms)", "dashboard", "p95_ms", 60)
        target("Export rows/s", "export", "rows_per_s", 20000, at_most=False)
        target("Export peak worker memory (MB)", "export", "peak_mb", 200)
    lines += [
        "",
        "## Targets",
        "",
        "| Target | Measured | Goal | Met |",
        "| --- | ---: | ---: | --- |",
    ]
    lines += [f"| {a} | {b} | {c} | {'yes' if met else '**NO**'} |" for a, b, c, met in checks]
    lines += ["", TARGETS_NOTE, ""]

    lines += ["## Slowest queries per endpoint (first, cold-cache probe request)", ""]
    for _key, result in results:
        statements = sorted(result["statements"], key=lambda s: -s["ms"])[:4]
        lines.append(
            f"**{result['label']}**: {result['queries']} queries, {fmt(result['db_ms'])} ms"
        )
        lines.append("")
        for statement in statements:
            sql = " ".join(statement["sql"].split())
            lines.append(
                f"- {statement['ms']:.1f} ms: `{sql[:260]}{'…' if len(sql) > 260 else ''}`"
            )
        lines.append("")
    lines.append(f"Total run time: {time.monotonic() - started:.0f} s.")
    return "\n".join(lines) + "\n"


def explain_report(args, results):
    lines = [f"# Query plans: {args.pledges // 1000}k pledges (probe requests)", ""]
    for _key, result in results:
        lines += [f"## {result['label']}", "", f"`{result['paths'][0]}`", ""]
        seen = {}
        for statement in result["statements"]:
            key = statement["sql"]
            if key in seen:
                seen[key]["n"] += 1
                seen[key]["ms"] += statement["ms"]
            else:
                seen[key] = {**statement, "n": 1}
        for statement in sorted(seen.values(), key=lambda s: -s["ms"]):
            sql = " ".join(statement["sql"].split())
            lines.append(f"### {statement['ms']:.1f} ms over {statement['n']} execution(s)")
            lines += ["", "```sql", sql[:3000], "```", ""]
            if statement.get("plan"):
                lines += ["```", statement["plan"], "```", ""]
    return "\n".join(lines) + "\n"


def result_path(args, suffix=""):
    engine = "sqlite" if args.sqlite else "postgresql"
    stem = f"{datetime.now():%Y-%m-%d}-{args.pledges // 1000}k-{engine}"
    results = BENCH / "results"
    results.mkdir(exist_ok=True)
    n = 1
    while (results / f"{stem}{'' if n == 1 else f'-{n}'}.md").exists():
        n += 1
    stem = f"{stem}{'' if n == 1 else f'-{n}'}"
    return results / f"{stem}.md", results / f"{stem}-explain.md"


# --- main ----------------------------------------------------------------------------


def main():
    started = time.monotonic()
    args = parse_args()
    scratch = BENCH / "data"
    scratch.mkdir(exist_ok=True)
    query_log = scratch / f"queries-{os.getpid()}.jsonl"
    error_log = scratch / "gunicorn-error.log"
    database_url = configure_environment(args, query_log)
    ensure_wrk()
    if not args.sqlite:
        ensure_postgres_database(database_url)
    sizes = prepare_database(args)
    cookie = admin_session_cookie()
    clear_bench_cache(args.redis_url)
    items, parameters = endpoints(args)
    from django.db import connection

    connection.close()  # nothing of ours holds the database during the runs
    explain = not args.no_explain and not args.sqlite
    log(f"starting gunicorn ({args.workers} sync workers)")
    server = Server(args, error_log)
    results, loads = [], []
    try:
        for key, label, paths in items:
            headers = {"Cookie": cookie} if key == "admin" else {}
            if key.endswith("_rendered"):
                headers = {"Cookie": f"{RENDER_COOKIE}="}
            log(f"{label}: probe")
            server.wait_idle()
            loads.append(f"{key} {wait_quiet():.2f}")
            # The first request fills the caches (and is explained); the
            # second shows what a request costs once they are warm.
            record = probe(server.port, paths[0], query_log, headers, explain, args.export_limit)
            if not record["complete"]:
                server.restart_workers()
            server.wait_idle()
            warm = record
            if record["complete"] and key != "export":
                warm = probe(server.port, paths[0], query_log, headers, False, args.export_limit)
                server.wait_idle()
            if key == "export":
                log(f"{label}: {args.export_runs} downloads on fresh workers")
                result = measure_export(server, paths[0], args.export_runs, args.export_limit)
            elif warm["wall_ms"] > args.duration * 1000 / 3:
                # Fewer than three requests per connection would finish: a load
                # run would measure nothing but leave requests in flight.
                log(f"{label}: too slow for a load run; timing single requests instead")
                result = measure_single(server.port, paths, headers, args.slow_budget, args.workers)
            else:
                log(f"{label}: warm-up {args.warmup} s, then {args.duration} s")
                run_wrk(server.port, paths, headers, args.warmup, args.connections)
                server.wait_idle()
                result = run_wrk(server.port, paths, headers, args.duration, args.connections)
                server.wait_idle()
                if result["requests"] < args.connections:
                    # Some paths were fast (the probe's), others too slow to finish.
                    log(f"{label}: too few requests finished; timing single requests instead")
                    result = measure_single(
                        server.port, paths, headers, args.slow_budget, args.workers
                    )
                    server.wait_idle()
            result.update(
                label=label,
                paths=paths,
                queries=record["queries"],
                warm_queries=warm["queries"],
                warm_db_ms=warm["db_ms"],
                probe_complete=record["complete"],
                probe_ms=warm["wall_ms"],
                db_ms=record["db_ms"],
                statements=record["statements"],
            )
            log(
                f"  median {fmt(result['median_ms'])} ms, p95 {fmt(result['p95_ms'])} ms, "
                f"{result['rps']:.1f} req/s, {record['queries']} queries"
                + ("" if record["complete"] else " (probe cut short)")
            )
            results.append((key, result))
        env_lines = environment_lines(args, database_url, sizes, server, parameters)
        # The machine may be shared: a busy neighbour shows here.
        env_lines.append(
            "- Machine busy (cores in use, 1 s, server idle) before each endpoint: "
            + ", ".join(loads)
        )
    finally:
        server.stop()
        query_log.unlink(missing_ok=True)
    markdown = report(args, results, env_lines, started)
    path, explain_path = result_path(args)
    path.write_text(markdown)
    if explain:
        explain_path.write_text(explain_report(args, results))
    print()
    print(markdown)
    log(f"written to {path.relative_to(ROOT)}" + (f" and {explain_path.name}" if explain else ""))


if __name__ == "__main__":
    main()
