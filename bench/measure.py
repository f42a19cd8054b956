"""Measuring one endpoint: the probe requests that count its queries, a wrk
load run (or, for an endpoint too slow for one, sequential requests), and the
full CSV download. Each returns a dataclass; ``Result`` gathers one endpoint's."""

import csv
import io
import json
import math
import re
import statistics
import subprocess
import sys
import time
import uuid
from dataclasses import dataclass

from bench.config import BENCH, PROXY_HEADERS
from bench.server import (
    MemorySampler,
    cpu_ms,
    cpu_ticks,
    end_abandoned_queries,
    fetch,
    memory_kib,
)


@dataclass
class Probe:
    """One request's queries, as bench/middleware.py logged them."""

    queries: int
    db_ms: float | None
    statements: list
    complete: bool  # False: cut off after the download limit
    wall_ms: float


@dataclass
class Download:
    """The full CSV export: rows, speed and the workers' memory."""

    rows: int
    complete: bool
    rows_per_s: float
    megabytes: float
    baseline_mb: float
    peak_mb: float
    # Rows per second of the workers' own CPU time: what the export costs,
    # which a busy machine inflates far less than the wall-clock rate.
    rows_per_cpu_s: float | None = None


@dataclass
class Timing:
    """Latency and throughput under load (wrk), or from a few sequential
    requests (``single``), or from the export downloads (``download``)."""

    median_ms: float | None
    p95_ms: float | None
    rps: float
    requests: int
    errors: int = 0
    non_2xx: int = 0
    single: bool = False
    cut: bool = False  # a sequential request did not finish within the budget
    download: Download | None = None
    # The server's CPU time per request over a load run (its processes'
    # ticks ÷ requests; requests wrk abandons at the end add a little).
    # Unlike latency it barely grows when other programs share the cores.
    server_cpu_ms: float | None = None


@dataclass
class Result:
    key: str
    label: str
    paths: list
    timing: Timing
    cold: Probe  # the first request: fills the caches (and is explained)
    warm: Probe  # the second: what a request costs once they are warm

    # The metrics that bench/targets.py names.
    @property
    def p95_ms(self):
        return self.timing.p95_ms

    @property
    def median_ms(self):
        return self.timing.median_ms

    @property
    def rps(self):
        return self.timing.rps

    @property
    def queries(self):
        return self.cold.queries

    @property
    def rows_per_s(self):
        return self.timing.download.rows_per_s if self.timing.download else None

    @property
    def peak_mb(self):
        return self.timing.download.peak_mb if self.timing.download else None


def probe(port, path, query_log, headers, explain, limit):
    """One request that counts its queries."""
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
                    return Probe(
                        record["queries"], record["db_ms"], record["statements"], complete, wall_ms
                    )
        time.sleep(0.05)
    if complete:
        sys.exit(f"No query count was logged for {path}.")
    return Probe(0, None, [], False, wall_ms)


def run_wrk_with_cpu(port, paths, headers, duration, connections, pids):
    """run_wrk(), with the CPU time that the processes ``pids()`` spent per request."""
    before = cpu_ticks(pids())
    timing = run_wrk(port, paths, headers, duration, connections)
    timing.server_cpu_ms = cpu_ms(cpu_ticks(pids()) - before) / max(timing.requests, 1)
    return timing


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
    done = result["requests"] > 0
    return Timing(
        median_ms=result["p50_us"] / 1000 if done else None,
        p95_ms=result["p95_us"] / 1000 if done else None,
        rps=result["requests"] / (result["duration_us"] / 1e6),
        requests=result["requests"],
        errors=sum(value for key, value in result.items() if key.startswith("errors_")),
        # Sync workers close every connection; wrk may count a few reads at close as errors.
        non_2xx=result["errors_status"],
    )


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
    timing = Timing(None, None, 0.0, len(times), non_2xx=failed, single=True, cut=cut)
    if times:
        median = statistics.median(times)
        timing.median_ms = median * 1000
        # A request that did not finish within the budget is slower than all of these.
        timing.p95_ms = None if cut or failed else percentile(times, 0.95) * 1000
        timing.rps = workers / median
    return timing


def percentile(values, fraction):
    ordered = sorted(values)
    return ordered[max(0, math.ceil(fraction * len(ordered)) - 1)]


def csv_rows(body, complete):
    text = body.decode("utf-8", errors="ignore")
    if not complete:  # drop the row that was cut in two
        text = text[: text.rfind("\n") + 1]
    return sum(1 for _ in csv.reader(io.StringIO(text))) - 1


def ndjson_rows(body, complete):
    return body.count(b"\n")  # a line cut in two has no newline yet


def measure_export(server, path, runs, limit, count_rows=csv_rows):
    """Sequential downloads on fresh workers; rows/s from the median run. A
    download that passes ``limit`` seconds is cut short, counted on the rows
    that arrived, and ends the series. ``count_rows``: ``csv_rows`` or
    ``ndjson_rows``."""
    server.restart_workers()
    baseline = max(memory_kib(pid, "VmRSS") for pid in server.workers()) / 1024
    sampler = MemorySampler(server)
    sampler.start()
    times, rates, cpu_rates, complete = [], [], [], True
    for _ in range(runs):
        started = time.perf_counter()
        ticks = server.cpu_ticks()
        status, body, complete = fetch(server.port, path, limit=limit)
        elapsed = time.perf_counter() - started
        spent = cpu_ms(server.cpu_ticks() - ticks) / 1000
        if status not in (200, None):
            sys.exit(f"GET {path} answered {status}")
        rows = count_rows(body, complete)
        times.append(elapsed)
        rates.append(rows / elapsed)
        if spent:
            cpu_rates.append(rows / spent)
        if not complete:
            break
    peak = sampler.stop()
    if not complete:
        end_abandoned_queries()
        server.restart_workers()
    median = statistics.median(times)
    return Timing(
        median_ms=median * 1000 if complete else None,
        p95_ms=percentile(times, 0.95) * 1000 if complete else None,
        rps=1 / median if complete else 0.0,
        requests=len(times) if complete else len(times) - 1,
        download=Download(
            rows=rows,
            complete=complete,
            rows_per_s=statistics.median(rates),
            megabytes=len(body) / 1e6,
            baseline_mb=baseline,
            peak_mb=peak,
            rows_per_cpu_s=statistics.median(cpu_rates) if cpu_rates else None,
        ),
    )
