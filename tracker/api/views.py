"""The page where a Reporter, Assessor or Steward manages their API tokens."""

from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext
from django.views.decorators.http import require_POST

from tracker.api.forms import TokenForm
from tracker.api.models import ApiToken

# Enough for a few systems and a spare; a token per request is a mistake.
MAX_ACTIVE_TOKENS = 10


def may_log_updates(view):
    """Sign in first; then a 403 for an account that may not log updates
    (and so has no use for a token), not another sign-in page."""

    @wraps(view)
    @login_required
    def check(request, *args, **kwargs):
        if not request.user.has_perm("tracker.log_update"):
            raise PermissionDenied(
                gettext("Only Reporters, Assessors and Stewards use API tokens.")
            )
        return view(request, *args, **kwargs)

    return check


# The new token's secret waits here between the POST that made it and the
# page that shows it, once: reloading that page cannot create another token.
SECRET_KEY_IN_SESSION = "api-token-secret"


@may_log_updates
def token_list(request):
    tokens = ApiToken.objects.filter(user=request.user)
    form = TokenForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        if tokens.active().count() >= MAX_ACTIVE_TOKENS:
            form.add_error(
                None,
                gettext(
                    "You already have %(count)d active tokens: revoke one you no longer use first."
                )
                % {"count": MAX_ACTIVE_TOKENS},
            )
        else:
            _token, secret = ApiToken.issue(
                request.user, form.cleaned_data["name"], form.cleaned_data["lifetime"]
            )
            request.session[SECRET_KEY_IN_SESSION] = secret
            return redirect("api-token-list")
    response = render(
        request,
        "api/token_list.html",
        {
            "form": form,
            "tokens": tokens,
            "secret": request.session.pop(SECRET_KEY_IN_SESSION, None),
        },
    )
    # The page can show a token's secret, once: no cache may keep it.
    add_never_cache_headers(response)
    return response


@require_POST
@may_log_updates
def token_revoke(request, pk):
    token = get_object_or_404(ApiToken, pk=pk, user=request.user)
    if token.revoke():
        messages.success(
            request,
            gettext("The token “%(name)s” is revoked: it no longer works.") % {"name": token.name},
        )
    else:
        messages.info(
            request, gettext("The token “%(name)s” was already revoked.") % {"name": token.name}
        )
    return redirect("api-token-list")
