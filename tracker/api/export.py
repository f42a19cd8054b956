"""The bulk exports: the whole record (or a filtered part) as NDJSON, one
JSON object a line, streamed.

They are built to be cheap and to never stall the site:

- Rows are tuples from ``values_list()``, never model instances, in batches
  of ``BATCH`` with one query for the batch's tags and one for its latest
  updates: the number of queries grows with the batches, memory not at all.
- At most ``settings.API_EXPORT_CONCURRENCY`` exports stream at once on an
  app server (file locks, so across its worker processes, and released by
  the kernel if a worker dies); one more is refused with a 503 and a
  Retry-After instead of taking a worker that the site needs.
- Each client may start only so many an hour (``export_anonymous`` per
  address, ``export_token`` per token, in ``API_THROTTLE_RATES``).
"""

import fcntl
import json
import tempfile
from pathlib import Path

from django.conf import settings
from django.http import StreamingHttpResponse

from tracker.exports import LATEST_UPDATE_FIELDS, batched, id_set, tag_lists
from tracker.models import StatusUpdate

BATCH = 2000
# Seconds a refused export is told to wait before it tries again.
BUSY_RETRY_AFTER = 30

PLEDGE_FIELDS = [
    "pk",
    "ref",
    "title",
    "source__slug",
    "paragraph",
    "quote",
    "timeframe",
    "current_status",
    "last_update_as_of",
    "latest_update",
]

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


def pledge_lines(pledges, pledge_url_prefix):
    """One JSON line per pledge, with its tags and its latest update."""
    stream = pledges.values_list(*PLEDGE_FIELDS).iterator(chunk_size=BATCH)
    dumps = json.JSONEncoder(ensure_ascii=False).encode
    for batch in batched(stream, BATCH):
        tags = tag_lists([row[0] for row in batch])
        themes, actors, instruments = tags["themes"], tags["actors"], tags["instruments"]
        latest = {
            pk: dict(zip(LATEST_UPDATE_FIELDS, (iso(as_of), *rest), strict=True))
            for pk, as_of, *rest in StatusUpdate.objects.filter(
                pk__in=id_set(row[-1] for row in batch if row[-1] is not None)
            ).values_list("pk", *LATEST_UPDATE_FIELDS)
        }
        lines = [
            dumps(
                {
                    "ref": ref,
                    "url": f"{pledge_url_prefix}{ref}/",
                    "title": title,
                    "source": source,
                    "paragraph": number,
                    "quote": quote,
                    "timeframe": timeframe,
                    "themes": themes.get(pk, []),
                    "actors": actors.get(pk, []),
                    "instruments": instruments.get(pk, []),
                    "current_status": status,
                    "last_update_as_of": iso(last),
                    "latest_update": latest.get(latest_id),
                }
            )
            for pk, ref, title, source, number, quote, timeframe, status, last, latest_id in batch
        ]
        yield "\n".join(lines) + "\n"


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
