"""Full-text search from two stored columns (tracker/search.py).

Ranking a common word's matches rebuilt every matching pledge's vector at
query time (~0.5 s at 100,000 pledges), and the match was a union of two
expression indexes. The pledge now stores its own words (``search_words``,
for ranking) and those plus its updates' summaries (``search_document``,
GIN-indexed, for matching); the two expression indexes of 0007 go. On
SQLite the columns stay empty.
"""

from importlib import import_module

import django.contrib.postgres.search
from django.contrib.postgres.indexes import GinIndex
from django.db import migrations

from tracker.search import refresh_search_documents

OLD_INDEXES = [
    ("tracker_pledge", "pledge_search_gin_idx"),
    ("tracker_statusupdate", "update_summary_search_gin_idx"),
]
DOCUMENT_INDEX = GinIndex(fields=["search_document"], name="pledge_search_document_idx")


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for _table, name in OLD_INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")
    # The historical model's manager is enough: the update is set-based SQL.
    refresh_search_documents(apps.get_model("tracker", "Pledge").objects.all())
    schema_editor.add_index(apps.get_model("tracker", "Pledge"), DOCUMENT_INDEX)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.remove_index(apps.get_model("tracker", "Pledge"), DOCUMENT_INDEX)
    import_module("tracker.migrations.0007_search_and_tag_indexes").add_search_indexes(
        apps, schema_editor
    )


class Migration(migrations.Migration):
    dependencies = [("tracker", "0008_reading_order")]

    operations = [
        migrations.AddField(
            model_name="pledge",
            name="search_document",
            field=django.contrib.postgres.search.SearchVectorField(editable=False, null=True),
        ),
        migrations.AddField(
            model_name="pledge",
            name="search_words",
            field=django.contrib.postgres.search.SearchVectorField(editable=False, null=True),
        ),
        migrations.RunPython(forwards, backwards),
    ]
