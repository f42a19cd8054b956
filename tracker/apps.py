from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps


class TrackerAdminConfig(admin_apps.AdminConfig):
    """django.contrib.admin, with the site of tracker/adminsite.py
    (named in INSTALLED_APPS, so not this module's default config)."""

    default = False
    default_site = "tracker.adminsite.TrackerAdminSite"


class TrackerConfig(AppConfig):
    name = "tracker"
    verbose_name = "Pledge Tracker"

    def ready(self):
        from tracker import caching, checks, sessions, signals  # noqa: F401  (they register on import)

        caching.connect()
