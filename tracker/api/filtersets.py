"""The filters of the API's status-update list (the pledge list's are
``tracker.filtersets.PledgeFilterSet``, shared with the site)."""

import django_filters
from django.utils.functional import SimpleLazyObject

from tracker.error_messages import DATE_FORMAT
from tracker.filtersets import VocabularyChoices
from tracker.models import Status, StatusUpdate, UpdateKind
from tracker.vocabulary import current as current_vocabulary


class StatusUpdateFilterSet(django_filters.FilterSet):
    pledge = django_filters.CharFilter(
        label="Pledge", field_name="pledge__ref", help_text="The updates of one pledge, by ref."
    )
    as_of_after = django_filters.DateFilter(
        label="As of on or after",
        field_name="as_of",
        lookup_expr="gte",
        error_messages={"invalid": DATE_FORMAT},
    )
    as_of_before = django_filters.DateFilter(
        label="As of on or before",
        field_name="as_of",
        lookup_expr="lte",
        error_messages={"invalid": DATE_FORMAT},
    )
    kind = django_filters.ChoiceFilter(
        label="Kind",
        choices=UpdateKind.choices,
        error_messages={"invalid_choice": "“%(value)s” is not a kind of update."},
    )
    status = django_filters.MultipleChoiceFilter(
        label="Status",
        choices=Status.choices,
        distinct=False,  # a plain column: no duplicate rows to remove
        error_messages={"invalid_choice": "“%(value)s” is not a status."},
    )
    party = django_filters.ChoiceFilter(
        label="Party",
        method="filter_party",
        help_text="Updates about one actor's part, by the actor's slug.",
        error_messages={"invalid_choice": "There is no actor “%(value)s”."},
    )
    withdrawn = django_filters.ChoiceFilter(
        label="Withdrawn",
        method="filter_withdrawn",
        choices=[("yes", "Withdrawn updates only"), ("no", "Updates that count only")],
    )

    class Meta:
        model = StatusUpdate
        fields = []  # every filter is declared above

    def __init__(self, data=None, queryset=None, **kwargs):
        super().__init__(data, queryset, **kwargs)
        self.vocabulary = SimpleLazyObject(current_vocabulary)
        self.filters["party"].extra["choices"] = VocabularyChoices(self, "actor")

    def filter_party(self, queryset, name, value):
        if not value:
            return queryset
        return queryset.filter(actor_id=self.vocabulary.by_slug["actor"][value].pk)

    def filter_withdrawn(self, queryset, name, value):
        if value == "yes":
            return queryset.filter(withdrawn_at__isnull=False)
        if value == "no":
            return queryset.recorded()
        return queryset
