"""Indexes for the list page, its facets and search at 100,000 pledges.

- (tag, pledge) on each many-to-many table: the theme/actor/instrument filters
  are semi-joins "pk IN (SELECT pledge_id … WHERE theme_id IN …)", and the
  theme facet counts pledges per theme; both read only this index. (Django's
  own unique index on these tables is (pledge, tag), which serves neither.)
- On PostgreSQL only, GIN indexes on the two full-text search expressions of
  tracker/search.py, built from the same functions the queries use.
"""

from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVector
from django.db import migrations

# The search expressions as they were at this migration (tracker/search.py
# has moved on to stored columns, migration 0009, which drops these indexes).
SEARCH_CONFIG = "english"


def pledge_search_vector():
    return SearchVector("title", weight="A", config=SEARCH_CONFIG) + SearchVector(
        "ref", "quote", weight="B", config=SEARCH_CONFIG
    )


def summary_search_vector():
    return SearchVector("summary", config=SEARCH_CONFIG)

TAG_INDEXES = [
    ("tracker_pledge_themes", "theme_id", "pledge_themes_theme_pledge_idx"),
    ("tracker_pledge_actors", "actor_id", "pledge_actors_actor_pledge_idx"),
    ("tracker_pledge_instruments", "instrument_id", "pledge_instr_instr_pledge_idx"),
]

SEARCH_INDEXES = [
    # /pledges/?q=…: the pledge's own words.
    ("Pledge", pledge_search_vector, "pledge_search_gin_idx"),
    # /pledges/?q=…: words in any of its updates' summaries.
    ("StatusUpdate", summary_search_vector, "update_summary_search_gin_idx"),
]


def add_search_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return  # SQLite searches with a case-insensitive match instead
    for model_name, expression, name in SEARCH_INDEXES:
        model = apps.get_model("tracker", model_name)
        schema_editor.add_index(model, GinIndex(expression(), name=name))


def remove_search_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for model_name, expression, name in SEARCH_INDEXES:
        model = apps.get_model("tracker", model_name)
        schema_editor.remove_index(model, GinIndex(expression(), name=name))


class Migration(migrations.Migration):
    dependencies = [("tracker", "0006_http_only_evidence_url")]

    operations = [
        *(
            migrations.RunSQL(
                f"CREATE INDEX IF NOT EXISTS {name} ON {table} ({column}, pledge_id)",
                f"DROP INDEX IF EXISTS {name}",
            )
            for table, column, name in TAG_INDEXES
        ),
        migrations.RunPython(add_search_indexes, remove_search_indexes),
    ]
