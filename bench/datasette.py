"""Datasette beside API v1 (issue 18): on SQLite, the same database file
served by Datasette, read-only, and the same page of 100 pledges measured
with the same wrk settings in the same run, so the report can give the ratio.

Datasette comes from PyPI at the version pinned in bench/requirements.txt,
installed on first use into a venv of its own under bench/data/ (never into
the app's environment). Datasette serves the pledge table's rows alone; API
v1's page carries each pledge's tags and every update besides.
"""

import subprocess
import sys
import time

from bench.config import BENCH, DATA, ROOT, log
from bench.measure import Probe, Result, run_wrk, run_wrk_with_cpu
from bench.server import fetch, free_port

REQUIREMENTS = BENCH / "requirements.txt"
VENV = DATA / "datasette-venv"


def version():
    for line in REQUIREMENTS.read_text().splitlines():
        if line.startswith("datasette=="):
            return line.split("==")[1].split()[0]
    sys.exit(f"{REQUIREMENTS} pins no datasette version.")


def binary():
    """The datasette command, installed from PyPI at the pinned version."""
    wanted = version()
    command = VENV / "bin" / "datasette"
    if command.exists():
        installed = subprocess.run(
            [str(command), "--version"], capture_output=True, text=True
        ).stdout
        if wanted in installed:
            return command
    log(f"installing datasette {wanted} from PyPI into {VENV.relative_to(ROOT)}")
    subprocess.run([sys.executable, "-m", "venv", str(VENV)], check=True)
    subprocess.run(
        [str(VENV / "bin" / "pip"), "install", "-q", "-r", str(REQUIREMENTS)], check=True
    )
    return command


def answers(port, path):
    try:
        return fetch(port, path, limit=5)[0] == 200
    except OSError:  # not listening yet
        return False


def measure(args, database, pages):
    """``pages``: (key, label, path) rows to time on Datasette; one ``Result``
    each (no query probe: it is another server)."""
    port = free_port()
    process = subprocess.Popen(
        [str(binary()), "serve", "-i", str(database), "-p", str(port),
         "--setting", "max_returned_rows", "1000", "--setting", "sql_time_limit_ms", "20000"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    results = []
    try:
        deadline = time.monotonic() + 120
        while not answers(port, f"/{database.stem}.json"):
            if time.monotonic() > deadline or process.poll() is not None:
                sys.exit("Datasette did not start.")
            time.sleep(0.5)
        none = Probe(0, None, [], True, 0.0)
        for key, label, path in pages:
            log(f"{label}: warm-up {args.warmup} s, then {args.duration} s")
            run_wrk(port, [path], {}, args.warmup, args.connections)
            timing = run_wrk_with_cpu(
                port, [path], {}, args.duration, args.connections, lambda: [process.pid]
            )
            results.append(Result(key, label, [path], timing, none, none))
    finally:
        process.terminate()
        process.wait(timeout=30)
    return results


def pages(database):
    """Datasette's own keyset pages: the first 100 rows, and 100 after the
    rowid at 90% of the table (as API v1's deep page starts at 90%)."""
    from django.db.models import Max

    from tracker.models import Pledge

    page = f"/{database.stem}/tracker_pledge.json?_size=100"
    deep = int((Pledge.objects.aggregate(m=Max("pk"))["m"] or 0) * 0.9)
    return [
        ("datasette", f"Datasette {version()}: first page of 100 pledges (table rows only)", page),
        ("datasette_deep", "Datasette: page of 100 at 90% (its keyset)", f"{page}&_next={deep}"),
    ]
