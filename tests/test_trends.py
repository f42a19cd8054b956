"""/trends/: pledges in each status at the end of each year, per source, per
theme and per party (its cells), as an SVG chart with a table and a CSV. Every
count must equal what the one rule, Pledge.objects.as_of(31 December) or, per
party, party_cells(31 December), gives for that year."""

from collections import Counter
from datetime import date
from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from tests.factories import make_pledge, make_source, make_theme, make_update, populate
from tests.helpers import read_streamed_csv
from tests.party_helpers import text_with_parties
from tracker import parties as parties_module
from tracker import trends
from tracker.models import (
    CELL_STATUS_LABELS,
    CONTEXT_COUNT,
    Actor,
    Pledge,
    SourceDocument,
    Status,
    StatusUpdate,
    Theme,
)

pytestmark = pytest.mark.django_db

URL = reverse("trends")


def expected(day, **filters):
    """The rule's counts on ``day`` (as_of itself, not the trend code)."""
    counts = dict.fromkeys(Status.values, 0)
    # Commitments only: context has no status and is in no statistic.
    pledges = Pledge.objects.commitments().filter(**filters)
    counts.update(Counter(pledges.as_of(day).values_list("status_on", flat=True)))
    return counts


def assert_trends_follow_the_rule():
    today = timezone.localdate()
    groups = [("all", None, {})]
    groups += [("source", s, {"source": s}) for s in SourceDocument.objects.all()]
    groups += [("theme", t, {"themes": t}) for t in Theme.objects.all()]
    checked = 0
    for grouping, group, filters in groups:
        for row in trends.trend(grouping, group).rows:
            day = today if row["year"] == today.year else date(row["year"], 12, 31)
            assert row["day"] == day
            assert row["counts"] == expected(day, **filters), (grouping, group, row["year"])
            checked += row["total"]
    assert checked > 0


def test_the_counts_follow_the_rule_on_the_shipped_record():
    call_command("loaddata", "pledges", "history", verbosity=0)
    assert_trends_follow_the_rule()


def test_the_counts_follow_the_rule_on_generated_data():
    call_command("generate_synthetic", pledges=250, updates_per_pledge=6, seed=7, stdout=StringIO())
    assert_trends_follow_the_rule()


def test_the_last_year_is_today_and_equals_the_current_statuses():
    populate(30)
    last = trends.trend("all").rows[-1]
    assert last["day"] == timezone.localdate()
    current = Pledge.objects.status_counts()
    assert current.pop(CONTEXT_COUNT) == 0
    assert last["counts"] == current


def test_a_pledge_counts_from_the_year_its_text_was_adopted():
    later = make_source(date_adopted=date(2003, 7, 30))
    make_pledge(source=later)
    rows = {row["year"]: row["total"] for row in trends.trend("all").rows}
    assert rows[2002] == 0
    assert rows[2003] == 1


def test_several_updates_in_one_year_count_once_with_the_last():
    theme = make_theme(slug="crime")
    pledge = make_pledge(themes=[theme])
    make_update(pledge, status=Status.LIMITED, as_of=date(2004, 2, 1))
    make_update(pledge, status=Status.SUBSTANTIAL, as_of=date(2004, 11, 1))
    make_update(pledge, status=Status.COMPLETE, as_of=date(2007, 1, 1))
    rows = {row["year"]: row["counts"] for row in trends.trend("theme", theme).rows}
    assert rows[2003][Status.NO_INFORMATION] == 1
    assert rows[2004][Status.SUBSTANTIAL] == 1
    assert rows[2004][Status.LIMITED] == 0
    assert rows[2006][Status.SUBSTANTIAL] == 1
    assert rows[2007][Status.COMPLETE] == 1
    assert trends.trend("theme", theme).rows[4]["progress"] == 1


def test_the_page_draws_an_accessible_svg_with_the_numbers_beside_it(client):
    theme = make_theme(slug="crime", name="Organized crime")
    pledge = make_pledge(themes=[theme])
    make_update(pledge, status=Status.LIMITED, as_of=date(2004, 2, 1))
    response = client.get(URL, {"theme": "crime"})
    assert response.status_code == 200
    html = response.text
    assert "<h1>Trends: Organized crime</h1>" in html
    assert '<svg class="trend-chart"' in html
    assert 'role="img" aria-labelledby="trend-title trend-desc"' in html
    assert "<title>2004: 1 limited</title>" in html
    assert "<script" not in html
    assert " style=" not in html  # the CSP allows no inline style
    table = response.context["trend"].rows
    assert [row["year"] for row in table][0] == 2002
    assert '<th scope="row"><a href="/?as_of=2004-12-31">2004</a></th>' in html


def test_an_unknown_group_says_so_and_shows_every_pledge(client):
    make_pledge()
    response = client.get(URL, {"theme": "nope"})
    assert response.status_code == 200
    assert "There is no theme “nope”." in response.text
    assert response.context["trend"].label == "Every pledge"


def test_the_csv_has_every_group_and_year(client):
    theme = make_theme(slug="crime")
    pledge = make_pledge(themes=[theme])
    make_update(pledge, status=Status.ONGOING, as_of=date(2005, 5, 5))
    rows = read_streamed_csv(client.get(reverse("trends-export-csv")))
    years = timezone.localdate().year - 2002 + 1
    groups = 1 + SourceDocument.objects.count() + Theme.objects.count()
    assert len(rows) == years * groups
    crime_2005 = next(r for r in rows if r["group"] == "crime" and r["year"] == "2005")
    assert crime_2005["ongoing"] == "1"
    assert crime_2005["as_of"] == "2005-12-31"
    assert crime_2005["with_progress"] == "1"


@pytest.mark.parametrize("pledge_count", [10, 120])
def test_the_page_runs_a_fixed_number_of_queries(client, django_assert_num_queries, pledge_count):
    data = populate(pledge_count)
    # The vocabulary; pledges per year of adoption; the spans of the updates;
    # the group itself.
    # +1: the footer lists the sources from the database (issue 19).
    with django_assert_num_queries(5):
        response = client.get(URL, {"theme": data["themes"][0].slug})
    assert response.status_code == 200


# --- per party: its cells, by the rule party_cells(31 December) ---------------------


def expected_cells(actor, day):
    """The party's cells on ``day`` by the rule (party_cells), over the
    commitments that apply to it and whose text was adopted by then."""
    applicable = Pledge.objects.commitments().applicable_to(actor).as_of(day)
    total = applicable.count()
    cells = StatusUpdate.objects.filter(
        actor=actor, pledge__in=applicable.values("pk")
    ).party_cells(day)
    counts = dict.fromkeys(CELL_STATUS_LABELS, 0)
    counts.update(Counter(cell.status for cell in cells.values()))
    counts[Status.NO_INFORMATION] += total - sum(counts.values())
    return counts


def assert_party_trends_follow_the_rule(parties):
    today = timezone.localdate()
    checked = 0
    for actor in parties:
        rows = trends.trend("party", actor).rows
        for row in rows:
            day = today if row["year"] == today.year else date(row["year"], 12, 31)
            assert row["counts"] == expected_cells(actor, day), (actor.slug, row["year"])
            checked += row["total"] - row["counts"][Status.NO_INFORMATION]
        # This year's bar is today's maintained cells, the party's scorecard.
        applicable = Pledge.objects.commitments().applicable_to(actor)
        assert rows[-1]["counts"] == parties_module.scorecard(actor, applicable).counts
    assert checked > 0  # some cells had information


def test_party_counts_follow_the_rule_on_the_shipped_record():
    call_command("loaddata", "pledges", "history", verbosity=0)
    call_command("loaddata", "parties", "party-history", verbosity=0)
    evidenced = Actor.objects.filter(party_statuses__isnull=False).distinct()
    assert_party_trends_follow_the_rule(evidenced[:6])


def test_party_counts_follow_the_rule_on_generated_data():
    call_command(
        "generate_synthetic",
        pledges=150,
        updates_per_pledge=2,
        parties=4,
        party_updates_per_pledge=4,
        seed=3,
        stdout=StringIO(),
    )
    assert_party_trends_follow_the_rule(Actor.objects.filter(party_memberships__isnull=False))


def test_a_party_chart_draws_its_cells_contested_included(client):
    source, (first, _), pledges = text_with_parties()
    response = client.get(URL, {"party": first.slug})
    assert response.status_code == 200
    html = response.text
    assert f"<h1>Trends: {first.name}</h1>" in html
    assert '<svg class="trend-chart"' in html and "<script" not in html
    assert " style=" not in html
    year = timezone.localdate().year
    assert f"<title>{year}: 1 contested</title>" in html
    assert "<title>2005: 1 limited</title>" in html  # pledge 1 not yet contested
    assert '<th scope="col">Contested</th>' in html
    row_2005 = next(r for r in response.context["trend"].rows if r["year"] == 2005)
    assert row_2005["counts"][Status.NOT_STARTED] == 1 and row_2005["progress"] == 1
    # Each year links to the party's page on that day; the CSV is the party's.
    assert f'<a href="/parties/{first.slug}/?as_of=2005-12-31">2005</a>' in html
    assert f"/trends/export.csv?party={first.slug}" in html


def test_an_unknown_party_says_so_and_shows_every_pledge(client):
    response = client.get(URL, {"party": "atlantis"})
    assert "There is no party “atlantis”." in response.text
    assert response.context["trend"].label == "Every pledge"
    assert client.get(reverse("trends-export-csv"), {"party": "atlantis"}).status_code == 400


def test_the_party_csv_has_its_years_with_the_cell_statuses(client):
    _, (first, _), _ = text_with_parties()
    rows = read_streamed_csv(client.get(reverse("trends-export-csv"), {"party": first.slug}))
    assert len(rows) == timezone.localdate().year - 2002 + 1
    assert rows[-1]["contested"] == "1" and rows[-1]["limited"] == "1"
    assert rows[-1]["total"] == "3" and rows[-1]["with_progress"] == "1"
    assert {row["group"] for row in rows} == {first.slug}


@pytest.mark.parametrize("pledge_count", [3, 80])
def test_a_party_chart_runs_a_fixed_number_of_queries(
    client, django_assert_num_queries, pledge_count
):
    _, (first, _), _ = text_with_parties(pledge_count=pledge_count)
    # The vocabulary; the party; its pledges per year of adoption; its updates;
    # +1: the footer's sources (issue 19).
    with django_assert_num_queries(5):
        assert client.get(URL, {"party": first.slug}).status_code == 200
