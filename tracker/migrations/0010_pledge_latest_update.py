"""Pledge.latest_update: the newest update that counts, maintained with the
status columns, for the CSV export (which looked it up per pledge)."""

import django.db.models.deletion
from django.db import migrations, models
from django.db.models import OuterRef, Subquery


def fill(apps, schema_editor):
    Pledge = apps.get_model("tracker", "Pledge")
    StatusUpdate = apps.get_model("tracker", "StatusUpdate")
    newest = (
        StatusUpdate.objects.filter(pledge=OuterRef("pk"), withdrawn_at__isnull=True)
        .order_by("-as_of", "-created", "-pk")
        .values("pk")[:1]
    )
    Pledge.objects.update(latest_update_id=Subquery(newest))


class Migration(migrations.Migration):
    dependencies = [("tracker", "0009_stored_search_documents")]

    operations = [
        migrations.AddField(
            model_name="pledge",
            name="latest_update",
            field=models.ForeignKey(
                blank=True,
                editable=False,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to="tracker.statusupdate",
                verbose_name="latest update",
            ),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
    ]
