"""The performance targets, as one table: the report checks each row against
the measured results and prints the table as its note.

To add a target, add a row. ``metric`` is an attribute of
``bench.measure.Result`` (``p95_ms``, ``queries``, ``rows_per_s``,
``peak_mb``, ``rps`` …); ``ratio_to`` makes the row a ratio of two endpoints'
req/s instead; ``engines`` says on which database it applies.
"""

from dataclasses import dataclass

from bench.config import SEARCHES

POSTGRESQL = ("postgresql",)
SQLITE = ("sqlite",)
BOTH = POSTGRESQL + SQLITE


@dataclass(frozen=True)
class Target:
    label: str
    key: str  # the endpoint (bench.run.endpoints)
    metric: str
    limit: float
    at_most: bool = True
    ratio_to: str | None = None  # another endpoint: the goal is key's req/s ÷ its req/s
    engines: tuple = POSTGRESQL
    unit: str = ""

    @property
    def goal(self):
        if self.ratio_to:
            return f"{'≤' if self.at_most else '≥'} {self.limit:g}×"
        return f"{'≤' if self.at_most else '≥'} {self.limit:,g}{self.unit}"

    def met_by(self, value):
        return value <= self.limit if self.at_most else value >= self.limit


def _both_ways(label, key, **row):
    """The row for a public page as served (from the page cache) and rendered."""
    return [
        Target(label, key, **row),
        Target(f"{label}, rendered", f"{key}_rendered", **row),
    ]


TARGETS = [
    *_both_ways("List page 1 p95", "list", metric="p95_ms", limit=60, unit=" ms"),
    *_both_ways("List last page p95", "list_deep", metric="p95_ms", limit=60, unit=" ms"),
    Target("List page 1 queries (cold caches)", "list", "queries", 8),
    Target("List last page queries (cold caches)", "list_deep", "queries", 8),
    *_both_ways(
        "List page 1 vs admin req/s", "list", metric="rps", limit=2, at_most=False, ratio_to="admin"
    ),
    *_both_ways(
        "List page 1 vs bare req/s", "list", metric="rps", limit=0.3, at_most=False, ratio_to="bare"
    ),
    *(
        row
        for i, term in enumerate(SEARCHES, 1)
        for row in _both_ways(
            f"Search {term!r} p95", f"search{i}", metric="p95_ms", limit=100, unit=" ms"
        )
    ),
    *_both_ways("Pledge page p95", "pledge", metric="p95_ms", limit=60, unit=" ms"),
    Target("Dashboard p95", "dashboard", "p95_ms", 60, unit=" ms"),
    # Issue 17: the record as of a past day, trends and changes.
    Target("List as of a past day, rendered p95", "list_as_of_rendered", "p95_ms", 150, unit=" ms"),
    *_both_ways("Trend chart p95", "trends", metric="p95_ms", limit=200, unit=" ms"),
    *_both_ways("Changes page p95", "changes", metric="p95_ms", limit=200, unit=" ms"),
    *_both_ways("Changes 2006-2016 p95", "changes_decade", metric="p95_ms", limit=200, unit=" ms"),
    # Parties (issue 16): one source's matrix, 1,000 pledges × 50 parties, and a party page.
    *_both_ways("Matrix 1,000 × 50 p95", "matrix", metric="p95_ms", limit=150, unit=" ms"),
    # 7 for the matrix itself, 3 for the list's filter form's facet counts and
    # 1 for the footer's list of texts (issue 19, cached with the data like
    # the rest; it came after this budget was set). tests/test_matrix.py
    # asserts the same count at two sizes.
    Target("Matrix queries (cold caches)", "matrix", "queries", 11),
    *_both_ways("Party page p95", "party", metric="p95_ms", limit=60, unit=" ms"),
    # Issue 17 on the parties' pages: the cells computed for a past day.
    *_both_ways(
        "Matrix 1,000 × 50 as of a past day p95",
        "matrix_as_of",
        metric="p95_ms",
        limit=150,
        unit=" ms",
    ),
    *_both_ways(
        "Party page as of a past day p95", "party_as_of", metric="p95_ms", limit=60, unit=" ms"
    ),
    *_both_ways("Party trend chart p95", "party_trends", metric="p95_ms", limit=200, unit=" ms"),
    Target("Export rows/s", "export", "rows_per_s", 20000, at_most=False),
    Target("Export peak worker memory", "export", "peak_mb", 200, unit=" MB"),
    # API v1 (issue 18): a page of 100 pledges with their updates, first and
    # deep (cursor), with a fixed number of queries; the NDJSON export.
    # Datasette's req/s beside it is a ratio in the report (bench/report.py).
    *(
        Target(
            f"{prefix}API v1 page of 100 pledges p95", "api_v1", "p95_ms", 60, engines=e, unit=" ms"
        )
        for prefix, e in (("", POSTGRESQL), ("SQLite ", SQLITE))
    ),
    *(
        Target(
            f"{prefix}API v1 page of 100 at 90% (cursor) p95",
            "api_v1_deep",
            "p95_ms",
            60,
            engines=e,
            unit=" ms",
        )
        for prefix, e in (("", POSTGRESQL), ("SQLite ", SQLITE))
    ),
    Target("API v1 page queries", "api_v1", "queries", 4, engines=BOTH),
    Target("API v1 page at 90% queries", "api_v1_deep", "queries", 4, engines=BOTH),
    Target("API export pledges/s", "export_api", "rows_per_s", 20000, at_most=False, engines=BOTH),
    Target("API export peak worker memory", "export_api", "peak_mb", 200, engines=BOTH, unit=" MB"),
    *_both_ways(
        "SQLite list page 1 p95", "list", metric="p95_ms", limit=60, engines=SQLITE, unit=" ms"
    ),
    *_both_ways(
        "SQLite list last page p95",
        "list_deep",
        metric="p95_ms",
        limit=60,
        engines=SQLITE,
        unit=" ms",
    ),
]


# Issue 20: a weekly digest run, 10,000 followers over a week of changes at
# 100k pledges (bench/alerts.py, its own script: the job runs outside the web
# server). ``metric`` is ``wall_s`` or ``peak_mb`` of a phase.
BOTH_ENGINES = POSTGRESQL + SQLITE
ALERT_TARGETS = [
    Target(
        "Digest run, 10,000 followers: wall time",
        "alerts_digest",
        "wall_s",
        300,
        unit=" s",
        engines=BOTH_ENGINES,
    ),
    Target(
        "Digest compose: peak memory",
        "alerts_compose",
        "peak_mb",
        300,
        unit=" MB",
        engines=BOTH_ENGINES,
    ),
    Target(
        "Digest delivery: peak memory",
        "alerts_deliver",
        "peak_mb",
        300,
        unit=" MB",
        engines=BOTH_ENGINES,
    ),
]


def for_engine(engine):
    return [target for target in TARGETS if engine in target.engines]


def note(engine):
    """The targets that apply on ``engine``, as one sentence for the report."""
    rows = [f"{target.label} {target.goal}" for target in for_engine(engine)]
    return f"Targets on {engine}: " + "; ".join(rows) + "."
