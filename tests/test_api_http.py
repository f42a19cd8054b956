"""HTTP behaviour under /api/ (tracker.api.http): JSON errors, CORS for
public reads only, conditional GETs from the data version, and rate limits
per token and per address that hold, without a 500, when Redis is down."""

import socket
from datetime import date

import pytest
from django.core.cache import caches
from django.test import override_settings
from django.utils.http import http_date

from tests.factories import make_assessor, make_pledge, make_theme, make_update
from tracker.api import throttling
from tracker.api.models import ApiToken

pytestmark = pytest.mark.django_db

LOCMEM = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
RATES = {
    "anonymous": "2/minute",
    "token": "3/minute",
    "write": "60/minute",
    "export_anonymous": "1/hour",
    "export_token": "2/hour",
}


@pytest.fixture
def shared_cache():
    with override_settings(CACHES=LOCMEM):
        caches["default"].clear()
        throttling.local_counters.clear()
        yield caches["default"]
        caches["default"].clear()


@pytest.fixture
def low_rates(shared_cache):
    with override_settings(API_THROTTLE_RATES=RATES):
        yield


# --- JSON errors ----------------------------------------------------------------


@pytest.mark.parametrize(
    "path", ["/api/v1/no-such-thing/", "/api/nothing/", "/api/v1/pledges/x/y/"]
)
def test_an_unknown_address_is_a_json_404(client, path):
    response = client.get(path)
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"detail": "There is nothing at this address.", "errors": None}


def test_a_wrong_method_is_a_json_405_that_says_what_is_allowed(client):
    response = client.delete("/api/v1/pledges/")
    assert response.status_code == 405
    assert response.json()["detail"] == "This address does not accept this method."
    assert response["Allow"] == "GET"


def test_pages_outside_the_api_keep_their_html_errors(client):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")


# --- CORS -------------------------------------------------------------------------


def test_any_origin_may_read(client):
    response = client.get("/api/v1/themes/", headers={"Origin": "https://elsewhere.example"})
    assert response["Access-Control-Allow-Origin"] == "*"
    assert "Link" in response["Access-Control-Expose-Headers"]
    assert "Access-Control-Allow-Credentials" not in response


def test_a_preflight_for_a_read_is_allowed(client):
    response = client.options(
        "/api/v1/pledges/",
        headers={"Origin": "https://elsewhere.example", "Access-Control-Request-Method": "GET"},
    )
    assert response.status_code == 204
    assert response["Access-Control-Allow-Methods"] == "GET, HEAD"
    assert "Authorization" not in response["Access-Control-Allow-Headers"]


def test_no_origin_may_write(client):
    preflight = client.options(
        "/api/v1/pledges/x/updates/",
        headers={
            "Origin": "https://elsewhere.example",
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "authorization, content-type",
        },
    )
    assert "Access-Control-Allow-Origin" not in preflight
    post = client.post("/api/v1/pledges/x/updates/", {}, content_type="application/json")
    assert "Access-Control-Allow-Origin" not in post


# --- Conditional GETs -----------------------------------------------------------------


def test_an_anonymous_get_carries_validators_and_a_304_costs_no_query(
    client, shared_cache, django_assert_num_queries
):
    make_pledge()
    first = client.get("/api/v1/pledges/")
    assert first["Cache-Control"] == "public, max-age=60"
    assert first["ETag"].startswith('"')
    assert first.has_header("Last-Modified")
    with django_assert_num_queries(0):
        again = client.get("/api/v1/pledges/", headers={"If-None-Match": first["ETag"]})
    assert again.status_code == 304
    assert again.content == b""
    assert again["ETag"] == first["ETag"]
    since = client.get("/api/v1/pledges/", headers={"If-Modified-Since": first["Last-Modified"]})
    assert since.status_code == 304


def test_a_committed_write_changes_the_etag_and_the_date(
    client, shared_cache, django_capture_on_commit_callbacks
):
    pledge = make_pledge()
    first = client.get("/api/v1/pledges/")
    with django_capture_on_commit_callbacks(execute=True):
        make_update(pledge, as_of=date(2010, 1, 1))
    fresh = client.get("/api/v1/pledges/", headers={"If-None-Match": first["ETag"]})
    assert fresh.status_code == 200
    assert fresh["ETag"] != first["ETag"]
    assert fresh.json()["results"][0]["last_update_as_of"] == "2010-01-01"
    old_date = http_date(0)
    assert (
        client.get("/api/v1/pledges/", headers={"If-Modified-Since": old_date}).status_code == 200
    )


def test_each_url_has_its_own_etag(client, shared_cache):
    make_theme(slug="rights")
    a = client.get("/api/v1/pledges/")["ETag"]
    b = client.get("/api/v1/pledges/?theme=rights")["ETag"]
    assert a != b
    response = client.get("/api/v1/pledges/?theme=rights", headers={"If-None-Match": a})
    assert response.status_code == 200


def test_errors_and_signed_in_visitors_get_no_public_caching(client, shared_cache, assessor):
    assert not client.get("/api/v1/pledges/?theme=nope").has_header("ETag")
    client.force_login(assessor)
    response = client.get("/api/v1/pledges/")
    assert not response.has_header("ETag")
    assert "public" not in response.get("Cache-Control", "")


def test_without_a_shared_cache_nothing_is_conditional(client):
    # The dummy cache of a site without REDIS_URL holds no data version.
    response = client.get("/api/v1/pledges/")
    assert response.status_code == 200
    assert not response.has_header("ETag")


# --- Rate limits ------------------------------------------------------------------------


def test_an_address_is_limited_and_told_when_to_come_back(client, low_rates):
    assert client.get("/api/v1/themes/").status_code == 200
    assert client.get("/api/v1/themes/").status_code == 200
    refused = client.get("/api/v1/themes/")
    assert refused.status_code == 429
    assert 1 <= int(refused["Retry-After"]) <= 60
    assert refused.json()["detail"].startswith("Too many requests")
    # Another address has its own allowance.
    assert client.get("/api/v1/themes/", REMOTE_ADDR="10.9.9.9").status_code == 200


def test_a_token_has_its_own_allowance(client, low_rates):
    secret = ApiToken.issue(make_assessor(), "System", 30)[1]
    auth = {"Authorization": f"Bearer {secret}"}
    for _ in range(2):
        client.get("/api/v1/themes/")
    assert client.get("/api/v1/themes/").status_code == 429
    codes = [client.get("/api/v1/themes/", headers=auth).status_code for _ in range(4)]
    assert codes == [200, 200, 200, 429]


def test_behind_a_proxy_the_address_is_the_one_the_proxy_saw(client, low_rates):
    with override_settings(PROXY_DEPTH=1):
        for _ in range(2):
            client.get("/api/v1/themes/", headers={"X-Forwarded-For": "198.51.100.7"})
        # A client cannot dodge the limit by writing its own X-Forwarded-For.
        spoofed = {"X-Forwarded-For": "1.2.3.4, 198.51.100.7"}
        assert client.get("/api/v1/themes/", headers=spoofed).status_code == 429
        other = {"X-Forwarded-For": "198.51.100.8"}
        assert client.get("/api/v1/themes/", headers=other).status_code == 200


def closed_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]  # nothing listens once the probe is closed


def test_with_redis_down_reads_still_work_and_are_still_limited(client):
    down = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": f"redis://127.0.0.1:{closed_port()}/0",
        }
    }
    throttling.local_counters.clear()
    make_pledge()
    with override_settings(CACHES=down, API_THROTTLE_RATES=RATES):
        first = client.get("/api/v1/pledges/")
        assert first.status_code == 200
        assert not first.has_header("ETag")  # no data version to derive it from
        assert client.get("/api/v1/pledges/").status_code == 200
        # Counted in this process's memory instead.
        assert client.get("/api/v1/pledges/").status_code == 429
    throttling.local_counters.clear()


def test_a_bad_rate_in_the_environment_stops_the_start(monkeypatch):
    from tests.helpers import settings_value

    result = settings_value("1", DEBUG="true", API_RATE_ANONYMOUS="lots")
    assert result.returncode != 0
    assert "The API rate 'lots' for anonymous is not valid" in result.stderr


@pytest.mark.parametrize("backend", ["locmem", "redis"])
def test_a_window_counts_one_by_one_from_its_first_request(backend, request):
    """throttling.count_in() increments first and creates the window's key
    only when it is missing: 1, 2, 3, …, and a new window starts at 1."""
    if backend == "redis":
        request.getfixturevalue("own_redis")
        store = caches["default"]
    else:
        store = throttling.LocMemCache("test-count-in", {})
    store.clear()
    assert [throttling.count_in(store, "w1", 60) for _ in range(3)] == [1, 2, 3]
    assert throttling.count_in(store, "w2", 60) == 1
    store.delete("w1")  # the window's key expired
    assert throttling.count_in(store, "w1", 60) == 1
    assert throttling.count_in(store, "w1", 60) == 2
