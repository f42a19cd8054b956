"""The pledge data model.

Two international texts (``SourceDocument``) are split into ``Paragraph`` rows.
Each commitment in them is a ``Pledge`` that quotes its text verbatim and is
tagged with ``Theme``, ``Actor`` and ``Instrument`` rows. Implementation is
recorded as a timeline of ``StatusUpdate`` rows.

A pledge's current status is its latest *overall* update (``actor`` blank),
ordered by ``as_of`` and then ``created``. It is kept in a column on
``Pledge`` (``current_status``) that ``Pledge.refresh_status()`` recomputes in
the same transaction as every write to the pledge's updates (see
``tracker/signals.py``). We chose a maintained column over an annotation
because the list page filters, sorts and counts facets by current status on
every request: with 100,000 pledges and a million updates, a correlated
"latest update" subquery per row cannot use a plain index for the filter,
whereas an indexed column can. Writes are rare by comparison, and the
refresh is one indexed query.
"""

import json
import unicodedata
from dataclasses import dataclass
from datetime import datetime, time, timedelta

from django.conf import settings
from django.contrib.postgres.aggregates import StringAgg
from django.contrib.postgres.search import SearchVectorField
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator, RegexValidator, URLValidator
from django.db import connection, models, transaction
from django.db.models import (
    Case,
    Count,
    Exists,
    F,
    OuterRef,
    Prefetch,
    Q,
    Subquery,
    Value,
    When,
    Window,
)
from django.db.models.expressions import RawSQL
from django.db.models.functions import Coalesce, RowNumber
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import get_language, gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from tracker import search
from tracker.error_messages import HTTP_URL, WITHDRAWAL_REASON_REQUIRED
from tracker.links import detail_url
from tracker.quotes import normalise_for_quote

# The key under which status_counts() reports the pledges that are context.
CONTEXT_COUNT = "context"

# A pledge counts as stale when nothing has been recorded on it for this long.
STALE_AFTER = timedelta(days=365)

# A pledge's citation code (asem-2002-3.2): lower-case letters and digits,
# joined by hyphens or dots. The model validates it, the URLs route by it and
# the search recognises it.
REF_PATTERN = r"[a-z0-9]+(?:[-.][a-z0-9]+)*"

# What a person enters for a pledge, in form order: the admin's form, its
# import and export files, the public CSV and the history page all use these.
PLEDGE_FIELDS = [
    "ref",
    "title",
    "source",
    "paragraph",
    "quote",
    "themes",
    "actors",
    "instruments",
    "timeframe",
    "statement_kind",
    "commitment_type",
]

# The longest texts a person may enter, in characters: generous for what each
# is for, and small enough that a pledge's page stays light and its search
# document within PostgreSQL's limit (tracker/search.py). Titles, refs and
# references are CharFields with their own max_length.
SUMMARY_MAX_LENGTH = 4000
QUOTE_MAX_LENGTH = 3000
NOTE_MAX_LENGTH = 2000  # a withdrawal reason or a review note


def at_most(limit, what):
    """A length check whose message says what to do, in a whole sentence."""
    return MaxLengthValidator(
        limit,
        message=f"Keep {what} to {limit} characters or fewer; it has %(show_value)d.",
    )


def latest_allowed_as_of():
    """The latest date an update may carry. The server runs on UTC; a day's
    slack lets someone east of UTC log what happened on their "today"."""
    return timezone.localdate() + timedelta(days=1)


def end_of_day(day):
    """The first instant after ``day``, in the site's time zone: what was
    entered or withdrawn before it happened on or before that day."""
    return datetime.combine(
        day + timedelta(days=1), time.min, tzinfo=timezone.get_current_timezone()
    )


class Status(models.TextChoices):
    """The status vocabulary.

    The first five are the Open Government Partnership's completion scale;
    the last three cover standing commitments, blocked ones and replaced ones.
    """

    NO_INFORMATION = "no_information", _("No information")
    NOT_STARTED = "not_started", _("Not started")
    LIMITED = "limited", _("Limited")
    SUBSTANTIAL = "substantial", _("Substantial")
    COMPLETE = "complete", _("Complete")
    ONGOING = "ongoing", _("Ongoing")
    STALLED = "stalled", _("Stalled")
    SUPERSEDED = "superseded", _("Superseded")

    @property
    def definition(self):
        return STATUS_DEFINITIONS[self]

    @classmethod
    def with_progress(cls):
        """The statuses that document progress: implementation under way,
        met in part or in full, or a standing commitment being honoured.
        (Not started, stalled and superseded record none; no information
        records nothing at all.)"""
        return [cls.LIMITED, cls.SUBSTANTIAL, cls.COMPLETE, cls.ONGOING]

    @property
    def colour(self):
        return STATUS_COLOURS[self]


STATUS_DEFINITIONS = {
    Status.NO_INFORMATION: _("No evidence has been recorded about implementation yet."),
    Status.NOT_STARTED: _("Evidence shows that implementation has not begun."),
    Status.LIMITED: _(
        "Implementation has begun, but fewer than half of the things the pledge's words ask "
        "for are evidenced as done."
    ),
    Status.SUBSTANTIAL: _(
        "Half or more of the things the pledge's words ask for are evidenced as done, "
        "but not all of them."
    ),
    Status.COMPLETE: _("Everything the pledge's own words ask for is evidenced as done."),
    Status.ONGOING: _(
        "Activity bearing on the pledge is documented and continuing. It shows the "
        "commitment being acted on, not that it is met."
    ),
    Status.STALLED: _("Work began but is blocked, with no progress recorded."),
    Status.SUPERSEDED: _("Replaced by a later commitment or overtaken by events."),
}

# Colours for charts and badges; each passes WCAG AA (4.5:1) against white text.
STATUS_COLOURS = {
    Status.NO_INFORMATION: "#6e767e",
    Status.NOT_STARTED: "#731208",
    Status.LIMITED: "#b9400b",
    Status.SUBSTANTIAL: "#3b8259",
    Status.COMPLETE: "#1a77b8",
    Status.ONGOING: "#3c4a60",
    Status.STALLED: "#3100be",
    Status.SUPERSEDED: "#1e2223",
}


class StatementKind(models.TextChoices):
    """What kind of statement a pledge's words make: how strongly, if at all,
    they commit their authors (the modal verb of the clause)."""

    FIRM_UNDERTAKING = "firm_undertaking", _("Firm undertaking")
    SOFT_COMMITMENT = "soft_commitment", _("Softer commitment")
    DECLARATORY_POSITION = "declaratory_position", _("Declaratory position")
    CONTEXT = "context", _("Context, not a commitment")

    @property
    def definition(self):
        return STATEMENT_KIND_DEFINITIONS[self]

    @property
    def is_commitment(self):
        return self != StatementKind.CONTEXT


STATEMENT_KIND_DEFINITIONS = {
    StatementKind.FIRM_UNDERTAKING: _(
        "The authors bind themselves to act: they pledge, will, are determined to, agree, "
        "or reiterate or reaffirm a commitment."
    ),
    StatementKind.SOFT_COMMITMENT: _(
        "The authors commit themselves in weaker words: they emphasise, stress, encourage, "
        "attach importance to, recognise the need for, or say that something should be done."
    ),
    StatementKind.DECLARATORY_POSITION: _(
        "The authors state a position they hold, such as condemning or rejecting something, "
        "rather than an action to take."
    ),
    StatementKind.CONTEXT: _(
        "The words record a finding, an opinion, a concern or something noted. They commit "
        "no one, so the tracker records no status for them and leaves them out of its counts."
    ),
}


class CommitmentType(models.TextChoices):
    """What kind of thing a commitment asks for, which decides the statuses
    that can apply to it (ALLOWED_STATUSES)."""

    DELIVERABLE = "deliverable", _("Deliverable")
    STANDING_PRINCIPLE = "standing_principle", _("Standing principle")
    PROCESS = "process", _("Process")

    @property
    def definition(self):
        return COMMITMENT_TYPE_DEFINITIONS[self]

    @property
    def allowed_statuses(self):
        return ALLOWED_STATUSES[self]


COMMITMENT_TYPE_DEFINITIONS = {
    CommitmentType.DELIVERABLE: _(
        "A result that can be finished, such as concluding a convention or setting up a "
        "mechanism. It can be complete."
    ),
    CommitmentType.STANDING_PRINCIPLE: _(
        "A rule of conduct or a position to keep to, with no end point. It is honoured or not, "
        "but never complete."
    ),
    CommitmentType.PROCESS: _(
        "Continuing work, such as meetings, consultations or cooperation. It can start, go on, "
        "stall or be replaced, but it is never complete."
    ),
}

# The statuses that can describe each type of commitment. A principle is
# honoured or not: it has no share "met" and no end. A process goes on, stalls
# or is replaced, but is never finished. Context takes no status at all.
ALLOWED_STATUSES = {
    CommitmentType.DELIVERABLE: list(Status),
    CommitmentType.STANDING_PRINCIPLE: [Status.NO_INFORMATION, Status.ONGOING, Status.SUPERSEDED],
    CommitmentType.PROCESS: [
        Status.NO_INFORMATION,
        Status.NOT_STARTED,
        Status.ONGOING,
        Status.STALLED,
        Status.SUPERSEDED,
    ],
}


def status_refusal(pledge, status):
    """Why ``status`` cannot be recorded on ``pledge``, as a sentence, or None
    when it can. The one statement of the rule: StatusUpdate.clean() (forms,
    the admin, imports) and Pledge.clean() (reclassifying) both ask it."""
    if status not in Status.values:
        return None  # the field's own choices refuse it, with their message
    status = Status(status)
    if pledge.statement_kind == StatementKind.CONTEXT:
        return gettext(
            "%(ref)s is context, not a commitment: its words commit no one, so no "
            "status can be recorded on it."
        ) % {"ref": pledge.ref}
    if pledge.commitment_type not in CommitmentType.values:
        return None  # blank or unknown: Pledge.clean() and the field's choices say so
    commitment_type = CommitmentType(pledge.commitment_type)
    allowed = commitment_type.allowed_statuses
    if status in allowed:
        return None
    labels = ", ".join(f"“{s.label}”" for s in allowed)
    return gettext(
        "“%(status)s” cannot apply to %(ref)s, which is a %(type)s: %(definition)s "
        "The statuses that can apply are %(labels)s."
    ) % {
        "status": status.label,
        "ref": pledge.ref,
        "type": commitment_type.label.lower(),
        "definition": commitment_type.definition,
        "labels": labels,
    }


class UpdateKind(models.TextChoices):
    SELF_REPORT = "self_report", _("Self-report by a party")
    INDEPENDENT_ASSESSMENT = "independent_assessment", _("Independent assessment")


class Timeframe(models.TextChoices):
    # ASEM paragraph 9 sets the first two; everything else is unspecified.
    SHORT_TO_MEDIUM = "short_to_medium", _("Short to medium term")
    LONG_TERM = "long_term", _("Long term")
    UNSPECIFIED = "unspecified", _("Unspecified")


# A source's full text and preamble: megabytes for a long text, and read only
# by the source's own page and the admin. Everywhere else a source is loaded
# without them: select_related("source") on a page of 25 pledges otherwise
# copies the whole text 25 times.
SOURCE_TEXT_FIELDS = ("text", "preamble")


def validate_http_url(value):
    URLValidator(
        schemes=["http", "https"],
        message=HTTP_URL,
    )(value)


class HttpURLField(models.URLField):
    """A URL field that accepts http(s) only, with one clear message (instead
    of URLField's generic one next to ours)."""

    default_validators = [validate_http_url]


class SourceDocumentQuerySet(models.QuerySet):
    def without_text(self):
        return self.defer(*SOURCE_TEXT_FIELDS)


class SourceDocumentManager(models.Manager.from_queryset(SourceDocumentQuerySet)):
    # Lets a fixture cite a text by slug (["asem-copenhagen-2002"]) rather than
    # by a primary key that another fixture file owns. Sources have no
    # natural_key(), so dumps keep citing them by pk: a backup then loads in
    # any order, with constraints checked at the end.
    def get_by_natural_key(self, slug):
        return self.get(slug=slug)


class SourceDocument(models.Model):
    """An international text whose commitments the tracker follows."""

    slug = models.SlugField(_("slug"), unique=True, max_length=80)
    title = models.CharField(_("title"), max_length=300)
    short_title = models.CharField(_("short title"), max_length=80)
    issuing_body = models.CharField(_("issuing body"), max_length=200)
    place = models.CharField(_("place"), max_length=120)
    date_adopted = models.DateField(
        _("date adopted"), help_text="The day the text was agreed or issued."
    )
    date_published = models.DateField(_("date published"), null=True, blank=True)
    url = models.URLField(
        _("official URL"), blank=True, help_text="Where the issuing body publishes the text."
    )
    document_symbol = models.CharField(
        _("document symbol"),
        max_length=80,
        blank=True,
        help_text=_("The symbol the text was issued under, e.g. SG/2084 for a UN press release."),
    )
    document_kind = models.CharField(
        _("kind of text"),
        max_length=300,
        blank=True,
        help_text=_(
            "What the text is and who stands behind it, e.g. “Chairman's conclusions: "
            "the Secretary-General's summary, not a negotiated text”."
        ),
    )
    text = models.TextField(
        _("full text"), help_text="The whole text, verbatim, as the source publishes it."
    )
    preamble = models.TextField(
        _("preamble"),
        blank=True,
        help_text=_("Introductory words before the first numbered paragraph, if any."),
    )

    # The actors that are party to the text (see PartyMembership).
    parties = models.ManyToManyField(
        "Actor", through="PartyMembership", related_name="party_to", blank=True
    )

    objects = SourceDocumentManager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["date_adopted", "slug"]
        verbose_name = _("source document")
        verbose_name_plural = _("source documents")

    def __str__(self):
        return self.short_title

    def get_absolute_url(self):
        return reverse("source-detail", args=[self.slug])


class Paragraph(models.Model):
    """One paragraph of a source text, numbered as the text numbers it or,
    for an unnumbered text, in reading order."""

    document = models.ForeignKey(
        SourceDocument,
        on_delete=models.CASCADE,
        related_name="paragraphs",
        verbose_name=_("document"),
    )
    number = models.PositiveSmallIntegerField(_("number"))
    section = models.CharField(
        _("section heading"),
        max_length=120,
        blank=True,
        help_text=_("The heading this paragraph stands under, e.g. 'Further Work'."),
    )
    text = models.TextField(_("text"))

    history = HistoricalRecords()

    class Meta:
        ordering = ["document", "number"]
        verbose_name = _("paragraph")
        verbose_name_plural = _("paragraphs")
        constraints = [
            models.UniqueConstraint(
                fields=["document", "number"],
                name="paragraph_number_unique_per_document",
                violation_error_message=_(
                    "This document already has a paragraph with that number."
                ),
            )
        ]

    def __str__(self):
        return f"{self.document.short_title} ¶{self.number}"

    def get_absolute_url(self):
        return paragraph_url(self.document, self.number)

    @property
    def anchor(self):
        return paragraph_anchor(self.number)


def paragraph_anchor(number):
    """The fragment that marks paragraph ``number`` on its source's page."""
    return f"p{number}"


def paragraph_url(document, number):
    return f"{document.get_absolute_url()}#{paragraph_anchor(number)}"


class Wording(str):
    """A steward's wording in the page's language: ``lang`` says which
    language it is in, for the element's lang attribute."""

    lang = "en"


def in_page_language(english, french):
    """The French wording on a French page where a steward has written one;
    the English otherwise (a vocabulary term's translation is data, edited
    in the admin beside the English)."""
    if french and get_language() == "fr":
        wording = Wording(french)
        wording.lang = "fr"
        return wording
    return Wording(english)


def reading_order(text):
    """A sort key that files « Échange » under E, as a reader looks for it."""
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().casefold()


class Theme(models.Model):
    """A subject area that pledges are filtered by."""

    slug = models.SlugField(_("slug"), unique=True, max_length=80)
    name = models.CharField(_("name"), max_length=120, unique=True)
    description = models.TextField(_("description"))
    name_fr = models.CharField(
        _("name in French"),
        max_length=120,
        blank=True,
        help_text=_("Shown on the French pages; left blank, they show the English name."),
    )
    description_fr = models.TextField(_("description in French"), blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        verbose_name = _("theme")
        verbose_name_plural = _("themes")

    def __str__(self):
        return self.label

    def get_absolute_url(self):
        return reverse("pledge-list") + f"?theme={self.slug}"

    @property
    def label(self):
        return in_page_language(self.name, self.name_fr)

    @property
    def summary(self):
        return in_page_language(self.description, self.description_fr)


class ActorManager(models.Manager):
    def get_by_natural_key(self, slug):
        return self.get(slug=slug)


class Actor(models.Model):
    """Who made or carries a pledge: a body, a group of partners, an organisation.

    An actor that is party to a text (``PartyMembership``) is one of the
    text's *parties*: it has a page (/parties/<slug>/), a column in the
    matrix, and a status of its own on each pledge of the text that applies
    to it (``PartyStatus``)."""

    class Kind(models.TextChoices):
        GROUP_OF_STATES = "group_of_states", _("Group of states")
        INTERGOVERNMENTAL_BODY = "intergovernmental_body", _("Intergovernmental body or forum")
        UN_SYSTEM = "un_system", _("United Nations system")
        REGIONAL_ORGANIZATION = "regional_organization", _("Regional organization")
        OFFICIALS = "officials", _("Officials or working level")
        STATE = "state", pgettext_lazy("party kind", "State")

    slug = models.SlugField(_("slug"), unique=True, max_length=80)
    name = models.CharField(_("name"), max_length=200, unique=True)
    kind = models.CharField(_("kind"), max_length=40, choices=Kind.choices)
    description = models.TextField(
        _("description"),
        blank=True,
        help_text=_("Who this is, in a sentence or two, for its public page."),
    )
    url = HttpURLField(_("official website"), max_length=500, blank=True)
    reporters = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        related_name="reporting_for",
        blank=True,
        verbose_name=_("reporters"),
        help_text=_("Users in the Reporter group who may log self-reports for this actor."),
    )

    # Memberships are part of the history; change them from the actor's side
    # (actor.reporters), which is how the admin edits them.
    history = HistoricalRecords(m2m_fields=[reporters])

    objects = ActorManager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("actor")
        verbose_name_plural = _("actors")

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("party-detail", args=[self.slug])

    def natural_key(self):
        return (self.slug,)


class Instrument(models.Model):
    """A resolution, convention, charter or programme that pledges cite.

    One row per instrument, so that resolution 1373 links the pledges of both
    texts that concern it."""

    class Kind(models.TextChoices):
        SC_RESOLUTION = "sc_resolution", _("Security Council resolution")
        GA_RESOLUTION = "ga_resolution", _("General Assembly resolution")
        CHARTER = "charter", _("Charter")
        CONVENTION = "convention", _("Convention")
        DRAFT_CONVENTION = "draft_convention", _("Draft convention (under negotiation)")
        PROGRAMME = "programme", _("Programme or action plan")
        MECHANISM = "mechanism", _("Mechanism or body")

    slug = models.SlugField(_("slug"), unique=True, max_length=80)
    name = models.CharField(_("name"), max_length=250, unique=True)
    symbol = models.CharField(
        _("document symbol"), max_length=60, blank=True, help_text="e.g. S/RES/1373 (2001)"
    )
    kind = models.CharField(_("kind"), max_length=40, choices=Kind.choices)
    year = models.PositiveSmallIntegerField(
        _("year"), null=True, blank=True, help_text="Year adopted; blank while still a draft."
    )
    url = models.URLField(_("official URL"), blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        verbose_name = _("instrument")
        verbose_name_plural = _("instruments")

    def __str__(self):
        return self.name


class PledgeQuerySet(models.QuerySet):
    def lock(self):
        """Lock these pledges' rows until the current transaction ends, and
        return their ids (ascending).

        This is the one lock that keeps everything derived from a pledge's
        updates true under concurrency: ``current_status``,
        ``last_update_as_of``, ``latest_update``, the search document (and any
        per-pledge state computed from the updates the same way). Every write
        that adds, withdraws or re-derives updates of a pledge takes it
        *before* its first write and recomputes the derived columns after it,
        inside the same ``transaction.atomic()`` block:

            with transaction.atomic():
                Pledge.objects.filter(pk__in=ids).lock()
                ...write the updates, then pledge.refresh_status()

        Why it works: a second writer of the same pledge waits at the lock
        until the first commits. Under READ COMMITTED each later statement
        then reads a fresh snapshot, so its recomputation sees the first
        writer's rows. Without the lock each writer recomputed from a snapshot
        that could not see the other's uncommitted update, and the last one
        to commit wrote a stale result (review F2: 19 of 60 rounds wrong).

        Rows are locked in ascending id order, in one statement: two writers
        that touch overlapping sets of pledges (imports, bulk actions) queue
        instead of deadlocking. Lock every pledge a transaction will touch in
        one call, at its start; never lock more pledges later in the same
        transaction. ``FOR NO KEY UPDATE``: inserting rows that merely refer to
        a pledge (its updates, its tags) is not blocked by it, but every other
        writer of the pledge row is. Must run inside ``transaction.atomic()``.
        On SQLite, which has no row locks and serialises writing
        transactions, it is a plain read."""
        # Through the ids, so that whatever this queryset joins, annotates or
        # makes distinct (an admin changelist's), only pledge rows are locked.
        rows = Pledge.objects.filter(pk__in=self.order_by().values("pk")).order_by("pk")
        return list(rows.select_for_update(no_key=True, of=("self",)).values_list("pk", flat=True))

    def commitments(self):
        """Pledges that commit someone: every statistic counts only these."""
        return self.exclude(statement_kind=StatementKind.CONTEXT)

    def context(self):
        return self.filter(statement_kind=StatementKind.CONTEXT)

    def stale(self, today=None, column="last_update_as_of"):
        """Commitments with no update at all, or none whose as_of is within the
        year before ``today``; context is never stale, nothing is expected of
        it. ``column``: ``last_update_on`` for pledges read through
        ``as_of()``, so "stale" is judged on that day."""
        today = today or timezone.localdate()
        cutoff = today - STALE_AFTER
        return self.commitments().filter(
            Q(**{f"{column}__isnull": True}) | Q(**{f"{column}__lt": cutoff})
        )

    def most_neglected_first(self, column="last_update_as_of"):
        """Never-updated pledges first, then by oldest last update (explicit
        about NULLs: PostgreSQL and SQLite sort them differently by default)."""
        return self.order_by(F(column).asc(nulls_first=True), "ref")

    def applicable_to(self, actor):
        """The pledges that apply to party ``actor``: those of the texts it is
        party to, unless a steward narrowed a pledge to other parties."""
        narrowings = Pledge.applies_to.through.objects.values("pledge_id")
        party_to = PartyMembership.objects.filter(actor=actor).values("source_id")
        # IN (subquery) rather than EXISTS: PostgreSQL hashes each subquery
        # once, where the OR of two correlated EXISTS was probed per pledge
        # (a party page's count over a text of 30,000 pledges: 74 ms → 5 ms).
        return self.filter(source_id__in=party_to).filter(
            ~Q(pk__in=narrowings) | Q(pk__in=narrowings.filter(actor_id=actor.pk))
        )

    def concerning(self, actors):
        """The pledges some of ``actors`` (an actor, its pk, or a queryset of
        actors) answer for: those that name one of them among their actors,
        and those that apply to one of them as a party of the text (see
        ``applicable_to``). A reporter self-reports for an actor on these
        pledges only (tracker/rules.py)."""
        if isinstance(actors, models.QuerySet):
            ids = actors.values("pk")
        else:
            ids = [getattr(actors, "pk", actors)]
        named = Pledge.actors.through.objects.filter(pledge_id=OuterRef("pk"), actor_id__in=ids)
        narrowed = Pledge.applies_to.through.objects.filter(pledge_id=OuterRef(OuterRef("pk")))
        party = PartyMembership.objects.filter(actor_id__in=ids, source_id=OuterRef("source_id"))
        applies = party.filter(
            ~Exists(narrowed) | Exists(narrowed.filter(actor_id=OuterRef("actor_id")))
        )
        return self.filter(Exists(named) | Exists(applies))

    def not_stale(self, today=None, column="last_update_as_of"):
        today = today or timezone.localdate()
        return self.filter(**{f"{column}__gte": today - STALE_AFTER})

    def status_counts(self, column="current_status"):
        """``{status value: number of commitments}`` in one query, every status
        present, plus ``CONTEXT_COUNT``: the pledges that are context, which
        have no status and are counted apart. ``column``: ``status_on`` for
        pledges read through ``as_of()``."""
        counts = dict.fromkeys(Status.values, 0)
        counts[CONTEXT_COUNT] = 0
        is_context = Case(
            When(statement_kind=StatementKind.CONTEXT, then=Value(True)),
            default=Value(False),
            output_field=models.BooleanField(),
        )
        rows = (
            self.order_by()
            .annotate(is_context=is_context)
            .values_list(column, "is_context")
            .annotate(n=Count("pk"))
        )
        for status, context, n in rows:
            counts[CONTEXT_COUNT if context else status] += n
        return counts

    def scorecard(self, column="current_status"):
        """The headline figures of these pledges (``Scorecard``): one query."""
        return Scorecard(self.status_counts(column))

    def as_of(self, day=None, recorded_on=None):
        """THE status rule, on any day: the pledges as they stood on ``day``,
        each annotated with

        - ``status_on``: the status of its latest overall update (no actor)
          dated on or before ``day``, in timeline order (as_of, created, pk);
          "no information" when there is none;
        - ``last_update_on`` and ``latest_update_on_id``: the date and id of
          its latest update of any kind dated on or before ``day``.

        Only pledges whose text had been adopted by ``day`` are included: a
        pledge not yet made has no status. Which updates count is
        ``StatusUpdate.objects.counting(recorded_on)``:

        - without ``recorded_on``, the record as it stands today: every update
          that has not been withdrawn. This is "what we now know about that
          day", the reading of the charts and of ``?as_of=``; a withdrawn
          update was withdrawn because it was wrong, so it is wrong for every
          day it spoke about.
        - with ``recorded_on``, the record as it stood at the end of that day:
          updates entered by then, withdrawals made after it not applied
          (``?recorded_on=``). Pledges entered later are left out too.

        ``day=None`` (or today or later) gives the maintained columns:
        ``current_status``, ``last_update_as_of`` and ``latest_update`` must
        always equal what this computes (``refresh_all_statuses()`` writes them
        from it, and the tests compare the two). From today on, no date limit
        applies: updates may carry tomorrow's date (``latest_allowed_as_of()``)."""
        pledges = self
        updates = StatusUpdate.objects.counting(recorded_on)
        if day is not None:
            pledges = pledges.filter(source_adopted__lte=day)
            if day < timezone.localdate():
                updates = updates.filter(as_of__lte=day)
        if recorded_on is not None:
            pledges = pledges.filter(created__lt=end_of_day(recorded_on))
        mine = updates.filter(pledge=OuterRef("pk")).newest_first()
        latest_overall = mine.filter(actor__isnull=True)
        return pledges.annotate(
            status_on=Coalesce(
                Subquery(latest_overall.values("status")[:1]), Value(Status.NO_INFORMATION)
            ),
            last_update_on=Subquery(mine.values("as_of")[:1]),
            latest_update_on_id=Subquery(mine.values("pk")[:1]),
        )

    def changed_between(self, start, end):
        """Pledges whose status on ``end`` differs from their status the day
        before ``start``, both by as_of(), the one rule: annotated with
        ``status_before`` and (as of ``end``) ``status_on``. Only a counted
        overall update dated within the period can change a status, so only
        pledges with one are compared."""
        movers = (
            StatusUpdate.objects.counting()
            .filter(actor__isnull=True)
            .dated_between(start, end)
            .values("pledge_id")
        )
        before = (
            Pledge.objects.as_of(start - timedelta(days=1)).filter(pk=OuterRef("pk")).order_by()
        )
        return (
            self.filter(pk__in=movers)
            .as_of(end)
            .annotate(
                status_before=Coalesce(
                    Subquery(before.values("status_on")[:1]), Value(Status.NO_INFORMATION)
                )
            )
            .exclude(status_before=F("status_on"))
        )

    def with_source(self):
        """The pledges with their source, in the same query, without the
        source's text (see SOURCE_TEXT_FIELDS) or their own search columns,
        which only the database reads."""
        return self.select_related("source").defer(
            *SEARCH_FIELDS, *(f"source__{name}" for name in SOURCE_TEXT_FIELDS)
        )

    def for_page(self, ref):
        """Pledge ``ref`` with all its page shows: source and tags, and for each
        instrument the number of pledges citing it (``pledge_count``). See
        ``presenters.attach_citing_pledges()`` for the other pledges it lists."""
        # A subquery, not Count("pledges"): the prefetch filters the same join
        # down to this pledge, and the count would always be 1.
        citations = (
            Pledge.instruments.through.objects.filter(instrument=OuterRef("pk"))
            .order_by()
            .values("instrument")
            .annotate(n=Count("*"))
            .values("n")
        )
        instruments = Instrument.objects.annotate(pledge_count=Subquery(citations))
        return (
            self.filter(ref=ref)
            .with_source()
            .prefetch_related("themes", "actors", Prefetch("instruments", queryset=instruments))
        )


# The stored full-text search columns (tracker/search.py).
SEARCH_FIELDS = ("search_words", "search_document")

# Columns computed from the updates by Pledge.refresh_status() (and, for the
# search columns, from the text by save()), never written by an edit.
DERIVED_PLEDGE_FIELDS = {
    "current_status",
    "last_update_as_of",
    "latest_update",
    "search_words",
    "search_document",
}


class EditConflict(Exception):
    """Somebody saved the pledge after this editor opened it."""

    def __init__(self, pledge, expected_version):
        self.pledge = pledge
        self.expected_version = expected_version
        super().__init__(
            gettext("%(ref)s was changed by someone else after version %(version)s.")
            % {"ref": pledge.ref, "version": expected_version}
        )


class PledgeManager(models.Manager.from_queryset(PledgeQuerySet)):
    def get_by_natural_key(self, ref):
        return self.get(ref=ref)


class Pledge(models.Model):
    """One commitment, pledge, reaffirmation, agreed need or agreed next step,
    at clause level, quoted verbatim from its source text."""

    ref = models.CharField(
        _("reference"),
        max_length=60,
        unique=True,
        help_text=_("Stable citation code used in URLs, e.g. asem-2002-3.2."),
        validators=[
            RegexValidator(
                rf"^{REF_PATTERN}\Z",
                "Use lower-case letters, digits, hyphens and dots, e.g. asem-2002-3.2.",
            )
        ],
    )
    source = models.ForeignKey(
        SourceDocument, on_delete=models.PROTECT, related_name="pledges", verbose_name=_("source")
    )
    paragraph = models.PositiveSmallIntegerField(
        _("paragraph"),
        blank=True,  # found from the quote when left blank (see clean())
        help_text=_(
            "The number of the paragraph the quote stands in. Leave blank to have "
            "it found from the quote."
        ),
    )
    quote = models.TextField(
        _("quote"),
        help_text=_("The exact words of the text."),
        validators=[at_most(QUOTE_MAX_LENGTH, "the quote")],
    )
    title = models.CharField(
        _("title"), max_length=200, help_text=_("A short plain-language summary.")
    )
    themes = models.ManyToManyField(
        Theme, related_name="pledges", blank=True, verbose_name=_("themes")
    )
    actors = models.ManyToManyField(
        Actor, related_name="pledges", blank=True, verbose_name=_("actors")
    )
    # Empty: the pledge applies to every party of its text (the usual case).
    # A steward narrows it by choosing the parties it applies to.
    applies_to = models.ManyToManyField(
        Actor,
        related_name="narrowed_pledges",
        blank=True,
        verbose_name=_("applies to"),
        help_text=_(
            "Leave empty when the pledge applies to every party of its text; "
            "choose parties only to narrow it to them."
        ),
    )
    instruments = models.ManyToManyField(
        Instrument, related_name="pledges", blank=True, verbose_name=_("instruments")
    )
    timeframe = models.CharField(
        _("timeframe"), max_length=20, choices=Timeframe.choices, default=Timeframe.UNSPECIFIED
    )
    # Modality: what the words commit anyone to. It decides which statuses can
    # be recorded (ALLOWED_STATUSES) and whether the pledge counts in the
    # statistics at all (context does not). See /methodology/.
    statement_kind = models.CharField(
        _("kind of statement"),
        max_length=30,
        choices=StatementKind.choices,
        help_text=_("How strongly the words commit their authors, if at all."),
    )
    commitment_type = models.CharField(
        _("type of commitment"),
        max_length=30,
        choices=CommitmentType.choices,
        blank=True,
        help_text=_("What the commitment asks for. Leave blank only for context."),
    )
    # Maintained by refresh_status(); see the module docstring for why.
    current_status = models.CharField(
        _("current status"),
        max_length=20,
        choices=Status.choices,
        default=Status.NO_INFORMATION,
        editable=False,
    )
    last_update_as_of = models.DateField(
        _("last update"),
        null=True,
        blank=True,
        editable=False,
        help_text=_("The as_of date of the most recent update of any kind."),
    )
    # That most recent update itself (withdrawn ones do not count), for the
    # CSV export's "latest update" columns, which would otherwise need a
    # lookup per pledge.
    latest_update = models.ForeignKey(
        "StatusUpdate",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
        verbose_name=_("latest update"),
    )
    # The source's adoption date, copied here by tracker/signals.py so that the
    # default order (texts by adoption, then paragraph and ref) is an index of
    # this table: ordering through the join made PostgreSQL sort every match.
    source_adopted = models.DateField(_("source adopted"), blank=True, editable=False)
    created = models.DateTimeField(_("created"), auto_now_add=True)
    updated = models.DateTimeField(_("updated"), auto_now=True)
    # Optimistic concurrency: every edit states the version it started from
    # and bumps it; a stale version is a conflict (see save()).
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)
    # Full-text search on PostgreSQL (tracker/search.py): the pledge's own
    # words, to rank by, and those plus its updates' summaries, to match
    # against. Empty on SQLite.
    search_words = SearchVectorField(null=True, editable=False)
    search_document = SearchVectorField(null=True, editable=False)

    objects = PledgeManager()
    # Derived columns (the source's date, the latest update, the search
    # vectors) follow from what history already records.
    history = HistoricalRecords(
        m2m_fields=[themes, actors, instruments, applies_to],
        excluded_fields=["source_adopted", "latest_update", "search_words", "search_document"],
    )

    class Meta:
        ordering = ["source_adopted", "paragraph", "ref"]
        verbose_name = _("pledge")
        verbose_name_plural = _("pledges")
        # Held by stewards only (tracker/roles.py): imports write many rows at once.
        permissions = [("import_pledge", "Can import pledges from CSV or XLSX")]
        indexes = [
            # The default order: /pledges/ unfiltered, or filtered by tags (each
            # row in index order is checked against the tag semi-join). The id
            # comes last so a page's ids are read from the index alone
            # (tracker/pagination.py); ref is unique, so it does not reorder.
            models.Index(
                fields=["source_adopted", "paragraph", "ref", "id"], name="pledge_reading_order_idx"
            ),
            # /pledges/?status=… in the default order, read a page at a time in
            # index order rather than sorted from every match; and the status
            # facet counts (GROUP BY current_status). statement_kind is there
            # for a status filter's "commitments only": with it, a deep page
            # (OFFSET 9,525 of a theme's ongoing pledges) and the page's count
            # are read from the index alone, where fetching the 25,000 ongoing
            # rows from the heap to check their kind took 55 ms; 21.
            models.Index(
                fields=[
                    "current_status",
                    "source_adopted",
                    "paragraph",
                    "ref",
                    "id",
                    "statement_kind",
                ],
                name="pledge_status_order_idx",
            ),
            # /pledges/?stale=yes, ?updated_after/before and ordering=last update.
            models.Index(fields=["last_update_as_of"], name="pledge_last_update_idx"),
            # A party page's count of its applicable commitments
            # (Pledge.objects.applicable_to(party).commitments(), and as of a
            # day: source_adopted <= day): read from the index alone, where
            # the source_id index made PostgreSQL visit every heap page of
            # the text's pledges (74 ms for a text of 30,000 pledges; 5 ms).
            models.Index(
                fields=["source", "statement_kind", "source_adopted", "id"],
                name="pledge_source_kind_idx",
            ),
        ]

    def __str__(self):
        return f"{self.ref}: {self.title}"

    def save(self, *args, expected_version=None, **kwargs):
        """Save an edit. With ``expected_version`` (the version the editor
        opened), the save succeeds only if nobody saved in between, and raises
        ``EditConflict`` otherwise. The derived status columns are never
        written here: only ``refresh_status()`` writes them, so an edit cannot
        put back a status that an update changed meanwhile."""
        if not self._state.adding and kwargs.get("update_fields") is None:
            kwargs["update_fields"] = [
                f.name
                for f in self._meta.concrete_fields
                if not f.primary_key and f.name not in DERIVED_PLEDGE_FIELDS
            ]
        if self._state.adding:
            with transaction.atomic():  # never a pledge that search cannot find
                super().save(*args, **kwargs)
                refresh_search_documents(Pledge.objects.filter(pk=self.pk))
            return
        with transaction.atomic():
            rows = Pledge.objects.filter(pk=self.pk)
            # The search document below is recomputed from the updates: lock
            # first, so a concurrent update's summary is not missed.
            rows.lock()
            if expected_version is not None:
                # A conditional UPDATE is race-free on every database: of two
                # editors of version n, exactly one moves it to n + 1.
                if not rows.filter(version=expected_version).update(version=expected_version + 1):
                    raise EditConflict(self, expected_version)
                self.version = expected_version + 1
            else:
                # Every edit moves the version on, so editors who opened an
                # older one are told, whoever saved in between.
                rows.update(version=F("version") + 1)
                self.version = rows.values_list("version", flat=True).get()
            super().save(*args, **kwargs)
            refresh_search_documents(rows)

    def get_absolute_url(self):
        return detail_url("pledge-detail", self.ref)

    def get_paragraph_url(self):
        """Where the quote stands: its paragraph on the source's page."""
        return paragraph_url(self.source, self.paragraph)

    def natural_key(self):
        # Fixtures cite pledges by ref (["asem-2002-3.7"]), which never changes.
        return (self.ref,)

    @property
    def status_choice(self):
        """The status as a ``Status`` member, with label, definition and
        colour: on the day the pledge was read as of (``as_of()``), else the
        current one."""
        return Status(getattr(self, "status_on", None) or self.current_status)

    @property
    def last_update_date(self):
        """The date of the latest update, on the day the pledge was read as of
        (``as_of()``), else today."""
        if hasattr(self, "last_update_on"):
            return self.last_update_on
        return self.last_update_as_of

    @property
    def is_stale(self):
        if not self.is_commitment:
            return False  # nothing is expected of context
        if self.last_update_as_of is None:
            return True
        return self.last_update_as_of < timezone.localdate() - STALE_AFTER

    def find_paragraph(self):
        """The number of the one paragraph of the source that contains the quote."""
        quote = normalise_for_quote(self.quote or "")
        numbers = [
            p.number
            for p in self.source.paragraphs.only("number", "text")
            if quote and quote in normalise_for_quote(p.text)
        ]
        if len(numbers) == 1:
            return numbers[0]
        if not numbers:
            raise ValidationError(
                {
                    "quote": f"The quote is not a verbatim span of any paragraph of {self.source}. "
                    "Copy the words exactly as the text has them."
                }
            )
        listed = ", ".join(str(n) for n in numbers)
        raise ValidationError(
            {"paragraph": f"The quote stands in paragraphs {listed}: say which one."}
        )

    def paragraph_object(self):
        return self.source.paragraphs.filter(number=self.paragraph).first()

    def clean(self):
        super().clean()
        self.clean_modality()
        if not self.source_id:
            return
        if self.paragraph is None:
            self.paragraph = self.find_paragraph()
        paragraph = self.paragraph_object()
        if paragraph is None:
            raise ValidationError(
                {"paragraph": f"{self.source} has no paragraph {self.paragraph}."}
            )
        if self.quote and normalise_for_quote(self.quote) not in normalise_for_quote(
            paragraph.text
        ):
            raise ValidationError(
                {
                    "quote": f"The quote is not a verbatim span of paragraph {self.paragraph} "
                    f"of {self.source}. Copy the words exactly as the text has them."
                }
            )

    @property
    def statement_kind_choice(self):
        """The kind as a ``StatementKind`` (label, definition), None if unclassified."""
        return StatementKind(self.statement_kind) if self.statement_kind else None

    @property
    def commitment_type_choice(self):
        return CommitmentType(self.commitment_type) if self.commitment_type else None

    @property
    def is_commitment(self):
        return self.statement_kind != StatementKind.CONTEXT

    def allowed_statuses(self):
        """The statuses an update on this pledge may record (none for context)."""
        if not self.is_commitment:
            return []
        if self.commitment_type not in CommitmentType.values:
            return list(Status)  # not classified yet: nothing to refuse by
        return CommitmentType(self.commitment_type).allowed_statuses

    def clean_modality(self):
        """A commitment has a type and context has none; and a pledge cannot be
        reclassified under updates whose status its new class refuses (they
        would have to be withdrawn first: the record is never rewritten)."""
        if self.statement_kind not in StatementKind.values:
            return  # blank or unknown: the field's own error says so
        if self.is_commitment and not self.commitment_type:
            raise ValidationError(
                {
                    "commitment_type": "Say what type of commitment this is: a deliverable, "
                    "a standing principle or a process."
                }
            )
        if not self.is_commitment and self.commitment_type:
            raise ValidationError(
                {
                    "commitment_type": "Context is not a commitment, so it has no type of "
                    "commitment: leave the type blank."
                }
            )
        if self.pk is None:
            return
        recorded = self.updates.recorded().values_list("status", flat=True).distinct()
        refused = sorted({s for s in recorded if status_refusal(self, s)}, key=Status.values.index)
        if refused:
            labels = ", ".join(f"“{Status(s).label}”" for s in refused)
            raise ValidationError(
                {
                    "statement_kind": f"This classification refuses statuses already recorded "
                    f"on {self.ref} ({labels}). Withdraw those updates with a reason first, "
                    "then reclassify the pledge."
                }
            )

    def latest_overall_update(self):
        return self.updates.overall().newest_first().only("status", "as_of").first()

    def refresh_status(self):
        """Recompute ``current_status``, ``last_update_as_of`` and
        ``latest_update`` from the updates and save just those columns.

        The caller holds the pledge's lock (``PledgeQuerySet.lock()``), taken
        before it wrote the updates; otherwise a concurrent writer's update
        may be missed."""
        latest = self.latest_overall_update()
        self.current_status = latest.status if latest else Status.NO_INFORMATION
        newest = self.updates.recorded().newest_first().values_list("pk", "as_of").first()
        self.latest_update_id, self.last_update_as_of = newest or (None, None)
        # update(), not save(): it must not bump `updated` (a pledge edit) or
        # trigger history for what is derived data.
        Pledge.objects.filter(pk=self.pk).update(
            current_status=self.current_status,
            last_update_as_of=self.last_update_as_of,
            latest_update_id=self.latest_update_id,
            # The updates' summaries are searchable: same statement.
            **search_columns(),
        )


class AppendOnlyError(Exception):
    """An attempt to edit or delete a status update instead of withdrawing it."""


class AlreadyWithdrawn(ValidationError):
    """The update was withdrawn already (perhaps a moment ago, by someone
    else); the first withdrawal and its reason stand."""

    def __init__(self, update):
        self.update = update
        who = update.withdrawn_by.get_username() if update.withdrawn_by else "someone"
        super().__init__(
            f"This update was already withdrawn, on {update.withdrawn_at:%d %B %Y} by {who}, "
            f"for this reason: “{update.withdrawal_reason}”. That withdrawal stands; "
            "nothing was changed.",
            code="already_withdrawn",
        )


# What a person enters for a status update, in form order (the public form,
# the admin and the bulk action all offer these).
UPDATE_ENTRY_FIELDS = [
    "status",
    "as_of",
    "kind",
    "actor",
    "summary",
    "evidence_url",
    "evidence_reference",
]

# What a status update records; once saved these never change.
IMMUTABLE_UPDATE_FIELDS = [
    "pledge_id",
    "status",
    "as_of",
    "summary",
    "evidence_url",
    "evidence_reference",
    "kind",
    "actor_id",
    "author_id",
    "created",
]

# The account that authors the shipped historical record (fixtures/history.json).
# It has an unusable password, so nobody can sign in as it.
HISTORICAL_RECORD_USERNAME = "historical-record"


def update_summaries():
    """Each pledge's status-update summaries as one text, newest first (a
    subquery on the outer pledge), which the stored search document includes
    up to a bound (tracker/search.py)."""
    return (
        StatusUpdate.objects.filter(pledge=OuterRef("pk"))
        .order_by()
        .values("pledge")
        .annotate(text=StringAgg("summary", delimiter=" ", order_by="-pk"))
        .values("text")
    )


def search_columns():
    """The stored search columns as expressions for ``QuerySet.update()``."""
    return search.search_columns(update_summaries())


def refresh_search_documents(pledges):
    return search.refresh_search_documents(pledges, update_summaries())


class StatusUpdateQuerySet(models.QuerySet):
    def recorded(self):
        """Updates that count: withdrawn ones stay visible but no longer count."""
        return self.filter(withdrawn_at__isnull=True)

    def counting(self, recorded_on=None):
        """The updates that count, in the record as it stands now (``recorded()``)
        or, with ``recorded_on``, as it stood at the end of that day: entered
        by then, and not withdrawn by then (a later withdrawal is not applied)."""
        if recorded_on is None:
            return self.recorded()
        end = end_of_day(recorded_on)
        return self.entered_by(recorded_on).filter(
            Q(withdrawn_at__isnull=True) | Q(withdrawn_at__gte=end)
        )

    def entered_by(self, day=None):
        """Updates entered in the record by the end of ``day`` (all for None)."""
        return self if day is None else self.filter(created__lt=end_of_day(day))

    def dated_between(self, start=None, end=None):
        """Updates whose as_of falls within ``start``..``end``, both included
        (either may be None): the date filter of /changes/, the feed and the CSV."""
        updates = self
        if start is not None:
            updates = updates.filter(as_of__gte=start)
        if end is not None:
            updates = updates.filter(as_of__lte=end)
        return updates

    def overall(self):
        """Updates about the pledge as a whole rather than one actor's part in it."""
        return self.recorded().filter(actor__isnull=True)

    def delete(self):
        raise AppendOnlyError("Status updates are never deleted; withdraw them with a reason.")

    def newest_first(self):
        return self.order_by("-as_of", "-created", "-pk")

    def party_cells(self, as_of=None, recorded_on=None):
        """The (pledge, party) cells these updates give, as ``Cell`` objects
        keyed by ``(pledge_id, actor_id)``: for each pair, the latest counted
        self-report and the latest counted independent assessment (by as_of,
        then created, then pk), combined by ``cell_status()``. With ``as_of``,
        only updates as of that date or earlier count. Which updates count is
        ``counting(recorded_on)``, as for ``Pledge.objects.as_of()``: without
        ``recorded_on`` the record as it stands today (withdrawn updates never
        count); with it, as it stood at the end of that day (updates entered
        later left out, withdrawals made later not applied).

        This is the one statement of the per-party rule: ``PartyStatus`` rows
        are these cells, maintained; a page "as of" a past date computes them
        here. One query, whatever the number of updates."""
        updates = self.counting(recorded_on).filter(actor__isnull=False)
        if as_of is not None:
            updates = updates.filter(as_of__lte=as_of)
        latest = (
            updates.annotate(
                position=Window(
                    RowNumber(),
                    partition_by=[F("pledge_id"), F("actor_id"), F("kind")],
                    order_by=[F("as_of").desc(), F("created").desc(), F("pk").desc()],
                )
            )
            .filter(position=1)
            .order_by()
            .values_list("pledge_id", "actor_id", "kind", "status", "pk", "as_of")
        )
        cells = {}
        for pledge_id, actor_id, kind, status, pk, update_as_of in latest.iterator(2000):
            cell = cells.get((pledge_id, actor_id))
            if cell is None:
                cell = cells[(pledge_id, actor_id)] = Cell(pledge_id, actor_id)
            cell.record(kind, status, pk, update_as_of)
        return cells

    def party_cells_changed_between(self, start, end):
        """The (pledge, party) cells of these updates whose status on ``end``
        differs from their status the day before ``start``, both by
        party_cells(), the one rule: ``[(pledge_id, actor_id, old, new)]``
        ("no information" where a pair had no cell). As the record stands
        today (withdrawn updates never count), like changed_between() for
        pledges. Only a counted update naming the party and dated within the
        period can change a cell, so only those pairs are compared. Three
        queries."""
        movers = set(
            self.counting()
            .filter(actor__isnull=False)
            .dated_between(start, end)
            .order_by()
            .values_list("pledge_id", "actor_id")
            .distinct()
        )
        if not movers:
            return []
        theirs = self.filter(pledge_id__in=id_set({pledge_id for pledge_id, _ in movers}))
        before = theirs.party_cells(start - timedelta(days=1))
        after = theirs.party_cells(end)
        changed = []
        # Plain strings, not Status members: /changes/ caches these rows, and
        # unpickling 100,000 enum members took 175 ms a request (strings: 20).
        no_information = Status.NO_INFORMATION.value
        for key in movers:
            old, new = before.get(key), after.get(key)
            old = old.status if old else no_information
            new = new.status if new else no_information
            if old != new:
                changed.append((*key, old, new))
        return changed

    def for_timeline(self):
        return self.with_pledge().select_related("actor", "author", "withdrawn_by").newest_first()

    def with_pledge(self):
        """The updates with their pledge, in the same query, without the
        pledge's search vectors (which grow with every update's summary)."""
        return self.select_related("pledge").defer(*(f"pledge__{f}" for f in SEARCH_FIELDS))


def check_length(field_name, value):
    """Run a status update field's validators on a value set outside a form."""
    try:
        StatusUpdate._meta.get_field(field_name).run_validators(value)
    except ValidationError as error:
        raise ValidationError({field_name: error.error_list}) from None


class StatusUpdate(models.Model):
    """One observation of how far a pledge has been implemented, as of a date."""

    # PROTECT: a pledge with a recorded history cannot be deleted with it.
    pledge = models.ForeignKey(
        Pledge, on_delete=models.PROTECT, related_name="updates", verbose_name=_("pledge")
    )
    status = models.CharField(_("status"), max_length=20, choices=Status.choices)
    as_of = models.DateField(
        _("as of"), help_text=_("The date the observation refers to, not the day it is entered.")
    )
    summary = models.TextField(
        _("summary"),
        help_text=_("What happened, in your own words."),
        validators=[at_most(SUMMARY_MAX_LENGTH, "the summary")],
    )
    evidence_url = HttpURLField(_("evidence URL"), max_length=500, blank=True)
    evidence_reference = models.CharField(
        _("evidence reference"),
        max_length=120,
        blank=True,
        help_text=_("A document symbol such as A/RES/59/290."),
    )
    kind = models.CharField(_("kind"), max_length=30, choices=UpdateKind.choices)
    actor = models.ForeignKey(
        Actor,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="status_updates",
        verbose_name=_("actor"),
        help_text=_("Whose implementation this concerns; leave blank for the pledge as a whole."),
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="status_updates",
        verbose_name=_("author"),
    )
    created = models.DateTimeField(_("created"), default=timezone.now, editable=False)
    # Append-only: a wrong update is withdrawn (and stays on the timeline with
    # the reason and who withdrew it), never edited or deleted.
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True, editable=False)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="withdrawn_status_updates",
        verbose_name=_("withdrawn by"),
        editable=False,
    )
    withdrawal_reason = models.TextField(
        _("reason for withdrawal"),
        blank=True,
        validators=[at_most(NOTE_MAX_LENGTH, "the reason")],
    )
    # A reporter, assessor or steward may ask stewards to look at an update
    # (it seems wrong, or duplicates another); it changes nothing in the record.
    review_requested_at = models.DateTimeField(_("review requested at"), null=True, blank=True)
    review_requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="review_requests",
        verbose_name=_("review requested by"),
    )
    review_note = models.TextField(
        _("why it needs review"), blank=True, validators=[at_most(NOTE_MAX_LENGTH, "the note")]
    )

    objects = StatusUpdateQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["-as_of", "-created", "-pk"]
        verbose_name = _("status update")
        verbose_name_plural = _("status updates")
        permissions = [("import_statusupdate", "Can import status updates from CSV or XLSX")]
        indexes = [
            # Pledge.latest_overall_update() and every pledge timeline:
            # WHERE pledge_id = … ORDER BY as_of DESC, created DESC.
            models.Index(
                fields=["pledge", "-as_of", "-created"], name="update_pledge_timeline_idx"
            ),
            # The dashboard's "latest updates" and the all-updates feed.
            models.Index(fields=["-as_of", "-created"], name="update_latest_idx"),
            # Pledge.objects.as_of(day): each pledge's latest overall update
            # on or before a day, in timeline order, read backwards from the
            # index alone (status last, so no table read; a key column
            # rather than INCLUDE, which SQLite lacks); and the trend charts'
            # walk through every pledge's overall updates in order.
            models.Index(
                fields=["pledge", "as_of", "created", "id", "status"],
                condition=Q(actor__isnull=True, withdrawn_at__isnull=True),
                name="update_overall_as_of_idx",
            ),
            # StatusUpdate.objects.party_cells(day) on a page of pledges (the
            # matrix, a party page, /changes/ on another day): each pair's
            # latest update of each kind, in the window's own order, from the
            # party updates alone (without it PostgreSQL walked every update
            # of the pledge_id index: 96 ms for a matrix page at 10k pledges).
            models.Index(
                fields=["pledge", "actor", "kind", "-as_of", "-created", "-id"],
                condition=Q(actor__isnull=False, withdrawn_at__isnull=True),
                name="update_party_cells_idx",
            ),
            # A party's feed (its page, its Atom feed): the updates that name
            # it, newest first, read in index order and cut at the page's
            # length instead of sorting all of them (71 ms for a party with
            # 1,200 updates at 100k pledges; under 1 ms with it).
            models.Index(
                fields=["actor", "-as_of", "-created", "-id"],
                condition=Q(actor__isnull=False),
                name="update_party_feed_idx",
            ),
        ]

    def __str__(self):
        return gettext("%(ref)s %(status)s as of %(day)s") % {
            "ref": self.pledge.ref,
            "status": self.get_status_display(),
            "day": self.as_of.isoformat(),
        }

    def save(self, *args, **kwargs):
        if not self._state.adding:
            self.refuse_changes_to_the_record()
        # The post_save handler refreshes the pledge's maintained status; the
        # atomic block puts that refresh in the same transaction as this row,
        # and the pledge's lock, taken first, makes it see every committed
        # update (PledgeQuerySet.lock()).
        with transaction.atomic():
            Pledge.objects.filter(pk=self.pledge_id).lock()
            super().save(*args, **kwargs)

    def get_absolute_url(self):
        # A permalink that redirects to the timeline page holding the update
        # (views.update_permalink): which page that is changes as updates come.
        return detail_url("update-detail", self.pk)

    def timeline_position(self):
        """How many of the pledge's updates come before this one on its
        timeline (newest first: as_of, then created, then pk), in one query."""
        newer = (
            Q(as_of__gt=self.as_of)
            | Q(as_of=self.as_of, created__gt=self.created)
            | Q(as_of=self.as_of, created=self.created, pk__gt=self.pk)
        )
        return StatusUpdate.objects.filter(pledge_id=self.pledge_id).filter(newer).count()

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("Status updates are never deleted; withdraw it with a reason.")

    @property
    def status_choice(self):
        return Status(self.status)

    @property
    def is_withdrawn(self):
        return self.withdrawn_at is not None

    def source_of_pledge(self):
        """The pledge's source, also while a new pledge and its first updates
        are validated together in the admin (the pledge is not saved yet, but
        the inline has attached it)."""
        pledge = self.pledge_if_known()
        return pledge.source if pledge is not None and pledge.source_id else None

    def pledge_if_known(self):
        """The pledge, also while the admin validates a new pledge and its
        first updates together; None before one is chosen."""
        if self.pledge_id is None and not StatusUpdate.pledge.is_cached(self):
            return None
        return self.pledge

    def refuse_changes_to_the_record(self):
        original = StatusUpdate.objects.filter(pk=self.pk).values(*IMMUTABLE_UPDATE_FIELDS).first()
        if original is None:
            return
        changed = [f for f in IMMUTABLE_UPDATE_FIELDS if getattr(self, f) != original[f]]
        if changed:
            raise AppendOnlyError(
                f"Status update {self.pk} is part of the record and cannot be edited "
                f"({', '.join(changed)}); withdraw it and log a corrected update."
            )

    @property
    def needs_review(self):
        return self.review_requested_at is not None

    def request_review(self, by, note):
        note = (note or "").strip()
        if not note:
            raise ValidationError({"review_note": gettext("Say what looks wrong.")})
        check_length("review_note", note)
        self.review_requested_at = timezone.now()
        self.review_requested_by = by
        self.review_note = note
        self.save(update_fields=["review_requested_at", "review_requested_by", "review_note"])

    def mark_reviewed(self):
        self.review_requested_at = None
        self.review_requested_by = None
        self.review_note = ""
        self.save(update_fields=["review_requested_at", "review_requested_by", "review_note"])

    def withdraw(self, by, reason):
        """Take the update out of the status calculation, keeping it visible.

        Of two stewards withdrawing the same update at once, exactly one
        succeeds: the other waits at the pledge's lock, then finds it
        withdrawn and gets ``AlreadyWithdrawn`` (the first reason is kept)."""
        reason = (reason or "").strip()
        if not reason:
            raise ValidationError({"withdrawal_reason": WITHDRAWAL_REASON_REQUIRED})
        check_length("withdrawal_reason", reason)
        with transaction.atomic():
            Pledge.objects.filter(pk=self.pledge_id).lock()
            # Read again under the lock: this copy may predate a withdrawal.
            current = (
                StatusUpdate.objects.filter(pk=self.pk)
                .select_related("withdrawn_by")
                .only("withdrawn_at", "withdrawal_reason", "withdrawn_by__username")
                .get()
            )
            if current.is_withdrawn:
                self.withdrawn_at = current.withdrawn_at
                self.withdrawn_by = current.withdrawn_by
                self.withdrawal_reason = current.withdrawal_reason
                raise AlreadyWithdrawn(current)
            self.withdrawn_at = timezone.now()
            self.withdrawn_by = by
            self.withdrawal_reason = reason
            self.save(update_fields=["withdrawn_at", "withdrawn_by", "withdrawal_reason"])

    @property
    def is_historical_record(self):
        return self.author.get_username() == HISTORICAL_RECORD_USERNAME

    def clean(self):
        super().clean()
        errors = {}
        latest_allowed = latest_allowed_as_of()
        if self.as_of and self.as_of > latest_allowed:
            errors["as_of"] = gettext(
                "The date %(day)s is in the future; record what has already happened."
            ) % {"day": date_format(self.as_of, "d F Y")}
        elif (
            self.as_of
            and (source := self.source_of_pledge()) is not None
            and self.as_of < source.date_adopted
        ):
            errors["as_of"] = gettext("The date is before %(source)s was adopted (%(day)s).") % {
                "source": source.short_title,
                "day": date_format(source.date_adopted, "d F Y"),
            }
        if not self.evidence_url and not self.evidence_reference.strip():
            errors["evidence_url"] = gettext(
                "Give the evidence: a web address, a document symbol, or both."
            )
        # A withdrawn update no longer counts and keeps what it said; the rule
        # is about what the record asserts now.
        pledge = self.pledge_if_known() if self.status and not self.is_withdrawn else None
        if pledge is not None and (refusal := status_refusal(pledge, self.status)):
            errors["status"] = refusal
        if errors:
            raise ValidationError(errors)


def id_set(ids):
    """A subquery yielding ``ids``, passed as ONE parameter (a PostgreSQL
    array, a SQLite JSON array). ``__in=[...]`` makes a parameter per id, and
    at thousands of ids a batch Django and psycopg spend longer building and
    parsing the statement than PostgreSQL spends running it."""
    ids = [int(pk) for pk in ids]
    if connection.vendor == "postgresql":
        return RawSQL("SELECT unnest(%s::bigint[])", [ids])
    return RawSQL("SELECT value FROM json_each(%s)", [json.dumps(ids)])


# --- Parties -------------------------------------------------------------------

# A cell whose latest self-report and latest independent assessment disagree.
CONTESTED = "contested"
CELL_STATUS_CHOICES = [*Status.choices, (CONTESTED, _("Contested"))]
CELL_STATUS_LABELS = dict(CELL_STATUS_CHOICES)
CELL_STATUS_DEFINITIONS = {
    **STATUS_DEFINITIONS,
    CONTESTED: _(
        "The party's latest self-report and the latest independent assessment disagree; "
        "both are shown."
    ),
}
# Contested: a deep navy, the one hue that stays ΔE00 ≥ 12 from all eight
# status colours for normal vision, protanopia and deuteranopia with white
# text legible on it (tests/test_palette.py); the wine red it replaced was 7
# from "superseded" under protanopia and beside "not started" for everyone.
CELL_STATUS_COLOURS = {**STATUS_COLOURS, CONTESTED: "#000050"}
# Statuses that count as documented progress, in every scorecard. A
# contested cell does not count: its evidence disagrees.
PROGRESS_STATUSES = tuple(Status.with_progress())


@dataclass
class Scorecard:
    """THE headline rule, stated once: the numbers a journalist can quote for
    any set of commitments (every pledge, a source's, a theme's, a party's).
    ``counts`` is ``{status: number}`` as ``status_counts()`` gives it (or a
    party's cell statuses); passages of context (``CONTEXT_COUNT``) are never
    counted, and a contested cell is neither progress nor stalled."""

    counts: dict

    @property
    def commitments(self):
        return sum(n for status, n in self.counts.items() if status != CONTEXT_COUNT)

    @property
    def with_progress(self):
        return sum(self.counts.get(status, 0) for status in PROGRESS_STATUSES)

    @property
    def complete(self):
        return self.counts.get(Status.COMPLETE, 0)

    @property
    def stalled(self):
        return self.counts.get(Status.STALLED, 0)

    @property
    def no_information(self):
        return self.counts.get(Status.NO_INFORMATION, 0)

    def share(self, number):
        """``number`` as a whole percentage of the commitments (None if none)."""
        return round(100 * number / self.commitments) if self.commitments else None

    @property
    def progress_share(self):
        return self.share(self.with_progress)

    @property
    def figures(self):
        """The five headline figures in display order, for templates."""
        return [
            ("commitments", _("Commitments"), self.commitments, None),
            (
                "with-progress",
                _("With documented progress"),
                self.with_progress,
                self.progress_share,
            ),
            (
                "complete",
                pgettext_lazy("headline figure", "Complete"),
                self.complete,
                self.share(self.complete),
            ),
            (
                "stalled",
                pgettext_lazy("headline figure", "Stalled"),
                self.stalled,
                self.share(self.stalled),
            ),
            (
                "no-information",
                pgettext_lazy("headline figure", "No information"),
                self.no_information,
                self.share(self.no_information),
            ),
        ]


def cell_status(self_status, assessed_status):
    """The status of one (pledge, party) cell, from the status of its latest
    self-report and of its latest independent assessment (either may be
    missing). The two are kept apart; where both exist and disagree the cell
    is *contested*."""
    if self_status and assessed_status and self_status != assessed_status:
        return CONTESTED
    return self_status or assessed_status or Status.NO_INFORMATION


class Cell:
    """One (pledge, party) cell as ``StatusUpdate.objects.party_cells()``
    computes it; ``PartyStatus`` stores the same fields."""

    __slots__ = (
        "pledge_id",
        "actor_id",
        "self_status",
        "self_update_id",
        "assessed_status",
        "assessed_update_id",
        "last_update_as_of",
    )

    def __init__(self, pledge_id, actor_id):
        self.pledge_id, self.actor_id = pledge_id, actor_id
        self.self_status = self.assessed_status = ""
        self.self_update_id = self.assessed_update_id = None
        self.last_update_as_of = None

    def record(self, kind, status, update_id, as_of):
        if kind == UpdateKind.SELF_REPORT:
            self.self_status, self.self_update_id = status, update_id
        else:
            self.assessed_status, self.assessed_update_id = status, update_id
        if self.last_update_as_of is None or as_of > self.last_update_as_of:
            self.last_update_as_of = as_of

    @property
    def status(self):
        return cell_status(self.self_status, self.assessed_status)

    def fields(self):
        return {
            "status": self.status,
            "self_status": self.self_status,
            "self_update_id": self.self_update_id,
            "assessed_status": self.assessed_status,
            "assessed_update_id": self.assessed_update_id,
            "last_update_as_of": self.last_update_as_of,
        }


class PartyMembershipManager(models.Manager):
    def get_by_natural_key(self, source_slug, actor_slug):
        return self.get(source__slug=source_slug, actor__slug=actor_slug)


class PartyMembership(models.Model):
    """An actor is party to a source text: a partner that adopted it, or an
    organisation that took part in the meeting. Membership is a fact like
    any other and carries its evidence."""

    source = models.ForeignKey(
        SourceDocument,
        on_delete=models.CASCADE,
        related_name="party_memberships",
        verbose_name=_("source"),
    )
    actor = models.ForeignKey(
        Actor, on_delete=models.PROTECT, related_name="party_memberships", verbose_name=_("party")
    )
    role = models.CharField(
        _("role"),
        max_length=200,
        blank=True,
        help_text=_("How it took part, e.g. 'EU member state' or 'Participating organization'."),
    )
    evidence_url = HttpURLField(_("evidence URL"), max_length=500, blank=True)
    evidence_reference = models.CharField(
        _("evidence reference"),
        max_length=120,
        blank=True,
        help_text=_("A document symbol or title that shows the membership."),
    )
    note = models.TextField(
        _("note"), blank=True, help_text=_("What the evidence says, in a sentence.")
    )

    objects = PartyMembershipManager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["source", "actor__name"]
        verbose_name = _("party to a text")
        verbose_name_plural = _("parties to texts")
        constraints = [
            models.UniqueConstraint(
                fields=["source", "actor"],
                name="party_once_per_source",
                violation_error_message=_("This actor is already a party to that text."),
            )
        ]

    def __str__(self):
        return gettext("%(party)s — party to %(source)s") % {
            "party": self.actor,
            "source": self.source,
        }

    def natural_key(self):
        return (self.source.slug, self.actor.slug)

    natural_key.dependencies = ["tracker.sourcedocument", "tracker.actor"]

    def clean(self):
        super().clean()
        if not self.evidence_url and not self.evidence_reference.strip():
            raise ValidationError(
                {
                    "evidence_url": "Give the evidence of membership: a web address, a document "
                    "symbol, or both."
                }
            )


class PartyStatusQuerySet(models.QuerySet):
    def status_counts(self):
        """``{cell status: number of cells}`` in one query (no-information
        cells have no row: see ``Pledge.objects.applicable_to()``)."""
        counts = dict.fromkeys(CELL_STATUS_LABELS, 0)
        counts.update(self.order_by().values_list("status").annotate(n=Count("pk")))
        return counts


class PartyStatus(models.Model):
    """The maintained status of one pledge for one party: the cell that
    ``StatusUpdate.objects.party_cells()`` computes, kept in a table so that
    the matrix and party pages read it with one indexed query. Written only
    by ``refresh_party_status()``, in the transaction of the update that
    changes it. A pair without any recorded update has no row: its status is
    "no information"."""

    pledge = models.ForeignKey(
        Pledge, on_delete=models.CASCADE, related_name="party_statuses", verbose_name=_("pledge")
    )
    actor = models.ForeignKey(
        Actor, on_delete=models.CASCADE, related_name="party_statuses", verbose_name=_("party")
    )
    status = models.CharField(_("status"), max_length=20, choices=CELL_STATUS_CHOICES)
    self_status = models.CharField(
        _("latest self-report"), max_length=20, choices=Status.choices, blank=True
    )
    self_update = models.ForeignKey(
        "StatusUpdate", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    assessed_status = models.CharField(
        _("latest independent assessment"), max_length=20, choices=Status.choices, blank=True
    )
    assessed_update = models.ForeignKey(
        "StatusUpdate", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    last_update_as_of = models.DateField(_("last update"), null=True, blank=True)

    objects = PartyStatusQuerySet.as_manager()

    class Meta:
        verbose_name = _("party status")
        verbose_name_plural = _("party statuses")
        constraints = [
            models.UniqueConstraint(fields=["pledge", "actor"], name="party_status_unique")
        ]
        indexes = [
            # A party's page and scorecard: WHERE actor_id = … (GROUP BY status).
            models.Index(fields=["actor", "status"], name="party_status_actor_idx"),
        ]

    def __str__(self):
        return f"{self.pledge_id} × {self.actor_id}: {self.status}"

    @property
    def label(self):
        return CELL_STATUS_LABELS[self.status]


def refresh_party_status(pledge_id, actor_id):
    """Recompute one (pledge, party) cell from its updates and store it (or
    remove its row when no recorded update is left). Called in the
    transaction that writes the update, after ``Pledge.refresh_status()``,
    under the pledge's row lock (``PledgeQuerySet.lock()``, the one lock rule
    for everything derived from a pledge's updates): two updates to the same
    pledge are refreshed one after the other, each seeing the other's
    committed row. The writer has normally taken the lock already (before
    its first write, as lock() requires); taking it again in the same
    transaction is free, and keeps this function safe to call on its own."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("A party cell can only be refreshed inside a transaction.")
    Pledge.objects.filter(pk=pledge_id).lock()
    cell = StatusUpdate.objects.filter(pledge_id=pledge_id, actor_id=actor_id).party_cells()
    cell = cell.get((pledge_id, actor_id))
    rows = PartyStatus.objects.filter(pledge_id=pledge_id, actor_id=actor_id)
    if cell is None:
        rows.delete()
    elif not rows.update(**cell.fields()):
        PartyStatus.objects.create(pledge_id=pledge_id, actor_id=actor_id, **cell.fields())


def refresh_all_party_statuses(pledges=None):
    """Rebuild the cells of many pledges from their updates (for bulk loads,
    which send no signals): delete their rows, insert the computed ones."""
    pledges = Pledge.objects.all() if pledges is None else pledges
    with transaction.atomic():
        # One DELETE statement: an ORM delete() would load every row to send
        # post_delete (the cache's invalidation; bulk loaders retire the
        # cache themselves).
        stale = PartyStatus.objects.filter(pledge__in=pledges.values("pk"))
        stale._raw_delete(stale.db)
        cells = StatusUpdate.objects.filter(pledge__in=pledges.values("pk")).party_cells()
        PartyStatus.objects.bulk_create(
            (
                PartyStatus(pledge_id=c.pledge_id, actor_id=c.actor_id, **c.fields())
                for c in cells.values()
            ),
            batch_size=5000,
        )
    return len(cells)


def refresh_all_statuses(pledges=None):
    """Recompute the maintained status columns of many pledges in one UPDATE,
    for code that bulk-inserts updates (signals do not fire for bulk_create)."""
    queryset = Pledge.objects.all() if pledges is None else pledges
    computed = Pledge.objects.as_of().filter(pk=OuterRef("pk"))
    return queryset.update(
        current_status=Subquery(computed.values("status_on")[:1]),
        last_update_as_of=Subquery(computed.values("last_update_on")[:1]),
        latest_update_id=Subquery(computed.values("latest_update_on_id")[:1]),
        **search_columns(),
    )


class ImportUploadQuerySet(models.QuerySet):
    def abandoned(self, now=None):
        """Uploads whose preview nobody confirmed within IMPORT_UPLOAD_KEPT."""
        return self.filter(created__lt=(now or timezone.now()) - IMPORT_UPLOAD_KEPT)


# How long an import's upload waits for its confirmation before it counts as
# abandoned and is deleted (at the next upload or confirmation).
IMPORT_UPLOAD_KEPT = timedelta(days=1)


class ImportUpload(models.Model):
    """A file uploaded to an admin import, kept from its dry run until the
    steward confirms it (tracker/admin/uploads.py). In the database, so that
    the confirmation can reach any app server; never a worker's own /tmp."""

    name = models.CharField(_("name"), max_length=64, unique=True)
    data = models.BinaryField(_("data"))
    created = models.DateTimeField(_("created"), default=timezone.now)

    objects = ImportUploadQuerySet.as_manager()

    # Not part of the record: saving or deleting one retires no cached page.
    affects_public_pages = False

    class Meta:
        verbose_name = _("import upload")

    def __str__(self):
        return self.name
