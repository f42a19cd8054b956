"""The roles, as Django groups, and the model permissions each holds.

Object-level rules (which actors a reporter may report for, who may log which
kind of update, who may withdraw) are in ``tracker/rules.py``; these groups are
what those rules test for.
"""

REPORTER = "Reporter"
ASSESSOR = "Assessor"
STEWARD = "Steward"

CURATED_MODELS = [
    "sourcedocument",
    "paragraph",
    "pledge",
    "theme",
    "actor",
    "instrument",
    "partymembership",
]

ROLE_PERMISSIONS = {
    # Logs self-reports for the actors they belong to (Actor.reporters).
    REPORTER: ["tracker.add_statusupdate", "tracker.view_statusupdate"],
    # Logs independent assessments on any pledge.
    ASSESSOR: ["tracker.add_statusupdate", "tracker.view_statusupdate"],
    # Enters and curates the data in the admin; corrects updates by
    # withdrawing them (change_statusupdate covers only the withdrawal fields;
    # nobody holds delete_statusupdate).
    STEWARD: [
        *(
            f"tracker.{action}_{model}"
            for model in CURATED_MODELS
            for action in ("add", "change", "delete", "view")
        ),
        "tracker.add_statusupdate",
        "tracker.change_statusupdate",
        "tracker.view_statusupdate",
        "tracker.import_pledge",
        "tracker.import_statusupdate",
    ],
}


def sync_role_groups(apps, schema_editor=None):
    """For data migrations: create any missing permissions (Django normally
    does so only after all migrations), then give each group exactly its own."""
    from django.contrib.auth.management import create_permissions

    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    ensure_groups(apps)


def ensure_groups(apps=None):
    """Create the role groups with exactly their permissions (idempotent).

    Takes the historical ``apps`` registry when called from a migration."""
    if apps is None:
        from django.apps import apps
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, permission_names in ROLE_PERMISSIONS.items():
        group, _ = Group.objects.get_or_create(name=name)
        permissions = []
        for dotted in permission_names:
            app_label, codename = dotted.split(".")
            # An early migration runs before later permissions exist; the
            # migration that adds them syncs again. tests/test_roles.py checks
            # that the groups end up with exactly these permissions.
            permissions.extend(
                Permission.objects.filter(content_type__app_label=app_label, codename=codename)
            )
        group.permissions.set(permissions)
