"""The OpenAPI document validates, and every response it documents is one a
request really gets: each (operation, status) pair has a case here that
produces it and checks the body against the documented schema; a pair
without a case fails the last test."""

from datetime import date

import pytest
from django.contrib.staticfiles import finders
from django.core.cache import caches
from django.test import override_settings
from openapi_spec_validator import validate

from tests.api_helpers import SCHEMA_URL, assert_documented, openapi
from tests.factories import make_assessor, make_pledge, make_source, make_update, make_user
from tests.party_helpers import make_party
from tracker.api import export
from tracker.api.models import ApiToken

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def own_lock_dir(tmp_path, settings):
    settings.API_EXPORT_LOCK_DIR = str(tmp_path)


LOCMEM = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
REF = "asem-2002-1"
SLUG = "asem-2002"


def test_the_document_is_valid_openapi(client):
    document = client.get(SCHEMA_URL).json()
    validate(document)
    assert document["openapi"].startswith("3.")
    assert document["info"]["version"] == "1"


def test_the_docs_page_serves_its_own_assets(client):
    response = client.get("/api/v1/docs")
    assert response.status_code == 200
    html = response.text
    assert "/static/ninja/swagger-ui-bundle.js" in html
    assert "cdn" not in html.lower()
    assert "<script>" not in html  # nothing inline: the site's CSP forbids it
    assert "script-src 'self'" in response["Content-Security-Policy"]
    for name in ("swagger-ui-bundle.js", "swagger-ui-init.js", "swagger-ui.css"):
        assert finders.find(f"ninja/{name}"), name  # shipped by django-ninja, collected


@pytest.fixture
def world():
    source = make_source(slug=SLUG, date_adopted=date(2002, 9, 24))
    pledge = make_pledge(source=source, ref=REF)
    update = make_update(pledge)
    make_update(pledge, actor=make_party(source), summary="A party's part.")
    assessor = make_assessor()
    return {
        "update": update.pk,
        "secret": ApiToken.issue(assessor, "System", 30)[1],
        "powerless": ApiToken.issue(make_user(), "System", 30)[1],
    }


# Operations that need a parameter to answer 200.
REQUIRED_QUERY = {"/api/v1/matrix/": f"?source={SLUG}"}


def url_for(template, world):
    return (
        template.replace("{ref}", REF)
        .replace("{slug}", SLUG)
        .replace("{update_id}", str(world["update"]))
    ) + REQUIRED_QUERY.get(template, "")


GOOD_UPDATE = {
    "status": "ongoing",
    "as_of": "2005-01-01",
    "kind": "independent_assessment",
    "summary": "Meetings were held.",
    "evidence_reference": "A/59/100",
}


def send(client, method, url, world, token=None, body=None, **headers):
    if token:
        headers["Authorization"] = f"Bearer {token}"
    if method == "post":
        return client.post(
            url, body or GOOD_UPDATE, content_type="application/json", headers=headers
        )
    return client.get(url, headers=headers)


def case_success(client, method, url, world):
    return send(client, method, url, world, token=world["secret"] if method == "post" else None)


def case_bad_request(client, method, url, world):
    if method == "post":
        return send(client, method, url, world, token=world["secret"], body={"status": "nope"})
    return client.get(url, {"made_up": "1"})


def case_not_found(client, method, url, world):
    url = url.replace(REF, "no-such-ref").replace(SLUG, "no-such-slug")
    url = url.replace(f"/{world['update']}/", "/999999/")
    return send(client, method, url, world, token=world["secret"])


def case_unauthorized(client, method, url, world):
    return send(client, method, url, world, token="pt_not-a-real-token")


def case_forbidden(client, method, url, world):
    return send(client, method, url, world, token=world["powerless"])


def case_not_modified(client, method, url, world):
    with override_settings(CACHES=LOCMEM):
        caches["default"].clear()
        etag = client.get(url)["ETag"]
        return client.get(url, headers={"If-None-Match": etag})


def case_too_many(client, method, url, world):
    rates = {
        "anonymous": "0/minute",
        "token": "0/minute",
        "write": "0/minute",
        "export_anonymous": "0/minute",
        "export_token": "0/minute",
    }
    with override_settings(CACHES=LOCMEM, API_THROTTLE_RATES=rates):
        caches["default"].clear()
        return case_success(client, method, url, world)


def case_server_error(client, method, url, world, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("A bug.")

    # Every operation builds its links or checks its parameters.
    monkeypatch.setattr("tracker.api.data.Links.__init__", broken)
    monkeypatch.setattr("tracker.api.v1.refuse_unknown", broken)
    client.raise_request_exception = False
    return case_success(client, method, url, world)


def case_busy(client, method, url, world):
    with override_settings(API_EXPORT_CONCURRENCY=1):
        held = export.Slot.take()  # another export is streaming
        try:
            return case_success(client, method, url, world)
        finally:
            held.release()


CASES = {
    "200": case_success,
    "201": case_success,
    "304": case_not_modified,
    "400": case_bad_request,
    "401": case_unauthorized,
    "403": case_forbidden,
    "404": case_not_found,
    "429": case_too_many,
    "500": case_server_error,
    "503": case_busy,
}


def documented():
    return sorted(
        (method, path, status)
        for path, operations in openapi().items()
        if path == "paths"
        for path, operations in operations.items()
        for method, operation in operations.items()
        for status in operation["responses"]
    )


@pytest.mark.parametrize("method, path, status", documented())
def test_every_documented_response_is_produced(client, world, monkeypatch, method, path, status):
    assert status in CASES, f"No test produces {status} for {method.upper()} {path}"
    case = CASES[status]
    url = url_for(path, world)
    if case is case_server_error:
        response = case(client, method, url, world, monkeypatch)
    else:
        response = case(client, method, url, world)
    assert str(response.status_code) == status, response.content
    assert_documented(response, method.upper())


def test_a_failed_write_saves_nothing_and_says_so(client, world, monkeypatch):
    from tracker.models import StatusUpdate

    before = StatusUpdate.objects.count()
    response = case_server_error(
        client, "post", f"/api/v1/pledges/{REF}/updates/", world, monkeypatch
    )
    assert response.status_code == 500
    assert "nothing was changed" in response.json()["detail"]
    assert StatusUpdate.objects.count() == before
