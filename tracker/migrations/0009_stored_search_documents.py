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
from django.contrib.postgres.aggregates import StringAgg
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVector
from django.db import migrations
from django.db.models import OuterRef, Subquery

CONFIG = "english"


def fill_documents(apps):
    """tracker/search.py's expressions as they are at this migration, on the
    historical models, so later changes there cannot break a fresh install."""
    Pledge = apps.get_model("tracker", "Pledge")
    StatusUpdate = apps.get_model("tracker", "StatusUpdate")
    own = SearchVector("title", weight="A", config=CONFIG) + SearchVector(
        "ref", "quote", weight="B", config=CONFIG
    )
    summaries = (
        StatusUpdate.objects.filter(pledge=OuterRef("pk"))
        .order_by()
        .values("pledge")
        .annotate(text=StringAgg("summary", delimiter=" ", order_by="pk"))
        .values("text")
    )
    document = own + SearchVector(Subquery(summaries), weight="D", config=CONFIG)
    Pledge.objects.update(search_words=own, search_document=document)

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
    fill_documents(apps)
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
