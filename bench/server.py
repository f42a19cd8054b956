"""The bench server and the machine: gunicorn started and stopped by its own
pid, requests to it, its workers' memory and CPU read from /proc (no psutil
needed), and its own PostgreSQL sessions and cache keys."""

import http.client
import os
import resource
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

from bench.config import BIN, PROXY_HEADERS, ROOT, SERVER_NAME, log


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
        return cpu_ticks(self.workers())

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


def cpu_ticks(pids):
    """User + system CPU time of these processes, in clock ticks, from /proc."""
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])  # utime + stime
    return total


def cpu_ms(ticks):
    return ticks * 1000 / os.sysconf("SC_CLK_TCK")


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
    keys = list(client.scan_iter(match=f"{SERVER_NAME}:*", count=1000))
    if keys:
        client.delete(*keys)


def active_queries():
    """How many of the bench server's PostgreSQL sessions are running a query."""
    from django.db import connection

    if connection.vendor != "postgresql":
        return 0
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE application_name = %s "
            "AND state = 'active' AND pid <> pg_backend_pid()",
            [SERVER_NAME],
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
            "WHERE application_name = %s AND pid <> pg_backend_pid()",
            [SERVER_NAME],
        )
    connection.close()
