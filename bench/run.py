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

This module is the recipe; its parts are ``config.py`` (what is shared),
``server.py`` (gunicorn and the machine), ``measure.py`` (probes, load runs
and downloads, with results as dataclasses), ``targets.py`` (the one table of
targets) and ``report.py`` (the Markdown).
"""

import argparse
import math
import os
import secrets
import shutil
import subprocess
import sys
import time
from pathlib import Path

# Run as a script (bench/run.py): the project root is not on the path yet.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import datasette  # noqa: E402
from bench.config import (  # noqa: E402
    API_PAGE,
    AS_OF_DAY,
    CHANGES_PERIOD,
    DATA,
    DEFAULT_PG_URL,
    LIST_STATUS,
    PLEDGE_PAGE_SAMPLE,
    RANDOM_PAGE_COST,
    RENDER_COOKIE,
    ROOT,
    SEARCHES,
    UNTHROTTLED,
    log,
)
from bench.measure import (  # noqa: E402
    Result,
    csv_rows,
    measure_export,
    measure_single,
    ndjson_rows,
    probe,
    run_wrk,
    run_wrk_with_cpu,
)
from bench.report import environment_lines, explain_report, fmt, report, result_path  # noqa: E402
from bench.server import Server, clear_bench_cache, wait_quiet  # noqa: E402
from tracker.synthetic import REF_PREFIX, SLUG_PREFIX, recipe  # noqa: E402


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


# --- set-up --------------------------------------------------------------------------


def configure_environment(args, query_log):
    if args.sqlite:
        DATA.mkdir(exist_ok=True)
        database_url = f"sqlite:///{DATA / f'bench-{args.pledges}.sqlite3'}"
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
            **UNTHROTTLED,
        }
    )
    return database_url


def ensure_postgres_database(url):
    import psycopg

    server, name = url.rsplit("/", 1)
    with psycopg.connect(f"{server}/postgres", autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if not exists:
            log(f"creating database {name}")
            conn.execute(f'CREATE DATABASE "{name}"')
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
    # The synthetic sources' preamble names the options that made the data.
    wanted = recipe(args.pledges, args.updates_per_pledge, args.seed) + " "
    preamble = (
        SourceDocument.objects.filter(slug__startswith=SLUG_PREFIX)
        .values_list("preamble", flat=True)
        .first()
    )
    present = Pledge.objects.filter(ref__startswith=REF_PREFIX).count()
    # Data made before parties existed has none: regenerate it.
    with_parties = "--parties 50 --party-updates-per-pledge 2"
    if preamble and wanted in preamble and with_parties in preamble and present == args.pledges:
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


def endpoints(args):
    """Every measured URL, chosen from the data: the most used theme, a
    common status, the deep page's number, a spread of pledges to rotate."""
    from django.db.models import Count

    from tracker.api import cursor
    from tracker.models import PartyMembership, Pledge, SourceDocument, Theme
    from tracker.views import PLEDGES_PER_PAGE

    theme = (
        Theme.objects.filter(slug__startswith=SLUG_PREFIX)
        .annotate(n=Count("pledges"))
        .order_by("-n")
        .first()
    )
    source = (
        SourceDocument.objects.filter(slug__startswith=SLUG_PREFIX)
        .annotate(n=Count("pledges"))
        .order_by("n", "slug")
        .first()
    )
    matching = Pledge.objects.filter(themes=theme, current_status=LIST_STATUS).count()
    last_page = max(1, math.ceil(matching / PLEDGES_PER_PAGE))
    refs = list(
        Pledge.objects.filter(ref__startswith=REF_PREFIX)
        .order_by("ref")
        .values_list("ref", flat=True)
    )
    step = max(1, len(refs) // PLEDGE_PAGE_SAMPLE)
    sample = refs[::step][:PLEDGE_PAGE_SAMPLE]
    list_query = f"theme={theme.slug}&status={LIST_STATUS}"
    admin_query = f"themes__id__exact={theme.pk}&current_status__exact={LIST_STATUS}"
    api_query = f"{list_query}&source={source.slug}"
    api_count = Pledge.objects.filter(
        themes=theme, current_status=LIST_STATUS, source=source
    ).count()
    # The matrix of the largest source: its first page, 1,000 pledges × its parties.
    matrix_source = (
        SourceDocument.objects.filter(slug__startswith=SLUG_PREFIX)
        .annotate(n=Count("pledges"))
        .order_by("-n", "slug")
        .first()
    )
    party_slugs = list(
        PartyMembership.objects.filter(source=matrix_source)
        .order_by("actor__slug")
        .values_list("actor__slug", flat=True)
    )
    # API v1's deep page: the cursor of the page that starts at 90% of the
    # default order, signed with the server's key (the environment's).
    keys = cursor.ordering_keys(Pledge.objects.all())
    total = Pledge.objects.count()
    edge = Pledge.objects.values_list(*(k.name for k in keys))[max(0, int(total * 0.9) - 1)]
    deep_cursor = cursor.encode(cursor.NEXT, edge)
    api_page = f"/api/v1/pledges/?page_size={API_PAGE}"
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
        (
            "list_as_of",
            f"List as of {AS_OF_DAY}, theme+status, page 1",
            [f"/pledges/?{list_query}&as_of={AS_OF_DAY}"],
        ),
        ("trends", f"Trend chart, theme {theme.slug}", [f"/trends/?theme={theme.slug}"]),
        ("changes", "Changes, the last twelve months", ["/changes/"]),
        ("changes_decade", f"Changes, {CHANGES_PERIOD}", [f"/changes/?{CHANGES_PERIOD}"]),
        (
            "matrix",
            f"Matrix, {matrix_source.slug}, page 1 (1,000 pledges × {len(party_slugs)} parties)",
            [f"/matrix/?source={matrix_source.slug}"],
        ),
        (
            "party",
            f"Party page ({min(len(party_slugs), 10)} rotating, {matrix_source.n:,} pledges each)",
            [f"/parties/{slug}/" for slug in party_slugs[:: max(1, len(party_slugs) // 10)][:10]],
        ),
        # Issue 17 on the parties' pages: every cell computed for that day.
        (
            "matrix_as_of",
            f"Matrix, {matrix_source.slug}, page 1, as of {AS_OF_DAY}",
            [f"/matrix/?source={matrix_source.slug}&as_of={AS_OF_DAY}"],
        ),
        (
            "party_as_of",
            f"Party page as of {AS_OF_DAY} (10 rotating)",
            [
                f"/parties/{slug}/?as_of={AS_OF_DAY}"
                for slug in party_slugs[:: max(1, len(party_slugs) // 10)][:10]
            ],
        ),
        (
            "party_trends",
            "Trend chart of a party (10 rotating)",
            [
                f"/trends/?party={slug}"
                for slug in party_slugs[:: max(1, len(party_slugs) // 10)][:10]
            ],
        ),
        ("api", f"API, theme+status+source ({api_count} pledges)", [f"/api/pledges/?{api_query}"]),
        ("api_v1", f"API v1, first page of {API_PAGE} pledges with their updates", [api_page]),
        (
            "api_v1_deep",
            f"API v1, page of {API_PAGE} at 90% of the list (cursor)",
            [f"{api_page}&cursor={deep_cursor}"],
        ),
        (
            "api_v1_filtered",
            f"API v1, theme+status, {API_PAGE} a page",
            [f"{api_page}&{list_query}"],
        ),
        (
            "api_v1_as_of",
            f"API v1, {API_PAGE} a page as of {AS_OF_DAY}",
            [f"{api_page}&as_of={AS_OF_DAY}"],
        ),
        (
            "api_v1_matrix",
            f"API v1 matrix, {matrix_source.slug}, 1,000 rows",
            [f"/api/v1/matrix/?source={matrix_source.slug}&page_size=1000"],
        ),
        (
            "api_v1_updates",
            f"API v1, page of {API_PAGE} status updates",
            [f"/api/v1/updates/?page_size={API_PAGE}"],
        ),
        ("admin", "Admin changelist, same filter", [f"/admin/tracker/pledge/?{admin_query}"]),
        ("bare", "Bare view (ceiling)", ["/bench/bare/"]),
        ("export", "CSV export, full", ["/pledges/export.csv"]),
        ("export_api", "API v1 NDJSON export, full", ["/api/v1/export/pledges.ndjson"]),
    ]
    # The public pages again, rendered for every request: a messages cookie
    # keeps the whole-page cache (tracker/caching.py) out of it, as for a
    # visitor with a flash message; the summaries stay cached.
    page_keys = {
        "list",
        "list_deep",
        "search1",
        "search2",
        "pledge",
        "list_as_of",
        "trends",
        "changes",
        "changes_decade",
        "matrix",
        "party",
        "matrix_as_of",
        "party_as_of",
        "party_trends",
    }
    rendered = [
        (f"{key}_rendered", f"{label}, rendered", paths)
        for key, label, paths in items
        if key in page_keys
    ]
    items[-4:-4] = rendered  # before the admin, the bare view and the exports
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


# --- measuring each endpoint ------------------------------------------------------


# The downloads, each with how its rows are counted.
EXPORTS = {"export": csv_rows, "export_api": ndjson_rows}


def measure_endpoint(args, server, query_log, key, label, paths, headers, explain):
    """Probe ``paths[0]`` twice (cold, then warm caches), then time the
    endpoint the way that suits it: downloads for the export, sequential
    requests for what is too slow for wrk, wrk for the rest."""
    log(f"{label}: probe")
    # The first request fills the caches (and is explained); the second
    # shows what a request costs once they are warm.
    cold = probe(server.port, paths[0], query_log, headers, explain, args.export_limit)
    if not cold.complete:
        server.restart_workers()
    server.wait_idle()
    warm = cold
    if cold.complete and key not in EXPORTS:
        warm = probe(server.port, paths[0], query_log, headers, False, args.export_limit)
        server.wait_idle()
    if key in EXPORTS:
        log(f"{label}: {args.export_runs} downloads on fresh workers")
        timing = measure_export(server, paths[0], args.export_runs, args.export_limit, EXPORTS[key])
    elif warm.wall_ms > args.duration * 1000 / 3:
        # Fewer than three requests per connection would finish: a load run
        # would measure nothing but leave requests in flight.
        log(f"{label}: too slow for a load run; timing single requests instead")
        timing = measure_single(server.port, paths, headers, args.slow_budget, args.workers)
    else:
        log(f"{label}: warm-up {args.warmup} s, then {args.duration} s")
        run_wrk(server.port, paths, headers, args.warmup, args.connections)
        server.wait_idle()
        timing = run_wrk_with_cpu(
            server.port, paths, headers, args.duration, args.connections, server.workers
        )
        server.wait_idle()
        if timing.requests < args.connections:
            # Some paths were fast (the probe's), others too slow to finish.
            log(f"{label}: too few requests finished; timing single requests instead")
            timing = measure_single(server.port, paths, headers, args.slow_budget, args.workers)
            server.wait_idle()
    log(
        f"  median {fmt(timing.median_ms)} ms, p95 {fmt(timing.p95_ms)} ms, "
        f"{timing.rps:.1f} req/s, {cold.queries} queries"
        + ("" if cold.complete else " (probe cut short)")
    )
    return Result(key, label, paths, timing, cold, warm)


# --- main ----------------------------------------------------------------------------


def main():
    started = time.monotonic()
    args = parse_args()
    DATA.mkdir(exist_ok=True)
    query_log = DATA / f"queries-{os.getpid()}.jsonl"
    error_log = DATA / "gunicorn-error.log"
    database_url = configure_environment(args, query_log)
    ensure_wrk()
    if not args.sqlite:
        ensure_postgres_database(database_url)
    sizes = prepare_database(args)
    cookie = admin_session_cookie()
    clear_bench_cache(args.redis_url)
    items, parameters = endpoints(args)
    database_file = Path(database_url.removeprefix("sqlite:///"))
    with_datasette = args.sqlite and (not args.only or "datasette" in args.only.split(","))
    datasette_pages = datasette.pages(database_file) if with_datasette else []
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
            server.wait_idle()
            loads.append(f"{key} {wait_quiet():.2f}")
            results.append(
                measure_endpoint(args, server, query_log, key, label, paths, headers, explain)
            )
        server.stop()  # Datasette gets the cores to itself, as our server had them
        if datasette_pages:
            results += datasette.measure(args, database_file, datasette_pages)
        env_lines = environment_lines(args, sizes, server, parameters)
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
