"""/api/v1/sources/, /sources/<slug>/, /themes/, /actors/ and /instruments/."""

from datetime import date

import pytest

from tests.api_helpers import assert_documented
from tests.factories import make_actor, make_instrument, make_pledge, make_source, make_theme
from tracker.models import Paragraph

pytestmark = pytest.mark.django_db


def get(client, url, params=None):
    response = client.get(url, params or {})
    assert response.status_code == 200, response.content
    return assert_documented(response)


def test_sources_are_listed_in_order_of_adoption(client):
    make_source(slug="hlm5-2003", date_adopted=date(2003, 7, 29))
    make_source(slug="asem-2002", date_adopted=date(2002, 9, 24), url="https://example.org/asem")
    data = get(client, "/api/v1/sources/")
    assert [s["slug"] for s in data["results"]] == ["asem-2002", "hlm5-2003"]
    first = data["results"][0]
    assert first["official_url"] == "https://example.org/asem"
    assert first["api_url"] == "http://testserver/api/v1/sources/asem-2002/"
    assert first["pledges_url"] == "http://testserver/api/v1/pledges/?source=asem-2002"
    assert "text" not in first


def test_a_source_has_its_paragraphs_in_order(client):
    source = make_source(slug="asem-2002", with_paragraphs=False, preamble="The leaders met.")
    Paragraph.objects.create(document=source, number=2, text="Second.", section="Further work")
    Paragraph.objects.create(document=source, number=1, text="First.")
    data = get(client, "/api/v1/sources/asem-2002/")
    assert data["preamble"] == "The leaders met."
    assert data["paragraphs"] == [
        {
            "number": 1,
            "section": "",
            "text": "First.",
            "url": "http://testserver/sources/asem-2002/#p1",
        },
        {
            "number": 2,
            "section": "Further work",
            "text": "Second.",
            "url": "http://testserver/sources/asem-2002/#p2",
        },
    ]


def test_an_unknown_source_is_a_404(client):
    response = client.get("/api/v1/sources/nope/")
    assert response.status_code == 404
    assert_documented(response)


def test_themes_actors_and_instruments_link_to_their_pledges(client):
    theme = make_theme(slug="rights", name="Human rights")
    actor = make_actor(slug="asean", name="ASEAN")
    instrument = make_instrument(slug="unscr-1373", name="Resolution 1373", year=2001)
    make_pledge(themes=[theme], actors=[actor], instruments=[instrument])
    [theme_item] = get(client, "/api/v1/themes/")["results"]
    assert theme_item["pledges_url"] == "http://testserver/api/v1/pledges/?theme=rights"
    [actor_item] = get(client, "/api/v1/actors/")["results"]
    assert actor_item["kind_label"] == "Group of states"
    assert actor_item["pledges_url"].endswith("?actor=asean")
    [item] = get(client, "/api/v1/instruments/")["results"]
    assert (item["symbol"], item["year"]) == (instrument.symbol, 2001)
    # Each link gives the pledges it names.
    assert len(get(client, item["pledges_url"])["results"]) == 1


@pytest.mark.parametrize("url", ["/api/v1/themes/", "/api/v1/sources/"])
def test_a_parameter_on_an_unfiltered_list_is_a_400(client, url):
    response = client.get(url, {"name": "x"})
    assert response.status_code == 400
    assert assert_documented(response)["errors"] == {
        "name": ["This API does not know this parameter."]
    }


def test_each_vocabulary_is_one_query(client, django_assert_num_queries):
    make_theme()
    make_actor()
    for url in ("/api/v1/themes/", "/api/v1/actors/", "/api/v1/instruments/", "/api/v1/sources/"):
        with django_assert_num_queries(1):
            get(client, url)
