from django.apps import AppConfig


class TrackerConfig(AppConfig):
    name = "tracker"
    verbose_name = "Pledge Tracker"

    def ready(self):
        from tracker import caching, signals  # noqa: F401  (signals connects on import)

        caching.connect()
