"""The benchmark's report checks every target of bench/targets.py against
the results and prints the same table as its note (the benchmark itself runs
from bench/run.py, never in the test suite)."""

from argparse import Namespace

from bench import targets
from bench.measure import Download, Probe, Result, Timing
from bench.report import report

ARGS = Namespace(sqlite=False, pledges=1000, export_limit=120, slow_budget=90, duration=10)


def result(key, p95_ms=10.0, rps=100.0, queries=5, download=None):
    probe = Probe(queries, 1.0, [], True, 5.0)
    timing = Timing(p95_ms / 2, p95_ms, rps, 1000, download=download)
    return Result(key, key, [f"/{key}/"], timing, probe, probe)


def target_rows(markdown):
    table = markdown.split("## Targets", 1)[1].split("\n\n", 2)[1]
    return {row.split(" | ")[0].lstrip("| "): row for row in table.splitlines()[2:]}


def test_each_target_is_checked_against_its_result():
    results = [
        result("list", p95_ms=75.0, rps=300.0, queries=9),
        result("admin", rps=100.0),
        result("bare", rps=500.0),
        result("dashboard", p95_ms=20.0),
    ]
    rows = target_rows(report(ARGS, results, [], 0.0))
    assert rows["List page 1 p95"].endswith("| 75.0 | ≤ 60 ms | **NO** |")
    assert rows["List page 1 queries (cold caches)"].endswith("| 9 | ≤ 8 | **NO** |")
    assert rows["List page 1 vs admin req/s"].endswith("| 3× | ≥ 2× | yes |")
    assert rows["List page 1 vs bare req/s"].endswith("| 0.6× | ≥ 0.3× | yes |")
    assert rows["Dashboard p95"].endswith("| 20.0 | ≤ 60 ms | yes |")
    # Endpoints that were not measured have no row.
    assert "Pledge page p95" not in rows


def test_the_export_targets_read_the_download():
    download = Download(1000, True, 25000.0, 1.0, 60.0, 250.0)
    rows = target_rows(report(ARGS, [result("export", download=download)], [], 0.0))
    assert rows["Export rows/s"].endswith("| 25,000.0 | ≥ 20,000 | yes |")
    assert rows["Export peak worker memory"].endswith("| 250.0 | ≤ 200 MB | **NO** |")


def test_the_note_lists_the_targets_of_the_engine():
    note = targets.note("sqlite")
    rows = targets.for_engine("sqlite")
    # The list pages (4) and, for issue 18, the API's page and export (6).
    assert len(rows) == 10
    assert note.count("; ") == len(rows) - 1
    for row in rows:
        assert f"{row.label} {row.goal}" in note
    assert "Dashboard" not in note
    markdown = report(ARGS, [result("list")], [], 0.0)
    assert targets.note("postgresql") in markdown
