"""The one FilterSet behind /pledges/, its exports and the API.

Every parameter is explicit about the field and lookup it filters, so the URL
is the whole state of a list and can be bookmarked or shared.
"""

import re
from datetime import timedelta

import django_filters
from django.contrib.postgres.search import SearchQuery, SearchRank
from django.core.exceptions import ValidationError
from django.db import connection
from django.db.models import Case, F, IntegerField, Q, Value, When
from django.utils import timezone
from django.utils.choices import BaseChoiceIterator
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from tracker.error_messages import DATE_FORMAT
from tracker.models import (
    REF_PATTERN,
    CommitmentType,
    Pledge,
    StatementKind,
    Status,
    StatusUpdate,
    Timeframe,
)
from tracker.search import SEARCH_CONFIG
from tracker.vocabulary import KINDS, TAG_KINDS
from tracker.vocabulary import current as current_vocabulary
from tracker.widgets import DateInput, Select, SelectMultiple

# The order in which statuses sort: from nothing known, along the OGP scale,
# then the states outside it.
STATUS_ORDER = list(Status.values)

# A query that looks like a citation code (asem-2002-3.2, 3.7): a ref with a
# digit and at least one hyphen or dot (a bare "1373" is a word to search for).
REF_LIKE = re.compile(rf"(?=.*\d)(?=.*[-.]){REF_PATTERN}")

# Public ordering names -> model fields (or annotations).
ORDERING_FIELDS = {
    "ref": "ref",
    "title": "title",
    "status": "status_rank",
    "last_update": "last_update_as_of",
}


def status_rank(column="current_status"):
    return Case(
        *[When(**{column: value}, then=Value(i)) for i, value in enumerate(STATUS_ORDER)],
        output_field=IntegerField(),
    )


def not_in_the_future(value):
    if value > timezone.localdate():
        raise ValidationError(
            _("%(date)s is in the future: the record can be read as of today or any earlier day."),
            params={"date": value.isoformat()},
        )


# The columns a list reads: maintained ones for today, or those annotated by
# Pledge.objects.as_of() for another day.
CURRENT_COLUMNS = {"status": "current_status", "last_update": "last_update_as_of"}
DATED_COLUMNS = {"status": "status_on", "last_update": "last_update_on"}


class StatusOrderingFilter(django_filters.OrderingFilter):
    """Ordering with public names; "status" sorts by the vocabulary's order,
    not alphabetically, and every ordering ends on ref so pages are stable."""

    def filter(self, qs, value):
        value = [name for name in value or [] if name]  # "ref," leaves an empty item
        if not value:
            return qs
        if any(name.lstrip("-") == "status" for name in value):
            qs = qs.annotate(status_rank=status_rank(self.parent.columns["status"]))
        ordering = [self.get_ordering_value(name) for name in value]
        if not any(name.lstrip("-") == "ref" for name in value):
            ordering.append("ref")
        return qs.order_by(*ordering)

    def get_ordering_value(self, param):
        descending = param.startswith("-")
        field = self.param_map[param.lstrip("-")]
        if field == "last_update_as_of":
            field = self.parent.columns["last_update"]  # that day's, when dated
            return F(field).desc(nulls_last=True) if descending else F(field).asc(nulls_first=True)
        return f"-{field}" if descending else field


class VocabularyChoices(BaseChoiceIterator):
    """A filter's choices from the filterset's vocabulary, read only when the
    form validates a value or draws its options."""

    def __init__(self, filterset, kind):
        self.filterset, self.kind = filterset, kind

    def __iter__(self):
        return iter(self.filterset.vocabulary.choices(self.kind))

    def __len__(self):
        return len(self.filterset.vocabulary.terms[self.kind])

    def __deepcopy__(self, memo):
        # Forms deep-copy their fields; a copy must not copy the filterset
        # (and its unevaluated vocabulary, which would then load twice).
        return self


class PledgeFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label=_("Search"),
        method="search",
        help_text=_("Words in the ref, title, quote or update summaries."),
    )
    # Theme, source, actor and instrument take slugs, validated against the
    # cached vocabulary (tracker/vocabulary.py) rather than one query each;
    # __init__ fills in their choices.
    theme = django_filters.MultipleChoiceFilter(
        label=_("Theme"),
        field_name="themes",
        method="filter_tagged",
        error_messages={"invalid_choice": _("There is no theme “%(value)s”.")},
    )
    source = django_filters.ChoiceFilter(
        label=_("Source"),
        method="filter_source",
        empty_label=_("Any source"),
        widget=Select(),  # the vocabulary's terms: hundreds at scale
        error_messages={"invalid_choice": _("There is no source “%(value)s”.")},
    )
    status = django_filters.MultipleChoiceFilter(
        label=_("Current status"),
        method="filter_status",
        choices=Status.choices,
        # MultipleChoiceFilter defaults to DISTINCT, for to-many fields; this
        # is a plain column, and DISTINCT over whole rows sorts every match.
        distinct=False,
        error_messages={"invalid_choice": _("“%(value)s” is not a status.")},
    )
    statement_kind = django_filters.MultipleChoiceFilter(
        widget=SelectMultiple(),
        label=_("Kind of statement"),
        field_name="statement_kind",
        choices=StatementKind.choices,
        distinct=False,
        error_messages={"invalid_choice": _("“%(value)s” is not a kind of statement.")},
    )
    commitment_type = django_filters.MultipleChoiceFilter(
        widget=SelectMultiple(),
        label=_("Type of commitment"),
        field_name="commitment_type",
        choices=CommitmentType.choices,
        distinct=False,
        error_messages={"invalid_choice": _("“%(value)s” is not a type of commitment.")},
    )
    actor = django_filters.ChoiceFilter(
        label=_("Actor"),
        field_name="actors",
        empty_label=_("Any actor"),
        widget=Select(),  # the vocabulary's terms: hundreds at scale
        method="filter_tagged",
        error_messages={"invalid_choice": _("There is no actor “%(value)s”.")},
    )
    instrument = django_filters.ChoiceFilter(
        label=_("Instrument"),
        field_name="instruments",
        empty_label=_("Any instrument"),
        widget=Select(),  # the vocabulary's terms: hundreds at scale
        method="filter_tagged",
        error_messages={"invalid_choice": _("There is no instrument “%(value)s”.")},
    )
    timeframe = django_filters.ChoiceFilter(
        label=_("Timeframe"),
        field_name="timeframe",
        choices=Timeframe.choices,
        empty_label=_("Any"),
        widget=Select(),
    )
    updated_after = django_filters.DateFilter(
        label=_("Last update on or after"),
        method="filter_last_update",
        lookup_expr="gte",
        widget=DateInput(),
        error_messages={"invalid": DATE_FORMAT},
    )
    updated_before = django_filters.DateFilter(
        label=_("Last update on or before"),
        method="filter_last_update",
        lookup_expr="lte",
        widget=DateInput(),
        error_messages={"invalid": DATE_FORMAT},
    )
    stale = django_filters.ChoiceFilter(
        label=_("Stale"),
        method="filter_stale",
        choices=[
            ("yes", _("Stale: a commitment with no update in over a year")),
            ("no", _("Updated within a year")),
        ],
        empty_label=_("Either"),
        widget=Select(),
    )
    # The record on another day (Pledge.objects.as_of()): every status, count
    # and "last update" of the list as that day's updates make them. Both are
    # applied by dated(), before the other filters; the methods only validate.
    as_of = django_filters.DateFilter(
        label=_("Status as of"),
        method="filter_dated",
        widget=DateInput(),
        validators=[not_in_the_future],
        input_formats=["%Y-%m-%d"],  # 01/02/2005 would be ambiguous
        error_messages={"invalid": _("Enter a date as YYYY-MM-DD.")},
        help_text=_("Every status as the updates dated on or before this day make it."),
    )
    recorded_on = django_filters.DateFilter(
        label=_("As the tracker recorded it on"),
        method="filter_dated",
        widget=DateInput(),
        validators=[not_in_the_future],
        input_formats=["%Y-%m-%d"],  # 01/02/2005 would be ambiguous
        error_messages={"invalid": _("Enter a date as YYYY-MM-DD.")},
        help_text=_(
            "Optional: leave out what was entered after this day, and count updates "
            "withdrawn after it, as the tracker then showed them."
        ),
    )
    ordering = StatusOrderingFilter(
        label=_("Sort by"),
        fields=[(field, name) for name, field in ORDERING_FIELDS.items()],
        field_labels={
            "ref": _("Reference"),
            "title": _("Title"),
            "status_rank": _("Status"),
            "last_update_as_of": _("Last update"),
        },
        empty_label=None,
    )

    class Meta:
        model = Pledge
        fields = []  # every filter is declared above, with its field and lookup

    # Parameters whose options show a count of the pledges they would give.
    FACETS = ("theme", "status", "source")

    def __init__(self, data=None, queryset=None, *, vocabulary=None, **kwargs):
        super().__init__(data, queryset, **kwargs)
        # Lazy: the API and exports only need it when one of these is given.
        self.vocabulary = SimpleLazyObject(current_vocabulary) if vocabulary is None else vocabulary
        for kind in KINDS:  # each kind's filter bears its name
            self.filters[kind].extra["choices"] = VocabularyChoices(self, kind)

    @property
    def as_of_day(self):
        """The day the list is read as of, or None for today. A list "as of"
        today reads the maintained columns, which equal what as_of() computes
        for today (tests/test_as_of.py)."""
        data = self.form.cleaned_data
        day = data.get("as_of") or data.get("recorded_on")
        if day is None or (day >= timezone.localdate() and not data.get("recorded_on")):
            return None
        return day

    @property
    def as_recorded_on(self):
        return self.form.cleaned_data.get("recorded_on") if self.as_of_day else None

    @property
    def columns(self):
        return DATED_COLUMNS if self.as_of_day else CURRENT_COLUMNS

    def dated(self, queryset):
        """``queryset`` as of the list's day: Pledge.objects.as_of(), the one rule."""
        if self.as_of_day is None:
            return queryset
        return queryset.as_of(self.as_of_day, self.as_recorded_on)

    def filter_queryset(self, queryset):
        return super().filter_queryset(self.dated(queryset))

    def qs_without(self, excluded):
        """The queryset filtered by every valid parameter except ``excluded``,
        for facet counts. It reuses the cleaned values, so nothing is
        validated (or queried) twice."""
        queryset = self.dated(self.queryset.all())
        for name, value in self.form.cleaned_data.items():
            if name not in (excluded, "ordering"):
                queryset = self.filters[name].filter(queryset, value)
        return queryset

    def filter_tagged(self, queryset, name, value):
        """Pledges tagged with the chosen theme(s), actor or instrument, as a
        semi-join (pk IN (SELECT pledge_id …)) rather than a join: no
        duplicate rows, so no DISTINCT for the count, the page and the facets.
        Served by the (tag, pledge) indexes of migration 0007."""
        if not value:
            return queryset
        # name is the filter's field_name: "themes", "actors" or "instruments".
        chosen = self.vocabulary.pks(TAG_KINDS[name], value)
        through = getattr(Pledge, name).through
        tag_column = Pledge._meta.get_field(name).m2m_reverse_field_name()
        tagged = through.objects.filter(**{f"{tag_column}__in": chosen}).values("pledge_id")
        return queryset.filter(pk__in=tagged)

    def filter_source(self, queryset, name, value):
        if not value:
            return queryset
        return queryset.filter(source_id=self.vocabulary.by_slug["source"][value].pk)

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        if REF_LIKE.fullmatch(value.lower()):
            # "asem-2002-3", "3.7": a citation, not words; full-text search
            # would split it up, so match it within refs.
            return queryset.filter(ref__icontains=value)
        if connection.vendor == "postgresql":
            return self.search_postgres(queryset, value)
        summary_match = StatusUpdate.objects.filter(summary__icontains=value).values("pledge_id")
        return queryset.filter(
            Q(ref__icontains=value)
            | Q(title__icontains=value)
            | Q(quote__icontains=value)
            | Q(pk__in=summary_match)
        )

    def search_postgres(self, queryset, value):
        """Full-text search, ranked by the pledge's own words (title first,
        then quote and ref); a pledge found only through its updates'
        summaries ranks after those. Both columns are stored and the match
        reads a GIN index (tracker/search.py)."""
        query = SearchQuery(value, search_type="websearch", config=SEARCH_CONFIG)
        ranked = queryset.filter(search_document=query).annotate(
            search_rank=SearchRank(F("search_words"), query)
        )
        # Relevance first unless the user asked for an explicit order.
        if not self.form.cleaned_data.get("ordering"):
            ranked = ranked.order_by("-search_rank", "ref")
        return ranked

    def filter_dated(self, queryset, name, value):
        return queryset  # dated() has applied it

    def filter_status(self, queryset, name, value):
        """Commitments whose status is one of those chosen: context has no
        status, so no status selects it."""
        if not value:
            return queryset
        return queryset.commitments().filter(**{f"{self.columns['status']}__in": value})

    def filter_last_update(self, queryset, name, value):
        if value is None:
            return queryset
        lookup = self.filters[name].lookup_expr
        return queryset.filter(**{f"{self.columns['last_update']}__{lookup}": value})

    def filter_stale(self, queryset, name, value):
        """Stale on the list's day: no update in the year before it."""
        column, day = self.columns["last_update"], self.as_of_day
        if value == "yes":
            return queryset.stale(today=day, column=column)
        if value == "no":
            return queryset.not_stale(today=day, column=column)
        return queryset


def valid_filterset(data, queryset=None):
    """Bind the FilterSet to ``data``; parameters that do not validate are
    dropped (and reported) instead of emptying the list.

    Returns ``(filterset, errors)`` where ``errors`` maps each dropped parameter
    to its messages, for the page to show beside the form.
    """
    # A blank value means "no filter" for every parameter, as it does for a
    # form's empty select: drop blanks so `?theme=` is not an unknown theme.
    data = data.copy()
    for name in list(data):
        data.setlist(name, [value for value in data.getlist(name) if value.strip()])
    vocabulary = SimpleLazyObject(current_vocabulary)  # shared by both attempts
    filterset = PledgeFilterSet(data, queryset=queryset, vocabulary=vocabulary)
    if filterset.is_valid():
        return filterset, {}
    errors = {name: list(messages) for name, messages in filterset.errors.items()}
    cleaned = data.copy()
    for name in errors:
        cleaned.pop(name, None)
    filterset = PledgeFilterSet(cleaned, queryset=queryset, vocabulary=vocabulary)
    filterset.is_valid()  # the remaining parameters validated above
    return filterset, errors


# The parameters that set the day a page is read as of.
DATE_PARAMETERS = ("as_of", "recorded_on")


def dated_filterset(data):
    """For pages other than the list (dashboard, pledge pages): the list's
    FilterSet bound to just ``as_of`` and ``recorded_on``, so a bad date gets
    the list's message. Returns ``(filterset, errors)`` as valid_filterset()."""
    data = data.copy()
    for name in list(data):
        if name not in DATE_PARAMETERS:
            del data[name]
    return valid_filterset(data)


class UpdateDatesFilterSet(django_filters.FilterSet):
    """``?from=`` and ``?to=``: updates dated within the two days, both
    included. The one FilterSet of /changes/, and the date filter of the
    updates feed and the updates CSV."""

    class Meta:
        model = StatusUpdate
        fields = []  # declared below: "from" is a Python keyword

    # The default range of /changes/: the last twelve months.
    DEFAULT_DAYS = 365

    def __init__(self, data=None, queryset=None, *, defaults=False, **kwargs):
        """With ``defaults``, a missing ``to`` is today and a missing ``from``
        the day after the same day a year earlier."""
        super().__init__(data, queryset, **kwargs)
        self.defaults = defaults

    def clean_range(self):
        data = self.form.cleaned_data
        start, end = data.get("from"), data.get("to")
        if self.defaults:
            end = end or timezone.localdate()
            start = start or end - timedelta(days=self.DEFAULT_DAYS - 1)
        return start, end

    @property
    def start(self):
        return self.clean_range()[0]

    @property
    def end(self):
        return self.clean_range()[1]

    def filter_range(self, queryset, name, value):
        return queryset  # applied together by filter_queryset()

    def filter_queryset(self, queryset):
        return queryset.dated_between(self.start, self.end)


def _date_filter(label, help_text):
    return django_filters.DateFilter(
        label=label,
        method="filter_range",
        widget=DateInput(),
        validators=[not_in_the_future],
        input_formats=["%Y-%m-%d"],
        error_messages={"invalid": _("Enter a date as YYYY-MM-DD.")},
        help_text=help_text,
    )


UpdateDatesFilterSet.base_filters["from"] = _date_filter(
    _("From"), _("The first day of the period, included.")
)
UpdateDatesFilterSet.base_filters["to"] = _date_filter(
    _("To"), _("The last day of the period, included.")
)


def valid_update_dates(data, defaults=False):
    """``(filterset, errors)``: the dates, validated, with ``from`` after
    ``to`` refused. Bad values are dropped as valid_filterset() drops them."""
    data = data.copy()
    for name in list(data):
        if name not in ("from", "to"):
            del data[name]
        else:
            data.setlist(name, [value for value in data.getlist(name) if value.strip()])
    filterset = UpdateDatesFilterSet(data, StatusUpdate.objects.all(), defaults=defaults)
    errors = {}
    if not filterset.is_valid():
        errors = {name: list(messages) for name, messages in filterset.errors.items()}
        for name in errors:
            data.pop(name, None)
        filterset = UpdateDatesFilterSet(data, StatusUpdate.objects.all(), defaults=defaults)
        filterset.is_valid()
    start, end = filterset.start, filterset.end
    if start and end and start > end:
        errors["from"] = [
            gettext(
                "The period starts on %(start)s, after it ends (%(end)s): "
                "give a “from” day on or before the “to” day."
            )
            % {"start": start.isoformat(), "end": end.isoformat()}
        ]
        data.pop("from", None)
        filterset = UpdateDatesFilterSet(data, StatusUpdate.objects.all(), defaults=defaults)
        filterset.is_valid()
    return filterset, errors
