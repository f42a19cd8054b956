"""Followers in the stewards' tool: addresses are shown to stewards only
(``alerts.view_followers``, tracker/rules.py), and nothing here is editable;
a steward may delete a follower who asks to be forgotten."""

from django.contrib import admin

from tracker.alerts.models import Follow, OutboxMessage, Subscriber


class StewardsOnly:
    def has_module_permission(self, request):
        return request.user.has_perm("alerts.view_followers")

    def has_view_permission(self, request, obj=None):
        return request.user.has_perm("alerts.view_followers")

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return request.user.has_perm("alerts.view_followers")


class FollowInline(StewardsOnly, admin.TabularInline):
    model = Follow
    fields = ["pledge", "theme", "party", "source", "created"]
    readonly_fields = fields
    extra = 0


@admin.register(Subscriber)
class SubscriberAdmin(StewardsOnly, admin.ModelAdmin):
    list_display = ["email", "frequency", "confirmed_at", "last_digest_at"]
    list_filter = ["frequency"]
    search_fields = ["email"]
    fields = ["email", "frequency", "confirmed_at", "covered_until", "last_digest_at", "created"]
    readonly_fields = fields
    inlines = [FollowInline]


@admin.register(OutboxMessage)
class OutboxMessageAdmin(StewardsOnly, admin.ModelAdmin):
    list_display = ["pk", "subject", "created", "sent_at", "cancelled_at"]
    list_filter = [("sent_at", admin.EmptyFieldListFilter)]
    list_select_related = ["subscriber"]
    fields = ["subscriber", "subject", "message_id", "created", "sent_at", "cancelled_at"]
    readonly_fields = fields
