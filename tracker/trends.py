"""Trends: how many pledges stood in each status at the end of each year,
from the adoption of the first text to today, per source and per theme.

A year's count is what ``Pledge.objects.as_of(31 December)`` gives (today,
for the current year), and tests/test_trends.py holds the two equal on the
shipped record and on generated data. Asking as_of() once per year and group
would cost a lookup per pledge and year (2.5 million at 100,000 pledges), so
the counts come from one pass over the updates instead: each counted overall
update holds from its as_of until the pledge's next one in timeline order
(LEAD over the same order as ``newest_first()``), so it is the status at the
end of every year from its own year to the year before the next update's.
Counting "starts" and "ends" per year and adding them up gives every year at
once: one query per grouping, cached per data version like the dashboard.

Per party (``?party=``), a year's counts are the party's cells, as
``StatusUpdate.objects.party_cells(31 December)`` makes them, over the
commitments that apply to it: its updates are few (a party's own, at most a
few per pledge), so they are read once, in timeline order, and walked
year by year (party_year_counts; tests/test_trends.py holds it equal to the
rule). The chart is the same Trend, drawn by the same template, with the
cell statuses (contested included) instead of the pledge statuses.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from django.db import connection
from django.db.models import Count, F, Func, IntegerField, Value, Window
from django.db.models.functions import Lead
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from tracker.caching import cached
from tracker.models import (
    CELL_STATUS_LABELS,
    Actor,
    Pledge,
    SourceDocument,
    Status,
    StatusUpdate,
    Theme,
    UpdateKind,
    cell_status,
)
from tracker.parties import CELL_STATUSES

FIRST_YEAR = 2002  # the ASEM Copenhagen Declaration, the earliest text tracked

# The chart's geometry, in SVG user units (the viewBox scales it).
CHART_HEIGHT = 240
BAR_WIDTH = 18
BAR_GAP = 6
MARGIN_LEFT = 44
MARGIN_BOTTOM = 24
MARGIN_TOP = 8


class Year(Func):
    """A date's year as an integer. (ExtractYear is numeric on PostgreSQL,
    and a million of them, grouped, took seconds.)"""

    template = "CAST(date_part('year', %(expressions)s) AS integer)"
    output_field = IntegerField()

    def as_sqlite(self, compiler, connection, **extra):
        return self.as_sql(
            compiler, connection, template="CAST(strftime('%%%%Y', %(expressions)s) AS integer)"
        )


def years():
    return list(range(FIRST_YEAR, timezone.localdate().year + 1))


GROUPINGS = {
    # name: (pledge field that groups, model of the groups)
    "all": (None, None),
    "source": ("source_id", SourceDocument),
    "theme": ("themes", Theme),
}


def counted_pledges():
    """The pledges the trends count: commitments only, like every statistic
    (context has no status)."""
    return Pledge.objects.commitments()


def year_counts(grouping):
    """``{group pk (0 for "all"): {year: {status: n}}}`` for FIRST_YEAR to this
    year, every status present (no information included). Three queries."""
    group_field, _model = GROUPINGS[grouping]
    pledges = counted_pledges()
    group = Value(0, output_field=IntegerField()) if group_field is None else F(group_field)

    # Pledges in the record at each year's end: those whose text was adopted.
    existing = defaultdict(lambda: defaultdict(int))
    rows = (
        pledges.annotate(g=group, y=Year("source_adopted"))
        .filter(g__isnull=False)
        .values_list("g", "y")
        .order_by()
        .annotate(n=Count("pk"))
    )
    for g, year, n in rows:
        existing[g][year] += n

    # Each counted overall update's span of year-ends: [its year, the next
    # one's). The window runs once per pledge, in the as-of index's order;
    # the grouping joins the spans that cover a year-end (a third fewer).
    spans = (
        StatusUpdate.objects.counting()
        .filter(actor__isnull=True, pledge__in=pledges)
        .annotate(
            starts=Year("as_of"),
            ends=Window(
                Lead(Year("as_of")),
                partition_by=[F("pledge_id")],
                order_by=[F("as_of").asc(), F("created").asc(), F("pk").asc()],
            ),
        )
        .values_list("pledge_id", "status", "starts", "ends")
        .order_by()
    )
    sql, params = spans.query.sql_with_params()
    quote = connection.ops.quote_name
    if grouping == "all":
        group_sql, join = "0", ""
    elif grouping == "source":
        group_sql = "grouped.source_id"
        join = f"JOIN {quote(Pledge._meta.db_table)} grouped ON grouped.id = spans.pledge_id"
    else:
        group_sql = "grouped.theme_id"
        join = (
            f"JOIN {quote(Pledge.themes.through._meta.db_table)} grouped "
            "ON grouped.pledge_id = spans.pledge_id"
        )
    changes = defaultdict(lambda: defaultdict(lambda: defaultdict(int)))
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {group_sql}, spans.status, spans.starts, spans.ends, COUNT(*) "
            f"FROM ({sql}) spans {join} "
            "WHERE spans.ends IS NULL OR spans.ends > spans.starts "
            # (A constant is no GROUP BY term: "GROUP BY 0" names a column.)
            f"GROUP BY {'' if grouping == 'all' else group_sql + ', '}"
            "spans.status, spans.starts, spans.ends",
            params,
        )
        for g, status, starts, ends, n in cursor.fetchall():
            changes[g][status][int(starts)] += n
            if ends is not None:
                changes[g][status][int(ends)] -= n

    span = years()
    result = {}
    for g in set(existing) | set(changes):
        by_year, running, total = {}, defaultdict(int), 0
        earliest = min([*existing[g], *(y for s in changes[g].values() for y in s), span[0]])
        for year in range(earliest, span[-1] + 1):
            total += existing[g].get(year, 0)
            for status, deltas in changes[g].items():
                running[status] += deltas.get(year, 0)
            if year >= span[0]:
                counts = {s: running.get(s, 0) for s in Status.values}
                counts[Status.NO_INFORMATION] = total - sum(
                    n for s, n in counts.items() if s != Status.NO_INFORMATION
                )
                by_year[year] = counts
        result[g] = by_year
    return result


def cached_year_counts(grouping):
    return cached("trends", lambda: year_counts(grouping), grouping)


def party_year_counts(actor):
    """``{year: {cell status: n}}`` for FIRST_YEAR to this year: the cells of
    the commitments that apply to ``actor`` (and whose text was adopted by
    then) at each year's end, this year's as of today. Two queries."""
    applicable = counted_pledges().applicable_to(actor)
    existing = dict(
        applicable.annotate(y=Year("source_adopted"))
        .values_list("y")
        .order_by()
        .annotate(n=Count("pk"))
    )
    # The party's counted updates in timeline order (party_cells' order), so
    # the last one seen of each kind is the latest on any day reached.
    updates = (
        StatusUpdate.objects.counting()
        .filter(actor=actor, pledge__in=applicable.values("pk"))
        .order_by("as_of", "created", "pk")
        .values_list("pledge_id", "kind", "status", "as_of")
    )
    latest = {}  # pledge id -> [self-report status, assessment status]
    span = years()
    this_year = span[-1]
    result, total, position = {}, 0, 0
    updates = list(updates)
    first = min([*existing, *(u[3].year for u in updates), span[0]])
    for year in range(first, this_year + 1):
        total += existing.get(year, 0)
        # This year's bar is today's record: every update, as the maintained
        # cells count them (an update may carry tomorrow's date).
        while position < len(updates) and (
            year == this_year or updates[position][3] <= date(year, 12, 31)
        ):
            pledge_id, kind, status, _as_of = updates[position]
            sides = latest.setdefault(pledge_id, ["", ""])
            sides[0 if kind == UpdateKind.SELF_REPORT else 1] = status
            position += 1
        if year >= span[0]:
            counts = dict.fromkeys(CELL_STATUS_LABELS, 0)
            for self_status, assessed_status in latest.values():
                counts[cell_status(self_status, assessed_status)] += 1
            counts[Status.NO_INFORMATION] = total - sum(
                n for s, n in counts.items() if s != Status.NO_INFORMATION
            )
            result[year] = counts
    return result


@dataclass
class Trend:
    """One chart: a group's counts per year, with the bars' geometry so the
    template only draws."""

    label: str
    slug: str
    rows: list  # dicts: year, day, counts {status: n}, cells (in statuses' order), total, progress
    # What the bars stack and the table's columns, in order: the pledge
    # statuses, or a party's cell statuses (CELL_STATUSES).
    statuses: list = field(default_factory=lambda: list(Status))
    bars: list = field(default_factory=list)
    ticks: list = field(default_factory=list)
    width: int = 0
    height: int = CHART_HEIGHT + MARGIN_TOP + MARGIN_BOTTOM

    def __post_init__(self):
        top = max([row["total"] for row in self.rows] + [1])
        scale = CHART_HEIGHT / nice_ceiling(top)
        x = MARGIN_LEFT
        for row in self.rows:
            year, counts, total = row["year"], row["counts"], row["total"]
            y = MARGIN_TOP + CHART_HEIGHT
            segments = []
            for status in self.statuses:
                n = counts.get(status.value, 0)
                if not n:
                    continue
                h = n * scale
                y -= h
                segments.append(
                    {"status": status, "count": n, "y": round(y, 2), "height": round(h, 2)}
                )
            self.bars.append(
                {"year": year, "x": x, "total": total, "segments": segments, "label_x": x + 9}
            )
            x += BAR_WIDTH + BAR_GAP
        self.width = x + BAR_GAP
        ceiling = nice_ceiling(top)
        self.ticks = [
            {"value": v, "y": round(MARGIN_TOP + CHART_HEIGHT - v * scale, 2)}
            for v in range(0, ceiling + 1, max(1, ceiling // 4))
        ]

    @property
    def axis_y(self):
        return MARGIN_TOP + CHART_HEIGHT

    @property
    def year_label_y(self):
        return MARGIN_TOP + CHART_HEIGHT + 16


def nice_ceiling(n):
    """The smallest of 1, 2, 4, 5 or 10 times a power of ten that is at least
    ``n``, so the axis has round ticks."""
    power = 1
    while True:
        for step in (1, 2, 4, 5):
            if step * power >= n:
                return step * power
        power *= 10


def trend_rows(counts, values):
    """A chart's rows, one per year, from ``{year: {status: n}}``; ``values``:
    the statuses, in the table's order."""
    today = timezone.localdate()
    rows = []
    for year in years():
        by_status = counts.get(year) or dict.fromkeys(values, 0)
        rows.append(
            {
                "year": year,
                "day": today if year == today.year else date(year, 12, 31),
                "counts": by_status,
                "cells": [by_status[s] for s in values],
                "total": sum(by_status.values()),
                # Contested cells do not count: their evidence disagrees.
                "progress": sum(by_status[s] for s in Status.with_progress()),
            }
        )
    return rows


def trend(grouping, group=None):
    """The Trend of one group (a SourceDocument, Theme or, for "party", an
    Actor; None for every pledge)."""
    if grouping == "party":
        return party_trend(group)
    counts = cached_year_counts(grouping).get(group.pk if group is not None else 0, {})
    rows = trend_rows(counts, Status.values)
    if group is None:
        return Trend(_("Every pledge"), "", rows)
    label = str(group)  # a text's short title, a theme's label, a party's name
    return Trend(label, group.slug, rows)


def party_trend(actor):
    """One party's chart: its applicable commitments by cell status."""
    counts = cached("trends-party", lambda: party_year_counts(actor), actor.pk)
    values = [status.value for status in CELL_STATUSES]
    return Trend(actor.name, actor.slug, trend_rows(counts, values), statuses=CELL_STATUSES)


def chosen_group(data, vocabulary):
    """The group ``?source=`` or ``?theme=`` names: ``(grouping, group, errors)``.
    An unknown slug is reported and the chart of every pledge shown."""
    errors = {}
    slug = (data.get("party") or "").strip()
    if slug:
        # Parties are many (50 a text in the benchmark): looked up, not listed.
        party = Actor.objects.filter(slug=slug, party_memberships__isnull=False).first()
        if party is not None:
            return "party", party, errors
        errors["party"] = [gettext("There is no party “%(slug)s”.") % {"slug": slug}]
    unknown = {
        "source": gettext("There is no source “%(slug)s”."),
        "theme": gettext("There is no theme “%(slug)s”."),
    }
    for grouping, model in (("source", SourceDocument), ("theme", Theme)):
        slug = (data.get(grouping) or "").strip()
        if not slug:
            continue
        if slug not in vocabulary.by_slug[grouping]:
            errors[grouping] = [unknown[grouping] % {"slug": slug}]
            continue
        manager = model.objects.without_text() if model is SourceDocument else model.objects
        return grouping, manager.get(slug=slug), errors
    return "all", None, errors


def csv_rows():
    """Every grouping's counts, one row per group and year, for the CSV."""
    groups = [("all", None)]
    groups += [("source", s) for s in SourceDocument.objects.without_text()]
    groups += [("theme", t) for t in Theme.objects.all()]
    for grouping, group in groups:
        chart = trend(grouping, group)
        for row in chart.rows:
            yield [
                grouping,
                chart.slug,
                chart.label,
                row["year"],
                row["day"],
                *row["cells"],
                row["total"],
                row["progress"],
            ]


CSV_COLUMNS = [
    "grouping",
    "group",
    "group_name",
    "year",
    "as_of",
    *Status.values,
    "total",
    "with_progress",
]


def party_csv_rows(actor):
    """One party's counts, one row per year (its columns: PARTY_CSV_COLUMNS)."""
    chart = party_trend(actor)
    for row in chart.rows:
        yield [
            "party",
            chart.slug,
            chart.label,
            row["year"],
            row["day"],
            *row["cells"],
            row["total"],
            row["progress"],
        ]


PARTY_CSV_COLUMNS = [
    *CSV_COLUMNS[:5],
    *(status.value for status in CELL_STATUSES),
    "total",
    "with_progress",
]
