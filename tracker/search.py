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
from django.db.models.functions import Left

SEARCH_CONFIG = "english"


def own_words_vector():
    return SearchVector("title", weight="A", config=SEARCH_CONFIG) + SearchVector(
        "ref", "quote", weight="B", config=SEARCH_CONFIG
    )


# How much of a pledge's update summaries its search document holds, newest
# first (characters). PostgreSQL refuses a tsvector whose distinct words take
# more than 1 MB (1,048,575 bytes), and a write that would build one fails; a
# pledge gathers updates without end. 200,000 characters are at most 800,000
# bytes of UTF-8 and so of distinct words, leaving room for the pledge's own
# title, ref and quote (bounded in tracker/models.py). Fifty updates of the
# longest allowed summary always fit; older summaries beyond it stay on the
# timeline, only not found by search.
SUMMARY_SEARCH_CHARS = 200_000


def document_vector(summaries):
    """The pledge's own words plus ``summaries``: a subquery giving the text
    of its updates' summaries, newest first (``tracker.models.update_summaries()``,
    passed in so that this module does not import the models that use it), of
    which the first SUMMARY_SEARCH_CHARS characters are kept."""
    newest = Left(Subquery(summaries), SUMMARY_SEARCH_CHARS)
    return own_words_vector() + SearchVector(newest, weight="D", config=SEARCH_CONFIG)


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
