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


def test_french_pages_show_a_themes_french_wording_where_a_steward_wrote_one(client):
    rights = make_theme(slug="human-rights", name="Human rights", description="Rights first.")
    rights.name_fr, rights.description_fr = "Droits de l’homme", "Les droits d’abord."
    rights.save()
    make_theme(slug="information-sharing", name="Information sharing", description="Sharing.")
    make_theme(slug="capacity", name="Capacity building", description="Building.")
    pledge = make_pledge(ref="asem-2002-1.1", themes=[rights])
    make_update(pledge, status=Status.ONGOING)

    french = client.get("/fr/themes/").text
    assert '<a href="/fr/pledges/?theme=human-rights" lang="fr">Droits de l’homme</a>' in french
    assert '<p lang="fr">Les droits d’abord.</p>' in french
    # Untranslated: the English name, marked as English.
    assert 'lang="en">Information sharing</a>' in french
    # Filed by the name the page shows: « Droits » between "Capacity" and "Information".
    assert french.index("Capacity building") < french.index("Droits de l’homme")
    assert french.index("Droits de l’homme") < french.index("Information sharing")

    listing = client.get("/fr/pledges/?theme=human-rights").text
    assert '<span lang="fr">Droits de l’homme</span>' in listing  # the facet and the table
    assert '<strong lang="fr">Droits de l’homme</strong>' in listing  # the active filter
    detail = client.get("/fr/pledges/asem-2002-1.1/").text
    assert 'lang="fr">Droits de l’homme</a>' in detail

    english = client.get("/themes/").text
    assert "Droits" not in english and 'lang="en">Human rights</a>' in english
    assert "Droits" not in client.get("/pledges/?theme=human-rights").text
