"""What the party pages and the pledge × party matrix show, read with a fixed
number of queries whatever the number of pledges or parties.

A cell is one pledge for one party (``PartyStatus``, maintained from the
updates by ``tracker.models.refresh_party_status``). A pair with no row has no
information; a pledge a steward narrowed to other parties does not apply.

On another day (``?as_of=``, with or without ``recorded_on``) the functions
that take ``day`` and ``recorded_on`` compute the cells instead, with
``StatusUpdate.objects.party_cells()``, the rule the maintained rows follow:
same shapes, same number of queries (one more for a party page's evidence).
Narrowing (``Pledge.applies_to``) has no history and applies as it is today. The
matrix renders its cells here, as strings, rather than through the template
engine: a page is up to 1,000 pledges × 50 parties, and 50,000 template
``{% include %}``s cost seconds where these cost milliseconds; adjacent gaps
share one cell, so the page stays small.
"""

from dataclasses import dataclass

from django.utils import timezone
from django.utils.html import escape
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from tracker import models
from tracker.caching import cached
from tracker.links import around
from tracker.models import (
    CELL_STATUS_COLOURS,
    CELL_STATUS_DEFINITIONS,
    CELL_STATUS_LABELS,
    CONTESTED,
    SEARCH_FIELDS,
    STALE_AFTER,
    Actor,
    PartyMembership,
    PartyStatus,
    Pledge,
    Status,
    StatusUpdate,
    id_set,
)

# Pledges per page of the matrix (rows) and of a party page.
MATRIX_ROWS_PER_PAGE = 1000
PARTY_PLEDGES_PER_PAGE = 25
# Updates shown in a party's feed on its page (the Atom feed has more).
PARTY_FEED_SHOWN = 10

NOT_APPLICABLE = "not_applicable"
NOT_APPLICABLE_LABEL = _("Not applicable")
NO_INFORMATION_LABEL = CELL_STATUS_LABELS[Status.NO_INFORMATION]


@dataclass(frozen=True)
class StatusTerm:
    """A status as a chart draws it: what Status members offer, for the cell
    statuses too (which add "contested")."""

    value: str
    label: str
    colour: str
    definition: str


CELL_STATUSES = [
    StatusTerm(value, label, CELL_STATUS_COLOURS[value], CELL_STATUS_DEFINITIONS[value])
    for value, label in CELL_STATUS_LABELS.items()
]


# By value, for pages that show a cell's status as a badge.
CELL_STATUS_TERMS = {term.value: term for term in CELL_STATUSES}


def legend():
    """The cell statuses a matrix can show, with their labels and definitions."""
    entries = [
        {"value": value, "label": label, "definition": CELL_STATUS_DEFINITIONS[value]}
        for value, label in CELL_STATUS_LABELS.items()
    ]
    entries.append(
        {
            "value": NOT_APPLICABLE,
            "label": NOT_APPLICABLE_LABEL,
            "definition": _("A steward narrowed this pledge to other parties of the text."),
        }
    )
    return entries


def parties_of(source):
    """The parties of ``source``, by name, each with its membership's role."""
    return list(
        Actor.objects.filter(party_memberships__source=source)
        .only("slug", "name", "kind")
        .order_by("name")
    )


def narrowed_to(pledge_ids):
    """``{pledge id: set of party ids}`` for the pledges that a steward
    narrowed; a pledge absent from it applies to every party of its text."""
    narrowed = {}
    rows = Pledge.applies_to.through.objects.filter(pledge_id__in=id_set(pledge_ids)).values_list(
        "pledge_id", "actor_id"
    )
    for pledge_id, actor_id in rows:
        narrowed.setdefault(pledge_id, set()).add(actor_id)
    return narrowed


# A cell's stored values, as cells_for() reads them (no model instances: a
# matrix page reads up to 50,000).
CELL_COLUMNS = (
    "status",
    "self_status",
    "self_update_id",
    "assessed_status",
    "assessed_update_id",
)


def cells_for(pledge_ids, actor_ids=None, *, day=None, recorded_on=None):
    """``{pledge id: {actor id: cell values}}`` for these pledges, one query;
    pledges and pairs without information are absent. With ``day``, the
    cells as of that day (and as recorded on ``recorded_on``), computed by
    ``party_cells()`` rather than read from the maintained rows."""
    if day is not None:
        return dated_cells_for(pledge_ids, actor_ids, day, recorded_on)
    # The page's ids as one parameter (see id_set); the parties are few.
    rows = PartyStatus.objects.filter(pledge_id__in=id_set(pledge_ids))
    if actor_ids is not None:
        rows = rows.filter(actor_id__in=actor_ids)
    by_pledge = {}
    for pledge_id, actor_id, *values in rows.values_list("pledge_id", "actor_id", *CELL_COLUMNS):
        by_pledge.setdefault(pledge_id, {})[actor_id] = tuple(values)
    return by_pledge


def dated_cells_for(pledge_ids, actor_ids, day, recorded_on=None):
    """cells_for() on another day: the same values, from the updates."""
    updates = StatusUpdate.objects.filter(pledge_id__in=id_set(pledge_ids))
    if actor_ids is not None:
        updates = updates.filter(actor_id__in=actor_ids)
    by_pledge = {}
    for (pledge_id, actor_id), cell in updates.party_cells(day, recorded_on).items():
        values = tuple(getattr(cell, name) for name in CELL_COLUMNS)
        by_pledge.setdefault(pledge_id, {})[actor_id] = values
    return by_pledge


@dataclass
class CellView:
    """One cell as the exports describe it."""

    status: str  # a cell status, or NOT_APPLICABLE
    self_status: str = ""
    self_update_id: int | None = None
    assessed_status: str = ""
    assessed_update_id: int | None = None

    @classmethod
    def of(cls, value):
        """From a matrix row's entry: None (no information), NOT_APPLICABLE,
        or a cell's stored values."""
        if value is None:
            return cls(Status.NO_INFORMATION)
        if value == NOT_APPLICABLE:
            return cls(NOT_APPLICABLE)
        return cls(*value)

    @property
    def label(self):
        if self.status == NOT_APPLICABLE:
            return NOT_APPLICABLE_LABEL
        return CELL_STATUS_LABELS[self.status]

    @property
    def text(self):
        """The cell in words, for the CSV."""
        if self.status == CONTESTED:
            return gettext(
                "Contested (self-report: %(self_report)s; independent assessment: %(assessment)s)"
            ) % {
                "self_report": CELL_STATUS_LABELS[self.self_status],
                "assessment": CELL_STATUS_LABELS[self.assessed_status],
            }
        return self.label

    def as_json(self):
        data = {"status": self.status, "label": self.label}
        if self.self_status:
            data["self_report"] = {"status": self.self_status, "update": self.self_update_id}
        if self.assessed_status:
            data["independent_assessment"] = {
                "status": self.assessed_status,
                "update": self.assessed_update_id,
            }
        return data


# --- the matrix ------------------------------------------------------------------


def matrix_rows(pledges, parties, *, day=None, recorded_on=None):
    """Each pledge with its row of cells in the parties' order, two queries
    (narrowing, cells) for any number of pledges. A row is None when every
    cell has no information (most rows, in practice); otherwise each entry is
    None (no information), NOT_APPLICABLE, or the cell's stored values.
    ``day``/``recorded_on``: the cells on another day (see cells_for)."""
    pledges = list(pledges)
    ids = [pledge.pk for pledge in pledges]
    party_ids = [party.pk for party in parties]
    narrowed = narrowed_to(ids)
    cells = cells_for(ids, party_ids, day=day, recorded_on=recorded_on)
    rows = []
    for pledge in pledges:
        known, allowed = cells.get(pledge.pk), narrowed.get(pledge.pk)
        if known is None and allowed is None:
            rows.append((pledge, None))
            continue
        known = known or {}
        rows.append(
            (
                pledge,
                [
                    NOT_APPLICABLE
                    if allowed is not None and actor_id not in allowed
                    else known.get(actor_id)
                    for actor_id in party_ids
                ],
            )
        )
    return rows


def matrix_cell_views(rows, party_count):
    """The rows with a CellView per cell, for the CSV and JSON."""
    for pledge, cells in rows:
        yield pledge, [CellView.of(value) for value in (cells or [None] * party_count)]


def matrix_pledges(queryset):
    """The matrix's rows: only what a row shows, in reading order. A queryset
    read as of a past day (Pledge.objects.as_of()) annotates three subqueries
    a row that a row of cells never shows: they are left out of the SELECT
    (and so of the page's count), and run only where a filter needs them,
    since a filter on an annotation carries its own copy of the expression
    in the WHERE clause. (Wrapping the matches in an id subquery instead cost
    a 30 ms count and a 16 ms read at 30,000 pledges; this, 3 and 4 ms.)"""
    queryset = queryset.only("pk", "ref", "title", "source_id").order_by(
        "source_adopted", "paragraph", "ref"
    )
    queryset.query.set_annotation_mask(())
    return queryset


def cell_words():
    """The words the cells are written in, in the page's language, looked up
    once per page rather than once per cell."""
    return {
        "labels": {value: str(label) for value, label in CELL_STATUS_LABELS.items()},
        "not_applicable": gettext("Not applicable"),
        "no_information": gettext("No information"),
        "contested": gettext("Contested"),
        "self_report": gettext("Self-report: %(status)s"),
        "assessment": gettext("Assessment: %(status)s"),
        "evidence_assessment": gettext("Evidence: the latest assessment"),
        "evidence_self_report": gettext("Evidence: the latest self-report"),
    }


def gap_cell(span, words):
    """Adjacent parties without information share one labelled, patterned
    cell: the band shows where the record is empty, and keeps a page of
    50,000 cells to a few thousand elements."""
    if span == 1:
        return f'<td class="gap">{words["no_information"]}</td>'
    return f'<td class="gap" colspan="{span}">{words["no_information"]}</td>'


def render_cell(value, update_url, words):
    """One <td> of the matrix for a cell with information (or not
    applicable). Every cell says its status in words; colour repeats it.
    ``update_url``: ``links.around("update-detail")``."""
    before, after = update_url
    if value == NOT_APPLICABLE:
        return f'<td class="na">{words["not_applicable"]}</td>'
    labels = words["labels"]
    status, self_status, self_update, assessed_status, assessed_update = value
    if status == CONTESTED:
        self_report = words["self_report"] % {"status": labels[self_status]}
        assessment = words["assessment"] % {"status": labels[assessed_status]}
        return (
            f'<td class="contested"><strong>{words["contested"]}</strong>'
            f'<a href="{before}{self_update}{after}">{self_report}</a>'
            f'<a href="{before}{assessed_update}{after}">{assessment}</a></td>'
        )
    if assessed_update:
        evidence, title = assessed_update, words["evidence_assessment"]
    else:
        evidence, title = self_update, words["evidence_self_report"]
    return (
        f'<td class="status-{status}"><a href="{before}{evidence}{after}" title="{title}">'
        f"{labels[status]}</a></td>"
    )


def render_row_cells(cells, update_url, words):
    """A row's cells, runs of gaps merged (see gap_cell)."""
    parts, gaps = [], 0
    for value in cells:
        if value is None:
            gaps += 1
            continue
        if gaps:
            parts.append(gap_cell(gaps, words))
            gaps = 0
        parts.append(render_cell(value, update_url, words))
    if gaps:
        parts.append(gap_cell(gaps, words))
    return "".join(parts)


def render_matrix_body(rows, party_count):
    """The <tbody> rows as one string (see the module docstring for why)."""
    # Each route reversed once (tracker/links.py), not once per cell.
    update_url = around("update-detail")
    pledge_before, pledge_after = around("pledge-detail")
    words = cell_words()
    empty_row = gap_cell(party_count, words)
    lines = []
    for pledge, cells in rows:
        ref = escape(pledge.ref)
        body = empty_row if cells is None else render_row_cells(cells, update_url, words)
        lines.append(
            f'<tr><th scope="row"><a href="{pledge_before}{ref}{pledge_after}" '
            f'title="{escape(pledge.title)}">'
            f"{ref}</a></th>{body}</tr>"
        )
    return "\n".join(lines)


# --- a party's page ---------------------------------------------------------------


def memberships_of(actor):
    return list(
        PartyMembership.objects.filter(actor=actor)
        .select_related("source")
        .defer(*(f"source__{name}" for name in ("text", "preamble")))
        .order_by("source__date_adopted")
    )


class Scorecard(models.Scorecard):
    """A party's scorecard: the one headline rule (``models.Scorecard``) over
    its cells' statuses, every applicable pledge counted (``applicable``)."""

    @property
    def applicable(self):
        return self.commitments

    @property
    def rows(self):
        return [
            {
                "status": status,
                "label": CELL_STATUS_LABELS[status],
                "definition": CELL_STATUS_DEFINITIONS[status],
                "count": count,
            }
            for status, count in self.counts.items()
        ]


def scorecard(actor, applicable, *, day=None, recorded_on=None):
    """Counts by cell status over the pledges that apply to ``actor``; pledges
    without a cell are "no information". Two queries. With ``day``, the
    cells of that day (``applicable`` is then the pledges as of that day).
    Commitments only, as every statistic: context applies to the party's
    text but commits no one, so it is never "no information"."""
    applicable = applicable.commitments()
    total = applicable.count()
    if day is None:
        counts = PartyStatus.objects.filter(
            actor=actor, pledge__in=applicable.values("pk")
        ).status_counts()
    else:
        counts = dict.fromkeys(CELL_STATUS_LABELS, 0)
        cells = StatusUpdate.objects.filter(
            actor=actor, pledge__in=applicable.values("pk")
        ).party_cells(day, recorded_on)
        for cell in cells.values():
            counts[cell.status] += 1
    counts[Status.NO_INFORMATION] += total - sum(counts.values())
    return Scorecard(counts)


def cached_scorecard(actor, applicable, *, day=None, recorded_on=None):
    """``scorecard()``, kept per data version like the dashboard's figures
    (tracker/caching.py): over a party's 30,000 pledges its two counts were
    most of the party page's database time, and they change only when the
    record does. ``applicable`` must be what ``actor`` and ``day`` make it."""
    return cached(
        "party-scorecard",
        lambda: scorecard(actor, applicable, day=day, recorded_on=recorded_on),
        actor.pk,
        day,
        recorded_on,
    )


def party_pledge_rows(actor, pledges, *, day=None, recorded_on=None):
    """A page of the party's pledges, each with its cell and the two latest
    updates behind it (self-report, assessment): two queries (the pledges
    and the cells; on another day, three: the cells are computed, then their
    updates read)."""
    pledges = list(pledges)
    if day is not None:
        return dated_party_pledge_rows(actor, pledges, day, recorded_on)
    rows = {
        row.pledge_id: row
        for row in PartyStatus.objects.filter(actor=actor, pledge__in=[p.pk for p in pledges])
        .select_related("self_update", "assessed_update")
        .defer(*(f"{side}__summary" for side in ("self_update", "assessed_update")))
    }
    return [(pledge, rows.get(pledge.pk)) for pledge in pledges]


def dated_party_pledge_rows(actor, pledges, day, recorded_on=None):
    """party_pledge_rows() on another day: each cell as ``party_cells()``
    computes it, shaped as an unsaved PartyStatus so pages and the CSV read
    both alike, with the updates behind it."""
    cells = StatusUpdate.objects.filter(
        actor=actor, pledge_id__in=id_set([p.pk for p in pledges])
    ).party_cells(day, recorded_on)
    evidence = {
        pk
        for cell in cells.values()
        for pk in (cell.self_update_id, cell.assessed_update_id)
        if pk is not None
    }
    updates = StatusUpdate.objects.filter(pk__in=id_set(evidence)).only(
        "pk", "status", "as_of", "kind", "pledge_id"
    )
    updates = {update.pk: update for update in updates} if evidence else {}
    rows = []
    for pledge in pledges:
        cell = cells.get((pledge.pk, actor.pk))
        row = None
        if cell is not None:
            row = PartyStatus(pledge_id=pledge.pk, actor_id=actor.pk, **cell.fields())
            row.self_update = updates.get(cell.self_update_id)
            row.assessed_update = updates.get(cell.assessed_update_id)
        rows.append((pledge, row))
    return rows


def party_updates(actor, *, day=None, recorded_on=None):
    """The updates that name the party, newest first (its feed); with
    ``day``, those dated on or before it (and entered by ``recorded_on``)."""
    return (
        StatusUpdate.objects.filter(actor=actor)
        .entered_by(recorded_on)
        .dated_between(end=day)
        .with_pledge()
        .select_related("author", "withdrawn_by")
        .newest_first()
    )


def reporter_parties(user):
    """The parties a signed-in reporter reports for."""
    return list(
        Actor.objects.filter(reporters=user, party_memberships__isnull=False)
        .distinct()
        .order_by("name")
    )


def stale_or_empty(actor, applicable, today=None):
    """The party's applicable pledges whose cell has no information or whose
    latest update is more than a year old, most neglected first."""
    today = today or timezone.localdate()
    fresh = PartyStatus.objects.filter(
        actor=actor, last_update_as_of__gte=today - STALE_AFTER
    ).values("pledge_id")
    return applicable.exclude(pk__in=fresh).defer(*SEARCH_FIELDS)
