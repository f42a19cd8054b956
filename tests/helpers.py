"""Helpers shared by several test modules (factories are in tests/factories.py)."""

import csv
import io


def read_streamed_csv(response):
    """The rows of a streamed CSV response, as dicts."""
    assert response.status_code == 200
    assert response.streaming is True
    body = b"".join(response.streaming_content).decode("utf-8")
    return list(csv.DictReader(io.StringIO(body, newline="")))


def pledge_admin_data(pledge, **changes):
    """The POST data of the admin's pledge change form for ``pledge`` as it
    stands (with the version it was opened at), plus ``changes``; no inline
    update rows."""
    data = {
        "ref": pledge.ref,
        "title": pledge.title,
        "source": pledge.source_id,
        "paragraph": pledge.paragraph,
        "quote": pledge.quote,
        "timeframe": pledge.timeframe,
        "themes": [t.pk for t in pledge.themes.all()] if pledge.pk else [],
        "opened_version": pledge.version,
        # The new-update inline, then the read-only timeline inline.
        "updates-TOTAL_FORMS": "0",
        "updates-INITIAL_FORMS": "0",
        "updates-MIN_NUM_FORMS": "0",
        "updates-MAX_NUM_FORMS": "1000",
        "updates-2-TOTAL_FORMS": "0",
        "updates-2-INITIAL_FORMS": "0",
        "updates-2-MIN_NUM_FORMS": "0",
        "updates-2-MAX_NUM_FORMS": "1000",
    }
    data.update(changes)
    return data
