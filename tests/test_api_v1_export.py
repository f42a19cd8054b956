"""/api/v1/export/pledges.ndjson and updates.ndjson: every selected row, one
JSON object a line matching the documented line schema, a query count that
grows with batches and not rows, an hourly limit per client, and at most
API_EXPORT_CONCURRENCY exports streaming at once."""

import json
from datetime import date

import pytest
from django.core.cache import caches
from django.test import override_settings
from openapi_schema_validator import OAS31Validator

from tests.api_helpers import assert_documented, openapi
from tests.factories import make_actor, make_pledge, make_theme, make_update, populate
from tracker.api import export, throttling
from tracker.models import Pledge, StatusUpdate

pytestmark = pytest.mark.django_db

PLEDGES = "/api/v1/export/pledges.ndjson"
UPDATES = "/api/v1/export/updates.ndjson"


@pytest.fixture(autouse=True)
def own_lock_dir(tmp_path, settings):
    settings.API_EXPORT_LOCK_DIR = str(tmp_path)


def lines(response, schema_name):
    assert response.status_code == 200, response.content
    assert response.streaming
    assert response["Content-Type"] == "application/x-ndjson; charset=utf-8"
    body = assert_documented(response).decode()
    assert body == "" or body.endswith("\n")
    rows = [json.loads(line) for line in body.splitlines()]
    validator = OAS31Validator(
        {"$ref": f"#/components/schemas/{schema_name}", "components": openapi()["components"]}
    )
    for row in rows:
        validator.validate(row)
    return rows


def test_every_pledge_with_its_tags_and_latest_update(client):
    theme = make_theme(slug="rights")
    actor = make_actor(slug="asean")
    pledge = make_pledge(ref="asem-2002-1", themes=[theme], actors=[actor])
    make_update(pledge, as_of=date(2004, 1, 1), summary="Older.")
    make_update(pledge, as_of=date(2006, 1, 1), summary="Latest.", evidence_reference="A/1")
    make_pledge(ref="asem-2002-2")
    rows = lines(client.get(PLEDGES), "PledgeLine")
    assert [row["ref"] for row in rows] == ["asem-2002-1", "asem-2002-2"]
    first = rows[0]
    assert first["themes"] == ["rights"] and first["actors"] == ["asean"]
    assert first["url"] == "http://testserver/pledges/asem-2002-1/"
    assert first["latest_update"]["summary"] == "Latest."
    assert first["latest_update"]["as_of"] == "2006-01-01"
    assert rows[1]["latest_update"] is None


def test_the_pledge_export_takes_the_list_filters(client):
    theme = make_theme(slug="rights")
    make_pledge(ref="tagged-1", themes=[theme])
    make_pledge(ref="other-1")
    assert [r["ref"] for r in lines(client.get(PLEDGES, {"theme": "rights"}), "PledgeLine")] == [
        "tagged-1"
    ]
    bad = client.get(PLEDGES, {"theme": "nope"})
    assert bad.status_code == 400
    assert list(assert_documented(bad)["errors"]) == ["theme"]


def test_every_update_newest_first(client, steward):
    populate(5)
    withdrawn = StatusUpdate.objects.first()
    withdrawn.withdraw(steward, "Duplicate.")
    rows = lines(client.get(UPDATES), "UpdateLine")
    assert [r["id"] for r in rows] == list(
        StatusUpdate.objects.newest_first().values_list("pk", flat=True)
    )
    [marked] = [r for r in rows if r["id"] == withdrawn.pk]
    assert marked["withdrawal_reason"] == "Duplicate."
    bad = client.get(UPDATES, {"status": "nope"})
    assert bad.status_code == 400
    assert assert_documented(bad)["errors"] == {"status": ["“nope” is not a status."]}


def test_queries_grow_with_batches_not_rows(client, monkeypatch, django_assert_num_queries):
    monkeypatch.setattr(export, "BATCH", 10)
    populate(25)
    # One query streams the pledges; each of the 3 batches reads its tags and
    # its latest updates.
    with django_assert_num_queries(1 + 3 * 2):
        rows = lines(client.get(PLEDGES), "PledgeLine")
    assert len(rows) == 25 == Pledge.objects.count()
    with django_assert_num_queries(1):
        assert len(lines(client.get(UPDATES), "UpdateLine")) == 75


def test_only_so_many_exports_stream_at_once(client, settings):
    settings.API_EXPORT_CONCURRENCY = 1
    make_pledge()
    running = client.get(PLEDGES)  # not read yet: its slot is held
    busy = client.get(UPDATES)
    assert busy.status_code == 503
    assert busy["Retry-After"] == str(export.BUSY_RETRY_AFTER)
    assert assert_documented(busy)["detail"].startswith("Every export slot is in use")
    b"".join(running.streaming_content)
    running.close()  # the download ended: the slot is free again
    assert client.get(UPDATES).status_code == 200


def test_a_client_that_goes_away_frees_its_slot(client, settings):
    settings.API_EXPORT_CONCURRENCY = 1
    populate(3)
    abandoned = client.get(PLEDGES)
    next(iter(abandoned.streaming_content))
    abandoned.close()
    assert client.get(PLEDGES).status_code == 200


def test_each_address_may_start_only_so_many_an_hour(client):
    rates = {
        "anonymous": "100/minute",
        "token": "100/minute",
        "write": "100/minute",
        "export_anonymous": "1/hour",
        "export_token": "5/hour",
    }
    locmem = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    with override_settings(CACHES=locmem, API_THROTTLE_RATES=rates):
        caches["default"].clear()
        throttling.local_counters.clear()
        first = client.get(PLEDGES)
        assert first.status_code == 200
        first.close()
        refused = client.get(UPDATES)
        assert refused.status_code == 429
        assert int(refused["Retry-After"]) > 60
        caches["default"].clear()
