"""Full-text search on PostgreSQL, from two stored columns of the pledge.

- ``Pledge.search_words``: the pledge's own words, the title weighing most
  (A), then the ref and the quote (B). Results are ranked by it.
- ``Pledge.search_document``: the same plus the summaries of all its status
  updates (D). Search matches against it, through its GIN index (migration
  0009), so a pledge is found by what happened to it, too.

Both are derived data, recomputed in one UPDATE whenever the pledge's text
or its updates change (``Pledge.save()`` and ``Pledge.refresh_status()``) and
set-based by ``refresh_search_documents()`` after bulk loads. Computing the
vectors at query time instead cost ~0.5 s for a common word at 100,000
pledges: every match's vector was rebuilt to rank it. On SQLite the columns
stay empty and search is a case-insensitive match (tracker/filtersets.py).
"""

from django.contrib.postgres.aggregates import StringAgg
from django.contrib.postgres.search import SearchVector
from django.db import connection
from django.db.models import OuterRef, Subquery

SEARCH_CONFIG = "english"


def own_words_vector():
    return SearchVector("title", weight="A", config=SEARCH_CONFIG) + SearchVector(
        "ref", "quote", weight="B", config=SEARCH_CONFIG
    )


def document_vector():
    from tracker.models import StatusUpdate  # models use this module

    summaries = (
        StatusUpdate.objects.filter(pledge=OuterRef("pk"))
        .order_by()
        .values("pledge")
        .annotate(text=StringAgg("summary", delimiter=" ", order_by="pk"))
        .values("text")
    )
    return own_words_vector() + SearchVector(Subquery(summaries), weight="D", config=SEARCH_CONFIG)


def search_columns():
    """``{column: expression}`` for ``QuerySet.update()``; empty on SQLite."""
    if connection.vendor != "postgresql":
        return {}
    return {"search_words": own_words_vector(), "search_document": document_vector()}


def refresh_search_documents(pledges):
    """Recompute the stored search columns of ``pledges`` in one UPDATE
    (PostgreSQL only; a no-op elsewhere)."""
    columns = search_columns()
    return pledges.update(**columns) if columns else 0
