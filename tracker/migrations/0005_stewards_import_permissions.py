"""Give the Steward group the new import permissions."""

from django.db import migrations

from tracker.roles import sync_role_groups


class Migration(migrations.Migration):
    dependencies = [("tracker", "0004_import_permissions_review_flag")]

    operations = [migrations.RunPython(sync_role_groups, migrations.RunPython.noop)]
