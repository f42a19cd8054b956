"""Create the Reporter, Assessor and Steward groups with their permissions."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

from tracker.roles import ensure_groups


def create_role_groups(apps, schema_editor):
    # Permissions are normally created after all migrations have run; make
    # sure they exist now so the groups can be given them.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    ensure_groups(apps)


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

    operations = [migrations.RunPython(create_role_groups, remove_role_groups)]
