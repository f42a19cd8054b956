"""Full-text search on PostgreSQL: the search expressions, defined once.

The GIN indexes of migration 0007 are built from these same functions, so the
planner can match each query's expression to its index. Change an expression
and you must add a migration that rebuilds its index.
"""

from django.contrib.postgres.search import SearchVector

SEARCH_CONFIG = "english"


def pledge_search_vector():
    """A pledge's words: the title weighs most, then the ref and the quote."""
    return SearchVector("title", weight="A", config=SEARCH_CONFIG) + SearchVector(
        "ref", "quote", weight="B", config=SEARCH_CONFIG
    )


def summary_search_vector():
    """A status update's summary."""
    return SearchVector("summary", config=SEARCH_CONFIG)
