"""/themes/: each theme with its description, count, status bar and a link to
the filtered list."""

import pytest

from tests.factories import make_pledge, make_theme, make_update, populate
from tests.helpers import html_text
from tracker.models import Status

pytestmark = pytest.mark.django_db


def test_each_theme_links_to_the_list_filtered_by_it(client):
    theme = make_theme(slug="human-rights", name="Human rights", description="Rights first.")
    make_update(make_pledge(themes=[theme]), status=Status.ONGOING)
    response = client.get("/themes/")
    assert response.status_code == 200
    assert 'href="/pledges/?theme=human-rights"' in response.text
    assert "Rights first." in response.text
    assert "1 pledge<" in response.text
    assert html_text(response, 'ul[aria-label="Human rights, by status"]') == "Ongoing 1"
    assert "Of the 1 commitment on this theme, 1 (100%) has documented progress" in html_text(
        response, ".headline"
    )
    assert 'href="/themes/human-rights/feed/"' in response.text


def test_a_theme_without_pledges_says_so(client):
    make_theme(name="Unused")
    response = client.get("/themes/")
    assert "0 pledges" in response.text and "No pledges" in response.text


@pytest.mark.parametrize("pledge_count", [10, 200])
def test_query_count_does_not_grow_with_the_data(
    client, django_assert_max_num_queries, pledge_count
):
    populate(pledge_count)
    # +1: the footer lists the sources from the database (issue 19).
    with django_assert_max_num_queries(3):
        assert client.get("/themes/").status_code == 200


def test_the_status_legend_lists_every_status(client):
    response = client.get("/themes/")
    legend = response.text.split('aria-label="Status colours"', 1)[1].split("</ul>", 1)[0]
    assert legend.count("<li>") == len(Status)
    assert all(str(status.label) in legend for status in Status)
