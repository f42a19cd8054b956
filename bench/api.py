#!/usr/bin/env python3
"""Benchmark the API (issue 18) and, on SQLite, Datasette serving the same file.

    .venv/bin/python bench/api.py --sqlite bench/data/bench.sqlite3
    .venv/bin/python bench/api.py --database-url postgres://postgres@127.0.0.1:5432/pt_bench

The database must already hold synthetic data (bench/run.py or
``manage.py generate_synthetic`` make it). Steps: migrate; choose the
measured URLs from the data (a deep cursor at 90% of the list is signed
here with the server's key); start gunicorn with DEBUG off and the rate
limits raised (wrk is one address); for each row an in-process probe that
counts queries, a warm-up and a timed wrk run; the full NDJSON export
downloaded on a fresh worker, its rate and the worker's peak memory read
from /proc. On SQLite, Datasette (installed from PyPI into a venv under
bench/data/ on first use) then serves the same file read-only and the same
page of 100 pledges is measured with the same wrk settings, in the same run:
the ratio is reported. Writes Markdown to stdout and bench/results/.
"""

import argparse
import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
SCRATCH = BENCH / "data"
BIN = Path(sys.executable).parent
DATASETTE_VERSION = "0.65.5"
PAGE = 100
TARGETS = (
    "Targets (issue 18): a page of 100 pledges with their updates p95 ≤ 60 ms at 100k "
    "pledges / 1M updates, with a fixed number of queries; the bulk export ≥ 20,000 "
    "pledges/s with flat memory."
)
# So that wrk, one address, is measured rather than throttled.
UNTHROTTLED = {
    "API_RATE_ANONYMOUS": "100000000/minute",
    "API_RATE_TOKEN": "100000000/minute",
    "API_RATE_EXPORT_ANONYMOUS": "100000/hour",
    "API_EXPORT_CONCURRENCY": "2",
}


def log(message):
    print(f"[bench/api] {message}", file=sys.stderr, flush=True)


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sqlite", help="an SQLite bench database (Datasette is measured too)")
    parser.add_argument("--database-url", help="a PostgreSQL bench database")
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/11")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--connections", type=int, default=4)
    parser.add_argument("--duration", type=int, default=15, help="seconds of each wrk run")
    parser.add_argument("--warmup", type=int, default=3)
    args = parser.parse_args()
    if bool(args.sqlite) == bool(args.database_url):
        parser.error("give exactly one of --sqlite and --database-url")
    return args


def configure(args):
    url = f"sqlite:///{Path(args.sqlite).resolve()}" if args.sqlite else args.database_url
    os.environ.update(
        DJANGO_SETTINGS_MODULE="tracker.settings",
        DEBUG="false",
        SECRET_KEY=os.environ.get("BENCH_SECRET_KEY", "bench-only-secret-key-for-api-cursors"),
        DATABASE_URL=url,
        REDIS_URL=args.redis_url,
        ALLOWED_HOSTS="127.0.0.1,localhost",
        SECURE_SSL_REDIRECT="false",
        LOG_LEVEL="WARNING",
        **UNTHROTTLED,
    )
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)


def measured_paths():
    """The rows: (key, label, path)."""
    from django.db.models import Count

    from tracker.api import cursor
    from tracker.models import Pledge, StatusUpdate, Theme

    total = Pledge.objects.count()
    theme = Theme.objects.annotate(n=Count("pledges")).order_by("-n").first()
    # The cursor of the page that starts at 90% of the default order.
    keys = cursor.ordering_keys(Pledge.objects.all())
    row = Pledge.objects.values_list(*(k.name for k in keys))[int(total * 0.9)]
    deep = cursor.encode(cursor.NEXT, row)
    sizes = {"pledges": total, "updates": StatusUpdate.objects.count()}
    return sizes, [
        (
            "first",
            f"API v1: first page of {PAGE} pledges with updates",
            f"/api/v1/pledges/?page_size={PAGE}",
        ),
        (
            "deep",
            f"API v1: page of {PAGE} at 90% of the list (cursor)",
            f"/api/v1/pledges/?page_size={PAGE}&cursor={deep}",
        ),
        (
            "filtered",
            f"API v1: theme+status, {PAGE} a page",
            f"/api/v1/pledges/?theme={theme.slug}&status=ongoing&page_size={PAGE}",
        ),
        ("updates", f"API v1: page of {PAGE} status updates", f"/api/v1/updates/?page_size={PAGE}"),
        ("legacy", "Old /api/pledges/ (100 a page, with count)", "/api/pledges/"),
    ]


def probe(path, runs=7):
    """In this process (the server's code): how many queries the path runs,
    and the median CPU time of a request. CPU time, unlike wall time, does not
    grow when other programs share the cores, so it shows what the request
    costs on a quiet machine."""
    from django.db import connection
    from django.test import Client

    client = Client()
    queries = []

    def count(execute, sql, params, many, context):
        queries.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(count):
        response = client.get(path, HTTP_HOST="127.0.0.1")
    assert response.status_code == 200, (path, response.status_code, response.content[:300])
    cpu = []
    for _ in range(runs):
        started = time.process_time()
        client.get(path, HTTP_HOST="127.0.0.1")
        cpu.append((time.process_time() - started) * 1000)
    return {"queries": len(queries), "cpu_ms": sorted(cpu)[runs // 2]}


def export_cpu_rate():
    """Pledges a CPU-second for the NDJSON export's rows, in this process."""
    from tracker.api.export import pledge_lines
    from tracker.models import Pledge

    started = time.process_time()
    count = sum(chunk.count("\n") for chunk in pledge_lines(Pledge.objects.all(), "x/"))
    return count / (time.process_time() - started)


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for(port, path, timeout=60):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1) as conn:
                conn.sendall(f"GET {path} HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n".encode())
                if conn.recv(12).startswith(b"HTTP/1"):
                    return
        except OSError:
            time.sleep(0.2)
    sys.exit(f"nothing answered on port {port}")


def wrk(port, path, duration, connections):
    command = [
        "wrk", "-t1", f"-c{connections}", f"-d{duration}s", "--timeout=60s",
        f"--script={BENCH / 'wrk.lua'}", f"http://127.0.0.1:{port}", "--", path,
    ]  # fmt: skip
    output = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    result = json.loads(re.search(r"^BENCH_JSON (.*)$", output, re.MULTILINE).group(1))
    return {
        "p50": result["p50_us"] / 1000,
        "p95": result["p95_us"] / 1000,
        "rps": result["requests"] / (result["duration_us"] / 1e6),
        "requests": result["requests"],
        "non_2xx": result["errors_status"],
    }


def cpu_ticks(pids):
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])  # utime + stime
    return total


def load(port, path, args, pids):
    """wrk's figures, and the server's CPU time per request (its processes'
    ticks over the run), which other load on the machine does not inflate."""
    wrk(port, path, args.warmup, args.connections)
    before = cpu_ticks(pids())
    result = wrk(port, path, args.duration, args.connections)
    ticks = cpu_ticks(pids()) - before
    result["server_cpu_ms"] = ticks * 1000 / os.sysconf("SC_CLK_TCK") / max(result["requests"], 1)
    return result


def worker_pids(master):
    children = Path(f"/proc/{master}/task/{master}/children")
    return [int(pid) for pid in children.read_text().split()] if children.exists() else []


def peak_kib(pid):
    status = Path(f"/proc/{pid}/status").read_text()
    return int(re.search(r"VmHWM:\s+(\d+)", status).group(1))


def export_run(port, master, path):
    """Download the export; pledges a second and the serving worker's peak memory."""
    os.kill(master, signal.SIGHUP)  # fresh workers: their peak memory starts afresh
    time.sleep(3)
    wait_for(port, "/api/v1/themes/")
    before = {pid: peak_kib(pid) for pid in worker_pids(master)}
    started = time.monotonic()
    lines = 0
    with socket.create_connection(("127.0.0.1", port)) as conn:
        conn.sendall(f"GET {path} HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n".encode())
        buffer = b""
        while chunk := conn.recv(1 << 20):
            lines += chunk.count(b"\n")
            buffer = chunk[-1:]
    seconds = time.monotonic() - started
    assert buffer == b"\n"
    after = {pid: peak_kib(pid) for pid in worker_pids(master)}
    grown = max(after[pid] - before.get(pid, after[pid]) for pid in after)
    body_lines = lines - 7  # HTTP status line and headers (CRLF-terminated)
    return {
        "lines": body_lines,
        "seconds": seconds,
        "rate": body_lines / seconds,
        "peak_mb": max(after.values()) / 1024,
        "grown_mb": grown / 1024,
    }


def datasette_binary():
    venv = SCRATCH / "datasette-venv"
    binary = venv / "bin" / "datasette"
    if not binary.exists():
        log(f"installing datasette {DATASETTE_VERSION} into {venv.relative_to(ROOT)}")
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
        subprocess.run(
            [str(venv / "bin" / "pip"), "install", "-q", f"datasette=={DATASETTE_VERSION}"],
            check=True,
        )
    return binary


def main():
    args = parse_args()
    SCRATCH.mkdir(exist_ok=True)
    configure(args)
    sizes, rows = measured_paths()
    log(f"{sizes['pledges']:,} pledges, {sizes['updates']:,} updates")
    queries = {key: probe(path) for key, _label, path in rows}
    export_cpu = export_cpu_rate()
    from django.db import connection

    connection.close()
    port = free_port()
    server = subprocess.Popen(
        [str(BIN / "gunicorn"), "tracker.wsgi", f"--workers={args.workers}",
         f"--bind=127.0.0.1:{port}", "--timeout=120", "--log-level=warning"],
        cwd=ROOT, env=os.environ.copy(),
    )  # fmt: skip
    results = {}
    try:
        wait_for(port, "/api/v1/themes/")
        for key, label, path in rows:
            log(label)
            results[key] = load(port, path, args, lambda: worker_pids(server.pid))
            log(f"  {results[key]}")
        log("NDJSON export, full")
        export = export_run(port, server.pid, "/api/v1/export/pledges.ndjson")
    finally:
        server.terminate()
        server.wait(timeout=30)
    datasette = None
    if args.sqlite:
        database = Path(args.sqlite).resolve()
        dport = free_port()
        process = subprocess.Popen(
            [str(datasette_binary()), "serve", "-i", str(database), "-p", str(dport),
             "--setting", "max_returned_rows", "1000", "--setting", "sql_time_limit_ms", "20000"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        try:
            name = database.stem
            wait_for(dport, f"/{name}.json", timeout=120)
            page = f"/{name}/tracker_pledge.json?_size={PAGE}"
            log("Datasette: the same page of 100 pledges")
            first = load(dport, page, args, lambda: [process.pid])
            # Datasette's own keyset: rows after rowid N.
            from django.db.models import Max

            from tracker.models import Pledge

            deep_rowid = int(Pledge.objects.aggregate(m=Max("pk"))["m"] * 0.9)
            deep = load(dport, f"{page}&_next={deep_rowid}", args, lambda: [process.pid])
            datasette = {"first": first, "deep": deep, "path": page}
        finally:
            process.terminate()
            process.wait(timeout=30)
    print(report(args, sizes, rows, queries, results, export, export_cpu, datasette))


def ratio(a, b):
    return f"{a / b:.2f}" if b else "n/a (no request finished)"


def report(args, sizes, rows, queries, results, export, export_cpu, datasette):
    from django.db import connection

    vendor = "SQLite" if args.sqlite else "PostgreSQL"
    lines = [
        f"# API benchmark, {datetime.now():%Y-%m-%d %H:%M} ({vendor})",
        "",
        f"{sizes['pledges']:,} pledges, {sizes['updates']:,} status updates; gunicorn "
        f"{args.workers} sync workers; wrk 1 thread, {args.connections} connections, "
        f"{args.duration} s after {args.warmup} s of warm-up; {os.cpu_count()} cores "
        f"(shared). Database: {connection.vendor}. Load average before the run: "
        f"{os.getloadavg()[0]:.1f}.",
        "",
        TARGETS,
        "",
        "| row | median ms | p95 ms | req/s | queries | server CPU ms a request | "
        "CPU ms a request (in-process) | non-2xx |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for key, label, _path in rows:
        r = results[key]
        lines.append(
            f"| {label} | {r['p50']:.1f} | {r['p95']:.1f} | {r['rps']:.1f} "
            f"| {queries[key]['queries']} | {r['server_cpu_ms']:.1f} "
            f"| {queries[key]['cpu_ms']:.1f} | {r['non_2xx']} |"
        )
    lines += [
        "",
        f"NDJSON export, full (`/api/v1/export/pledges.ndjson`): {export['lines']:,} pledges in "
        f"{export['seconds']:.2f} s = **{export['rate']:,.0f} pledges/s**; the serving worker's "
        f"peak memory {export['peak_mb']:.0f} MB (grew {export['grown_mb']:.0f} MB during the "
        f"download). In-process, the export's rows cost the CPU of **{export_cpu:,.0f} "
        "pledges a CPU-second** (database reads included).",
    ]
    if datasette:
        ours, theirs = results["first"], datasette["first"]
        ours_deep, theirs_deep = results["deep"], datasette["deep"]
        lines += [
            "",
            f"## Beside Datasette {DATASETTE_VERSION}, the same SQLite file, the same run",
            "",
            f"Datasette serves `{datasette['path']}` (the pledge table's 100 rows, without tags "
            "or updates); we serve 100 pledges with tags and every update.",
            "",
            "| page | ours p95 ms | Datasette p95 ms | ours req/s | Datasette req/s | "
            "req/s ratio (ours ÷ Datasette) | server CPU ms a request, ours / Datasette |",
            "|---|---:|---:|---:|---:|---:|---:|",
            *(
                f"| {name} | {a['p95']:.1f} | {b['p95']:.1f} | {a['rps']:.1f} | {b['rps']:.1f} "
                f"| {ratio(a['rps'], b['rps'])} | {a['server_cpu_ms']:.1f} / "
                f"{b['server_cpu_ms']:.1f} |"
                for name, a, b in (("first", ours, theirs), ("at 90%", ours_deep, theirs_deep))
            ),
        ]
    text = "\n".join(lines) + "\n"
    out = BENCH / "results" / f"{datetime.now():%Y-%m-%d}-api-{sizes['pledges'] // 1000}k-"
    out = Path(f"{out}{vendor.lower()}.md")
    out.write_text(text)
    log(f"written to {out.relative_to(ROOT)}")
    return text


if __name__ == "__main__":
    main()
