"""The tracker's vocabularies (themes, sources, actors and instruments) as one
small lookup table.

The pledge list, its exports and the API validate slugs against them, offer
them as options and label the active filters and facet counts with them.
They are a few dozen rows that change only when a steward edits one, so they
load in one UNION query, cached per data version (``tracker/caching.py``):
a list request validates its filters and draws its options without a query
per parameter.
"""

from dataclasses import dataclass

from django.db.models import CharField, F, Value
from django.db.models.functions import Cast

from tracker.caching import cached
from tracker.models import Actor, Instrument, SourceDocument, Theme

# The kinds of term; each is also the name of the list's filter parameter.
KINDS = ("theme", "source", "actor", "instrument")

# The pledge's tag relations, each with the kind of term it holds.
TAG_KINDS = {"themes": "theme", "actors": "actor", "instruments": "instrument"}


@dataclass(frozen=True)
class Term:
    pk: int
    slug: str
    label: str


class Vocabulary:
    """The terms of each kind in display order, looked up by slug."""

    def __init__(self, rows):
        """``rows``: (kind, pk, slug, label) tuples, already in display order."""
        self.rows = rows = list(rows)
        self.terms = {kind: [] for kind in KINDS}
        for kind, pk, slug, label in rows:
            self.terms[kind].append(Term(pk, slug, label))
        self.by_slug = {kind: {t.slug: t for t in terms} for kind, terms in self.terms.items()}

    def __reduce__(self):
        # Cached (and so pickled) as its rows, rebuilt on load: every request
        # loads it, and unpickling 300 frozen dataclasses and their lookup
        # dicts took 6 ms where plain tuples take a tenth of that.
        return (Vocabulary, (self.rows,))

    def choices(self, kind):
        return [(term.slug, term.label) for term in self.terms[kind]]

    def pks(self, kind, slugs):
        """The primary keys of validated ``slugs`` (a slug or a list of them)."""
        slugs = [slugs] if isinstance(slugs, str) else slugs
        return [self.by_slug[kind][slug].pk for slug in slugs]


def load():
    """Every term in one query; each kind in its model's own order (themes,
    actors and instruments by name, sources by adoption date)."""

    def terms(model, kind, label, sort):
        return (
            model.objects.order_by()
            .annotate(
                term_kind=Value(kind, output_field=CharField()),
                term_sort=Cast(sort, CharField()),
                term_label=F(label),
            )
            .values_list("term_kind", "term_sort", "pk", "slug", "term_label")
        )

    union = (
        terms(Theme, "theme", "name", "name")
        .union(
            terms(SourceDocument, "source", "short_title", "date_adopted"),
            terms(Actor, "actor", "name", "name"),
            terms(Instrument, "instrument", "name", "name"),
            all=True,
        )
        .order_by("term_kind", "term_sort", "slug")
    )
    return Vocabulary((kind, pk, slug, label) for kind, _sort, pk, slug, label in union)


def current():
    return cached("vocabulary", load)
