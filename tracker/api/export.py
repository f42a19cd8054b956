"""The bulk exports: the whole record (or a filtered part) as NDJSON, one
JSON object a line, streamed.

They are built to be cheap and to never stall the site:

- Rows are the database's tuples, never model instances, in batches of
  ``BATCH`` with one query for the batch's tags and one for its latest
  updates: the number of queries grows with the batches, memory not at all.
- At most ``settings.API_EXPORT_CONCURRENCY`` exports stream at once on an
  app server (file locks, so across its worker processes, and released by
  the kernel if a worker dies); one more is refused with a 503 and a
  Retry-After instead of taking a worker that the site needs.
- Each client may start only so many an hour (``export_anonymous`` per
  address, ``export_token`` per token, in ``API_THROTTLE_RATES``).

The pledge lines are written by hand rather than by ``json.dumps`` of a
dict per row (see ``pledge_lines``); tests/test_api_v1_export.py holds them
byte for byte to what ``json.dumps`` writes.
"""

import fcntl
import json
import tempfile
from json.encoder import encode_basestring
from pathlib import Path

from django.conf import settings
from django.db.models import CharField, Value
from django.db.models.sql.constants import MULTI
from django.http import StreamingHttpResponse

from tracker.exports import (
    DATED_PLEDGE_CSV_FIELDS,
    LATEST_UPDATE_FIELDS,
    PLEDGE_CSV_FIELDS,
    batched,
)
from tracker.models import Pledge, StatementKind, StatusUpdate, id_set
from tracker.vocabulary import TAG_KINDS
from tracker.vocabulary import current as current_vocabulary
from tracker.vocabulary import load as load_vocabulary

BATCH = 2000
# Seconds a refused export is told to wait before it tries again.
BUSY_RETRY_AFTER = 30

UPDATE_FIELDS = {
    # line key: values_list lookup
    "id": "pk",
    "pledge": "pledge__ref",
    "as_of": "as_of",
    "status": "status",
    "kind": "kind",
    "actor": "actor__slug",
    "author": "author__username",
    "summary": "summary",
    "evidence_url": "evidence_url",
    "evidence_reference": "evidence_reference",
    "created": "created",
    "withdrawn_at": "withdrawn_at",
    "withdrawal_reason": "withdrawal_reason",
}


def iso(value):
    return value.isoformat() if value is not None else None


def pledge_fields(filterset):
    """The columns of a pledge line: the CSV export's, on the day the
    FilterSet reads the record as of (Pledge.objects.as_of()'s columns)."""
    return PLEDGE_CSV_FIELDS if filterset.as_of_day is None else DATED_PLEDGE_CSV_FIELDS


# JSONEncoder(ensure_ascii=False) writes every string with this C function
# and joins with ", " and ": "; the lines below do the same, byte for byte.
quoted = encode_basestring


def json_value(value):
    """One scalar as JSON: None, a string, an int, or a date (as its ISO
    form; str() of a date is its isoformat(), and SQLite may already give
    the string)."""
    if value is None:
        return "null"
    if isinstance(value, int):
        return str(value)
    return quoted(str(value))


class Encoded(dict):
    """The JSON of values that repeat from row to row (slugs, statuses,
    dates), each encoded once per export."""

    def __missing__(self, value):
        text = self[value] = json_value(value)
        return text


def json_list(items):
    return "[" + ", ".join(items) + "]"


def raw_rows(queryset, size):
    """The queryset's rows, a batch of ``size`` at a time, as the database
    driver returns them: what ``values_list().iterator(chunk_size=size)``
    reads (a server-side cursor on PostgreSQL), without Django's per-value
    converters, which the lines do not need (json_value() writes a date
    or its ISO string alike). A fifth of the export's time went to them."""
    compiler = queryset.query.get_compiler(queryset.db)
    return compiler.execute_sql(MULTI, chunked_fetch=True, chunk_size=size)


class TagSlugs:
    """The JSON lists of slugs of each pledge's themes, actors and
    instruments, by name, as ``tracker.exports.tag_lists()`` gives them:
    the link tables' ids are read per batch (one UNION ALL, no join) and
    put in the vocabulary's order (by name, in the database's collation),
    which is loaded once, and usually cached."""

    def __init__(self, vocabulary):
        self.load(vocabulary)

    def load(self, vocabulary):
        self.rank = {}
        for relation, kind in TAG_KINDS.items():
            self.rank[relation] = {
                term.pk: (position, quoted(term.slug))
                for position, term in enumerate(vocabulary.terms[kind])
            }

    def for_batch(self, pledge_ids):
        """``{relation: {pledge id: "[...]"}}``: one query."""
        ids = id_set(pledge_ids)
        parts = []
        for relation in TAG_KINDS:
            tag_column = Pledge._meta.get_field(relation).m2m_reverse_field_name()
            parts.append(
                getattr(Pledge, relation)
                .through.objects.filter(pledge_id__in=ids)
                .annotate(relation=Value(relation, output_field=CharField()))
                .values_list("pledge_id", tag_column, "relation")
                .order_by()
            )
        union = parts[0].union(*parts[1:], all=True)
        found = {relation: {} for relation in TAG_KINDS}
        rows = [row for chunk in raw_rows(union, BATCH * 4) for row in chunk]
        if any(tag_id not in self.rank[relation] for _pledge_id, tag_id, relation in rows):
            # A tag newer than the cached vocabulary (it is replaced with the
            # data version, but a write can land between the two reads).
            self.load(load_vocabulary())
        for pledge_id, tag_id, relation in rows:
            found[relation].setdefault(pledge_id, []).append(self.rank[relation][tag_id])
        return {
            relation: {
                pledge_id: json_list([slug for _position, slug in sorted(tags)])
                for pledge_id, tags in by_pledge.items()
            }
            for relation, by_pledge in found.items()
        }


def latest_updates(update_ids, encoded):
    """``{update id: the JSON of its LATEST_UPDATE_FIELDS}``: one query."""
    rows = StatusUpdate.objects.filter(pk__in=id_set(update_ids)).values_list(
        "pk", *LATEST_UPDATE_FIELDS
    )
    return {
        pk: (
            f'{{"as_of": {encoded[as_of]}, "status": {encoded[status]}, '
            f'"summary": {quoted(summary)}, "evidence_url": {quoted(evidence_url)}, '
            f'"evidence_reference": {quoted(evidence_reference)}}}'
        )
        for rows in raw_rows(rows, BATCH)
        for pk, as_of, status, summary, evidence_url, evidence_reference in rows
    }


def pledge_lines(pledges, pledge_url_prefix, fields=PLEDGE_CSV_FIELDS, vocabulary=None):
    """One JSON line per pledge (``schemas.PledgeLine``), with its tags' slugs
    and its latest update. ``fields``: ``pledge_fields()`` of the FilterSet
    (the day read); ``vocabulary``: the FilterSet's, if it has one loaded.

    Written as one pass over the pledges in the list's order: per batch, a
    line is an f-string of pieces already encoded (the tags' and latest
    update's JSON, and an ``Encoded`` memo for the repeating values), with
    only the pledge's own texts encoded per row. At 20,000 pledges this
    runs about twice as fast as ``json.dumps`` of a dict per row."""
    tags = TagSlugs(vocabulary if vocabulary is not None else current_vocabulary())
    encoded = Encoded()
    empty = "[]"
    context = StatementKind.CONTEXT.value
    prefix = pledge_url_prefix
    for batch in raw_rows(pledges.values_list(*fields), BATCH):
        slugs = tags.for_batch([row[0] for row in batch])
        themes, actors, instruments = slugs["themes"], slugs["actors"], slugs["instruments"]
        latest = latest_updates([row[-1] for row in batch if row[-1] is not None], encoded)
        lines = [
            f'{{"ref": {quoted(ref)}, "url": {quoted(f"{prefix}{ref}/")}, '
            f'"title": {quoted(title)}, "source": {encoded[source]}, '
            f'"paragraph": {encoded[paragraph]}, "quote": {quoted(quote)}, '
            f'"timeframe": {encoded[timeframe]}, "statement_kind": {encoded[kind or None]}, '
            f'"commitment_type": {encoded[commitment_type or None]}, '
            f'"themes": {themes.get(pk, empty)}, "actors": {actors.get(pk, empty)}, '
            f'"instruments": {instruments.get(pk, empty)}, '
            # Context is not a commitment and has no status.
            f'"current_status": {"null" if kind == context else encoded[status]}, '
            f'"last_update_as_of": {encoded[last]}, '
            f'"latest_update": {latest.get(latest_id, "null")}}}\n'
            for (
                pk,
                ref,
                title,
                source,
                paragraph,
                quote,
                timeframe,
                kind,
                commitment_type,
                status,
                last,
                latest_id,
            ) in batch
        ]
        yield "".join(lines)


def update_lines(updates):
    """One JSON line per status update, withdrawn ones marked."""
    keys = list(UPDATE_FIELDS)
    dates = [keys.index(name) for name in ("as_of", "created", "withdrawn_at")]
    rows = updates.values_list(*UPDATE_FIELDS.values()).iterator(chunk_size=BATCH)
    dumps = json.JSONEncoder(ensure_ascii=False).encode
    for batch in batched(rows, BATCH):
        lines = []
        for row in batch:
            row = list(row)
            for i in dates:
                row[i] = iso(row[i])
            lines.append(dumps(dict(zip(keys, row, strict=True))))
        yield "\n".join(lines) + "\n"


class Slot:
    """One of the app server's export slots, held while an export streams."""

    def __init__(self, handle):
        self.handle = handle

    @classmethod
    def take(cls):
        """A free slot, or ``None`` when every one is streaming."""
        directory = Path(settings.API_EXPORT_LOCK_DIR or tempfile.gettempdir()) / "pt-exports"
        directory.mkdir(parents=True, exist_ok=True)
        for number in range(settings.API_EXPORT_CONCURRENCY):
            handle = open(directory / f"slot-{number}.lock", "a")  # noqa: SIM115 (held open)
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                handle.close()
                continue
            return cls(handle)
        return None

    def release(self):
        if not self.handle.closed:
            fcntl.flock(self.handle, fcntl.LOCK_UN)
            self.handle.close()


class SlotStream:
    """The export's chunks; the slot is released when the response is
    closed (the download finished, failed, or the client went away)."""

    def __init__(self, chunks, slot):
        self.chunks, self.slot = chunks, slot

    def __iter__(self):
        return iter(self.chunks)

    def close(self):
        try:
            close = getattr(self.chunks, "close", None)
            if close:
                close()
        finally:
            self.slot.release()


def ndjson_response(chunks, slot, basename):
    response = StreamingHttpResponse(
        SlotStream(chunks, slot), content_type="application/x-ndjson; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{basename}.ndjson"'
    return response
