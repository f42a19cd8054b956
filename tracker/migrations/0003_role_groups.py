"""Create the Reporter, Assessor and Steward groups with their permissions."""

from django.db import migrations

from tracker.roles import sync_role_groups


def remove_role_groups(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(
        name__in=["Reporter", "Assessor", "Steward"]
    ).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("tracker", "0002_trust_history_versions_withdrawal"),
    ]

    operations = [migrations.RunPython(sync_role_groups, remove_role_groups)]
