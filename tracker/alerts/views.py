"""Following, confirming, and leaving: the pages behind the follow links and
the links in alert e-mail. Thin: the rules are in models.py, limits.py and
links.py."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from tracker.alerts import emails, limits
from tracker.alerts.forms import FollowForm, FrequencyForm
from tracker.alerts.links import follower_token, following_url, read_confirmation, read_follower
from tracker.alerts.models import Follow, Subscriber, Target


def confirmed_subscriber_of(user):
    """A signed-in user's follower record, if their address has been
    confirmed (by a confirmation link, once): then they follow with one click."""
    if not user.is_authenticated or not user.email:
        return None
    return Subscriber.objects.for_address(user.email).exclude(confirmed_at=None).first()


@never_cache
@require_http_methods(["GET", "POST"])
def follow(request, kind, key):
    """The follow form. Whatever the address, known or not, following or
    not, an anonymous request gets the same "check your inbox" answer."""
    target = Target.resolve(kind, key)
    account = confirmed_subscriber_of(request.user)
    account_address = request.user.email if request.user.is_authenticated else ""
    form = FollowForm(
        request.POST or None,
        ask_address=not account_address,
        initial={"frequency": account.frequency} if account else None,
    )
    if request.method == "POST" and form.is_valid():
        frequency = form.cleaned_data["frequency"]
        if account is not None:
            Subscriber.objects.confirm(account.email, target, frequency, request.LANGUAGE_CODE)
            messages.success(
                request, gettext("You now follow %(target)s.") % {"target": target.label}
            )
            return redirect("alerts:following", follower_token(account))
        address = account_address or form.cleaned_data["email"]
        verdict = limits.count_request(request, address)
        if verdict.client_over:
            return render(request, "alerts/too_many.html", status=429)
        if not verdict.address_over:
            existing = Subscriber.objects.for_address(address).following(target).first()
            emails.send_confirmation(
                address, target, frequency, following_url(existing) if existing else None
            )
        return redirect("alerts:check-inbox")
    context = {"target": target, "form": form, "account_address": account_address}
    return render(request, "alerts/follow.html", context)


def check_inbox(request):
    return render(request, "alerts/check_inbox.html")


@never_cache
@require_http_methods(["GET", "POST"])
def confirm(request, token):
    """GET shows a button, POST confirms: a mail scanner that fetches every
    link in a message confirms nothing."""
    data = read_confirmation(token)
    target = Target.from_token(data["k"], data["t"]) if data else None
    if target is None:
        return render(request, "alerts/link_invalid.html", status=404)
    if request.method == "POST":
        subscriber = Subscriber.objects.confirm(data["e"], target, data["f"], request.LANGUAGE_CODE)
        messages.success(
            request, gettext("Confirmed: you now follow %(target)s.") % {"target": target.label}
        )
        return redirect("alerts:following", follower_token(subscriber))
    return render(request, "alerts/confirm.html", {"target": target})


def follower_or_invalid(view):
    def check(request, token, *args, **kwargs):
        subscriber = read_follower(token)
        if subscriber is None:
            return render(request, "alerts/link_invalid.html", status=404)
        return view(request, subscriber, token, *args, **kwargs)

    return check


@never_cache
@follower_or_invalid
def following(request, subscriber, token):
    follows = (
        Follow.objects.filter(subscriber=subscriber)
        .select_related("pledge", "theme", "party", "source")
        .defer("source__text", "source__preamble")
        .order_by("created", "pk")
    )
    context = {
        "subscriber": subscriber,
        "token": token,
        "follows": follows,
        "frequency_form": FrequencyForm(instance=subscriber),
    }
    return render(request, "alerts/following.html", context)


@require_POST
@follower_or_invalid
def unfollow(request, subscriber, token, pk):
    follow = get_object_or_404(Follow, pk=pk, subscriber=subscriber)
    label = follow.target.label
    follow.delete()
    messages.success(request, gettext("You no longer follow %(target)s.") % {"target": label})
    return redirect("alerts:following", token)


@require_POST
@follower_or_invalid
def change_frequency(request, subscriber, token):
    form = FrequencyForm(request.POST, instance=subscriber)
    if form.is_valid():
        form.save()
        messages.success(request, "Saved: " + subscriber.get_frequency_display().lower() + ".")
    return redirect("alerts:following", token)


# RFC 8058: the mail client POSTs "List-Unsubscribe=One-Click" to the link
# in the List-Unsubscribe header, with no session and no CSRF token. Only
# this view is exempt: what it can do is stop mail to the address its signed
# link names.
@csrf_exempt
@never_cache
@require_http_methods(["GET", "POST"])
def unsubscribe(request, token):
    if request.method == "POST":
        subscriber = read_follower(token)
        if subscriber is not None:
            subscriber.delete()
        # Said whether or not the link still worked: either way nothing more
        # is sent to the address it was for.
        return render(request, "alerts/unsubscribed.html")
    if read_follower(token) is None:
        return render(request, "alerts/link_invalid.html", status=404)
    return render(request, "alerts/unsubscribe.html")


@login_required
def following_account(request):
    """A signed-in user's way to the following page."""
    subscriber = confirmed_subscriber_of(request.user)
    if subscriber is not None:
        return redirect("alerts:following", follower_token(subscriber))
    return render(request, "alerts/following_none.html")
