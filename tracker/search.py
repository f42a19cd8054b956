"""Full-text search on PostgreSQL, from two stored columns of the pledge.

- ``Pledge.search_words``: the pledge's own words, the title weighing most
  (A), then the ref and the quote (B). Results are ranked by it.
- ``Pledge.search_document``: the same plus the summaries of all its status
  updates (D). Search matches against it, through its GIN index (migration
  0009), so a pledge is found by what happened to it, too.

Both are derived data, recomputed in one UPDATE whenever the pledge's text
or its updates change (``Pledge.save()`` and ``Pledge.refresh_status()``) and
set-based by ``refresh_search_documents()`` after bulk loads. They are
stored because computing the vectors at query time rebuilds every match's
vector to rank it, which grows with the data. On SQLite the columns
stay empty and search is a case-insensitive match (tracker/filtersets.py).
"""

from django.contrib.postgres.search import SearchVector
from django.db import connection
from django.db.models import Subquery

SEARCH_CONFIG = "english"


def own_words_vector():
    return SearchVector("title", weight="A", config=SEARCH_CONFIG) + SearchVector(
        "ref", "quote", weight="B", config=SEARCH_CONFIG
    )


def document_vector(summaries):
    """The pledge's own words plus ``summaries``: a subquery giving the text
    of its updates' summaries (``tracker.models.update_summaries()``, passed
    in so that this module does not import the models that use it)."""
    return own_words_vector() + SearchVector(Subquery(summaries), weight="D", config=SEARCH_CONFIG)


def search_columns(summaries):
    """``{column: expression}`` for ``QuerySet.update()``; empty on SQLite."""
    if connection.vendor != "postgresql":
        return {}
    return {"search_words": own_words_vector(), "search_document": document_vector(summaries)}


def refresh_search_documents(pledges, summaries):
    """Recompute the stored search columns of ``pledges`` in one UPDATE
    (PostgreSQL only; a no-op elsewhere)."""
    columns = search_columns(summaries)
    return pledges.update(**columns) if columns else 0
