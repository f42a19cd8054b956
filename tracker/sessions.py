"""Sessions end after SESSION_IDLE_MINUTES without a request.

Django's sessions last SESSION_COOKIE_AGE from their last save. Saving on
every request (SESSION_SAVE_EVERY_REQUEST) would add a write to every page a
signed-in user opens; instead the expiry is moved on at most once per
REFRESH_EVERY, so a session ends between (idle time - REFRESH_EVERY) and the
idle time after its last request.
"""

import time

from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver

REFRESHED_KEY = "_refreshed_at"


def refresh_every(settings):
    # A twelfth of the idle time: 5 minutes of the default 60.
    return settings.SESSION_COOKIE_AGE // 12


class IdleSessionMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        from django.conf import settings

        session = request.session
        if not session.is_empty():
            refreshed = session.get(REFRESHED_KEY, 0)
            if time.time() - refreshed >= refresh_every(settings):
                session[REFRESHED_KEY] = int(time.time())  # saved, with a new expiry
        return self.get_response(request)


@receiver(user_logged_in, dispatch_uid="session-refreshed-at-login")
def mark_refreshed_at_login(sender, request, user, **kwargs):
    # The login saves the session anyway; the next requests need not.
    if request is not None and hasattr(request, "session"):
        request.session[REFRESHED_KEY] = int(time.time())
