"""The default order of pledges from an index of their own table.

Pledges list in reading order: texts by adoption date, then paragraph and
ref. Ordering through the join to the source made PostgreSQL fetch and sort
every match for each page (the benchmark's 100k-pledge list spent most of its
time there). The adoption date is now copied onto the pledge
(``source_adopted``, kept in step by tracker/signals.py) and two indexes
serve the order: on its own, and after ``current_status``, which replaces the
status index of 0001 for the status filter and facet counts. Both end on the
id, so the list's first query (a page's ids, tracker/pagination.py) is read
from the index alone.
"""

from django.db import migrations, models
from django.db.models import OuterRef, Subquery


def copy_adoption_dates(apps, schema_editor):
    SourceDocument = apps.get_model("tracker", "SourceDocument")
    adopted = SourceDocument.objects.filter(pk=OuterRef("source_id")).values("date_adopted")
    apps.get_model("tracker", "Pledge").objects.update(source_adopted=Subquery(adopted[:1]))


def field(null):
    return models.DateField(
        blank=True, editable=False, null=null, verbose_name="source adopted"
    )


class Migration(migrations.Migration):
    dependencies = [("tracker", "0007_search_and_tag_indexes")]

    operations = [
        # Not in the edit history: it is derived, and old history rows may
        # name a source that no longer exists.
        migrations.AddField(model_name="pledge", name="source_adopted", field=field(null=True)),
        migrations.RunPython(copy_adoption_dates, migrations.RunPython.noop),
        migrations.AlterField(model_name="pledge", name="source_adopted", field=field(null=False)),
        migrations.AlterModelOptions(
            name="pledge",
            options={
                "ordering": ["source_adopted", "paragraph", "ref"],
                "permissions": [("import_pledge", "Can import pledges from CSV or XLSX")],
            },
        ),
        migrations.RemoveIndex(model_name="pledge", name="pledge_current_status_idx"),
        migrations.AddIndex(
            model_name="pledge",
            index=models.Index(
                fields=["source_adopted", "paragraph", "ref", "id"], name="pledge_reading_order_idx"
            ),
        ),
        migrations.AddIndex(
            model_name="pledge",
            index=models.Index(
                fields=["current_status", "source_adopted", "paragraph", "ref", "id"],
                name="pledge_status_order_idx",
            ),
        ),
    ]
