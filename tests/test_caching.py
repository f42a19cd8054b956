"""The dashboard and facet counts come from the shared cache when there is
one, and every committed write invalidates them."""

from datetime import date
from pathlib import Path

import pytest

from tests.factories import make_pledge, make_theme, make_update, make_user, populate
from tests.helpers import settings_value
from tracker import caching
from tracker.models import Status

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parent.parent


def test_a_cached_dashboard_runs_no_query(client, shared_cache, django_assert_num_queries):
    populate(20)
    client.get("/")
    with django_assert_num_queries(0):
        assert client.get("/").status_code == 200


def test_a_committed_write_invalidates_the_dashboard(
    client, shared_cache, django_capture_on_commit_callbacks
):
    pledge = make_pledge(title="Watched pledge")
    assert "Fresh news" not in client.get("/").text
    with django_capture_on_commit_callbacks(execute=True):
        make_update(pledge, summary="Fresh news", as_of=date(2020, 1, 1))
    assert "Fresh news" in client.get("/").text


def test_an_uncommitted_write_does_not_invalidate(client, shared_cache):
    """Invalidation waits for the commit, so nobody caches data that may roll back."""
    pledge = make_pledge()
    client.get("/")
    make_update(pledge, summary="Not yet committed", as_of=date(2020, 1, 1))
    assert "Not yet committed" not in client.get("/").text


def test_facets_are_cached_per_filter_set(client, shared_cache, django_capture_on_commit_callbacks):
    theme = make_theme(slug="rights")
    make_pledge(themes=[theme])
    first = client.get("/pledges/?theme=rights")
    repeat = client.get("/pledges/?theme=rights&page=1&ordering=-ref")
    assert repeat.context["facets"] == first.context["facets"]
    with django_capture_on_commit_callbacks(execute=True):
        make_pledge(themes=[theme])
    counts = {o["value"]: o["count"] for o in client.get("/pledges/").context["facets"]["theme"]}
    assert counts["rights"] == 2


def test_an_m2m_change_invalidates(client, shared_cache, django_capture_on_commit_callbacks):
    theme = make_theme(slug="rights")
    pledge = make_pledge()
    assert client.get("/pledges/").context["facets"]["theme"][0]["count"] == 0
    with django_capture_on_commit_callbacks(execute=True):
        pledge.themes.add(theme)
    assert client.get("/pledges/").context["facets"]["theme"][0]["count"] == 1


def settings_with(**env):
    return settings_value("s.CACHES['default']['BACKEND']", DEBUG="true", **env)


def test_redis_url_selects_djangos_redis_cache():
    result = settings_with(REDIS_URL="redis://127.0.0.1:6379/1")
    assert result.stdout.strip() == "django.core.cache.backends.redis.RedisCache"
    assert settings_with().stdout.strip() == "django.core.cache.backends.dummy.DummyCache"
    bad = settings_with(REDIS_URL="localhost:6379")
    assert bad.returncode != 0 and "REDIS_URL" in bad.stderr.splitlines()[-1]


def test_the_dashboard_through_a_real_redis(client, own_redis, django_capture_on_commit_callbacks):
    """Through a redis-server of the test's own: the shared one is never
    flushed by a test."""
    pledge = make_pledge()
    client.get("/")
    assert own_redis.keys("*tracker:page:*")
    with django_capture_on_commit_callbacks(execute=True):
        make_update(pledge, summary="Seen through Redis", as_of=date(2020, 1, 1))
    assert "Seen through Redis" in client.get("/").text


def test_a_warm_filtered_list_runs_only_its_own_three_queries(
    client, shared_cache, django_assert_num_queries
):
    """Vocabulary and facets (which give the count) come from the cache: what
    is left is the page's ids, its rows and their themes. (The messages
    cookie keeps the whole-page cache out of it, as for a visitor with a
    flash message.)"""
    data = populate(30)
    url = f"/pledges/?theme={data['themes'][0].slug}&actor={data['actors'][0].slug}"
    client.cookies["messages"] = ""
    client.get(url)
    with django_assert_num_queries(3):
        response = client.get(url)
    assert response.context["page"].paginator.count > 0


def test_a_new_or_renamed_term_reaches_the_filters_at_once(
    client, shared_cache, django_capture_on_commit_callbacks
):
    data = populate(5)
    client.get("/pledges/")  # caches the vocabulary
    with django_capture_on_commit_callbacks(execute=True):
        make_theme(slug="new-theme", name="A new theme")
        actor = data["actors"][0]
        actor.name = "Renamed actor"
        actor.save()
    response = client.get(f"/pledges/?theme=new-theme&actor={actor.slug}")
    assert response.context["filter_errors"] == {}
    assert "A new theme" in response.text
    assert f'<option value="{actor.slug}" selected>Renamed actor</option>' in response.text


# --- whole public pages for visitors who are not signed in -------------------------


def test_a_public_page_is_served_again_without_a_query(
    client, shared_cache, django_assert_num_queries
):
    data = populate(10)
    url = f"/pledges/?theme={data['themes'][0].slug}"
    first = client.get(url)
    with django_assert_num_queries(0):
        again = client.get(url)
    assert again.status_code == 200
    assert again.content == first.content
    # The security headers are the middleware's, on a stored page too.
    assert again["Content-Security-Policy"] == first["Content-Security-Policy"]


def test_a_committed_write_retires_stored_pages(
    client, shared_cache, django_capture_on_commit_callbacks
):
    pledge = make_pledge(ref="cache-1.1", title="Before the edit")
    assert "Before the edit" in client.get(pledge.get_absolute_url()).text
    with django_capture_on_commit_callbacks(execute=True):
        pledge.title = "After the edit"
        pledge.save()
    assert "After the edit" in client.get(pledge.get_absolute_url()).text


def test_each_url_is_its_own_page(client, shared_cache):
    make_pledge(ref="a-1.1", title="Alpha")
    make_pledge(ref="b-1.1", title="Bravo")
    assert "Bravo" not in client.get("/pledges/?q=alpha").text
    assert "Alpha" not in client.get("/pledges/?q=bravo").text


def test_a_signed_in_visitor_never_gets_or_leaves_a_stored_page(
    client, shared_cache, reporter, django_assert_max_num_queries
):
    pledge = make_pledge(ref="cache-1.1")
    anonymous = client.get(pledge.get_absolute_url()).text
    client.force_login(reporter)
    own = client.get(pledge.get_absolute_url()).text
    assert own != anonymous  # the signed-in header, and the update link
    assert "Sign out" in own and "Sign out" not in anonymous
    client.logout()
    assert client.get(pledge.get_absolute_url()).text == anonymous


def test_a_visitor_with_a_message_gets_a_fresh_page(client, shared_cache):
    """Flash messages travel in the messages cookie (or the session): such a
    request is rendered, never served from or stored in the page cache."""
    client.get("/pledges/")
    client.cookies["messages"] = "anything"
    response = client.get("/pledges/")
    assert response.status_code == 200
    assert response.context is not None  # rendered, not replayed


def test_only_complete_pages_are_stored(client, shared_cache):
    assert client.get("/pledges/no-such-1.1/").status_code == 404
    make_pledge(ref="no-such-1.1")
    assert client.get("/pledges/no-such-1.1/").status_code == 200


def test_made_up_parameters_are_rendered_not_stored(
    client, shared_cache, django_assert_max_num_queries
):
    """Only a page's own parameters are cached, so random ones cannot fill the
    cache with copies of it."""
    client.get("/pledges/?utm_source=x")
    with django_assert_max_num_queries(50) as captured:
        client.get("/pledges/?utm_source=x")
    assert len(captured) > 0


def test_the_same_filters_in_another_order_are_the_same_page(
    client, shared_cache, django_assert_num_queries
):
    populate(5)
    client.get("/pledges/?status=ongoing&timeframe=long_term&q=")
    with django_assert_num_queries(0):
        client.get("/pledges/?timeframe=long_term&status=ongoing")


def test_one_parameters_values_in_another_order_are_another_page(client, shared_cache):
    """A one-value filter reads the last value given, so the order of one
    parameter's values is part of the page (the order of parameters is not)."""
    populate(5)
    later = client.get("/pledges/?as_of=2004-01-01&as_of=2010-12-31")
    earlier = client.get("/pledges/?as_of=2010-12-31&as_of=2004-01-01")
    assert "31 December 2010" in later.text and "31 December 2010" not in earlier.text
    assert "1 January 2004" in earlier.text


def test_a_stored_page_varies_on_cookie_like_a_fresh_one(client, shared_cache):
    fresh = client.get("/themes/")
    stored = client.get("/themes/")
    assert "Cookie" in fresh["Vary"] and "Cookie" in stored["Vary"]


def test_a_renamed_author_reaches_stored_pages(
    client, shared_cache, django_capture_on_commit_callbacks
):
    author = make_user("ada", first_name="Ada", last_name="Byron")
    pledge = make_pledge(ref="named-1.1")
    make_update(pledge, author=author, as_of=date(2020, 1, 1))
    assert "Ada Byron" in client.get(pledge.get_absolute_url()).text
    with django_capture_on_commit_callbacks(execute=True):
        author.last_name = "Lovelace"
        author.save()
    assert "Ada Lovelace" in client.get(pledge.get_absolute_url()).text


def test_cached_summaries_roll_over_at_midnight(client, shared_cache, monkeypatch):
    """What is stale depends on the date: the keys carry it."""

    first = caching.generation()
    monkeypatch.setattr(caching.timezone, "localdate", lambda: date(2999, 1, 1))
    assert caching.generation() != first


@pytest.mark.django_db
def test_the_vocabulary_survives_the_cache_as_its_rows():
    """Every request loads the cached vocabulary: it is pickled as plain
    rows and rebuilt, with the same terms and lookups."""
    import pickle

    from tests.factories import make_actor, make_theme
    from tracker import vocabulary

    make_theme(name="Borders")
    make_actor(name="Interpol")
    original = vocabulary.load()
    restored = pickle.loads(pickle.dumps(original))
    assert restored.terms == original.terms
    assert restored.by_slug == original.by_slug
    assert b"Term" not in pickle.dumps(original)


def test_a_partys_scorecard_is_kept_until_the_record_changes(
    client, shared_cache, django_assert_num_queries, django_capture_on_commit_callbacks
):
    """The scorecard's two counts over the party's pledges (today and as of a
    day) come from the cache when warm; the next update retires them."""
    from tests.party_helpers import text_with_parties

    _, (party, _), pledges = text_with_parties(pledge_count=4)
    client.cookies["messages"] = ""  # past the whole-page cache
    for query, warm in (("", 5), ("?as_of=2005-12-31", 6)):
        url = f"/parties/{party.slug}/{query}"
        client.get(url)
        # Cold, 8 (9 as of a day: tests/test_party_detail.py); warm, the
        # scorecard's two counts and the footer's sources are not run again.
        with django_assert_num_queries(warm):
            client.get(url)
    before = client.get(f"/parties/{party.slug}/").context["scorecard"]
    with django_capture_on_commit_callbacks(execute=True):
        make_update(pledges[3], actor=party, status=Status.ONGOING)
    after = client.get(f"/parties/{party.slug}/").context["scorecard"]
    assert after.with_progress == before.with_progress + 1


def test_cached_summaries_hold_no_lazy_translations(client, shared_cache):
    """What the pages keep in the cache holds plain strings: a lazy
    translation is rebuilt on every read (unpickling one makes its class
    anew), which the list page's sixteen status words made a tenth of its
    time. Words in a summary are safe as plain strings because the key names
    the language (caching.cached)."""
    from tests.party_helpers import text_with_parties

    source, (party, _), pledges = text_with_parties(pledge_count=4)
    theme = make_theme(slug="rights")
    pledges[0].themes.add(theme)
    client.cookies["messages"] = ""  # the summaries behind the pages, not the pages
    for prefix in ("", "/fr"):
        for path in (
            "/",
            "/pledges/?status=ongoing&theme=rights",
            f"/pledges/?source={source.slug}&as_of=2010-12-31",
            f"/parties/{party.slug}/",
            f"/parties/{party.slug}/?as_of=2010-12-31",
            f"/matrix/?source={source.slug}",
            "/changes/?from=2000-01-01&to=2026-01-01",
            "/trends/?theme=rights",
            f"/sources/{source.slug}/",
            "/themes/",
        ):
            assert client.get(prefix + path).status_code == 200, prefix + path
    stored = dict(shared_cache._cache)
    assert any(b":facets:" in key.encode() for key in stored)  # the tour reached them
    lazy = [key for key, value in stored.items() if b"_lazy_proxy_unpickle" in value]
    assert lazy == []
