"""The Django admin is the data stewards' tool for entering and curating data."""

from django.contrib import admin
from django.db.models import Count
from django.utils.html import format_html

from tracker.models import (
    Actor,
    Instrument,
    Paragraph,
    Pledge,
    SourceDocument,
    Status,
    StatusUpdate,
    Theme,
)


def status_badge(status_value):
    status = Status(status_value)
    return format_html(
        '<span class="status-badge" style="background:{};color:#fff;padding:1px 6px;'
        'border-radius:3px" title="{}">{}</span>',
        status.colour,
        status.definition,
        status.label,
    )


class ParagraphInline(admin.TabularInline):
    model = Paragraph
    extra = 0
    fields = ["number", "section", "text"]


@admin.register(SourceDocument)
class SourceDocumentAdmin(admin.ModelAdmin):
    list_display = ["short_title", "issuing_body", "place", "date_adopted", "pledge_count"]
    search_fields = ["title", "short_title", "issuing_body"]
    prepopulated_fields = {"slug": ["short_title"]}
    inlines = [ParagraphInline]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(pledge_total=Count("pledges"))

    @admin.display(description="pledges", ordering="pledge_total")
    def pledge_count(self, obj):
        return obj.pledge_total


@admin.register(Paragraph)
class ParagraphAdmin(admin.ModelAdmin):
    list_display = ["__str__", "section", "document"]
    list_filter = ["document"]
    list_select_related = ["document"]
    search_fields = ["text"]


class UsageCountAdmin(admin.ModelAdmin):
    """Themes, actors and instruments: list how many pledges use each."""

    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(pledge_total=Count("pledges"))

    @admin.display(description="pledges", ordering="pledge_total")
    def pledge_count(self, obj):
        return obj.pledge_total


@admin.register(Theme)
class ThemeAdmin(UsageCountAdmin):
    list_display = ["name", "slug", "pledge_count"]


@admin.register(Actor)
class ActorAdmin(UsageCountAdmin):
    list_display = ["name", "kind", "pledge_count"]
    list_filter = ["kind"]


@admin.register(Instrument)
class InstrumentAdmin(UsageCountAdmin):
    list_display = ["name", "symbol", "kind", "year", "pledge_count"]
    list_filter = ["kind"]
    search_fields = ["name", "slug", "symbol"]


class StatusUpdateInline(admin.StackedInline):
    """The pledge's timeline, newest first; the author is the signed-in steward."""

    model = StatusUpdate
    extra = 0
    fields = ["status", "as_of", "kind", "actor", "summary", "evidence_url", "evidence_reference"]
    autocomplete_fields = ["actor"]
    ordering = ["-as_of", "-created", "-pk"]
    show_change_link = True

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("actor", "author")


@admin.register(Pledge)
class PledgeAdmin(admin.ModelAdmin):
    list_display = [
        "ref",
        "title",
        "source",
        "paragraph",
        "current_status_badge",
        "last_update_as_of",
    ]
    list_display_links = ["ref", "title"]
    list_filter = ["source", "themes", "current_status", "actors", "instruments", "timeframe"]
    list_select_related = ["source"]
    search_fields = ["ref", "title", "quote"]
    autocomplete_fields = ["themes", "actors", "instruments"]
    readonly_fields = ["current_status", "last_update_as_of", "created", "updated"]
    fieldsets = [
        (None, {"fields": ["ref", "title", "source", "paragraph", "quote"]}),
        ("Tags", {"fields": ["themes", "actors", "instruments", "timeframe"]}),
        (
            "Status (derived from the updates below)",
            {"fields": ["current_status", "last_update_as_of", "created", "updated"]},
        ),
    ]
    inlines = [StatusUpdateInline]

    @admin.display(description="current status", ordering="current_status")
    def current_status_badge(self, obj):
        return status_badge(obj.current_status)

    def save_formset(self, request, form, formset, change):
        """New updates entered inline are authored by the signed-in user."""
        updates = formset.save(commit=False)
        for deleted in formset.deleted_objects:
            deleted.delete()
        for update in updates:
            if isinstance(update, StatusUpdate) and update.author_id is None:
                update.author = request.user
            update.save()
        formset.save_m2m()


@admin.register(StatusUpdate)
class StatusUpdateAdmin(admin.ModelAdmin):
    list_display = ["pledge", "status_badge", "as_of", "kind", "actor", "author", "created"]
    list_filter = ["status", "kind", "pledge__source", "actor"]
    list_select_related = ["pledge", "actor", "author"]
    date_hierarchy = "as_of"
    search_fields = ["pledge__ref", "summary", "evidence_reference"]
    autocomplete_fields = ["pledge", "actor"]
    readonly_fields = ["author", "created"]
    fields = [
        "pledge",
        "status",
        "as_of",
        "kind",
        "actor",
        "summary",
        "evidence_url",
        "evidence_reference",
        "author",
        "created",
    ]

    @admin.display(description="status", ordering="status")
    def status_badge(self, obj):
        return status_badge(obj.status)

    def save_model(self, request, obj, form, change):
        if obj.author_id is None:
            obj.author = request.user
        super().save_model(request, obj, form, change)
