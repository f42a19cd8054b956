"""The stewards' forms in the admin: the version-checked pledge form, the
status update form (withdraw, mark reviewed), the source document form that
splits a pasted text into paragraphs (the splitter is ``tracker/paragraphs.py``),
and the bulk actions' input forms."""

from django import forms
from django.core.exceptions import ValidationError
from django.db import connection
from django.utils.formats import date_format
from django.utils.translation import gettext, ngettext, pgettext
from django.utils.translation import gettext_lazy as _

from tracker.error_messages import WITHDRAWAL_REASON_REQUIRED
from tracker.forms import StatusUpdateForm
from tracker.models import (
    PLEDGE_FIELDS,
    UPDATE_ENTRY_FIELDS,
    AlreadyWithdrawn,
    Pledge,
    SourceDocument,
    StatusUpdate,
    Theme,
)
from tracker.paragraphs import SplitError, SplitStyle, numbers_printed, split_paragraphs
from tracker.presenters import HISTORY_FIELDS, describe
from tracker.widgets import DateInput


class VersionedPledgeForm(forms.ModelForm):
    """Carries the version the editor opened. clean() refuses the save if the
    pledge has been saved since, showing what changed; the editor's values
    stay in the form and the version moves on, so saving again applies them
    on top of the other edit. Nothing is lost on either side."""

    opened_version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Pledge
        # Narrowing to parties is edited here only (not in the import files
        # or the public CSV, which describe the pledge itself).
        fields = [*PLEDGE_FIELDS, "applies_to"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["opened_version"].initial = self.instance.version

    def clean(self):
        cleaned = super().clean()
        self.check_narrowing(cleaned)
        if self.instance.pk is None:
            return cleaned
        # No version (removed, blank or 0) is a conflict, not a blind save: the
        # check must not be something the client can switch off.
        opened = cleaned.get("opened_version")
        current = Pledge.objects.filter(pk=self.instance.pk)
        if connection.in_atomic_block:
            # Hold the row until this save commits: a concurrent editor's
            # check waits here and then sees the new version.
            current = current.select_for_update()
        current = current.get()
        if not opened or opened < 1:
            self.data = self.data.copy()
            self.data[self.add_prefix("opened_version")] = current.version
            raise ValidationError(
                gettext(
                    "This form did not say which version of the pledge you opened, so saving "
                    "it could overwrite someone else's edit. Nothing was saved. Your changes "
                    "are below; the pledge is now at version %(version)s: check it, then save "
                    "again to apply yours."
                )
                % {"version": current.version},
                code="edit_conflict",
            )
        if current.version != opened:
            self.data = self.data.copy()
            self.data[self.add_prefix("opened_version")] = current.version
            raise ValidationError(conflict_message(current, opened), code="edit_conflict")
        cleaned["opened_version"] = opened
        return cleaned

    def check_narrowing(self, cleaned):
        """A pledge can be narrowed only to parties of its own text."""
        source, chosen = cleaned.get("source"), cleaned.get("applies_to")
        if source is None or not chosen:
            return
        parties = set(source.party_memberships.values_list("actor_id", flat=True))
        outsiders = [actor.name for actor in chosen if actor.pk not in parties]
        if outsiders:
            self.add_error(
                "applies_to",
                gettext(
                    "Only parties of %(source)s can be chosen; not a party: %(outsiders)s. "
                    "Add them to the text's parties first, or leave this empty."
                )
                % {"source": source, "outsiders": ", ".join(outsiders)},
            )

    def expected_version(self):
        """The version this edit started from (``None`` for a new pledge)."""
        return self.cleaned_data.get("opened_version") if self.instance.pk else None

    def save(self, commit=True):
        pledge = super().save(commit=False)
        if commit:
            pledge.save(expected_version=self.expected_version())
            self._save_m2m()
        return pledge


def conflict_message(current, opened_version):
    latest = current.history.select_related("history_user").first()
    opened = current.history.filter(version=opened_version).order_by("-history_date").first()
    who = latest.history_user.get_username() if latest and latest.history_user else None
    versions = {"opened": opened_version, "current": current.version}
    if latest is None:
        saved = gettext(
            "Someone saved this pledge after you opened it (version %(opened)s; now version "
            "%(current)s). Your changes are below and have not been saved."
        )
    else:
        versions["who"] = who or gettext("Someone")
        # In UTC, said so: stewards work across time zones.
        day = date_format(latest.history_date, pgettext("short date format", "j M Y"))
        versions["when"] = f"{day}, {latest.history_date:%H:%M} UTC"
        saved = gettext(
            "%(who)s saved this pledge on %(when)s, after you opened it (version %(opened)s; "
            "now version %(current)s). Your changes are below and have not been saved."
        )
    lines = [saved % versions]
    if latest and opened:
        delta = latest.diff_against(opened, included_fields=HISTORY_FIELDS)
        lines += [
            gettext("They changed %(field)s: “%(old)s” → “%(new)s”.")
            % {"field": c.field, "old": describe(c.old), "new": describe(c.new)}
            for c in delta.changes
        ]
    lines.append(gettext("Review them against theirs, then save again to apply yours."))
    return " ".join(lines)


class StatusUpdateAddForm(StatusUpdateForm):
    """Adding an update in the admin: the public form, with its role rules,
    plus the choice of pledge. Built per request with ``for_user()``."""

    class Meta(StatusUpdateForm.Meta):
        fields = ["pledge", *UPDATE_ENTRY_FIELDS]


class StatusUpdateAdminForm(forms.ModelForm):
    """A recorded update: read-only, except that a steward may withdraw it
    or clear its review request.

    The two action fields are named unlike any method of ``StatusUpdate``: for
    a user who may only view, the admin shows every field read-only, and
    Django *calls* a read-only field that names a method of the object (a
    view-only GET called ``withdraw()`` and ``mark_reviewed()``)."""

    withdraw_update = forms.BooleanField(
        required=False,
        label=_("Withdraw this update"),
        help_text=_("It stays on the timeline, marked withdrawn, and no longer counts."),
    )
    clear_review_request = forms.BooleanField(
        required=False,
        label=_("Mark as reviewed"),
        help_text=_("Clears the review request once you have looked into it."),
    )

    class Meta:
        model = StatusUpdate
        fields = [*UPDATE_ENTRY_FIELDS, "pledge", "withdrawal_reason", "review_note"]

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("withdraw_update") or self.instance.pk is None:
            return cleaned
        if connection.in_atomic_block:
            # The admin saves inside one transaction: from here to its commit
            # this holds the pledge's lock, so a second steward withdrawing
            # the same update waits here, then finds it withdrawn.
            Pledge.objects.filter(pk=self.instance.pledge_id).lock()
        current = StatusUpdate.objects.select_related("withdrawn_by").get(pk=self.instance.pk)
        if current.is_withdrawn:
            # Also a second click on the same form: nothing changes, and the
            # first withdrawal (who, when, why) is what the steward is told.
            raise AlreadyWithdrawn(current)
        if not (cleaned.get("withdrawal_reason") or "").strip():
            self.add_error("withdrawal_reason", WITHDRAWAL_REASON_REQUIRED)
        return cleaned


# Which form field a split error belongs to.
SPLIT_ERROR_FIELDS = {
    "empty": "text",
    "no_numbered_paragraphs": "split_style",
    "no_paragraphs": "first_paragraph_starts",
    "first_paragraph_not_found": "first_paragraph_starts",
}


class SourceDocumentForm(forms.ModelForm):
    """The source document in the admin. Adding one (or ticking *re-split*)
    splits its text into paragraphs; ``self.split`` then holds
    ``(preamble, drafts)`` for the admin to save. The text is stored exactly
    as pasted."""

    split_style = forms.ChoiceField(
        label=_("Paragraphs are"),
        choices=SplitStyle.choices,
        initial=SplitStyle.NUMBERED,
        # Optional so that a post without it (a script) gets the default.
        required=False,
        help_text=_("How to split the text into paragraphs, when adding it or re-splitting."),
    )
    first_paragraph_starts = forms.CharField(
        label=_("First paragraph starts with"),
        required=False,
        max_length=300,
        help_text=_(
            "Unnumbered texts only, and only if the split gets the preamble wrong: the first "
            "words of the first paragraph. Everything before them is the preamble."
        ),
    )
    resplit = forms.BooleanField(
        label=_("Re-split paragraphs from the text"),
        required=False,
        help_text=_(
            "Replace every paragraph below with a fresh split of the text, and the preamble "
            "with the one the split finds. Only possible while no pledge cites this document."
        ),
    )

    class Meta:
        model = SourceDocument
        fields = [
            "title",
            "short_title",
            "slug",
            "issuing_body",
            "place",
            "date_adopted",
            "date_published",
            "url",
            "document_symbol",
            "document_kind",
            "text",
            "preamble",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.split = None
        if "text" in self.fields:
            self.fields["text"].strip = False  # verbatim, leading spaces and all
        if self.instance.pk is None:
            self.fields.pop("resplit", None)
        elif "split_style" in self.fields and not numbers_printed(self.instance.text):
            # Offer the style the text was most likely split with, for a re-split.
            self.fields["split_style"].initial = SplitStyle.READING_ORDER

    def clean_split_style(self):
        return self.cleaned_data.get("split_style") or SplitStyle.NUMBERED

    def clean_text(self):
        text = self.cleaned_data["text"]
        if not text.strip():
            raise ValidationError(gettext("Paste the whole text of the document."), code="empty")
        return text

    def clean_resplit(self):
        resplit = self.cleaned_data.get("resplit")
        cited_by = self.instance.pledges.count() if resplit else 0
        if cited_by:
            message = ngettext(
                "%(count)d pledge cites this document by paragraph number, and a new split "
                "could renumber the paragraphs under it. Correct the paragraphs below instead.",
                "%(count)d pledges cite this document by paragraph number, and a new split "
                "could renumber the paragraphs under them. Correct the paragraphs below instead.",
                cited_by,
            )
            raise ValidationError(message % {"count": cited_by}, code="cited")
        return resplit

    def clean(self):
        cleaned = super().clean()
        resplit = cleaned.get("resplit", False)
        if (self.instance.pk is not None and not resplit) or "text" not in cleaned:
            return cleaned
        try:
            self.split = split_paragraphs(
                cleaned["text"],
                cleaned.get("split_style") or SplitStyle.NUMBERED,
                cleaned.get("first_paragraph_starts", ""),
            )
        except SplitError as error:
            self.add_error(SPLIT_ERROR_FIELDS[error.code], error.message)
            return cleaned
        # A preamble the steward typed is kept, unless they asked for a re-split.
        if resplit or not (cleaned.get("preamble") or "").strip():
            cleaned["preamble"] = self.split[0]
        return cleaned


class ThemeChoiceForm(forms.Form):
    theme = forms.ModelChoiceField(queryset=Theme.objects.order_by("name"), label=_("Theme"))


class BulkUpdateForm(forms.ModelForm):
    """One status update for each selected pledge: the fields, error texts
    and clean-up of the public form, without its choices by role (the action
    needs the log_update permission, which stewards hold)."""

    clean_summary = StatusUpdateForm.clean_summary
    clean_evidence_reference = StatusUpdateForm.clean_evidence_reference

    class Meta:
        model = StatusUpdate
        fields = UPDATE_ENTRY_FIELDS
        widgets = {"as_of": DateInput()}
        error_messages = StatusUpdateForm.Meta.error_messages
