"""Import and export of pledges and status updates (django-import-export), for
stewards re-keying ministry reports and spreadsheets.

Rows name their relations by slug (``source``, ``themes`` …) and pledges by
``ref``, so a file exported here imports into another database unchanged. An
import is all or nothing: every row is validated with the models' own rules
(``full_clean``) and the admin's dry run lists every bad row with its reason;
if any row is bad, nothing is written. Imports go through ``save()``, so the
edit history records each imported row and who imported it.
"""

import logging
from decimal import Decimal, InvalidOperation

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from import_export import fields, resources, widgets

from tracker.models import (
    PLEDGE_FIELDS,
    UPDATE_ENTRY_FIELDS,
    Actor,
    CommitmentType,
    Instrument,
    Pledge,
    SourceDocument,
    StatementKind,
    Status,
    StatusUpdate,
    Theme,
)
from tracker.rules import may_be_recorded_as_author
from tracker.spreadsheets import FORMULA_TRIGGERS, escape_formula

logger = logging.getLogger(__name__)


class SlugWidget(widgets.ForeignKeyWidget):
    """A foreign key by slug (or ref), with a message that names the value."""

    def __init__(self, model, field="slug", noun=None):
        super().__init__(model, field=field)
        self.noun = noun or model._meta.verbose_name

    def clean(self, value, row=None, **kwargs):
        value = (value or "").strip()
        if not value:
            return None
        try:
            return self.model.objects.get(**{self.field: value})
        except self.model.DoesNotExist:
            raise ValueError(
                gettext("There is no %(noun)s “%(value)s”.") % {"noun": self.noun, "value": value}
            ) from None


class SlugListWidget(widgets.ManyToManyWidget):
    """Many-to-many by slugs separated by ";". Unlike the library's widget it
    refuses unknown slugs instead of silently dropping them."""

    def __init__(self, model, noun):
        super().__init__(model, separator=";", field="slug")
        self.noun = noun

    def clean(self, value, row=None, **kwargs):
        slugs = [s.strip() for s in str(value or "").split(self.separator) if s.strip()]
        found = self.model.objects.filter(slug__in=slugs)
        missing = sorted(set(slugs) - {obj.slug for obj in found})
        if missing:
            names = ", ".join(f"“{slug}”" for slug in missing)
            raise ValueError(
                gettext("Unknown %(noun)s: %(names)s.") % {"noun": self.noun, "names": names}
            )
        return found


class StrictDateWidget(widgets.DateWidget):
    """ISO dates only (2005-04-13), with a clear message."""

    def __init__(self):
        super().__init__(format="%Y-%m-%d")

    def clean(self, value, row=None, **kwargs):
        try:
            return super().clean(value, row, **kwargs)
        except ValueError:
            raise ValueError(
                gettext("“%(value)s” is not a date; write it as YYYY-MM-DD.") % {"value": value}
            ) from None


class NumberWidget(widgets.IntegerWidget):
    """A whole number, or a reason in words. The library's IntegerWidget lets
    decimal's InvalidOperation escape on "third", which stopped the row as a
    crash ("[<class 'decimal.ConversionSyntax'>]") instead of listing it
    with the row's other reasons."""

    def __init__(self, noun):
        super().__init__()
        self.noun = noun

    def clean(self, value, row=None, **kwargs):
        if value is None or str(value).strip() == "":
            return None
        problem = gettext("“%(value)s” is not a %(noun)s; write a whole number.") % {
            "value": value,
            "noun": self.noun,
        }
        try:
            number = Decimal(str(value).strip())
        except InvalidOperation:
            raise ValueError(problem) from None
        if number != number.to_integral_value():
            raise ValueError(problem)
        return int(number)


class ChoiceWidget(widgets.CharWidget):
    """A value from a TextChoices vocabulary, with the allowed values listed."""

    def __init__(self, choices, noun, allow_blank=False):
        super().__init__()
        self.choices, self.noun, self.allow_blank = choices, noun, allow_blank

    def clean(self, value, row=None, **kwargs):
        value = (value or "").strip()
        if self.allow_blank and not value:
            return value  # the model's rules say when blank is allowed
        if value not in self.choices.values:
            allowed = ", ".join(self.choices.values)
            raise ValueError(
                gettext("“%(value)s” is not a %(noun)s; use one of: %(allowed)s.")
                % {"value": value, "noun": self.noun, "allowed": allowed}
            )
        return value


class TextWidget(widgets.CharWidget):
    """Text as a file gives it. A blank cell (``None`` from a spreadsheet) is
    an empty text, as the model stores it (a blank optional XLSX cell reached
    a NOT NULL column as ``None``); a number typed into a text column (an
    evidence reference ``1234``) is its text; and the export's formula escape
    (a ``'`` before ``= + - @``) is undone, so an exported file re-imports
    unchanged."""

    def clean(self, value, row=None, **kwargs):
        value = super().clean(value, row, **kwargs)
        if value.startswith("'") and value[1:].startswith(FORMULA_TRIGGERS):
            return value[1:]
        return value


def text_field(name):
    return fields.Field(attribute=name, column_name=name, widget=TextWidget())


class SafeExportMixin:
    """Formula-escape every exported cell, as the public CSV exports do."""

    def export_field(self, field, instance, **kwargs):
        value = super().export_field(field, instance, **kwargs)
        return escape_formula(value) if isinstance(value, str) else value


class AllOrNothing:
    """What both resources share: the import options (their Meta classes
    inherit this one's), the pledges' locks, and a log line for every
    failed import.

    Every pledge the file names is locked before its first row, in one
    statement and in id order (``PledgeQuerySet.lock()``), and held until the
    import commits or rolls back: two stewards importing overlapping files
    queue, where they deadlocked and one file was silently rolled back."""

    # The column that names each row's pledge by ref.
    pledge_column = None

    class Meta:
        clean_model_instances = True  # the models' rules: verbatim quotes, dates …
        use_transactions = True
        skip_unchanged = False

    def lock_pledges(self, dataset):
        if self.pledge_column in (dataset.headers or []):
            refs = {str(ref).strip() for ref in dataset[self.pledge_column] if ref}
            Pledge.objects.filter(ref__in=refs).lock()

    def before_import(self, dataset, **kwargs):
        super().before_import(dataset, **kwargs)
        self.lock_pledges(dataset)

    def import_instance(self, instance, row, **kwargs):
        """Every reason of a row at once: the library reads many-to-many
        columns (themes, actors, instruments) only after saving a row that is
        otherwise valid, so an unknown theme was reported only once the row's
        other mistakes were fixed. They are checked here with the others."""
        errors = {}
        try:
            super().import_instance(instance, row, **kwargs)
        except ValidationError as error:
            errors.update(error.error_dict)
        for field in self.get_import_fields():
            if isinstance(field.widget, widgets.ManyToManyWidget) and field.column_name in row:
                try:
                    field.clean(row, **kwargs)
                except ValueError as error:
                    errors[field.attribute] = [ValidationError(str(error), code="invalid")]
        if errors:
            raise ValidationError(errors)

    def import_data(self, dataset, dry_run=False, raise_errors=False, **kwargs):
        # All or nothing also when a row stopped being valid between the dry
        # run and the confirmation (its pledge deleted meanwhile, say): the
        # library rolls back on validation errors only when told, and its
        # confirmation step does not tell it (a Meta option of that name is
        # not read), so the valid rows were written.
        kwargs["rollback_on_validation_errors"] = True
        result = super().import_data(dataset, dry_run, raise_errors, **kwargs)
        # A file's own mistakes in a dry run are the steward's to fix, shown
        # on the page; anything else that stops an import is an error.
        if result.has_errors() or (not dry_run and result.has_validation_errors()):
            logger.error(
                "%s import by %s failed%s; nothing of it was written. First problem: %s",
                self._meta.model._meta.verbose_name,
                kwargs.get("user") or "an unknown user",
                " (dry run)" if dry_run else "",
                first_problem(result),
            )
        return result


def problem_for_steward(result):
    """Why an import failed, for the steward: their file's mistake in their
    words, or that a row could not be saved (a database error is logged, not
    shown with the row's contents)."""
    for row in result.invalid_rows:
        return gettext("row %(number)s: %(reasons)s") % {
            "number": row.number,
            "reasons": " ".join(row.error.messages),
        }
    for number, _errors in result.row_errors():
        return gettext("row %(number)s could not be saved (the error has been logged)") % {
            "number": number
        }
    if result.base_errors:
        return gettext("the file could not be read (the error has been logged)")
    return gettext("the import failed")


def first_problem(result):
    """The first reason an import failed, as one line for the log."""
    for error in result.base_errors:
        return str(error.error)
    for number, errors in result.row_errors():
        return f"row {number}: {errors[0].error}"
    for row in result.invalid_rows:
        return f"row {row.number}: {' '.join(row.error.messages)}"
    return "unknown"


class PledgeResource(AllOrNothing, SafeExportMixin, resources.ModelResource):
    pledge_column = "ref"

    ref = text_field("ref")
    source = fields.Field(
        attribute="source",
        column_name="source",
        widget=SlugWidget(SourceDocument, noun=_("source")),
    )
    paragraph = fields.Field(
        attribute="paragraph",
        column_name="paragraph",
        widget=NumberWidget(_("paragraph number")),
    )
    quote = text_field("quote")
    title = text_field("title")
    themes = fields.Field(
        attribute="themes", column_name="themes", widget=SlugListWidget(Theme, _("theme"))
    )
    actors = fields.Field(
        attribute="actors", column_name="actors", widget=SlugListWidget(Actor, _("actor"))
    )
    instruments = fields.Field(
        attribute="instruments",
        column_name="instruments",
        widget=SlugListWidget(Instrument, _("instrument")),
    )
    timeframe = text_field("timeframe")
    statement_kind = fields.Field(
        attribute="statement_kind",
        column_name="statement_kind",
        widget=ChoiceWidget(StatementKind, _("kind of statement")),
    )
    commitment_type = fields.Field(
        attribute="commitment_type",
        column_name="commitment_type",
        widget=ChoiceWidget(CommitmentType, _("type of commitment"), allow_blank=True),
    )
    current_status = fields.Field(
        attribute="current_status", column_name="current_status", readonly=True
    )

    class Meta(AllOrNothing.Meta):
        model = Pledge
        import_id_fields = ["ref"]
        fields = [*PLEDGE_FIELDS, "current_status"]
        # Stewards' files put where the quote stands before its title (the
        # layout the README documents and earlier files have); the other
        # columns follow in PLEDGE_FIELDS' order.
        export_order = ["ref", "source", "paragraph", "quote", "title"]

    def before_import(self, dataset, **kwargs):
        super().before_import(dataset, **kwargs)
        self.refs_seen = {}

    def before_import_row(self, row, row_number=None, **kwargs):
        ref = (row.get("ref") or "").strip()
        if ref in self.refs_seen:
            raise ValidationError(
                gettext("The ref “%(ref)s” is also on row %(row)s; each pledge once.")
                % {"ref": ref, "row": self.refs_seen[ref]}
            )
        self.refs_seen[ref] = row_number

    def get_queryset(self):
        return Pledge.objects.with_source().prefetch_related("themes", "actors", "instruments")


class StatusUpdateResource(AllOrNothing, SafeExportMixin, resources.ModelResource):
    """Status updates are append-only: every imported row is a new update."""

    pledge_column = "pledge"

    pledge = fields.Field(
        attribute="pledge", column_name="pledge", widget=SlugWidget(Pledge, field="ref")
    )
    status = fields.Field(
        attribute="status", column_name="status", widget=ChoiceWidget(Status, _("status"))
    )
    as_of = fields.Field(attribute="as_of", column_name="as_of", widget=StrictDateWidget())
    kind = text_field("kind")
    actor = fields.Field(
        attribute="actor", column_name="actor", widget=SlugWidget(Actor, noun=_("actor"))
    )
    summary = text_field("summary")
    evidence_url = text_field("evidence_url")
    evidence_reference = text_field("evidence_reference")
    author = fields.Field(
        attribute="author",
        column_name="author",
        widget=SlugWidget(get_user_model(), field="username", noun="user"),
    )

    class Meta(AllOrNothing.Meta):
        model = StatusUpdate
        import_id_fields = []
        fields = ["pledge", *UPDATE_ENTRY_FIELDS, "author"]
        export_order = fields

    def get_instance(self, instance_loader, row):
        return None  # never update a recorded update: always a new row

    def validate_instance(self, instance, import_validation_errors=None, validate_unique=True):
        errors = dict(import_validation_errors or {})
        # A row without an author is the importing steward's own entry (set
        # before validation, which requires an author; saving follows it).
        if instance.author_id is None and "author" not in errors:
            instance.author = self.importing_user
        # Judged on a row whose pledge, kind, actor and author all read.
        if not errors.keys() & {"pledge", "kind", "actor", "author"} and instance.author_id:
            problem = self.authorship_problem(instance)
            if problem:
                errors["author"] = ValidationError(problem, code="author")
        super().validate_instance(instance, errors, validate_unique)

    def authorship_problem(self, update):
        """Why this row may not be recorded under its author, or ''. The same
        role rules as every other door (tracker/rules.py): only a steward
        names another author, and only for an update that author may log."""
        importer, author = self.importing_user, update.author
        if author == importer:
            if importer.has_perm("tracker.log_update", update):
                return ""
            return gettext("Your role may not log this update (its kind, actor or pledge).")
        if not importer.has_perm("tracker.import_as_others"):
            return gettext(
                "Only stewards may import updates under someone else's name (“%(author)s”); "
                "leave the author column blank to record them as yours."
            ) % {"author": author}
        if not may_be_recorded_as_author(author, update):
            return gettext(
                "“%(author)s” may not log this update themselves (its kind, actor or pledge), "
                "so it cannot be recorded under their name."
            ) % {"author": author}
        return ""

    def import_data(self, dataset, dry_run=False, raise_errors=False, **kwargs):
        self.importing_user = kwargs.get("user")
        return super().import_data(dataset, dry_run, raise_errors, **kwargs)

    def get_queryset(self):
        # Recorded updates only: a row of this file imports as a new, counting
        # update, and a withdrawal cannot travel in it. Withdrawn updates stay
        # in the public updates CSV, which says when and why each was withdrawn.
        return (
            StatusUpdate.objects.recorded()
            .with_pledge()
            .select_related("actor", "author")
            .newest_first()
        )
