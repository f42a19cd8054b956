from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AlertsConfig(AppConfig):
    """Follows and e-mail alerts (issue 20): who follows what, the
    confirmation requests that rate-limit sign-ups, and the outbox that
    ``manage.py send_alerts`` composes into and delivers from."""

    name = "tracker.alerts"
    label = "alerts"
    verbose_name = _("Alerts")
    default_auto_field = "django.db.models.BigAutoField"
