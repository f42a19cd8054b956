"""The stewards' bulk actions on the pledge changelist, and the "needs
attention" page. Wired into the pledge admin in ``tracker/admin/site.py``; their
input forms are in ``tracker/admin/forms.py``.

Each bulk action asks for its input on an intermediate page (Django's admin
action pattern), validates everything first, and then writes all of it in one
transaction or none of it.
"""

from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.template.response import TemplateResponse
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from tracker.admin.forms import BulkUpdateForm, ThemeChoiceForm
from tracker.models import Pledge, StatusUpdate

# How many rows the attention page lists in each section (counts are complete).
ATTENTION_LIMIT = 50


def intermediate_page(modeladmin, request, queryset, form, title, action, template):
    context = {
        **modeladmin.admin_site.each_context(request),
        "title": title,
        "form": form,
        "pledges": queryset,
        "action": action,
        "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
        "opts": modeladmin.model._meta,
    }
    return TemplateResponse(request, f"admin/tracker/pledge/{template}", context)


def change_theme(modeladmin, request, queryset, add):
    name = "add_theme" if add else "remove_theme"
    form = ThemeChoiceForm(request.POST if "apply" in request.POST else None)
    if form.is_bound and form.is_valid():
        theme = form.cleaned_data["theme"]
        with transaction.atomic():
            # All the pledges first, in a fixed order: two stewards changing
            # overlapping selections queue instead of deadlocking.
            queryset.lock()
            for pledge in queryset:
                # Through the m2m manager, so the edit history records it.
                (pledge.themes.add if add else pledge.themes.remove)(theme)
        count = queryset.count()
        if add:
            done = ngettext(
                "Added “%(theme)s” to %(count)d pledge.",
                "Added “%(theme)s” to %(count)d pledges.",
                count,
            )
        else:
            done = ngettext(
                "Removed “%(theme)s” from %(count)d pledge.",
                "Removed “%(theme)s” from %(count)d pledges.",
                count,
            )
        modeladmin.message_user(request, done % {"theme": theme, "count": count}, messages.SUCCESS)
        return None
    title = (
        gettext("Add a theme to the selected pledges")
        if add
        else gettext("Remove a theme from the selected pledges")
    )
    return intermediate_page(modeladmin, request, queryset, form, title, name, "bulk_theme.html")


@admin.action(description=_("Add a theme to the selected pledges"), permissions=["change"])
def add_theme(modeladmin, request, queryset):
    return change_theme(modeladmin, request, queryset, add=True)


@admin.action(description=_("Remove a theme from the selected pledges"), permissions=["change"])
def remove_theme(modeladmin, request, queryset):
    return change_theme(modeladmin, request, queryset, add=False)


@admin.action(
    description=_("Log one status update for each selected pledge"), permissions=["log_update"]
)
def log_update(modeladmin, request, queryset):
    form = BulkUpdateForm(request.POST if "apply" in request.POST else None)
    if form.is_bound and form.is_valid():
        updates = [
            StatusUpdate(pledge=pledge, author=request.user, **form.cleaned_data)
            for pledge in queryset.with_source()
        ]
        problems = []
        for update in updates:
            try:
                update.full_clean()
            except ValidationError as error:
                problems.append(f"{update.pledge.ref}: {'; '.join(error.messages)}")
            else:
                if not request.user.has_perm("tracker.log_update", update):
                    problems.append(
                        gettext(
                            "%(ref)s: your role may not log this kind of update "
                            "for this actor on this pledge."
                        )
                        % {"ref": update.pledge.ref}
                    )
        if not problems:
            with transaction.atomic():
                # Every selected pledge's lock at once, in a fixed order (see
                # PledgeQuerySet.lock()): concurrent bulk actions on
                # overlapping selections queue instead of deadlocking.
                Pledge.objects.filter(pk__in=[u.pledge_id for u in updates]).lock()
                for update in updates:
                    update.save()  # one by one: signals refresh each pledge's status
            done = ngettext(
                "Logged the update on %(count)d pledge.",
                "Logged the update on %(count)d pledges.",
                len(updates),
            )
            modeladmin.message_user(request, done % {"count": len(updates)}, messages.SUCCESS)
            return None
        form.add_error(None, " ".join([gettext("Nothing was logged."), *problems]))
    title = gettext("Log one status update for each selected pledge")
    return intermediate_page(
        modeladmin, request, queryset, form, title, "log_update", "bulk_update.html"
    )


def attention_view(modeladmin, request):
    """What needs a steward: stale pledges, updates flagged for review,
    pledges with no theme."""
    if not request.user.has_perm("tracker.view_attention"):
        # It shows review notes and who wrote them: for stewards only.
        raise PermissionDenied(
            gettext(
                "The Needs attention page, with the review requests and their notes, is for "
                "stewards, and your account is not in the Steward group."
            )
        )
    stale = Pledge.objects.stale()
    flagged = StatusUpdate.objects.filter(review_requested_at__isnull=False)
    untagged = Pledge.objects.filter(themes__isnull=True)
    context = {
        **modeladmin.admin_site.each_context(request),
        "title": gettext("Needs attention"),
        "opts": modeladmin.model._meta,
        "stale_total": stale.count(),
        "stale": stale.with_source().most_neglected_first()[:ATTENTION_LIMIT],
        "flagged_total": flagged.count(),
        "flagged": flagged.with_pledge()
        .select_related("review_requested_by")
        .order_by("review_requested_at")[:ATTENTION_LIMIT],
        "untagged_total": untagged.count(),
        "untagged": untagged.with_source().order_by("ref")[:ATTENTION_LIMIT],
        "limit": ATTENTION_LIMIT,
    }
    return TemplateResponse(request, "admin/tracker/pledge/attention.html", context)
