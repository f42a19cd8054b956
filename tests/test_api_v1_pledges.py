"""/api/v1/pledges/ and /api/v1/pledges/<ref>/: the list page's filters and
order, cursor pages that reach every pledge, 400s that name the parameter,
and a query count that does not grow with the page; each pledge's kind of
statement and type of commitment (issue 15); the record as of any day,
``?as_of=`` and ``?recorded_on=``, by the one rule, Pledge.objects.as_of()
(issues 17 and 18)."""

from datetime import UTC, date, datetime

import pytest
from django.core.cache import caches
from django.db import connection
from django.utils import timezone

from tests.api_helpers import assert_documented
from tests.factories import (
    make_actor,
    make_instrument,
    make_pledge,
    make_source,
    make_theme,
    make_update,
    make_user,
    populate,
)
from tracker.error_messages import DATE_FORMAT
from tracker.models import (
    CommitmentType,
    Pledge,
    StatementKind,
    Status,
    StatusUpdate,
    Timeframe,
    UpdateKind,
)

pytestmark = pytest.mark.django_db

URL = "/api/v1/pledges/"


def get(client, url=URL, params=None):
    response = client.get(url, params or {})
    assert response.status_code == 200, response.content
    return assert_documented(response)


def refs(data):
    return [item["ref"] for item in data["results"]]


def follow(client, url, params=None):
    """Every page, following ``next``; returns the refs and the pages seen."""
    data = get(client, url, params)
    pages = [data]
    while data["next"]:
        data = get(client, data["next"])
        pages.append(data)
    return [ref for page in pages for ref in refs(page)], pages


def test_a_pledge_has_every_field(client):
    source = make_source(slug="asem-2002", title="ASEM Copenhagen Declaration", short_title="ASEM")
    theme = make_theme(slug="terrorist-financing", name="Terrorist financing")
    actor = make_actor(slug="asem-partners", name="ASEM partners")
    instrument = make_instrument(slug="unscr-1373", name="Res 1373", symbol="S/RES/1373 (2001)")
    pledge = make_pledge(
        source=source,
        themes=[theme],
        actors=[actor],
        instruments=[instrument],
        ref="asem-2002-3.2",
        paragraph=2,
        quote="We pledge to do the second thing.",
        title="Freeze terrorist assets",
        timeframe=Timeframe.LONG_TERM,
    )
    update = make_update(
        pledge,
        status=Status.LIMITED,
        as_of=date(2003, 1, 1),
        kind=UpdateKind.SELF_REPORT,
        actor=actor,
        evidence_reference="A/RES/59/290",
    )
    [item] = get(client)["results"]
    assert item == get(client, f"{URL}asem-2002-3.2/")
    assert item["url"] == "http://testserver/pledges/asem-2002-3.2/"
    assert item["api_url"] == "http://testserver/api/v1/pledges/asem-2002-3.2/"
    assert item["source"] == {
        "slug": "asem-2002",
        "title": "ASEM Copenhagen Declaration",
        "short_title": "ASEM",
        "url": "http://testserver/api/v1/sources/asem-2002/",
    }
    assert item["paragraph_url"] == "http://testserver/sources/asem-2002/#p2"
    assert item["timeframe"] == "long_term"
    assert item["themes"] == [{"slug": "terrorist-financing", "name": "Terrorist financing"}]
    assert item["instruments"] == [
        {"slug": "unscr-1373", "name": "Res 1373", "symbol": "S/RES/1373 (2001)"}
    ]
    assert item["current_status"]["value"] == "no_information"  # an actor's part only
    assert item["last_update_as_of"] == "2003-01-01"
    [entry] = item["updates"]
    assert entry["id"] == update.pk
    assert entry["url"] == f"http://testserver/api/v1/updates/{update.pk}/"
    assert entry["actor"] == "asem-partners"
    assert entry["kind"] == "self_report"
    assert entry["evidence_reference"] == "A/RES/59/290"
    assert entry["withdrawn_at"] is None


def test_an_unknown_ref_is_a_json_404(client):
    response = client.get(f"{URL}no-such-pledge/")
    assert response.status_code == 404
    assert assert_documented(response)["detail"] == "There is nothing at this address."


def test_paging_by_next_reaches_every_pledge_once_in_the_list_order(client):
    populate(23)
    got, pages = follow(client, URL, {"page_size": 5})
    assert len(pages) == 5
    expected = list(Pledge.objects.values_list("ref", flat=True))  # the model's reading order
    assert got == expected


def test_previous_walks_back_through_the_same_pages(client):
    populate(12)
    first = get(client, params={"page_size": 5})
    assert first["previous"] is None
    second = get(client, first["next"])
    third = get(client, second["next"])
    assert third["next"] is None
    assert refs(get(client, third["previous"])) == refs(second)
    back = get(client, second["previous"])
    assert refs(back) == refs(first)
    assert back["previous"] is None


@pytest.mark.parametrize("ordering", ["title", "-ref", "status", "-status", "last_update"])
def test_pages_follow_any_ordering_the_list_page_offers(client, ordering):
    populate(9)
    # Some pledges without updates: NULL last-update dates sort first.
    make_pledge(title="Never updated A")
    make_pledge(title="Never updated B")
    got, _ = follow(client, URL, {"ordering": ordering, "page_size": 2})
    whole = get(client, params={"ordering": ordering, "page_size": 100})
    assert got == refs(whole)
    assert len(got) == 11


def test_the_last_update_order_keeps_never_updated_pledges_when_reversed(client):
    populate(4)
    never = make_pledge(title="Never updated")
    got, _ = follow(client, URL, {"ordering": "-last_update", "page_size": 2})
    assert got[-1] == never.ref
    assert len(got) == 5


def test_filters_are_the_list_pages(client):
    theme = make_theme(slug="rights")
    tagged = make_pledge(themes=[theme])
    make_update(tagged, status=Status.COMPLETE)
    make_pledge()
    assert refs(get(client, params={"theme": "rights"})) == [tagged.ref]
    assert refs(get(client, params={"status": "complete"})) == [tagged.ref]
    assert refs(get(client, params={"status": ["complete", "no_information"]})) != []


def test_filters_carry_over_to_the_next_page(client):
    theme = make_theme(slug="rights")
    tagged = [make_pledge(themes=[theme]) for _ in range(3)]
    make_pledge()
    got, _ = follow(client, URL, {"theme": "rights", "page_size": 1})
    assert sorted(got) == sorted(p.ref for p in tagged)


@pytest.mark.parametrize(
    "params, name, message",
    [
        ({"theme": "nope"}, "theme", "There is no theme “nope”."),
        ({"status": "done"}, "status", "“done” is not a status."),
        ({"updated_after": "yesterday"}, "updated_after", DATE_FORMAT),
        ({"page_size": "101"}, "page_size", "Ask for 1 to 100 items a page."),
        ({"page_size": "0"}, "page_size", "Ask for 1 to 100 items a page."),
        ({"cursor": "made-up"}, "cursor", None),
        ({"stauts": "complete"}, "stauts", "This API does not know this parameter."),
    ],
)
def test_a_bad_parameter_is_a_400_naming_it(client, params, name, message):
    make_pledge()
    response = client.get(URL, params)
    assert response.status_code == 400
    data = assert_documented(response)
    assert list(data["errors"]) == [name]
    if message:
        assert data["errors"][name] == [message]


def test_a_cursor_from_another_ordering_is_refused(client):
    populate(4)
    first = get(client, params={"page_size": 2, "ordering": "title"})
    cursor = first["next"].split("cursor=")[1]
    response = client.get(URL, {"cursor": cursor, "ordering": "status"})
    assert response.status_code == 400
    assert "cursor" in response.json()["errors"]


def test_the_link_header_carries_next_and_previous(client):
    populate(6)
    first = client.get(URL, {"page_size": 2})
    assert first["Link"] == f'<{first.json()["next"]}>; rel="next"'
    second = client.get(first.json()["next"])
    data = second.json()
    assert second["Link"] == f'<{data["next"]}>; rel="next", <{data["previous"]}>; rel="prev"'


def test_an_empty_list_is_an_empty_page(client):
    data = get(client)
    assert data == {"results": [], "next": None, "previous": None}


def test_a_page_costs_the_same_queries_whatever_its_size_or_depth(
    client, django_assert_num_queries
):
    populate(30, updates_per_pledge=4)
    # The page's ids, the pledges with their sources, every tag (one UNION),
    # every update with its actor and author: four queries.
    with django_assert_num_queries(4):
        first = get(client, params={"page_size": 3})
    with django_assert_num_queries(4):
        get(client, params={"page_size": 25})
    with django_assert_num_queries(4):
        get(client, first["next"])


def test_a_filtered_page_adds_only_the_vocabulary(client, django_assert_num_queries):
    data = populate(10)
    with django_assert_num_queries(5):
        get(client, params={"theme": data["themes"][0].slug})


def test_withdrawn_updates_are_listed_and_marked(client, steward):
    pledge = make_pledge()
    update = make_update(pledge)
    update.withdraw(steward, "Duplicate of another update.")
    [entry] = get(client, f"{URL}{pledge.ref}/")["updates"]
    assert entry["withdrawn_at"] is not None
    assert entry["withdrawal_reason"] == "Duplicate of another update."


# --- modality (issue 15) ----------------------------------------------------------


def test_a_pledge_says_what_kind_of_statement_and_commitment_it_is(client):
    make_pledge(ref="a-1")
    make_pledge(ref="b-1", statement_kind=StatementKind.CONTEXT, commitment_type="")
    first, context = get(client)["results"]
    assert first["statement_kind"] == {
        "value": "firm_undertaking",
        "label": "Firm undertaking",
        "definition": StatementKind.FIRM_UNDERTAKING.definition,
    }
    assert first["commitment_type"]["value"] == "deliverable"
    assert first["commitment_type"]["definition"] == CommitmentType.DELIVERABLE.definition
    # Context commits no one: no type of commitment and no status.
    assert context["statement_kind"]["value"] == "context"
    assert context["commitment_type"] is None
    assert context["current_status"] is None
    assert get(client, f"{URL}b-1/") == context


def test_the_list_filters_by_kind_of_statement_and_type_of_commitment(client):
    make_pledge(ref="firm-1")
    make_pledge(ref="soft-1", statement_kind=StatementKind.SOFT_COMMITMENT)
    make_pledge(
        ref="process-1",
        statement_kind=StatementKind.SOFT_COMMITMENT,
        commitment_type=CommitmentType.PROCESS,
    )
    make_pledge(ref="context-1", statement_kind=StatementKind.CONTEXT, commitment_type="")
    # (Each pledge has its own text, adopted the same day: they sort by ref.)
    assert refs(get(client, params={"statement_kind": "soft_commitment"})) == [
        "process-1",
        "soft-1",
    ]
    assert refs(get(client, params={"statement_kind": ["context", "firm_undertaking"]})) == [
        "context-1",
        "firm-1",
    ]
    assert refs(get(client, params={"commitment_type": "process"})) == ["process-1"]
    both = {"statement_kind": "soft_commitment", "commitment_type": "deliverable"}
    assert refs(get(client, params=both)) == ["soft-1"]


@pytest.mark.parametrize(
    "name, message",
    [
        ("statement_kind", "“promise” is not a kind of statement."),
        ("commitment_type", "“promise” is not a type of commitment."),
    ],
)
def test_an_unknown_kind_is_a_400_naming_it(client, name, message):
    response = client.get(URL, {name: "promise"})
    assert response.status_code == 400
    assert assert_documented(response)["errors"] == {name: [message]}


# --- the record on another day (issues 17 and 18) ------------------------------------


@pytest.fixture
def two_pledges():
    """a: limited in 2004, complete in 2010. b: ongoing in 2006."""
    a = make_pledge(ref="a-1")
    b = make_pledge(ref="b-1")
    make_update(a, status=Status.LIMITED, as_of=date(2004, 1, 1))
    make_update(a, status=Status.COMPLETE, as_of=date(2010, 1, 1))
    make_update(b, status=Status.ONGOING, as_of=date(2006, 1, 1))
    return a, b


def statuses(data):
    return {item["ref"]: item["current_status"]["value"] for item in data["results"]}


def test_as_of_a_past_day_every_status_is_that_days(client, two_pledges):
    data = get(client, params={"as_of": "2005-12-31"})
    assert statuses(data) == {"a-1": "limited", "b-1": "no_information"}
    a = data["results"][0]
    assert a["last_update_as_of"] == "2004-01-01"
    # The history as it stood: the 2010 update had not happened yet.
    assert [u["as_of"] for u in a["updates"]] == ["2004-01-01"]
    assert data["results"][1]["updates"] == []
    assert get(client, f"{URL}a-1/", {"as_of": "2005-12-31"}) == a


def test_as_of_a_past_day_filters_and_orders_by_that_days_statuses(client, two_pledges):
    assert refs(get(client, params={"as_of": "2007-06-30", "status": "ongoing"})) == ["b-1"]
    assert refs(get(client, params={"as_of": "2005-12-31", "status": "ongoing"})) == []
    ordered = get(client, params={"as_of": "2007-06-30", "ordering": "-status"})
    assert refs(ordered) == ["b-1", "a-1"]  # ongoing sorts after limited
    stale = get(client, params={"as_of": "2008-12-31", "stale": "yes"})
    assert refs(stale) == ["a-1", "b-1"]


def test_as_of_today_equals_the_maintained_columns(client):
    populate(12, updates_per_pledge=4)
    make_pledge(ref="never-updated")
    today = timezone.localdate()
    data = get(client, params={"as_of": today.isoformat(), "page_size": 100})
    assert data == get(client, params={"page_size": 100})
    by_rule = {p.ref: p for p in Pledge.objects.as_of(today)}
    assert len(data["results"]) == len(by_rule) == 13
    for item in data["results"]:
        pledge = by_rule[item["ref"]]
        assert item["current_status"]["value"] == pledge.status_on == pledge.current_status
        last = pledge.last_update_on
        assert item["last_update_as_of"] == (last.isoformat() if last else None)
        assert pledge.last_update_on == pledge.last_update_as_of


@pytest.fixture
def withdrawn_later():
    """One pledge: limited in 2003, complete in 2008; the 2008 update was
    withdrawn on 1 June 2010. Everything entered on the day it is dated."""
    pledge = make_pledge(ref="w-1")
    Pledge.objects.filter(pk=pledge.pk).update(created=datetime(2002, 10, 1, tzinfo=UTC))
    make_update(
        pledge,
        status=Status.LIMITED,
        as_of=date(2003, 3, 1),
        created=datetime(2003, 3, 1, 12, tzinfo=UTC),
    )
    wrong = make_update(
        pledge,
        status=Status.COMPLETE,
        as_of=date(2008, 2, 1),
        created=datetime(2008, 2, 1, 12, tzinfo=UTC),
    )
    wrong.withdraw(make_user(), "The report it cites says the opposite.")
    StatusUpdate.objects.filter(pk=wrong.pk).update(withdrawn_at=datetime(2010, 6, 1, tzinfo=UTC))
    return pledge


def test_a_later_withdrawal_is_not_applied_to_the_record_as_recorded_then(client, withdrawn_later):
    then = {"as_of": "2009-12-31", "recorded_on": "2009-12-31"}
    [item] = get(client, params=then)["results"]
    # At the end of 2009 the tracker still counted the 2008 update.
    assert item["current_status"]["value"] == "complete"
    assert item["last_update_as_of"] == "2008-02-01"
    assert get(client, f"{URL}w-1/", then) == item
    assert Pledge.objects.as_of(date(2009, 12, 31), date(2009, 12, 31)).get().status_on == (
        Status.COMPLETE
    )
    # From 1 June 2010 it no longer did.
    after = {"as_of": "2010-06-01", "recorded_on": "2010-06-01"}
    assert statuses(get(client, params=after)) == {"w-1": "limited"}


def test_as_of_alone_reads_the_record_as_it_stands_today(client, withdrawn_later):
    # Withdrawn because it was wrong: wrong for 2009 too (Pledge.objects.as_of()).
    [item] = get(client, params={"as_of": "2009-12-31"})["results"]
    assert item["current_status"]["value"] == "limited"
    assert (
        item["current_status"]["value"] == Pledge.objects.as_of(date(2009, 12, 31)).get().status_on
    )


def test_a_pledge_not_yet_adopted_on_that_day_is_not_listed_and_its_page_says_why(
    client, two_pledges
):
    assert get(client, params={"as_of": "2002-01-01"})["results"] == []
    response = client.get(f"{URL}a-1/", {"as_of": "2002-01-01"})
    assert response.status_code == 404
    assert assert_documented(response)["detail"].startswith(
        "a-1 was not in the record on 2002-01-01: its text was adopted on 2002-09-24"
    )


@pytest.mark.parametrize("url", [URL, f"{URL}a-1/"], ids=["list", "detail"])
@pytest.mark.parametrize(
    "params, message",
    [
        ({"as_of": "31/12/2005"}, "Enter a date as YYYY-MM-DD."),
        ({"as_of": "2005-02-30"}, "Enter a date as YYYY-MM-DD."),
        ({"recorded_on": "yesterday"}, "Enter a date as YYYY-MM-DD."),
        (
            {"as_of": "2999-01-01"},
            "2999-01-01 is in the future: the record can be read as of today or any earlier day.",
        ),
    ],
)
def test_a_bad_day_is_a_400_naming_the_parameter(client, two_pledges, url, params, message):
    response = client.get(url, params)
    assert response.status_code == 400
    [name] = params
    assert assert_documented(response)["errors"] == {name: [message]}


def test_the_detail_takes_only_the_day(client, two_pledges):
    response = client.get(f"{URL}a-1/", {"status": "limited"})
    assert response.status_code == 400
    assert assert_documented(response)["errors"] == {
        "status": ["This API does not know this parameter."]
    }


@pytest.mark.parametrize("ordering", [None, "status", "-last_update", "title"])
def test_cursor_pages_as_of_a_day_reach_every_pledge_and_carry_the_day(client, ordering):
    populate(13, updates_per_pledge=3)
    make_pledge(title="Never updated")
    params = {"as_of": "2005-06-30", "page_size": 3}
    if ordering:
        params["ordering"] = ordering
    got, pages = follow(client, URL, params)
    assert len(pages) == 5
    for page in pages[:-1]:
        assert "as_of=2005-06-30" in page["next"]
    whole = get(client, params={**params, "page_size": 100})
    assert got == refs(whole)
    assert len(got) == 14
    # and the statuses on each page are that day's, as on the single page
    paged = {ref: status for page in pages for ref, status in statuses(page).items()}
    assert paged == statuses(whole)
    assert paged != statuses(get(client, params={"page_size": 100}))


@pytest.mark.parametrize("params", [{}, {"page_size": 25}, {"recorded_on": "today"}])
def test_a_page_as_of_a_day_costs_the_same_queries(client, django_assert_num_queries, params):
    populate(30, updates_per_pledge=4)
    if params.get("recorded_on") == "today":  # the data was entered today
        params = {"recorded_on": timezone.localdate().isoformat()}
    # The page's ids, the pledges with that day's columns, every tag, every update.
    with django_assert_num_queries(4):
        first = get(client, params={"as_of": "2006-06-30", "page_size": 3, **params})
    with django_assert_num_queries(4):
        get(client, first["next"])


def test_the_etag_varies_with_the_day(client, two_pledges, settings):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    caches["default"].clear()
    today = client.get(URL)
    then = client.get(URL, {"as_of": "2005-12-31"})
    assert today["ETag"] and then["ETag"] and today["ETag"] != then["ETag"]
    assert (
        client.get(
            URL, {"as_of": "2005-12-31"}, headers={"If-None-Match": then["ETag"]}
        ).status_code
        == 304
    )
    stale = client.get(URL, {"as_of": "2005-12-31"}, headers={"If-None-Match": today["ETag"]})
    assert stale.status_code == 200
    assert statuses(stale.json()) == {"a-1": "limited", "b-1": "no_information"}


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the timestamp loaders are psycopg's")
def test_native_timestamps_read_the_datetimes_django_reads(steward):
    """pledge_dicts() reads its rows under data.native_timestamps(): psycopg's
    own timestamp loader instead of Django's. The datetimes must be the same
    ones, time zone included, and the loader really psycopg's."""
    from psycopg import adapters
    from psycopg.pq import Format

    from tracker.api.data import native_timestamps

    populate(3, updates_per_pledge=2)
    update = StatusUpdate.objects.first()
    update.withdraw(steward, "Entered twice.")
    StatusUpdate.objects.filter(pk=update.pk).update(
        created=datetime(2004, 2, 29, 23, 59, 59, 120, tzinfo=UTC)
    )
    columns = ("pk", "created", "withdrawn_at", "pledge__created", "pledge__updated")
    django_rows = list(StatusUpdate.objects.order_by("pk").values_list(*columns))
    with native_timestamps():
        native_rows = list(StatusUpdate.objects.order_by("pk").values_list(*columns))
        with connection.cursor() as cursor:
            cursor.execute("SELECT now()")
            oid = adapters.types["timestamptz"].oid
            loader = cursor.cursor.adapters.get_loader(oid, Format.TEXT)
    assert native_rows == django_rows
    assert any(row[2] is not None for row in native_rows)
    for native, ours in zip(native_rows, django_rows, strict=True):
        for a, b in zip(native[1:], ours[1:], strict=True):
            assert (a is None and b is None) or (a.tzinfo is b.tzinfo is UTC)
    assert loader is adapters.get_loader(oid, Format.TEXT)
    # Outside it, Django's loader again.
    with connection.cursor() as cursor:
        cursor.execute("SELECT now()")
        assert cursor.cursor.adapters.get_loader(oid, Format.TEXT) is not loader


def test_the_tags_statement_compiled_once_reads_each_pages_own_pledges():
    """tags_by_pledge() compiles its UNION once per process and fills in each
    page's ids: a second page gets its own pledges' tags, each list by name."""
    from tracker.api.data import tags_by_pledge

    zebra, aardvark = make_theme(name="Zebra crossings"), make_theme(name="Aardvarks")
    actor = make_actor(name="Some actor")
    instrument = make_instrument(name="Res 1", symbol="S/RES/1")
    first = make_pledge(themes=[zebra, aardvark], actors=[actor])
    second = make_pledge(themes=[zebra], instruments=[instrument])
    tags_by_pledge([first.pk])
    one, two = tags_by_pledge([first.pk]), tags_by_pledge([second.pk])
    assert [t["name"] for t in one["themes"][first.pk]] == ["Aardvarks", "Zebra crossings"]
    assert one["actors"][first.pk] == [{"slug": actor.slug, "name": "Some actor"}]
    assert second.pk not in one["themes"] and first.pk not in two["themes"]
    assert two["instruments"][second.pk] == [
        {"slug": instrument.slug, "name": "Res 1", "symbol": "S/RES/1"}
    ]
    assert dict(two["actors"]) == {}
