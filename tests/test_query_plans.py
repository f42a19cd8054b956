"""The list page's filters and search are served by indexes on PostgreSQL.

Each test loads 2,000 pledges, makes the filter selective, and runs ANALYZE,
so that an index is the planner's own choice; sequential scans are also
turned off for the transaction, so a missing or mismatched index cannot hide
behind one."""

import pytest
from django.db import connection
from django.http import QueryDict

from tests.factories import make_pledge, make_update, populate
from tracker.filtersets import valid_filterset
from tracker.models import Pledge, Status, Theme

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="reads PostgreSQL plans (EXPLAIN)"
    ),
]


@pytest.fixture
def data():
    populate(2000, updates_per_pledge=1)  # dated 2004-2015: all stale, no "not started"
    rare = make_pledge(ref="rare-1.1", title="Quarantined zeppelins")
    make_update(rare, status=Status.NOT_STARTED, summary="Nothing about xylophones happened.")
    return rare


def plan(query_string):
    filterset, errors = valid_filterset(QueryDict(query_string))
    assert errors == {}
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE tracker_pledge, tracker_statusupdate, tracker_pledge_themes")
        cursor.execute("SET LOCAL enable_seqscan = off")
    return filterset.qs.explain()


def test_the_current_status_filter_uses_its_index(data):
    assert "pledge_status_order_idx" in plan("status=not_started")


def test_a_theme_and_status_filter_uses_both_indexes(data):
    theme = Theme.objects.order_by("pk").first()
    text = plan(f"theme={theme.slug}&status=not_started")
    assert "pledge_status_order_idx" in text
    assert "pledge_themes_theme_pledge_idx" in text


def test_a_status_filters_deep_page_and_count_read_the_index_alone(data):
    """A status filter counts commitments only (statement_kind), so the
    index holds the kind too: a deep page's ids (OFFSET) and the count are
    then read from it without fetching every matching row from the table,
    which at 100k pledges was most of a deep page's time (55 ms; 21)."""
    filterset, errors = valid_filterset(QueryDict("status=ongoing"))
    assert errors == {}
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE tracker_pledge")
        # Not enable_indexscan: it turns index-only scans off too.
        for scan in ("seqscan", "bitmapscan"):
            cursor.execute(f"SET LOCAL enable_{scan} = off")
    matches = filterset.qs.order_by("source_adopted", "paragraph", "ref")
    assert "statement_kind" in str(matches.query)  # what the index must cover
    deep_page = matches.values_list("pk", flat=True)[500:525]
    counted = filterset.qs.order_by().values("pk")  # what the count reads
    for queryset in (deep_page, counted):
        text = queryset.explain()
        assert "Index Only Scan using pledge_status_order_idx" in text, text


@pytest.mark.parametrize("words", ["zeppelins", "xylophones"])  # in the title; in an update
def test_search_reads_the_stored_document_through_its_gin_index(data, words):
    text = plan(f"q={words}")
    assert "pledge_search_document_idx" in text
    # Nothing rebuilds a vector at query time: rank and match read the columns.
    assert "to_tsvector" not in text


def test_the_stale_filter_uses_the_last_update_index(data):
    assert "pledge_last_update_idx" in plan("stale=no")


def test_the_plans_return_the_right_rows(data):
    """The same filters, run: the indexes give the right answer."""
    for query, expected in [
        ("status=not_started", {"rare-1.1"}),
        ("q=zeppelins", {"rare-1.1"}),
        ("q=xylophones", {"rare-1.1"}),
        ("stale=no", set(Pledge.objects.not_stale().values_list("ref", flat=True))),
    ]:
        filterset, _ = valid_filterset(QueryDict(query))
        assert set(filterset.qs.values_list("ref", flat=True)) == expected, query


def party_plan(queryset):
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE tracker_pledge, tracker_statusupdate, tracker_partymembership")
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_bitmapscan = off")
    return queryset.explain()


def test_a_party_pages_count_of_its_commitments_hashes_the_narrowings(data):
    """The scorecard's count over a text's pledges (and as of a day, which
    adds source_adopted) reads the narrowings once, hashed, rather than
    probing two correlated EXISTS per pledge. (Whether PostgreSQL then reads
    pledge_source_kind_idx alone depends on the visibility map, which only a
    VACUUM outside a transaction sets: bench/run.py measures that.)"""
    from tests.party_helpers import make_party

    source = Pledge.objects.order_by("pk").first().source
    party = make_party(source)
    applicable = Pledge.objects.applicable_to(party).commitments().order_by()
    for queryset in (applicable, applicable.filter(source_adopted__lte="2010-01-01")):
        text = party_plan(queryset.values("pk"))
        assert text.count("hashed SubPlan") == 2, text
        assert "EXISTS" not in text


def test_a_partys_feed_is_read_in_index_order(data):
    from tests.party_helpers import make_party
    from tracker import parties

    source = Pledge.objects.order_by("pk").first().source
    party = make_party(source)
    for pledge in Pledge.objects.filter(source=source)[:50]:
        make_update(pledge, actor=party)
    text = party_plan(parties.party_updates(party)[:10])
    assert "update_party_feed_idx" in text
    assert "Sort" not in text.split("update_party_feed_idx")[0].splitlines()[-1]
