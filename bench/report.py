"""The benchmark's report: the environment, a table of results, the ratios,
the targets (``bench/targets.py``) checked against the results, the slowest
queries, and a companion file with the query plans."""

import os
import platform
import subprocess
import time
from datetime import datetime

from bench import targets
from bench.config import RESULTS, ROOT, SERVER_NAME, UNTHROTTLED

# Ratios of two endpoints' req/s that the report lists.
RATIOS = [
    ("list", "admin", "list page 1 / admin changelist"),
    ("list_rendered", "admin", "list page 1, rendered / admin changelist"),
    ("list_deep", "admin", "list last page / admin changelist"),
    ("list_deep_rendered", "admin", "list last page, rendered / admin changelist"),
    ("list", "bare", "list page 1 / bare view"),
    ("list_rendered", "bare", "list page 1, rendered / bare view"),
    ("list_deep", "bare", "list last page / bare view"),
    ("admin", "bare", "admin changelist / bare view"),
    # Issue 18, on SQLite: the same page of 100 pledges beside Datasette (which
    # serves the table's rows alone; ours carry tags and every update).
    ("api_v1", "datasette", "API v1 page of 100 pledges / Datasette page of 100 rows"),
    ("api_v1_deep", "datasette_deep", "API v1 page at 90% / Datasette page at 90%"),
]


def environment_lines(args, sizes, server, parameters):
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
        + (f" (key prefix {SERVER_NAME})" if args.redis_url else ""),
        f"- Exports (CSV, API NDJSON): {args.export_runs} sequential downloads by the runner on "
        "freshly restarted workers; peak = highest worker RSS (sampled every 20 ms, and VmHWM)",
        "- API: rate limits raised for the run (wrk is one address): "
        + ", ".join(f"{name}={value}" for name, value in UNTHROTTLED.items()),
    ]
    lines += [f"- {name[0].upper()}{name[1:]}: {value}" for name, value in parameters.items()]
    return lines


def fmt(value, digits=1):
    return "–" if value is None else f"{value:,.{digits}f}"


def notes(args, result):
    """What a reader needs to know about how a row was measured."""
    timing, said = result.timing, []
    if timing.download:
        download = timing.download
        cut = "" if download.complete else f" (cut off after {args.export_limit} s)"
        said.append(
            f"{download.rows:,} rows{cut}, {fmt(download.rows_per_s, 0)} rows/s, "
            f"{download.megabytes:.1f} MB, worker RSS {download.baseline_mb:.0f} → "
            f"peak {download.peak_mb:.0f} MB"
            + (
                f", {fmt(download.rows_per_cpu_s, 0)} rows per worker CPU-second"
                if download.rows_per_cpu_s
                else ""
            )
        )
    elif timing.single:
        said.append(
            f"too slow for wrk: {timing.requests} sequential requests, req/s estimated "
            "as workers ÷ median"
            if timing.requests
            else f"no request finished within {args.slow_budget} s"
        )
        if timing.cut and timing.requests:
            said.append(f"the next did not finish within the {args.slow_budget} s budget")
    elif not timing.requests:
        said.append(
            f"no request completed within {args.duration} s; the probe took "
            f"{result.warm.wall_ms / 1000:.1f} s"
            + ("" if result.cold.complete else " before it was cut off")
        )
    elif timing.requests < 5:
        said.append(f"few samples ({timing.requests})")
    else:
        said.append(f"{timing.requests:,} requests")
    if timing.server_cpu_ms is not None:
        said.append(f"server CPU {fmt(timing.server_cpu_ms)} ms a request")
    if timing.non_2xx or timing.errors:
        said.append(
            f"**{timing.non_2xx} answered with an error** (see bench/data/"
            f"gunicorn-error.log), {timing.errors} socket errors"
        )
    return said


def ratio(by_key, key, other):
    if key in by_key and other in by_key and by_key[other].rps:
        return by_key[key].rps / by_key[other].rps
    return None


def check(target, by_key):
    """``(label, measured, goal, met)`` for a target whose endpoint was
    measured, or None."""
    if target.key not in by_key:
        return None
    if target.ratio_to:
        value = ratio(by_key, target.key, target.ratio_to)
        if value is None:
            return None
        return (target.label, f"{value:.3g}×", target.goal, target.met_by(value))
    value = getattr(by_key[target.key], target.metric)
    if value is None:  # nothing completed in time
        return (target.label, "too slow", target.goal, False)
    shown = str(value) if isinstance(value, int) else fmt(value)
    return (target.label, shown, target.goal, target.met_by(value))


def report(args, results, env_lines, started):
    engine = "sqlite" if args.sqlite else "postgresql"
    by_key = {result.key: result for result in results}
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
    for result in results:
        timing = result.timing
        path = result.paths[0] + (" …" if len(result.paths) > 1 else "")
        lines.append(
            f"| {result.label} | `{path}` | {fmt(timing.median_ms)} | "
            f"{fmt(timing.p95_ms)} | {fmt(timing.rps)} | {result.cold.queries}"
            f"{'' if result.cold.complete else '+ (cut short)'} / {result.warm.queries} | "
            f"{fmt(result.cold.db_ms)} / {fmt(result.warm.db_ms)} | "
            f"{'; '.join(notes(args, result))} |"
        )

    lines += ["", "## Ratios (req/s)", ""]
    for key, other, label in RATIOS:
        value = ratio(by_key, key, other)
        if value is not None:
            lines.append(f"- {label}: {value:.3g}×")

    checks = [row for target in targets.for_engine(engine) if (row := check(target, by_key))]
    lines += [
        "",
        "## Targets",
        "",
        "| Target | Measured | Goal | Met |",
        "| --- | ---: | ---: | --- |",
    ]
    lines += [f"| {a} | {b} | {c} | {'yes' if met else '**NO**'} |" for a, b, c, met in checks]
    lines += ["", targets.note(engine), ""]

    lines += ["## Slowest queries per endpoint (first, cold-cache probe request)", ""]
    for result in results:
        statements = sorted(result.cold.statements, key=lambda s: -s["ms"])[:4]
        lines.append(
            f"**{result.label}**: {result.cold.queries} queries, {fmt(result.cold.db_ms)} ms"
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
    for result in results:
        lines += [f"## {result.label}", "", f"`{result.paths[0]}`", ""]
        seen = {}
        for statement in result.cold.statements:
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


def result_path(args):
    engine = "sqlite" if args.sqlite else "postgresql"
    stem = f"{datetime.now():%Y-%m-%d}-{args.pledges // 1000}k-{engine}"
    results = RESULTS
    results.mkdir(exist_ok=True)
    n = 1
    while (results / f"{stem}{'' if n == 1 else f'-{n}'}.md").exists():
        n += 1
    stem = f"{stem}{'' if n == 1 else f'-{n}'}"
    return results / f"{stem}.md", results / f"{stem}-explain.md"
