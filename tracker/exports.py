"""Data out: the CSV exports (and the pledge representation of the old
/api/pledges/, which now lives in ``tracker/api/``).

Both take the same parameters as /pledges/ (through ``valid_filterset``)
and stream their output, so that 100,000 pledges or a million updates never
sit in memory at once. Rows come from ``QuerySet.iterator(chunk_size=…)``; with
``prefetch_related`` Django prefetches once per chunk, so the number of
queries grows with the number of chunks, never with the number of rows.

Unlike the list page, which drops a bad parameter and shows a note beside the
form, these answer 400: a script that asked for a filter must not silently get
everything.
"""

import csv
import io
from collections import defaultdict

from django.core.paginator import Paginator
from django.db.models import CharField, Value
from django.http import HttpResponse, JsonResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404
from django.utils import timezone

from tracker import parties, trends
from tracker.filtersets import dated_filterset, valid_filterset, valid_update_dates
from tracker.links import around
from tracker.models import (
    PLEDGE_FIELDS,
    Actor,
    Pledge,
    SourceDocument,
    StatementKind,
    Status,
    StatusUpdate,
    id_set,
)
from tracker.pagination import page_number
from tracker.spreadsheets import escape_formula
from tracker.vocabulary import TAG_KINDS

CSV_CHUNK_SIZE = 2000
CSV_ROWS_PER_WRITE = 200

# The latest update's columns in the pledge CSV (latest_update_as_of, …).
LATEST_UPDATE_FIELDS = ["as_of", "status", "summary", "evidence_url", "evidence_reference"]

PLEDGE_CSV_COLUMNS = [
    *PLEDGE_FIELDS,
    "current_status",
    "last_update_as_of",
    *(f"latest_update_{name}" for name in LATEST_UPDATE_FIELDS),
    "url",
]

# The updates CSV: (column, the values_list lookup that fills it).
UPDATE_CSV_COLUMNS = [
    ("pledge_ref", "pledge__ref"),
    ("as_of", "as_of"),
    ("status", "status"),
    ("kind", "kind"),
    ("actor", "actor__slug"),
    ("author", "author__username"),
    ("summary", "summary"),
    ("evidence_url", "evidence_url"),
    ("evidence_reference", "evidence_reference"),
    ("created", "created"),
    # Withdrawn updates stay in the record but no longer count: say so.
    ("withdrawn_at", "withdrawn_at"),
    ("withdrawal_reason", "withdrawal_reason"),
]


UTF8_BOM = "\ufeff"


def csv_response(rows, columns, basename):
    """Stream ``rows`` (iterables of cell values) under a header row as an
    attachment named after today's date."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)

    def flush():
        text = buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
        return text

    def lines():
        # A byte-order mark first: Excel reads a CSV without one in the
        # machine's legacy code page, and "Côte d’Ivoire" comes out garbled.
        # Python's "utf-8-sig", pandas and R skip it. (JSON and NDJSON carry
        # none: RFC 8259 forbids it.)
        writer.writerow(columns)
        yield UTF8_BOM + flush()
        # Rows go out in chunks, each formatted by csv's C loop (writerows):
        # one write to the socket per row cost more than formatting the row.
        for chunk in batched(rows, CSV_ROWS_PER_WRITE):
            writer.writerows([list(map(escape_formula, row)) for row in chunk])
            yield flush()

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    filename = f"{basename}-{timezone.localdate():%Y-%m-%d}.csv"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def plain_text_errors(errors):
    lines = ["These parameters are not valid:"]
    for name, messages in errors.items():
        lines.extend(f"{name}: {message}" for message in messages)
    return HttpResponse(
        "\n".join(lines) + "\n", status=400, content_type="text/plain; charset=utf-8"
    )


def isoformat(value):
    return value.isoformat() if value is not None else None


# --- /api/pledges/ (tracker/api/legacy.py) ----------------------------------------


def pledge_to_json(pledge, request):
    """The API's representation of one pledge; its relations must be
    prefetched into ``theme_list``, ``actor_list``, ``instrument_list`` and
    ``update_list`` (see tracker.api.data.pledges_with_relations)."""
    status = pledge.status_choice  # on the ?as_of= day, if any
    kind = pledge.statement_kind_choice
    commitment_type = pledge.commitment_type_choice
    source = pledge.source
    paragraph_url = pledge.get_paragraph_url()
    return {
        "ref": pledge.ref,
        "url": request.build_absolute_uri(pledge.get_absolute_url()),
        "title": pledge.title,
        "quote": pledge.quote,
        "source": {
            "slug": source.slug,
            "title": source.title,
            "short_title": source.short_title,
            "document_symbol": source.document_symbol,
            "url": source.url,
        },
        "paragraph": pledge.paragraph,
        "paragraph_url": request.build_absolute_uri(paragraph_url),
        "timeframe": pledge.timeframe,
        "statement_kind": (
            {"value": kind.value, "label": kind.label, "definition": kind.definition}
            if kind
            else None
        ),
        "commitment_type": (
            {
                "value": commitment_type.value,
                "label": commitment_type.label,
                "definition": commitment_type.definition,
            }
            if commitment_type
            else None
        ),
        "themes": [{"slug": theme.slug, "name": theme.name} for theme in pledge.theme_list],
        "actors": [{"slug": actor.slug, "name": actor.name} for actor in pledge.actor_list],
        "instruments": [
            {"slug": item.slug, "name": item.name, "symbol": item.symbol}
            for item in pledge.instrument_list
        ],
        # Context is not a commitment and has no status.
        "current_status": (
            {
                "value": status.value,
                "label": status.label,
                "definition": status.definition,
            }
            if pledge.is_commitment
            else None
        ),
        "last_update_as_of": isoformat(pledge.last_update_date),
        "created": isoformat(pledge.created),
        "updated": isoformat(pledge.updated),
        "updates": [
            {
                "as_of": isoformat(update.as_of),
                "status": update.status,
                "kind": update.kind,
                "actor": update.actor.slug if update.actor_id else None,
                "author": update.author.username,
                "summary": update.summary,
                "evidence_url": update.evidence_url,
                "evidence_reference": update.evidence_reference,
                "created": isoformat(update.created),
                # Withdrawn updates stay in the record but no longer count.
                "withdrawn_at": isoformat(update.withdrawn_at),
                "withdrawal_reason": update.withdrawal_reason,
            }
            for update in pledge.update_list
        ],
    }


# --- /pledges/export.csv ----------------------------------------------------------


def tag_slugs(pledge_ids):
    """``{relation: {pledge id: "slug; slug"}}``: ``tag_lists()`` for a CSV cell."""
    return {
        relation: {pledge_id: "; ".join(slugs) for pledge_id, slugs in by_pledge.items()}
        for relation, by_pledge in tag_lists(pledge_ids).items()
    }


def tag_lists(pledge_ids):
    """``{relation: {pledge id: [slug, ...]}}`` for the themes, actors and
    instruments of these pledges, each list by name: one query, a UNION ALL
    of the three link tables (each joined to its small tag table)."""
    parts = [
        getattr(Pledge, relation)
        .through.objects.filter(pledge_id__in=id_set(pledge_ids))
        .annotate(relation=Value(relation, output_field=CharField()))
        .values_list("pledge_id", f"{kind}__name", f"{kind}__slug", "relation")
        .order_by()
        for relation, kind in TAG_KINDS.items()
    ]
    found = {relation: defaultdict(list) for relation in TAG_KINDS}
    # Sorted by the database, in its collation, as the pages sort tags. A
    # UNION is ordered by its first part's column names: "theme__name" is the
    # name column of all three parts.
    union = parts[0].union(*parts[1:], all=True).order_by("pledge_id", "theme__name")
    for pledge_id, _name, slug, relation in union:
        found[relation][pledge_id].append(slug)
    return found


def batched(iterable, size):
    batch = []
    for item in iterable:
        batch.append(item)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


PLEDGE_CSV_FIELDS = [
    "pk",
    "ref",
    "title",
    "source__slug",
    "paragraph",
    "quote",
    "timeframe",
    "statement_kind",
    "commitment_type",
    "current_status",
    "last_update_as_of",
    "latest_update",
]
# The same columns on another day, as Pledge.objects.as_of() annotates them.
DATED_PLEDGE_CSV_FIELDS = [
    *PLEDGE_CSV_FIELDS[:-3],
    "status_on",
    "last_update_on",
    "latest_update_on_id",
]


def pledge_csv_rows(pledges, pledge_url, fields=PLEDGE_CSV_FIELDS):
    """Rows as tuples, never model instances: the pledges stream from one
    query; for each batch, one query for the three many-to-many relations and
    one for the latest updates. Two queries per batch, whatever its size.
    ``fields``: DATED_PLEDGE_CSV_FIELDS for pledges read as of a day;
    ``pledge_url``: (before, after) a ref in a pledge's URL."""
    before, after = pledge_url
    stream = pledges.values_list(*fields).iterator(chunk_size=CSV_CHUNK_SIZE)
    for batch in batched(stream, CSV_CHUNK_SIZE):
        tags = tag_slugs([row[0] for row in batch])
        latest = {
            row[0]: row[1:]
            for row in StatusUpdate.objects.filter(
                pk__in=id_set(row[-1] for row in batch if row[-1] is not None)
            ).values_list("pk", *LATEST_UPDATE_FIELDS)
        }
        empty = (None,) * len(LATEST_UPDATE_FIELDS)
        for (
            pk,
            ref,
            title,
            source,
            paragraph,
            quote,
            timeframe,
            statement_kind,
            commitment_type,
            status,
            last,
            latest_id,
        ) in batch:
            # The columns of PLEDGE_CSV_COLUMNS, in its order.
            yield [
                ref,
                title,
                source,
                paragraph,
                quote,
                tags["themes"].get(pk, ""),
                tags["actors"].get(pk, ""),
                tags["instruments"].get(pk, ""),
                timeframe,
                statement_kind,
                commitment_type,
                # Context has no status: an empty cell, never "no_information".
                status if statement_kind != StatementKind.CONTEXT else "",
                last,
                *latest.get(latest_id, empty),
                f"{before}{ref}{after}",
            ]


def pledges_csv(request):
    """One row per pledge, with its latest update."""
    filterset, errors = valid_filterset(request.GET)
    if errors:
        return plain_text_errors(errors)
    # "Latest update" is the pledge's newest update that counts (withdrawn ones
    # do not), by as_of, then created, then pk (the timeline's order),
    # actor-specific ones included: the most recent thing recorded, kept in
    # Pledge.latest_update. current_status, by contrast, follows the latest
    # *overall* update only, so the two can differ when the newest update
    # concerns one actor's part.
    pledges = filterset.qs
    before, after = around("pledge-detail")
    pledge_url = (request.build_absolute_uri(before), after)
    fields = PLEDGE_CSV_FIELDS if filterset.as_of_day is None else DATED_PLEDGE_CSV_FIELDS
    rows = pledge_csv_rows(pledges, pledge_url, fields)
    return csv_response(rows, PLEDGE_CSV_COLUMNS, "pledges")


# --- /updates/export.csv ----------------------------------------------------------


def updates_csv(request):
    """One row per status update, newest first; the pledge filters, when
    given, restrict it to the updates of the pledges they select, and
    ``?from=``/``?to=`` to the updates dated within those days."""
    filterset, errors = valid_filterset(request.GET)
    dates, date_errors = valid_update_dates(request.GET)
    if errors or date_errors:
        return plain_text_errors({**errors, **date_errors})
    updates = StatusUpdate.objects.newest_first().dated_between(dates.start, dates.end)
    filters = [name for name in filterset.filters if name != "ordering"]
    if any(filterset.form.cleaned_data.get(name) for name in filters):
        # Only when a filter is set: an IN over every pledge would cost a
        # subquery for nothing. The subquery's own ordering is dropped.
        updates = updates.filter(pledge__in=filterset.qs.values("pk"))
    # values_list(): one query, no model instances, the related columns joined.
    columns, lookups = zip(*UPDATE_CSV_COLUMNS, strict=True)
    rows = updates.values_list(*lookups).iterator(chunk_size=CSV_CHUNK_SIZE)
    return csv_response(rows, columns, "status-updates")


# --- /trends/export.csv ------------------------------------------------------------


def trends_csv(request):
    """Every trend chart's numbers: one row per group (every pledge, each
    source, each theme) and year; with ``?party=``, that party's chart (its
    columns are the cell statuses, contested included)."""
    slug = request.GET.get("party", "").strip()
    if slug:
        party = Actor.objects.filter(slug=slug, party_memberships__isnull=False).first()
        if party is None:
            return plain_text_errors({"party": [f"There is no party “{slug}”."]})
        rows = trends.party_csv_rows(party)
        return csv_response(rows, trends.PARTY_CSV_COLUMNS, f"trends-{party.slug}")
    return csv_response(trends.csv_rows(), trends.CSV_COLUMNS, "trends")


# --- /matrix/export.csv, /matrix/data.json, /parties/<slug>/export.csv ----------


def matrix_source(request):
    """The filterset and the source a matrix export is for, or an error response."""
    filterset, errors = valid_filterset(request.GET)
    if errors:
        return None, None, plain_text_errors(errors)
    slug = filterset.form.cleaned_data.get("source")
    if not slug:
        return (
            None,
            None,
            HttpResponse(
                "Say which text: add ?source= and the slug of a source, for example "
                "?source=asem-copenhagen-2002.",
                status=400,
                content_type="text/plain; charset=utf-8",
            ),
        )
    source = SourceDocument.objects.without_text().get(slug=slug)
    return filterset, source, None


def matrix_csv(request):
    """The whole matrix of one text (every matching pledge, not one page):
    one row per pledge, one column per party, each cell in words."""
    filterset, source, error = matrix_source(request)
    if error:
        return error
    party_list = parties.parties_of(source)
    pledges = parties.matrix_pledges(filterset.qs)

    day = {"day": filterset.as_of_day, "recorded_on": filterset.as_recorded_on}

    def rows():
        stream = pledges.iterator(chunk_size=parties.MATRIX_ROWS_PER_PAGE)
        for chunk in batched(stream, parties.MATRIX_ROWS_PER_PAGE):
            rows = parties.matrix_rows(chunk, party_list, **day)
            for pledge, cells in parties.matrix_cell_views(rows, len(party_list)):
                yield [pledge.ref, pledge.title, *(cell.text for cell in cells)]

    columns = ["ref", "title", *(party.slug for party in party_list)]
    return csv_response(rows(), columns, f"matrix-{source.slug}")


def matrix_json(request):
    """One page of the matrix (the HTML page's rows), with the parties and a
    link to the next page."""
    filterset, source, error = matrix_source(request)
    if error:
        return error
    party_list = parties.parties_of(source)
    pledges = parties.matrix_pledges(filterset.qs)
    page = Paginator(pledges, parties.MATRIX_ROWS_PER_PAGE).get_page(
        page_number(request.GET.get("page"))
    )
    next_url = None
    if page.has_next():
        query = request.GET.copy()
        query["page"] = page.next_page_number()
        next_url = request.build_absolute_uri(f"{request.path}?{query.urlencode()}")
    day = {"day": filterset.as_of_day, "recorded_on": filterset.as_recorded_on}
    return JsonResponse(
        {
            "source": source.slug,
            # The day the cells are read as of (null: today), and as recorded on.
            "as_of": isoformat(day["day"]),
            "recorded_on": isoformat(day["recorded_on"]),
            "count": page.paginator.count,
            "next": next_url,
            "parties": [{"slug": p.slug, "name": p.name} for p in party_list],
            "rows": [
                {
                    "ref": pledge.ref,
                    "title": pledge.title,
                    "cells": {
                        party.slug: cell.as_json()
                        for party, cell in zip(party_list, cells, strict=True)
                    },
                }
                for pledge, cells in parties.matrix_cell_views(
                    parties.matrix_rows(page.object_list, party_list, **day), len(party_list)
                )
            ],
        }
    )


PARTY_CSV_COLUMNS = [
    "ref",
    "title",
    "source",
    "status",
    "self_report_status",
    "self_report_as_of",
    "self_report_url",
    "assessment_status",
    "assessment_as_of",
    "assessment_url",
]


def party_csv(request, slug):
    """Every pledge that applies to the party, with its cell; with
    ``?as_of=`` (and ``recorded_on``), as of that day."""
    actor = get_object_or_404(Actor, slug=slug)
    filterset, errors = dated_filterset(request.GET)
    if errors:
        return plain_text_errors(errors)
    day = {"day": filterset.as_of_day, "recorded_on": filterset.as_recorded_on}
    pledges = (
        filterset.dated(Pledge.objects.applicable_to(actor))
        .select_related("source")
        .only("pk", "ref", "title", "source__slug")
        .order_by("source_adopted", "paragraph", "ref")
    )
    before, after = around("update-detail")
    before = request.build_absolute_uri(before)

    def side(update, status):
        if update is None:
            return ["", "", ""]
        return [status, update.as_of, f"{before}{update.pk}{after}"]

    def rows():
        stream = pledges.iterator(chunk_size=CSV_CHUNK_SIZE)
        for chunk in batched(stream, CSV_CHUNK_SIZE):
            for pledge, cell in parties.party_pledge_rows(actor, chunk, **day):
                status = cell.status if cell else Status.NO_INFORMATION
                yield [
                    pledge.ref,
                    pledge.title,
                    pledge.source.slug,
                    status,
                    *side(cell and cell.self_update, cell and cell.self_status),
                    *side(cell and cell.assessed_update, cell and cell.assessed_status),
                ]

    return csv_response(rows(), PARTY_CSV_COLUMNS, f"party-{actor.slug}")
