"""Site plumbing (issue 19): /sitemap.xml, /robots.txt, /healthz, the icon, the
OpenGraph and Twitter card tags, Cache-Control on every page, the footer
built from the sources in the database, and which downloads carry a BOM."""

import json
import re
import xml.etree.ElementTree as ET

import pytest
from django.contrib.staticfiles import finders
from django.db import DatabaseError

from tests.factories import make_pledge, make_source, make_user
from tests.party_helpers import text_with_parties

pytestmark = pytest.mark.django_db

SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


def test_the_sitemap_lists_the_pages_pledges_texts_and_parties(client):
    source, (party, _), pledges = text_with_parties()
    response = client.get("/sitemap.xml")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/xml")
    locations = {loc.text for loc in ET.fromstring(response.content).iter(f"{SITEMAP}loc")}
    base = "http://testserver"
    for path in ("/", "/pledges/", "/themes/", "/trends/", "/methodology/", "/parties/"):
        assert base + path in locations
    assert base + pledges[0].get_absolute_url() in locations
    assert base + source.get_absolute_url() in locations
    assert base + party.get_absolute_url() in locations


def test_robots_txt_points_to_the_sitemap(client):
    response = client.get("/robots.txt")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    lines = response.content.decode().splitlines()
    assert "User-agent: *" in lines and "Disallow: /admin/" in lines
    assert "Sitemap: http://testserver/sitemap.xml" in lines


def test_favicon_ico_leads_to_the_icon_every_page_names(client):
    page = client.get("/").content.decode()
    icon = re.search(r'<link rel="icon" href="([^"]+)" type="image/svg\+xml">', page)
    assert icon, "the page names no icon"
    response = client.get("/favicon.ico")
    assert response.status_code == 302  # the hashed name changes with the file
    assert response["Location"] == icon.group(1)
    # The file it names is a drawing (no script, no external reference).
    drawing = ET.parse(finders.find("img/favicon.svg")).getroot()
    assert drawing.tag == "{http://www.w3.org/2000/svg}svg"
    assert not [e for e in drawing.iter() if e.tag.endswith(("script", "image", "use"))]
    assert client.post("/favicon.ico").status_code == 405


def test_healthz_answers_200_when_the_database_answers(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {
        "status": "ok",
        "database": "yes",
        "cache": "no",  # none configured in the tests
        "cache_configured": False,
    }
    assert response["Cache-Control"] == "no-store"


def test_healthz_is_503_when_the_database_fails(client, monkeypatch):
    from tracker import plumbing

    class BrokenConnection:
        def cursor(self):
            raise DatabaseError("connection refused")

    monkeypatch.setattr(plumbing, "connection", BrokenConnection())
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["database"] == "no" and response.json()["status"] == "unavailable"


def test_healthz_says_whether_the_cache_answers_without_failing_on_it(client, own_redis):
    assert client.get("/healthz").json()["cache"] == "yes"
    own_redis.stop()
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json()["cache"] == "no" and response.json()["cache_configured"] is True


def test_pages_carry_opengraph_and_twitter_card_tags(client):
    pledge = make_pledge(ref="og-2002-1", title="Share this pledge")
    text = client.get(pledge.get_absolute_url()).text
    assert '<meta property="og:title" content="og-2002-1: Share this pledge">' in text
    assert '<meta property="og:type" content="article">' in text
    assert '<meta property="og:url" content="http://testserver/pledges/og-2002-1/">' in text
    assert '<meta name="twitter:card" content="summary">' in text
    assert '<meta property="og:description" content="We pledge to do the first thing.' in text
    assert (
        '<meta property="og:title" content="Are the pledges being kept?">' in client.get("/").text
    )


def test_anonymous_pages_may_be_cached_for_a_minute(client):
    make_pledge()
    for path in ("/", "/pledges/", "/themes/", "/methodology/", "/pledges/export.csv"):
        response = client.get(path)
        assert response["Cache-Control"] == "public, max-age=60", path
        assert "Cookie" in response["Vary"]


def test_signed_in_pages_forms_and_errors_are_not_stored(client):
    make_pledge()
    assert "no-store" in client.get("/accounts/login/")["Cache-Control"]
    assert client.get("/no-such-page/")["Cache-Control"] == "private, no-store"
    client.force_login(make_user())
    for path in ("/", "/pledges/"):
        cache_control = client.get(path)["Cache-Control"]
        assert "private" in cache_control and "no-store" in cache_control, path
        assert "public" not in cache_control


def test_the_footer_lists_the_sources_in_the_database(client):
    make_source(title="A declaration added today", url="https://www.example.org/new")
    text = client.get("/methodology/").text
    footer = text[text.index('<footer class="site-footer">') :]
    assert "A declaration added today" in footer
    assert 'href="https://www.example.org/new"' in footer
    assert "1 international text." in footer


def test_json_and_ndjson_carry_no_byte_order_mark(client):
    make_pledge()
    ndjson = b"".join(client.get("/api/v1/export/pledges.ndjson").streaming_content)
    assert not ndjson.startswith(b"\xef\xbb\xbf")
    page = client.get("/api/v1/pledges/")
    assert not page.content.startswith(b"\xef\xbb\xbf")
    json.loads(page.content)
    citation = client.get(f"/pledges/{make_pledge().ref}/cite.json").content
    assert not citation.startswith(b"\xef\xbb\xbf")
