"""Who may open a page, and what someone who may not is told.

A visitor who is not signed in is sent to the sign-in page; someone signed in
who lacks the permission gets a 403 page that says why and whom to ask,
never the sign-in page again (signing in once more would not help them).
"""

from functools import wraps

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

# Why each gated permission is refused, in words for the person refused.
REFUSALS = {
    "tracker.log_update": _(
        "Logging status updates needs the Reporter role (for an organisation you report "
        "for), the Assessor role or the Steward role, and your account has none of them."
    ),
}


def who_to_ask():
    """The sentence every refusal ends with: whom to ask for a role."""
    contact = settings.ACCESS_CONTACT_EMAIL
    if contact:
        return gettext(
            "If you need this, ask the site's stewards at %(contact)s to give your account "
            "the role."
        ) % {"contact": contact}
    return gettext(
        "If you need this, ask one of the site's stewards to give your account the role."
    )


def refuse(reason):
    """Stop the request with a 403 whose page gives ``reason``."""
    raise PermissionDenied(reason)


def permission_required(perm):
    """Like Django's decorator of that name, but a signed-in user who lacks
    ``perm`` gets the 403 page with the reason in ``REFUSALS``."""

    def decorate(view):
        @wraps(view)
        def guarded(request, *args, **kwargs):
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not request.user.has_perm(perm):
                refuse(REFUSALS[perm])
            return view(request, *args, **kwargs)

        return guarded

    return decorate
