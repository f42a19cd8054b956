from django.apps import AppConfig


class TrackerConfig(AppConfig):
    name = "tracker"
    verbose_name = "Pledge Tracker"

    def ready(self):
        from tracker import caching, checks, sessions, signals  # noqa: F401  (they register on import)

        caching.connect()
