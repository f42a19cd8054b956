"""/trends/: pledges in each status at the end of each year, per source and
per theme, as an SVG chart with a table and a CSV. Every count must equal what
the one rule, Pledge.objects.as_of(31 December), gives for that year."""

from collections import Counter
from datetime import date
from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from tests.factories import make_pledge, make_source, make_theme, make_update, populate
from tests.helpers import read_streamed_csv
from tracker import trends
from tracker.models import CONTEXT_COUNT, Pledge, SourceDocument, Status, Theme

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
