"""Read-side helpers that shape query results for the pages: status bars,
facet counts and their cache key, active-filter chips, the pledges citing an
instrument, quote highlighting and the history of edits. Each function runs a
fixed number of queries, whatever the size of the data."""

from collections import defaultdict
from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.db.models import Count, F, Q, Window
from django.db.models.functions import RowNumber
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import ngettext

from tracker.models import (
    ALLOWED_STATUSES,
    CONTEXT_COUNT,
    HISTORICAL_RECORD_USERNAME,
    PLEDGE_FIELDS,
    SEARCH_FIELDS,
    SOURCE_TEXT_FIELDS,
    STALE_AFTER,
    Actor,
    CommitmentType,
    Instrument,
    Pledge,
    Scorecard,
    SourceDocument,
    StatementKind,
    Status,
    StatusUpdate,
    Theme,
    id_set,
    reading_order,
)
from tracker.parties import CELL_STATUS_TERMS
from tracker.quotes import quote_pattern


@dataclass
class StatusBar:
    """Counts per status for one row of a chart, with the geometry of a
    stacked horizontal bar (percentages), so templates only draw."""

    counts: dict
    total: int = 0
    segments: list = field(default_factory=list)

    def __post_init__(self):
        self.total = sum(self.counts.values())
        offset = 0.0
        for status in Status:
            count = self.counts.get(status.value, 0)
            if not count:
                continue
            width = 100.0 * count / self.total
            self.segments.append(
                {"status": status, "count": count, "x": round(offset, 3), "width": round(width, 3)}
            )
            offset += width


@dataclass
class ChartRow:
    label: str
    object: object
    bar: StatusBar
    # Passages of context in this row: listed, never in the bar or the total.
    context_total: int = 0

    @property
    def total(self):
        return self.bar.total

    @property
    def scorecard(self):
        return Scorecard(self.bar.counts)


def theme_status_rows(pledges=None, column="current_status"):
    """One row per theme with its commitments' statuses: two queries.
    ``pledges`` and ``column``: the pledges as of a day
    (``Pledge.objects.as_of()``) and their ``status_on``; by default every
    pledge and its current status."""
    pledges = Pledge.objects.all() if pledges is None else pledges
    counts = defaultdict(dict)
    # Statistics count commitments only: context has no status.
    for theme_id, status, n in (
        pledges.commitments()
        .filter(themes__isnull=False)
        .values_list("themes", column)
        .annotate(n=Count("pk"))
        .order_by()
    ):
        counts[theme_id][status] = n
    return [
        ChartRow(theme.label, theme, StatusBar(counts[theme.pk]))
        for theme in sorted(Theme.objects.all(), key=lambda theme: reading_order(theme.label))
    ]


def source_status_rows(pledges=None, column="current_status"):
    """One row per source document with its commitments' statuses, and on
    each row ``context_total``, its passages of context (counted apart, in the
    same query): two queries (``pledges`` and ``column`` as for
    theme_status_rows)."""
    pledges = Pledge.objects.all() if pledges is None else pledges
    counts = defaultdict(dict)
    context = defaultdict(int)
    for source_id, kind, status, n in (
        pledges.values_list("source_id", "statement_kind", column)
        .annotate(n=Count("pk"))
        .order_by()
    ):
        if kind == StatementKind.CONTEXT:
            context[source_id] += n
        else:
            counts[source_id][status] = counts[source_id].get(status, 0) + n
    rows = []
    for source in SourceDocument.objects.without_text():
        bar = StatusBar(counts[source.pk])
        rows.append(ChartRow(source.short_title, source, bar, context[source.pk]))
    return rows


def as_of_banner(filterset, data):
    """What the "as of" banner says, or None when the page shows today: the
    day, the recording day if any, and the page's query without either (the
    link back to today)."""
    if filterset.as_of_day is None:
        return None
    pairs = [
        (key, item)
        for key, items in data.lists()
        for item in items
        if key not in ("as_of", "recorded_on", "page") and item != ""
    ]
    return {
        "day": filterset.as_of_day,
        "recorded_on": filterset.as_recorded_on,
        "today_query": urlencode(pairs),
        "query": urlencode(
            [("as_of", filterset.as_of_day.isoformat())]
            + (
                [("recorded_on", filterset.as_recorded_on.isoformat())]
                if filterset.as_recorded_on
                else []
            )
        ),
    }


def status_changes(start, end, source_pk=None):
    """The pledges (of one source, or all) whose status changed between
    ``start`` and ``end``, in reading order, as ``(pk, old, new)``, and how
    many made each move (``transitions``: ``[(old Status, new Status, n)]``,
    most common first). One query; evaluated, so it can be cached."""
    pledges = Pledge.objects.all() if source_pk is None else Pledge.objects.filter(source=source_pk)
    rows = list(
        pledges.changed_between(start, end)
        .order_by("source_adopted", "paragraph", "ref")
        .values_list("pk", "status_before", "status_on")
    )
    moves = defaultdict(int)
    for _pk, old, new in rows:
        moves[old, new] += 1
    transitions = sorted(
        ((Status(old), Status(new), n) for (old, new), n in moves.items()),
        key=lambda move: (-move[2], move[0].label, move[1].label),
    )
    return {"rows": rows, "transitions": transitions}


@dataclass
class Change:
    pledge: Pledge
    old: Status
    new: Status
    updates: list


def change_rows(page_rows, start, end):
    """The page's changes with their pledges and, for each, the counted
    overall updates dated within the period, oldest first: two queries."""
    ids = [pk for pk, _old, _new in page_rows]
    pledges = Pledge.objects.filter(pk__in=ids).with_source().in_bulk()
    updates = defaultdict(list)
    for update in (
        StatusUpdate.objects.counting()
        .filter(actor__isnull=True, pledge_id__in=ids)
        .dated_between(start, end)
        .order_by("pledge_id", "as_of", "created", "pk")
    ):
        updates[update.pledge_id].append(update)
    return [
        Change(pledges[pk], Status(old), Status(new), updates[pk])
        for pk, old, new in page_rows
        if pk in pledges
    ]


def party_cell_changes(start, end, source_pk=None):
    """The party cells (of one source's pledges, or all) whose status changed
    between ``start`` and ``end``, as ``(pledge pk, party pk, old, new)`` in
    reading order, then by party name. Three queries for the rule
    (StatusUpdate.objects.party_cells_changed_between), two to order them;
    evaluated, so it can be cached."""
    updates = StatusUpdate.objects.all()
    if source_pk is not None:
        updates = updates.filter(pledge__source=source_pk)
    changed = updates.party_cells_changed_between(start, end)
    if not changed:
        return []
    order = {
        pk: position
        for position, pk in enumerate(
            Pledge.objects.filter(pk__in=id_set({row[0] for row in changed}))
            .order_by("source_adopted", "paragraph", "ref")
            .values_list("pk", flat=True)
        )
    }
    names = dict(Actor.objects.filter(pk__in=[row[1] for row in changed]).values_list("pk", "name"))
    return sorted(changed, key=lambda row: (order.get(row[0], 0), names.get(row[1], "")))


@dataclass
class PartyChange:
    pledge: Pledge
    party: Actor
    old: object  # parties.StatusTerm
    new: object
    updates: list


def party_change_rows(page_rows, start, end):
    """The page's party-cell changes with their pledges, parties and the
    counted updates naming the party dated within the period, oldest first:
    three queries."""
    pledge_ids = {row[0] for row in page_rows}
    party_ids = {row[1] for row in page_rows}
    pledges = Pledge.objects.filter(pk__in=pledge_ids).with_source().in_bulk()
    actors = Actor.objects.only("pk", "slug", "name").in_bulk(party_ids)
    updates = defaultdict(list)
    for update in (
        StatusUpdate.objects.counting()
        .filter(pledge_id__in=pledge_ids, actor_id__in=party_ids)
        .dated_between(start, end)
        .order_by("pledge_id", "actor_id", "as_of", "created", "pk")
    ):
        updates[update.pledge_id, update.actor_id].append(update)
    return [
        PartyChange(
            pledges[pledge_id],
            actors[actor_id],
            CELL_STATUS_TERMS[old],
            CELL_STATUS_TERMS[new],
            updates[pledge_id, actor_id],
        )
        for pledge_id, actor_id, old, new in page_rows
        if pledge_id in pledges and actor_id in actors
    ]


def facet_counts(filterset):
    """For each faceted parameter, each option with a count that is what
    ticking it gives: an option not ticked shows how many pledges the list
    would hold with it ticked too, together with the *other* active filters;
    a ticked one, how many of the listed pledges have it. (Themes and statuses
    are "any of": ticking a second theme adds the pledges that have it and
    not the first, so it shows the list's count plus those.) One query per
    facet."""

    others = filterset.qs_without
    vocabulary = filterset.vocabulary

    status_counts = others("status").status_counts(filterset.columns["status"])
    selected_statuses = set(filterset.data.getlist("status")) & set(Status.values)
    # The list's own count, as match_count() reads it from the status facet.
    listed = sum(n for value, n in status_counts.items() if value in selected_statuses) or sum(
        status_counts.values()
    )

    # Counted straight from the tag table and the source column, then
    # labelled from the vocabulary: no join to the tag tables. With themes
    # ticked, each theme's pledges that have none of them are counted too, in
    # the same query: those are what ticking it would add.
    selected_themes = set(filterset.data.getlist("theme"))
    through = Pledge.themes.through
    ticked_pks = [t.pk for t in vocabulary.terms["theme"] if t.slug in selected_themes]
    have_a_ticked_theme = through.objects.filter(theme_id__in=ticked_pks).values("pledge_id")
    theme_rows = (
        through.objects.filter(pledge_id__in=others("theme").values("pk"))
        .order_by()
        .values_list("theme_id")
        .annotate(
            n=Count("*"),
            added=Count("pledge_id", filter=~Q(pledge_id__in=have_a_ticked_theme))
            if ticked_pks
            else Count("*"),
        )
    )
    theme_counts = {pk: (n, added) for pk, n, added in theme_rows}

    def theme_count(theme):
        n, added = theme_counts.get(theme.pk, (0, 0))
        if not ticked_pks or theme.pk in ticked_pks:
            return n
        return listed + added

    def status_count(status):
        n = status_counts[status.value]
        if not selected_statuses or status.value in selected_statuses:
            return n
        return listed + n  # a pledge has one status: ticking adds exactly these

    source_counts = dict(
        others("source").order_by().values_list("source_id").annotate(n=Count("*"))
    )
    selected_source = filterset.data.get("source", "")
    return {
        "theme": [
            {
                "value": t.slug,
                "label": t.label,
                "lang": t.lang,
                "count": theme_count(t),
                "checked": t.slug in selected_themes,
            }
            for t in vocabulary.terms["theme"]
        ],
        # Words as plain strings, in the language the cache key names: a
        # lazy translation in a cached value is rebuilt on every read (each
        # unpickled proxy makes its class anew, 0.3 ms), and these sixteen
        # were a tenth of a list page's time.
        "status": [
            {
                "value": s.value,
                "label": str(s.label),
                "count": status_count(s),
                "checked": s.value in selected_statuses,
                "colour": s.colour,
                "definition": str(s.definition),
            }
            for s in Status
        ],
        # Context matches the other filters but has no status: counted apart,
        # and never selected by a status filter.
        "context_count": status_counts[CONTEXT_COUNT],
        "source": [
            {
                "value": s.slug,
                "label": s.label,
                # One source at a time: choosing one replaces the other.
                "count": source_counts.get(s.pk, 0),
                "checked": s.slug == selected_source,
            }
            for s in vocabulary.terms["source"]
        ],
    }


def facet_key(filterset):
    """The applied filters, by name (facets ignore page and order). Each
    parameter's values stay in the order given: a one-value filter reads the
    last of them (?as_of=2010-01-01&as_of=2012-01-01 is 2012), so sorting
    them would give two different lists one key."""
    return sorted(
        (name, filterset.data.getlist(name))
        for name in filterset.data
        if name not in ("page", "ordering")
    )


def match_count(facets):
    """How many pledges the filters select, from the status facet: its options
    count the matching commitments of every other filter by status, so the
    ticked ones add up to exactly the list's count; with none ticked, the
    list also holds the matching context, counted beside them."""
    options = facets["status"]
    ticked = [option for option in options if option["checked"]]
    if ticked:
        return sum(option["count"] for option in ticked)
    return sum(option["count"] for option in options) + facets["context_count"]


def query_without(data, name, value=None):
    """The query string of ``data`` without parameter ``name`` (or only without
    that one ``value`` of it), and never with the page."""
    pairs = [
        (key, item)
        for key, items in data.lists()
        for item in items
        if key != "page" and item != "" and not (key == name and (value is None or item == value))
    ]
    return urlencode(pairs)


# The filters whose values are names from the data.
NAMED_FILTERS = {"theme", "source", "actor", "instrument"}


def term_language(vocabulary, name, slug):
    """The language of a filter value's label: None for the site's own words
    (a status), a vocabulary term's language for a name from the data."""
    if name not in NAMED_FILTERS:
        return None
    term = vocabulary.by_slug[name].get(slug)
    return term.lang if term else "en"


def active_filters(filterset):
    """The filters in force, each with a link that removes just it. Labels come
    from the filters' choices (the cached vocabulary for slugs), so this runs
    no query of its own."""
    chips = []
    for name, value in filterset.form.cleaned_data.items():
        if name == "ordering" or value in (None, "", [], ()):
            continue
        field = filterset.form.fields[name]
        raw_values = [v for v in filterset.data.getlist(name) if v != ""]
        labels = dict(field.choices) if hasattr(field, "choices") else {}
        for raw in raw_values:
            chips.append(
                {
                    "field": name,
                    "name": filterset.filters[name].label,
                    "value": labels.get(raw, raw),
                    # A theme's, text's, actor's or instrument's name is data,
                    # in English unless a steward translated it (a theme).
                    "lang": term_language(filterset.vocabulary, name, raw),
                    "remove_query": query_without(filterset.data, name, raw),
                }
            )
    return chips


def attach_citing_pledges(pledge, shown):
    """Give each of the pledge's instruments (prefetched by
    ``PledgeQuerySet.for_page()``) ``citing_pledges``: up to ``shown`` *other*
    pledges citing it, in the order they were entered, with their sources.

    One query. An instrument like resolution 1373 can be cited by
    thousands of pledges: a window function picks each instrument's first
    rows from the link table's (instrument, pledge) index, and only those
    pledges are read. (Ordering by ref would read and sort every citing
    pledge.)"""
    instruments = list(pledge.instruments.all())
    by_instrument = defaultdict(list)
    if instruments:
        through = Pledge.instruments.through
        firsts = (
            through.objects.filter(instrument__in=instruments)
            .exclude(pledge_id=pledge.pk)
            .annotate(
                position=Window(
                    RowNumber(), partition_by=F("instrument_id"), order_by=F("pledge_id").asc()
                )
            )
            .filter(position__lte=shown)
            .values("pk")
        )
        links = (
            through.objects.filter(pk__in=firsts)
            .select_related("pledge__source")
            .defer(
                *(f"pledge__{name}" for name in SEARCH_FIELDS),
                *(f"pledge__source__{name}" for name in SOURCE_TEXT_FIELDS),
            )
            .order_by("instrument_id", "pledge_id")
        )
        for link in links:
            by_instrument[link.instrument_id].append(link.pledge)
    for instrument in instruments:
        instrument.citing_pledges = by_instrument[instrument.pk]


@dataclass
class Chunk:
    """A run of paragraph text covered by the same pledges' quotes (none for
    plain text). ``starting``/``ending`` are the pledges whose quote begins or
    ends here: anchors go before the first chunk, status badges after the last."""

    text: str
    pledges: list = field(default_factory=list)
    starting: list = field(default_factory=list)
    ending: list = field(default_factory=list)


@dataclass
class HighlightedParagraph:
    number: int
    anchor: str
    section: str
    chunks: list
    pledges: list


def highlighted_paragraph(paragraph, pledges):
    """Split a paragraph at every quote boundary. Quotes may overlap or be
    identical (two pledges can rest on the same sentence): each piece of text
    appears once and knows every pledge that quotes it."""
    text = paragraph.text
    own = [p for p in pledges if p.paragraph == paragraph.number]
    spans = []
    for pledge in own:
        match = quote_pattern(pledge.quote).search(text)
        if match:
            spans.append((match.start(), match.end(), pledge))
    boundaries = sorted({0, len(text)} | {b for start, end, _ in spans for b in (start, end)})
    chunks = []
    for start, end in zip(boundaries, boundaries[1:], strict=False):
        chunks.append(
            Chunk(
                text=text[start:end],
                pledges=[p for s, e, p in spans if s <= start and end <= e],
                starting=[p for s, _, p in spans if s == start],
                ending=[p for _, e, p in spans if e == end],
            )
        )
    return HighlightedParagraph(
        number=paragraph.number,
        anchor=paragraph.anchor,
        section=paragraph.section,
        chunks=chunks,
        pledges=own,
    )


# Fields whose change is worth showing a reader of a pledge's history: what
# an editor enters, not what is derived from it.
HISTORY_FIELDS = PLEDGE_FIELDS


# The relations among HISTORY_FIELDS: the history stores their ids, and the
# page names them. (A tag deleted since is shown by its id, said as such.)
HISTORY_RELATIONS = {
    "source": SourceDocument,
    "themes": Theme,
    "actors": Actor,
    "instruments": Instrument,
}


def pledge_versions(pledge):
    """The pledge's saved versions, newest first, each with its changes
    against the version before it as ``(field label, old, new)``, relations
    by name. One query for the versions and one per kind of relation
    changed."""
    records = list(
        pledge.history.select_related("history_user").order_by("-history_date", "-history_id")
    )
    deltas = []
    for newer, older in zip(records, records[1:] + [None], strict=False):
        changes = []
        if older is not None:
            changes = newer.diff_against(older, included_fields=HISTORY_FIELDS).changes
        deltas.append((newer, older, changes))
    names = related_names(change for _, _, changes in deltas for change in changes)
    versions = []
    for newer, older, changes in deltas:
        described = [
            (
                pledge._meta.get_field(change.field).verbose_name,
                describe(change.old, names.get(change.field)),
                describe(change.new, names.get(change.field)),
            )
            for change in changes
        ]
        versions.append({"record": newer, "changes": described, "is_creation": older is None})
    return versions


def related_ids(value):
    """The ids in a history value: a foreign key's id, or an m2m field's list
    of through-row dicts (``{"pledge": 1, "theme": 4}``)."""
    if isinstance(value, list):
        return [v for row in value for k, v in row.items() if k not in ("pledge", "id")]
    return [] if value in (None, "") else [value]


def related_names(changes):
    """``{field: {id: name}}`` for the relations among ``changes``."""
    wanted = defaultdict(set)
    for change in changes:
        if change.field in HISTORY_RELATIONS:
            wanted[change.field].update(related_ids(change.old) + related_ids(change.new))
    return {
        field: {
            obj.pk: str(obj)
            for obj in HISTORY_RELATIONS[field].objects.filter(pk__in=ids).only(*NAME_FIELDS[field])
        }
        for field, ids in wanted.items()
    }


# What str() of each related model reads, so nothing else is loaded.
NAME_FIELDS = {
    "source": ["short_title"],
    "themes": ["name", "name_fr"],  # a theme is named in the page's language
    "actors": ["name"],
    "instruments": ["name"],
}


def describe(value, names=None):
    """A readable form of a field value from the history; relations by name."""
    if names is not None:
        labels = sorted(names.get(i, f"a deleted entry (id {i})") for i in related_ids(value))
        return ", ".join(labels) or "none"
    return "—" if value in (None, "") else str(value)


@dataclass
class ModalityRow:
    """One kind of statement on the methodology page, with how many pledges
    of each type of commitment it holds."""

    kind: StatementKind
    counts: list  # one number per CommitmentType, in its order
    total: int


def methodology_summary():
    """What the methodology page shows beside its fixed text: the allowed
    statuses per type of commitment, the pledges counted by modality, and
    the size of the shipped historical record. Three queries."""
    by_modality = defaultdict(int)
    for kind, commitment_type, n in (
        Pledge.objects.order_by()
        .values_list("statement_kind", "commitment_type")
        .annotate(n=Count("pk"))
    ):
        by_modality[kind, commitment_type] += n
    rows = []
    for kind in StatementKind:
        counts = [by_modality[kind.value, t.value] for t in CommitmentType]
        rows.append(ModalityRow(kind, counts, sum(counts) + by_modality[kind.value, ""]))
    record = StatusUpdate.objects.filter(author__username=HISTORICAL_RECORD_USERNAME)
    return {
        "statuses": list(Status),
        "statement_kinds": list(StatementKind),
        "commitment_types": [{"type": t, "allowed": ALLOWED_STATUSES[t]} for t in CommitmentType],
        "modality_rows": rows,
        "stale_days": STALE_AFTER.days,
        "sources": list(SourceDocument.objects.without_text()),
        "record_total": record.count(),
    }


@dataclass
class UpdateEvent:
    """One event of the record: the updates that one document (the same
    evidence) brought on one day, to one or several pledges."""

    as_of: object
    evidence_url: str
    evidence_reference: str
    updates: list = field(default_factory=list)

    @property
    def statuses(self):
        """The distinct statuses the event recorded, in vocabulary order."""
        seen = {update.status for update in self.updates}
        return [status for status in Status if status in seen]


def event_key(update):
    """Which event an update belongs to: its day and its document, named by
    URL or, without one, by its reference (case and spacing ignored)."""
    document = update.evidence_url.strip() or " ".join(update.evidence_reference.lower().split())
    return update.as_of, document


def update_events(updates, shown):
    """The newest ``shown`` events among ``updates`` (newest first, already
    limited: one query), each listing its updates in reading order."""
    events = {}
    for update in updates:
        key = event_key(update)
        if key not in events:
            if len(events) == shown:
                break
            events[key] = UpdateEvent(update.as_of, update.evidence_url, update.evidence_reference)
        events[key].updates.append(update)
    for event in events.values():
        event.updates.sort(key=lambda update: update.pledge.ref)
    return list(events.values())


def scorecard_headline(scorecard, scope):
    """The scorecard's sentence, there to be quoted as it stands. It holds four
    numbers, each with its own singular and plural, so each clause is a
    catalogue entry of its own (a language agrees each verb with its number)
    and the sentence that joins them is one more. ``scope`` is a phrase such as
    "in this text". Escaped here, so safe to mark."""
    progress = ngettext(
        "%(number)s (%(share)s%%) has documented progress",
        "%(number)s (%(share)s%%) have documented progress",
        scorecard.with_progress,
    ) % {"number": scorecard.with_progress, "share": scorecard.progress_share}
    complete = ngettext(
        "%(number)s of them complete", "%(number)s of them complete", scorecard.complete
    ) % {"number": scorecard.complete}
    stalled = ngettext("%(number)s is stalled", "%(number)s are stalled", scorecard.stalled) % {
        "number": scorecard.stalled
    }
    no_information = ngettext(
        "%(number)s has no information",
        "%(number)s have no information",
        scorecard.no_information,
    ) % {"number": scorecard.no_information}
    sentence = ngettext(
        "Of the %(number)s commitment %(scope)s, <strong>%(progress)s</strong>, %(complete)s; "
        "%(stalled)s and %(no_information)s.",
        "Of the %(number)s commitments %(scope)s, <strong>%(progress)s</strong>, %(complete)s; "
        "%(stalled)s and %(no_information)s.",
        scorecard.commitments,
    )
    return mark_safe(  # noqa: S308 - the sentence is ours, every value is escaped
        sentence
        % {
            "number": scorecard.commitments,
            "scope": escape(scope),
            "progress": escape(progress),
            "complete": escape(complete),
            "stalled": escape(stalled),
            "no_information": escape(no_information),
        }
    )
