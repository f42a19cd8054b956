"""Redis is a cache, not a dependency: with the cache stopped, frozen or
read-only, every page renders from the database, sign-in works, and a write
that committed is answered as a success. Each test runs its own
redis-server (tests/redis_server.py) and breaks that one.

Transactional tests: the writes commit for real, so the cache invalidation
runs after the commit inside the request, as in production."""

import logging
import threading
from datetime import date

import pytest
from django.test import Client
from django.urls import reverse

from tests.factories import make_assessor, make_pledge, make_theme, make_update
from tracker import caching
from tracker.models import StatusUpdate
from tracker.roles import ensure_groups

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "correct-horse-battery-staple"


@pytest.fixture
def site():
    ensure_groups()  # the flush of an earlier transactional test removed them
    theme = make_theme(slug="rights", name="Human rights")
    pledge = make_pledge(ref="cache-1.1", title="Watched pledge", themes=[theme])
    make_update(pledge, summary="Old news", as_of=date(2010, 1, 1))
    assessor = make_assessor("ada")
    return {"pledge": pledge, "assessor": assessor}


def public_urls(pledge):
    return ["/", "/pledges/", "/pledges/?theme=rights", "/themes/", pledge.get_absolute_url()]


def visitor():
    # A 500 must come back as a response, so the test sees what a user sees.
    return Client(raise_request_exception=False)


def warm(pledge):
    for url in public_urls(pledge):
        assert visitor().get(url).status_code == 200


def sign_in(client):
    return client.post(reverse("login"), {"username": "ada", "password": PASSWORD})


def post_update(client, pledge, summary):
    return client.post(
        reverse("update-create", args=[pledge.ref]),
        {
            "status": "complete",
            "as_of": "2020-02-02",
            "kind": "independent_assessment",
            "summary": summary,
            "evidence_url": "https://example.org/evidence",
        },
        follow=True,
    )


def assert_write_answered_as_stored(response, summary):
    assert response.status_code == 200, response.status_code
    assert "Logged “Complete” as of 02 February 2020" in response.text
    assert StatusUpdate.objects.filter(summary=summary).count() == 1


def test_with_redis_stopped_pages_render_sign_in_works_and_writes_succeed(site, own_redis):
    pledge = site["pledge"]
    warm(pledge)
    assert own_redis.keys("*tracker:page:*"), "pages were cached while Redis was up"
    own_redis.stop()

    for url in public_urls(pledge):
        response = visitor().get(url)
        assert response.status_code == 200, url
    assert "Old news" in visitor().get(pledge.get_absolute_url()).text

    writer = visitor()
    assert sign_in(writer).status_code == 302
    response = post_update(writer, pledge, "Logged while Redis was down")
    assert_write_answered_as_stored(response, "Logged while Redis was down")
    assert "Logged while Redis was down" in visitor().get(pledge.get_absolute_url()).text


def test_a_frozen_redis_costs_one_timeout_then_is_left_alone(site, own_redis, caplog, monkeypatch):
    """SIGSTOP: connections are accepted, nothing is answered. The socket
    timeout ends the first call; the process then leaves the cache alone
    for a few seconds instead of waiting on every call."""
    pledge = site["pledge"]
    warm(pledge)
    # However slow this machine is, the requests below fall in one pause.
    monkeypatch.setattr(caching, "RETRY_AFTER", 600)
    own_redis.freeze()
    outcomes = []

    def browse():
        writer = visitor()
        outcomes.append(sign_in(writer).status_code)
        outcomes.append(post_update(writer, pledge, "Logged while Redis was frozen").status_code)
        outcomes.extend(visitor().get(url).status_code for url in public_urls(pledge))

    with caplog.at_level(logging.WARNING, logger="tracker.caching"):
        # Without socket timeouts this waits for as long as Redis is frozen.
        thread = threading.Thread(target=browse)
        thread.start()
        thread.join(timeout=30)
        own_redis.thaw()
        thread.join(timeout=10)
    assert outcomes == [302, 200] + [200] * len(public_urls(pledge))
    assert StatusUpdate.objects.filter(summary="Logged while Redis was frozen").count() == 1
    failures = [r for r in caplog.records if "The cache failed" in r.getMessage()]
    assert len(failures) == 1, [r.getMessage() for r in failures]
    assert "TimeoutError" in failures[0].getMessage()


def test_a_read_only_redis_never_hides_a_committed_write(site, own_redis):
    """The data version cannot be replaced while Redis refuses writes: the
    writing process renders from the database until it can, and replaces it
    as soon as Redis takes writes again, so nobody is served the old page."""
    pledge = site["pledge"]
    warm(pledge)
    own_redis.read_only()

    writer = visitor()
    assert sign_in(writer).status_code == 302
    response = post_update(writer, pledge, "Logged while Redis was read-only")
    assert_write_answered_as_stored(response, "Logged while Redis was read-only")
    for url in public_urls(pledge):
        assert visitor().get(url).status_code == 200, url
    assert "Logged while Redis was read-only" in visitor().get(pledge.get_absolute_url()).text

    own_redis.read_only(False)
    caching.health.resting_until = 0  # as if the pause had passed
    page = visitor().get(pledge.get_absolute_url())
    assert "Logged while Redis was read-only" in page.text
    assert not caching.health.version_change_owed


def test_nothing_is_stored_for_longer_than_the_documented_bound(site, own_redis):
    """The bound on a stale page when an invalidation failed on every server."""
    warm(site["pledge"])
    keys = [k for k in own_redis.keys("*tracker:*") if b"data-version" not in k]
    assert keys
    assert all(0 < own_redis.admin.ttl(key) <= caching.CACHE_TIMEOUT for key in keys)
    assert caching.CACHE_TIMEOUT <= 60


def test_the_configured_client_times_out_in_a_fraction_of_a_second(settings):
    from tracker.settings import redis_caches

    options = redis_caches("redis://127.0.0.1:1/0")["default"]["OPTIONS"]
    assert 0 < options["socket_timeout"] <= 0.5
    assert 0 < options["socket_connect_timeout"] <= 0.5
