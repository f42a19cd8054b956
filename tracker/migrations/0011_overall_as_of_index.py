"""An index for the record as of any day (Pledge.objects.as_of()): each
pledge's counted overall updates in timeline order, with their status."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("tracker", "0010_pledge_latest_update"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="statusupdate",
            index=models.Index(
                condition=models.Q(("actor__isnull", True), ("withdrawn_at__isnull", True)),
                fields=["pledge", "as_of", "created", "id", "status"],
                name="update_overall_as_of_idx",
            ),
        ),
    ]
