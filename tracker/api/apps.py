from django.apps import AppConfig


class ApiConfig(AppConfig):
    """The HTTP API (v1 and the old /api/pledges/) and the API tokens."""

    name = "tracker.api"
    label = "api"
    verbose_name = "API"
