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
from tracker.models import Actor, Instrument, SourceDocument, Theme, in_page_language, reading_order

# The kinds of term; each is also the name of the list's filter parameter.
KINDS = ("theme", "source", "actor", "instrument")

# The pledge's tag relations, each with the kind of term it holds.
TAG_KINDS = {"themes": "theme", "actors": "actor", "instruments": "instrument"}


@dataclass(frozen=True)
class Term:
    pk: int
    slug: str
    label: str
    lang: str  # the label's language ("fr" where a steward translated it)


class Vocabulary:
    """The terms of each kind in display order, looked up by slug."""

    def __init__(self, rows):
        """``rows``: (kind, pk, slug, label, lang) tuples, already in display order."""
        self.rows = rows = list(rows)
        self.terms = {kind: [] for kind in KINDS}
        for kind, pk, slug, label, lang in rows:
            self.terms[kind].append(Term(pk, slug, label, lang))
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
    """Every term in one query, labelled in the active language (the cache
    keeps one vocabulary per language); each kind in its model's own order
    (themes, actors and instruments by name, sources by adoption date)."""

    def terms(model, kind, label, sort, translated=None):
        return (
            model.objects.order_by()
            .annotate(
                term_kind=Value(kind, output_field=CharField()),
                term_sort=Cast(sort, CharField()),
                term_label=F(label),
                term_label_fr=F(translated) if translated else Value("", CharField()),
            )
            .values_list("term_kind", "term_sort", "pk", "slug", "term_label", "term_label_fr")
        )

    union = (
        terms(Theme, "theme", "name", "name", translated="name_fr")
        .union(
            terms(SourceDocument, "source", "short_title", "date_adopted"),
            terms(Actor, "actor", "name", "name"),
            terms(Instrument, "instrument", "name", "name"),
            all=True,
        )
        .order_by("term_kind", "term_sort", "slug")
    )
    rows = []
    for kind, _sort, pk, slug, english, french in union:
        label = in_page_language(english, french)
        rows.append((kind, pk, slug, str(label), label.lang))
    # Themes in the order of their names as the page shows them.
    rows.sort(key=lambda row: (row[0], reading_order(row[3]) if row[0] == "theme" else ""))
    return Vocabulary(rows)


def current():
    # "v2": its rows gained the label's language (a stored v1 would not load).
    return cached("vocabulary-v2", load)
