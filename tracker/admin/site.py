"""The ModelAdmins: the Django admin is the data stewards' tool for entering
and curating data.

Every model keeps an edit history (django-simple-history) with revert.
Pledge edits are version-checked, so two stewards editing the same pledge
cannot overwrite each other. Status updates are append-only: once recorded
they are read-only, and a wrong one is withdrawn with a reason.
"""

from django.contrib import admin, messages
from django.db import transaction
from django.db.models import Count
from django.http import HttpResponseRedirect
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _
from import_export.admin import ExportActionMixin, ImportExportMixin
from import_export.formats.base_formats import CSV, XLSX
from simple_history.admin import SimpleHistoryAdmin

from tracker.admin import actions
from tracker.admin.forms import (
    SourceDocumentForm,
    StatusUpdateAddForm,
    StatusUpdateAdminForm,
    VersionedPledgeForm,
)
from tracker.admin.resources import PledgeResource, StatusUpdateResource, problem_for_steward
from tracker.admin.uploads import DatabaseStorage, UploadGone
from tracker.forms import StatusUpdateForm
from tracker.models import (
    SOURCE_TEXT_FIELDS,
    UPDATE_ENTRY_FIELDS,
    Actor,
    EditConflict,
    Instrument,
    Paragraph,
    PartyMembership,
    Pledge,
    SourceDocument,
    Status,
    StatusUpdate,
    Theme,
)
from tracker.paragraphs import replace_paragraphs


def status_badge_html(status_value):
    status = Status(status_value)
    # A class, not an inline style: the CSP allows no inline styles.
    return format_html(
        '<span class="badge status-{}" title="{}">{}</span>',
        status.value,
        status.definition,
        status.label,
    )


class StatusStylesMixin:
    class Media:
        css = {"all": ["css/status.css"]}


class ParagraphInline(admin.TabularInline):
    model = Paragraph
    extra = 0
    fields = ["number", "section", "text"]


@admin.register(Paragraph)
class ParagraphAdmin(SimpleHistoryAdmin):
    list_display = ["__str__", "section", "document"]
    list_filter = ["document"]
    list_select_related = ["document"]
    search_fields = ["text"]

    def get_queryset(self, request):
        # Each row names its document: without the document's full text.
        fields = (f"document__{name}" for name in SOURCE_TEXT_FIELDS)
        return super().get_queryset(request).select_related("document").defer(*fields)


class UsageCountAdmin(SimpleHistoryAdmin):
    """Themes, actors and instruments: list how many pledges use each."""

    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(pledge_total=Count("pledges"))

    @admin.display(description=_("pledges"), ordering="pledge_total")
    def pledge_count(self, obj):
        return obj.pledge_total

    def get_ordering(self, request):
        # Explicit: the count annotation's GROUP BY drops Meta.ordering, and the
        # autocomplete view paginates this queryset (unordered pages shift).
        return super().get_ordering(request) or self.model._meta.ordering


@admin.register(SourceDocument)
class SourceDocumentAdmin(UsageCountAdmin):
    """A new declaration is pasted in and split into paragraphs on save
    (tracker/paragraphs.py); its change page then shows them for review,
    and can re-split the text until a pledge cites the document."""

    form = SourceDocumentForm
    list_display = ["short_title", "issuing_body", "place", "date_adopted", "pledge_count"]
    search_fields = ["title", "short_title", "issuing_body"]
    prepopulated_fields = {"slug": ["short_title"]}
    inlines = [ParagraphInline]

    def get_fieldsets(self, request, obj=None):
        fieldsets = [(None, {"fields": SourceDocumentForm.Meta.fields})]
        if obj is None:
            split = ["split_style", "first_paragraph_starts"]
        elif self.has_change_permission(request, obj):
            split = ["resplit", "split_style", "first_paragraph_starts"]
        else:
            return fieldsets
        return [*fieldsets, (_("Paragraphs"), {"fields": split})]

    def get_inlines(self, request, obj):
        # A new document's paragraphs come from the split, not typed in here.
        return self.inlines if obj is not None else []

    def save_related(self, request, form, formsets, change):
        # After the inline edits, so that a re-split replaces them all.
        super().save_related(request, form, formsets, change)
        if form.split is None:
            return
        style = form.cleaned_data["split_style"]
        # The edit history's note: in the stewards' working record, English.
        count = replace_paragraphs(form.instance, form.split[1], f"Split from the text ({style})")
        form.instance.paragraphs_split = count  # tells response_post_save_* to stay
        self.message_user(request, split_done_message(form.instance, count), messages.SUCCESS)

    def response_post_save_add(self, request, obj):
        return HttpResponseRedirect(admin_change_url(obj))  # to review the paragraphs

    def response_post_save_change(self, request, obj):
        if getattr(obj, "paragraphs_split", None) is not None:
            return HttpResponseRedirect(admin_change_url(obj))
        return super().response_post_save_change(request, obj)


@admin.register(Theme)
class ThemeAdmin(UsageCountAdmin):
    list_display = ["name", "name_fr", "slug", "pledge_count"]


@admin.register(Actor)
class ActorAdmin(UsageCountAdmin):
    list_display = ["name", "kind", "pledge_count"]
    list_filter = ["kind", "party_memberships__source"]
    autocomplete_fields = ["reporters"]


@admin.register(PartyMembership)
class PartyMembershipAdmin(SimpleHistoryAdmin):
    """The parties of each text, each with the evidence of its membership
    (filter by source for one text's parties)."""

    list_display = ["actor", "source", "role", "evidence"]
    list_filter = ["source", "role"]
    search_fields = ["actor__name", "actor__slug", "evidence_reference", "note"]
    autocomplete_fields = ["actor"]
    list_select_related = ["actor", "source"]

    @admin.display(description=_("evidence"))
    def evidence(self, membership):
        return membership.evidence_reference or membership.evidence_url


@admin.register(Instrument)
class InstrumentAdmin(UsageCountAdmin):
    list_display = ["name", "symbol", "kind", "year", "pledge_count"]
    list_filter = ["kind"]
    search_fields = ["name", "slug", "symbol"]


class RecordedUpdateInline(StatusStylesMixin, admin.StackedInline):
    """The pledge's timeline, newest first, read-only: recorded updates are
    corrected by withdrawing them (follow "Change" to the update)."""

    model = StatusUpdate
    verbose_name = _("recorded status update")
    verbose_name_plural = _("timeline (recorded status updates, newest first)")
    extra = 0
    can_delete = False
    show_change_link = True
    fields = [*UPDATE_ENTRY_FIELDS, "author", "created", "withdrawn_at", "withdrawal_reason"]
    readonly_fields = fields
    ordering = ["-as_of", "-created", "-pk"]

    def has_add_permission(self, request, obj=None):
        return False

    def get_queryset(self, request):
        # "pledge" too: the change link's text is the update's __str__.
        return super().get_queryset(request).with_pledge().select_related("actor", "author")


class NewUpdateInline(admin.StackedInline):
    """Log new updates on the pledge's page; the author is the signed-in user."""

    model = StatusUpdate
    verbose_name = _("new status update")
    verbose_name_plural = _("log new status updates")
    extra = 0
    can_delete = False
    fields = UPDATE_ENTRY_FIELDS
    autocomplete_fields = ["actor"]

    def get_queryset(self, request):
        return super().get_queryset(request).none()

    def has_change_permission(self, request, obj=None):
        return False

    def get_formset(self, request, obj=None, **kwargs):
        # The public form's role rules, for the signed-in user.
        kwargs["form"] = StatusUpdateForm.for_user(request.user)
        return super().get_formset(request, obj, **kwargs)


class ImportExportAdmin(ImportExportMixin, ExportActionMixin):
    """CSV and XLSX import (dry-run preview, all or nothing) and export, also
    of a changelist selection ("Export selected").

    The upload waits for its confirmation in the database
    (``tracker/admin/uploads.py``), and the confirmation is one transaction:
    it claims the upload, imports every row (the resource locks the pledges
    first), and deletes the upload, or writes nothing. A steward is told
    "Import finished" only for rows that were written."""

    import_formats = [CSV, XLSX]
    export_formats = [CSV, XLSX]
    # Bad rows with every reason in words, readable at 1280 px (issue 19).
    import_template_name = "admin/tracker/import.html"
    tmp_storage_class = DatabaseStorage

    def import_url(self):
        return reverse(f"admin:{self.opts.app_label}_{self.opts.model_name}_import")

    def process_import(self, request, **kwargs):
        try:
            with transaction.atomic():
                return super().process_import(request, **kwargs)
        except UploadGone:
            messages.error(
                request,
                gettext(
                    "Nothing was imported: this upload was imported already, or waited over a "
                    "day for its confirmation and was removed. Upload the file again to import it."
                ),
            )
            return HttpResponseRedirect(self.import_url())

    def process_result(self, result, request):
        if result.has_errors() or result.has_validation_errors():
            # Rolled back, every row (the resource has logged why).
            messages.error(
                request,
                gettext(
                    "Nothing was imported: %(problem)s. The whole file was rolled back and no "
                    "row of it was saved; correct it, or try again, and upload it again."
                )
                % {"problem": problem_for_steward(result)},
            )
            return HttpResponseRedirect(self.import_url())
        return super().process_result(result, request)


@admin.register(Pledge)
class PledgeAdmin(ImportExportAdmin, StatusStylesMixin, SimpleHistoryAdmin):
    form = VersionedPledgeForm
    resource_classes = [PledgeResource]
    actions = [actions.add_theme, actions.remove_theme, actions.log_update]
    change_list_template = "admin/tracker/pledge/change_list.html"
    list_display = [
        "ref",
        "title",
        "source",
        "paragraph",
        "statement_kind",
        "commitment_type",
        "current_status_badge",
        "last_update_as_of",
    ]
    list_display_links = ["ref", "title"]
    list_filter = [
        "source",
        "themes",
        "current_status",
        "statement_kind",
        "commitment_type",
        "actors",
        "instruments",
        "timeframe",
    ]
    list_select_related = ["source"]
    search_fields = ["ref", "title", "quote"]
    autocomplete_fields = ["themes", "actors", "instruments", "applies_to"]
    readonly_fields = ["current_status", "last_update_as_of", "created", "updated"]
    fieldsets = [
        (None, {"fields": ["ref", "title", "source", "paragraph", "quote", "opened_version"]}),
        (
            _("What the words commit to"),
            {
                "fields": ["statement_kind", "commitment_type"],
                "description": _(
                    "Which statuses an update may record follows from these; "
                    "see the methodology page."
                ),
            },
        ),
        (_("Tags"), {"fields": ["themes", "actors", "instruments", "timeframe"]}),
        (_("Parties"), {"fields": ["applies_to"]}),
        (
            _("Status (derived from the updates below)"),
            {"fields": ["current_status", "last_update_as_of", "created", "updated"]},
        ),
    ]
    inlines = [NewUpdateInline, RecordedUpdateInline]

    def get_queryset(self, request):
        # The changelist shows each pledge's source: without its full text.
        return super().get_queryset(request).with_source()

    @admin.display(description=_("current status"), ordering="current_status")
    def current_status_badge(self, obj):
        return status_badge_html(obj.current_status)

    def has_log_update_permission(self, request):
        return request.user.has_perm("tracker.log_update")

    def get_urls(self):
        attention = self.admin_site.admin_view(
            lambda request: actions.attention_view(self, request)
        )
        return [path("attention/", attention, name="tracker_pledge_attention"), *super().get_urls()]

    def save_model(self, request, obj, form, change):
        obj.save(expected_version=form.expected_version())

    def save_formset(self, request, form, formset, change):
        """New updates entered inline are authored by the signed-in user."""
        for update in formset.save(commit=False):
            if update.author_id is None:
                update.author = request.user
            update.save()

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except EditConflict as conflict:
            # Only reachable if two saves race past clean(); the row lock and
            # SQLite's immediate transactions make that a last line of defence.
            self.message_user(
                request,
                gettext("%(conflict)s Please redo your edit.") % {"conflict": conflict},
                messages.ERROR,
            )
            return HttpResponseRedirect(request.path)


@admin.register(StatusUpdate)
class StatusUpdateAdmin(ImportExportAdmin, StatusStylesMixin, SimpleHistoryAdmin):
    form = StatusUpdateAdminForm
    resource_classes = [StatusUpdateResource]
    list_display = [
        "pledge",
        "status_badge",
        "as_of",
        "kind",
        "actor",
        "author",
        "created",
        "withdrawn_at",
        "review_requested_at",
    ]
    list_filter = [
        "status",
        "kind",
        "pledge__source",
        "actor",
        "withdrawn_at",
        "review_requested_at",
    ]
    list_select_related = ["pledge", "actor", "author"]
    date_hierarchy = "as_of"
    search_fields = ["pledge__ref", "summary", "evidence_reference"]
    autocomplete_fields = ["pledge", "actor"]

    # What a recorded update shows and nobody edits.
    RECORDED_FIELDS = ["pledge", *UPDATE_ENTRY_FIELDS, "author", "created"]
    REVIEW_FIELDS = ["review_requested_by", "review_note"]
    WITHDRAWAL_FIELDS = ["withdrawn_at", "withdrawn_by"]

    def get_form(self, request, obj=None, change=False, **kwargs):
        if obj is None:
            # Adding: the public form's role rules, for the signed-in user.
            kwargs["form"] = StatusUpdateAddForm.for_user(request.user)
        return super().get_form(request, obj, change=change, **kwargs)

    def get_fields(self, request, obj=None):
        if obj is None:
            return ["pledge", *UPDATE_ENTRY_FIELDS]
        # The actions only for those who may take them: a viewer sees the
        # record, with nothing to tick.
        may_act = self.has_change_permission(request, obj)
        clear = ["clear_review_request"] if may_act else []
        withdraw = ["withdraw_update"] if may_act and not obj.is_withdrawn else []
        return [
            *self.RECORDED_FIELDS,
            *([*self.REVIEW_FIELDS, *clear] if obj.needs_review else []),
            *self.WITHDRAWAL_FIELDS,
            *withdraw,
            "withdrawal_reason",
        ]

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return []
        recorded = [*self.RECORDED_FIELDS, *self.WITHDRAWAL_FIELDS, *self.REVIEW_FIELDS]
        return recorded + (["withdrawal_reason"] if obj.is_withdrawn else [])

    def has_delete_permission(self, request, obj=None):
        return False  # append-only: withdraw instead

    @admin.display(description=_("status"), ordering="status")
    def status_badge(self, obj):
        return status_badge_html(obj.status)

    def save_model(self, request, obj, form, change):
        if not change:
            obj.author = request.user
            obj.save()
            return
        if form.cleaned_data.get("clear_review_request") and obj.needs_review:
            obj.mark_reviewed()
        if form.cleaned_data.get("withdraw_update"):
            obj.withdraw(request.user, form.cleaned_data["withdrawal_reason"])


def split_done_message(document, count):
    add_pledge_url = reverse("admin:tracker_pledge_add") + f"?source={document.pk}"
    message = ngettext(
        'Split into {count} paragraph: review it below, then <a href="{url}">add pledges</a>.',
        'Split into {count} paragraphs: review them below, then <a href="{url}">add pledges</a>.',
        count,
    )
    return format_html(message, count=count, url=add_pledge_url)


def admin_change_url(document):
    return reverse("admin:tracker_sourcedocument_change", args=[document.pk])
