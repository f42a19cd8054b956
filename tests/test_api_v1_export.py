"""/api/v1/export/pledges.ndjson and updates.ndjson: every selected row, one
JSON object a line matching the documented line schema, a query count that
grows with batches and not rows, an hourly limit per client, and at most
API_EXPORT_CONCURRENCY exports streaming at once."""

import json
from datetime import UTC, date, datetime

import pytest
from django.core.cache import caches
from django.test import override_settings
from openapi_schema_validator import OAS31Validator

from tests.api_helpers import assert_documented, openapi
from tests.factories import (
    make_actor,
    make_instrument,
    make_pledge,
    make_theme,
    make_update,
    make_user,
    populate,
)
from tracker.api import export, throttling
from tracker.exports import tag_lists
from tracker.models import CommitmentType, Pledge, StatementKind, Status, StatusUpdate

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
    rows = [json.loads(line) for line in body.split("\n")[:-1]]
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
    # One query streams the pledges, one reads the vocabulary (the tags' order;
    # cached on a site), and each of the 3 batches reads its tags and its
    # latest updates.
    with django_assert_num_queries(1 + 1 + 3 * 2):
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


# --- modality, the day read, and the lines byte for byte -----------------------------


def test_each_pledge_says_its_kind_and_context_has_no_status(client):
    make_pledge(ref="a-1", commitment_type=CommitmentType.PROCESS)
    make_pledge(ref="b-1", statement_kind=StatementKind.CONTEXT, commitment_type="")
    first, context = lines(client.get(PLEDGES), "PledgeLine")
    assert first["statement_kind"] == "firm_undertaking"
    assert first["commitment_type"] == "process"
    assert first["current_status"] == "no_information"
    assert context["statement_kind"] == "context"
    assert context["commitment_type"] is None
    assert context["current_status"] is None
    only = lines(client.get(PLEDGES, {"statement_kind": "context"}), "PledgeLine")
    assert [row["ref"] for row in only] == ["b-1"]
    bad = client.get(PLEDGES, {"commitment_type": "promise"})
    assert bad.status_code == 400
    assert assert_documented(bad)["errors"] == {
        "commitment_type": ["“promise” is not a type of commitment."]
    }


@pytest.fixture
def history():
    """a: limited in 2004, complete in 2010 (withdrawn on 1 June 2011); b: ongoing in 2006.
    Each update entered on its day."""
    a = make_pledge(ref="a-1")
    b = make_pledge(ref="b-1")
    Pledge.objects.update(created=datetime(2002, 10, 1, tzinfo=UTC))

    def add(pledge, status, day, summary):
        created = datetime(day.year, day.month, day.day, 12, tzinfo=UTC)
        return make_update(pledge, status=status, as_of=day, created=created, summary=summary)

    add(a, Status.LIMITED, date(2004, 1, 1), "Begun.")
    wrong = add(a, Status.COMPLETE, date(2010, 1, 1), "Done, it said.")
    add(b, Status.ONGOING, date(2006, 1, 1), "Going on.")
    wrong.withdraw(make_user(), "The report says otherwise.")
    StatusUpdate.objects.filter(pk=wrong.pk).update(withdrawn_at=datetime(2011, 6, 1, tzinfo=UTC))
    return a, b


def by_ref(rows):
    return {row["ref"]: row for row in rows}


def test_as_of_a_past_day_each_line_is_that_days(client, history):
    rows = by_ref(lines(client.get(PLEDGES, {"as_of": "2005-12-31"}), "PledgeLine"))
    assert rows["a-1"]["current_status"] == "limited"
    assert rows["a-1"]["last_update_as_of"] == "2004-01-01"
    assert rows["a-1"]["latest_update"]["summary"] == "Begun."
    assert rows["b-1"]["current_status"] == "no_information"
    assert rows["b-1"]["latest_update"] is None
    ongoing = lines(client.get(PLEDGES, {"as_of": "2007-01-01", "status": "ongoing"}), "PledgeLine")
    assert [row["ref"] for row in ongoing] == ["b-1"]


def test_a_later_withdrawal_is_not_applied_to_the_record_as_recorded_then(client, history):
    then = {"as_of": "2010-12-31", "recorded_on": "2010-12-31"}
    rows = by_ref(lines(client.get(PLEDGES, then), "PledgeLine"))
    assert rows["a-1"]["current_status"] == "complete"
    assert rows["a-1"]["latest_update"]["summary"] == "Done, it said."
    # As the record stands today, the withdrawn update never counted.
    today = by_ref(lines(client.get(PLEDGES, {"as_of": "2010-12-31"}), "PledgeLine"))
    assert today["a-1"]["current_status"] == "limited"


def test_as_of_today_the_lines_are_the_maintained_columns(client, history):
    from django.utils import timezone

    plain = lines(client.get(PLEDGES), "PledgeLine")
    today = client.get(PLEDGES, {"as_of": timezone.localdate().isoformat()})
    assert lines(today, "PledgeLine") == plain
    for pledge in Pledge.objects.as_of(timezone.localdate()):
        assert pledge.status_on == pledge.current_status


@pytest.mark.parametrize("value", ["2005-13-01", "2999-01-01"])
def test_a_bad_day_is_a_400_naming_it(client, history, value):
    response = client.get(PLEDGES, {"as_of": value})
    assert response.status_code == 400
    assert list(assert_documented(response)["errors"]) == ["as_of"]


# Text that JSON must escape, and text it must leave alone (ensure_ascii=False).
AWKWARD = (
    'He said "no" \\ C:\\path\ttab\nnew line \x01\x1f \u2028 Côte d’Ivoire, 北京, 🙂 </script>'
)


def expected_line(pledge, prefix):
    """The line as json.dumps of a dict writes it, built from the models."""
    tags = tag_lists([pledge.pk])
    latest = pledge.latest_update
    return json.JSONEncoder(ensure_ascii=False).encode(
        {
            "ref": pledge.ref,
            "url": f"{prefix}{pledge.ref}/",
            "title": pledge.title,
            "source": pledge.source.slug,
            "paragraph": pledge.paragraph,
            "quote": pledge.quote,
            "timeframe": pledge.timeframe,
            "statement_kind": pledge.statement_kind or None,
            "commitment_type": pledge.commitment_type or None,
            "themes": tags["themes"].get(pledge.pk, []),
            "actors": tags["actors"].get(pledge.pk, []),
            "instruments": tags["instruments"].get(pledge.pk, []),
            "current_status": pledge.current_status if pledge.is_commitment else None,
            "last_update_as_of": pledge.last_update_as_of and pledge.last_update_as_of.isoformat(),
            "latest_update": latest
            and {
                "as_of": latest.as_of.isoformat(),
                "status": latest.status,
                "summary": latest.summary,
                "evidence_url": latest.evidence_url,
                "evidence_reference": latest.evidence_reference,
            },
        }
    )


def test_the_lines_are_byte_for_byte_what_json_dumps_writes(client, monkeypatch):
    monkeypatch.setattr(export, "BATCH", 2)
    themes = [make_theme(slug=f"t-{name}", name=name) for name in ("Zeta", "Alpha", "Mu")]
    instrument = make_instrument(slug="i-1", name="Rés 1373")
    awkward = make_pledge(
        ref="odd-1",
        title=AWKWARD[:200],
        quote=AWKWARD,
        themes=themes,
        actors=[make_actor(slug="a-x")],
        instruments=[instrument],
    )
    make_update(awkward, summary=AWKWARD, evidence_reference='A/"59"/100', as_of=date(2004, 2, 29))
    make_pledge(ref="plain-1")
    make_pledge(ref="context-1", statement_kind=StatementKind.CONTEXT, commitment_type="")
    populate(3)
    response = client.get(PLEDGES)
    body = b"".join(response.streaming_content).decode()
    prefix = "http://testserver/pledges/"
    expected = "".join(
        expected_line(pledge, prefix) + "\n"
        for pledge in Pledge.objects.select_related("source", "latest_update")
    )
    assert body == expected
    # Split on "\n" only: str.splitlines() also splits at U+2028, which JSON
    # leaves unescaped inside a string.
    odd = by_ref(json.loads(line) for line in body.split("\n")[:-1])["odd-1"]
    assert odd["quote"] == AWKWARD
    assert odd["themes"] == ["t-Alpha", "t-Mu", "t-Zeta"]  # by name
