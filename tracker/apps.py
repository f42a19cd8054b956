from django.apps import AppConfig


class TrackerConfig(AppConfig):
    name = "tracker"
    verbose_name = "Pledge Tracker"

    def ready(self):
        from tracker import signals  # noqa: F401  (connects the status-maintenance handlers)
