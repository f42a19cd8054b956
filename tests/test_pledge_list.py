"""/pledges/: every filter parameter, facet counts with combined filters,
pagination, bad input (never a 500) and a query count that does not grow."""

from datetime import date

import pytest
from django.db import connection
from django.urls import reverse

from tests.factories import (
    make_actor,
    make_instrument,
    make_pledge,
    make_source,
    make_theme,
    make_update,
    populate,
)
from tracker.models import CommitmentType, Pledge, StatementKind, Status, Timeframe

pytestmark = pytest.mark.django_db

URL = reverse("pledge-list")


def refs(response):
    return [pledge.ref for pledge in response.context["page"].object_list]


@pytest.fixture
def world():
    """Three pledges that differ on every filtered dimension."""
    un_source = make_source(slug="un-2003", date_adopted=date(2003, 7, 30))
    rights, crime = make_theme(slug="human-rights"), make_theme(slug="organized-crime")
    ctc, asean = make_actor(slug="ctc"), make_actor(slug="asean")
    res1373 = make_instrument(slug="sc-res-1373")
    a = make_pledge(
        ref="a-1.1",
        title="Alpha terrorism pledge",
        themes=[rights],
        actors=[ctc],
        instruments=[res1373],
        timeframe=Timeframe.SHORT_TO_MEDIUM,
    )
    b = make_pledge(
        ref="b-2.1",
        title="Bravo crime pledge",
        themes=[crime],
        actors=[asean],
        paragraph=2,
        quote="We pledge to do the second thing.",
    )
    c = make_pledge(
        ref="c-1.1",
        source=un_source,
        title="Charlie both",
        themes=[rights, crime],
        instruments=[res1373],
        timeframe=Timeframe.LONG_TERM,
    )
    make_update(a, status=Status.COMPLETE, as_of=date(2005, 4, 13), summary="Convention adopted.")
    make_update(b, status=Status.STALLED, as_of=date(2010, 1, 1), summary="Negotiations blocked.")
    return {"a": a, "b": b, "c": c, "un_source": un_source}


def test_it_lists_every_pledge_without_filters(client, world):
    response = client.get(URL)
    assert response.status_code == 200
    assert sorted(refs(response)) == ["a-1.1", "b-2.1", "c-1.1"]
    assert "3 pledges" in response.text


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("theme=human-rights", ["a-1.1", "c-1.1"]),
        ("theme=human-rights&theme=organized-crime", ["a-1.1", "b-2.1", "c-1.1"]),
        ("source=un-2003", ["c-1.1"]),
        ("status=complete", ["a-1.1"]),
        ("status=complete&status=stalled", ["a-1.1", "b-2.1"]),
        ("status=no_information", ["c-1.1"]),
        ("actor=asean", ["b-2.1"]),
        ("instrument=sc-res-1373", ["a-1.1", "c-1.1"]),
        ("timeframe=long_term", ["c-1.1"]),
        ("q=bravo", ["b-2.1"]),
        ("q=BLOCKED", ["b-2.1"]),  # matches an update summary, case-insensitively
        ("q=c-1.1", ["c-1.1"]),
        ("updated_after=2006-01-01", ["b-2.1"]),
        ("updated_before=2006-01-01", ["a-1.1"]),
        ("stale=yes", ["a-1.1", "b-2.1", "c-1.1"]),
        ("stale=no", []),
        ("theme=human-rights&status=complete", ["a-1.1"]),
    ],
)
def test_each_filter_parameter(client, world, query, expected):
    response = client.get(f"{URL}?{query}")
    assert response.status_code == 200
    assert sorted(refs(response)) == expected
    # The count is summed from the status facet, not counted: it must agree.
    assert response.context["page"].paginator.count == len(expected)


@pytest.fixture
def with_modality(world):
    """The world, plus a passage of context and a standing principle."""
    world["d"] = make_pledge(
        ref="d-3.1",
        title="Concern voiced",
        paragraph=3,
        statement_kind=StatementKind.CONTEXT,
        commitment_type="",
    )
    world["e"] = make_pledge(
        ref="e-4.1",
        title="Uphold a principle",
        paragraph=4,
        statement_kind=StatementKind.SOFT_COMMITMENT,
        commitment_type=CommitmentType.STANDING_PRINCIPLE,
    )
    return world


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("", ["a-1.1", "b-2.1", "c-1.1", "d-3.1", "e-4.1"]),  # context is listed
        ("statement_kind=context", ["d-3.1"]),
        ("statement_kind=soft_commitment&statement_kind=context", ["d-3.1", "e-4.1"]),
        ("commitment_type=standing_principle", ["e-4.1"]),
        ("commitment_type=deliverable", ["a-1.1", "b-2.1", "c-1.1"]),
        # Context has no status: no status selects it, and it is never stale.
        ("status=no_information", ["c-1.1", "e-4.1"]),
        ("stale=yes", ["a-1.1", "b-2.1", "c-1.1", "e-4.1"]),
    ],
)
def test_modality_filters_and_context_in_status_filters(client, with_modality, query, expected):
    response = client.get(f"{URL}?{query}")
    assert sorted(refs(response)) == expected
    assert response.context["page"].paginator.count == len(expected)


def test_the_status_facet_counts_commitments_and_notes_context_apart(client, with_modality):
    response = client.get(URL)
    facets = response.context["facets"]
    counts = {option["value"]: option["count"] for option in facets["status"]}
    assert counts[Status.NO_INFORMATION] == 2  # c and e; d is context
    assert facets["context_count"] == 1
    assert "Also 1 context item with no status" in response.text
    assert "Context, no status" in response.text  # the row's label, not a status badge


def test_an_unknown_kind_of_statement_is_reported_not_applied(client, with_modality):
    response = client.get(f"{URL}?statement_kind=promise")
    assert "is not a kind of statement" in str(response.context["filter_errors"])
    assert len(refs(response)) == 5


def test_blank_values_mean_no_filter(client, world):
    response = client.get(f"{URL}?theme=&status=&source=&q=&updated_after=&stale=")
    assert response.context["filter_errors"] == {}
    assert len(refs(response)) == 3


def test_a_theme_matching_twice_lists_the_pledge_once(client, world):
    response = client.get(f"{URL}?theme=human-rights&theme=organized-crime")
    assert refs(response).count("c-1.1") == 1
    assert response.context["page"].paginator.count == 3


def test_stale_no_keeps_recent_updates(client, world):
    make_update(world["c"], as_of=date.today(), status=Status.LIMITED)
    assert refs(client.get(f"{URL}?stale=no")) == ["c-1.1"]


@pytest.mark.parametrize(
    ("ordering", "expected"),
    [
        ("ref", ["a-1.1", "b-2.1", "c-1.1"]),
        ("-ref", ["c-1.1", "b-2.1", "a-1.1"]),
        ("title", ["a-1.1", "b-2.1", "c-1.1"]),
        ("-title", ["c-1.1", "b-2.1", "a-1.1"]),
        # The vocabulary's order: no information, ..., complete, ..., stalled.
        ("status", ["c-1.1", "a-1.1", "b-2.1"]),
        ("-status", ["b-2.1", "a-1.1", "c-1.1"]),
        # Never-updated pledges come first ascending and last descending.
        ("last_update", ["c-1.1", "a-1.1", "b-2.1"]),
        ("-last_update", ["b-2.1", "a-1.1", "c-1.1"]),
    ],
)
def test_ordering(client, world, ordering, expected):
    assert refs(client.get(f"{URL}?ordering={ordering}")) == expected


def facet(response, name):
    return {option["value"]: option["count"] for option in response.context["facets"][name]}


def test_facet_counts_use_the_other_active_filters(client, world):
    response = client.get(f"{URL}?theme=human-rights&status=complete")
    # Theme counts respect the status filter; ticking organized-crime too
    # keeps the one complete human-rights pledge.
    assert facet(response, "theme") == {"human-rights": 1, "organized-crime": 1}
    # Status counts respect the theme filter; an unticked status shows the
    # list with it ticked too: the complete pledge plus its own.
    status_counts = facet(response, "status")
    assert status_counts["complete"] == 1
    assert status_counts["no_information"] == 2
    assert status_counts["stalled"] == 1
    # Source counts respect both.
    source_counts = facet(response, "source")
    assert source_counts["un-2003"] == 0
    assert sum(source_counts.values()) == 1


@pytest.mark.parametrize(
    "query",
    ["", "theme=human-rights", "theme=organized-crime", "status=complete", "status=stalled"]
    + ["theme=human-rights&status=no_information", "source=un-2003&theme=organized-crime"]
    + ["status=complete&status=stalled&theme=organized-crime"],
)
def test_every_facet_count_is_what_ticking_the_option_gives(client, world, query):
    """The count beside an option is the list's count once it is ticked (a
    ticked option: how many listed pledges have it)."""
    response = client.get(f"{URL}?{query}")
    listed = set(refs(response))
    for name in ("theme", "status", "source"):
        for option in response.context["facets"][name]:
            if option["checked"]:
                if name == "status":
                    have_it = {p.ref for p in Pledge.objects.filter(current_status=option["value"])}
                elif name == "theme":
                    have_it = {p.ref for p in Pledge.objects.filter(themes__slug=option["value"])}
                else:
                    have_it = {p.ref for p in Pledge.objects.filter(source__slug=option["value"])}
                expected = len(listed & have_it)
            else:
                ticked = client.get(f"{URL}?{query}&{name}={option['value']}")
                expected = ticked.context["page"].paginator.count
            assert option["count"] == expected, (name, option["value"])


def test_facet_counts_are_shown_beside_the_options(client, world):
    response = client.get(f"{URL}?source=un-2003")
    assert 'id="theme-human-rights" checked' not in response.text
    theme_counts = facet(response, "theme")
    assert theme_counts == {"human-rights": 1, "organized-crime": 1}
    # The count's unit in words for screen readers, as text (an aria-label on
    # a plain span is invalid HTML: issue 19).
    assert '1<span class="visually-hidden"> pledge</span>' in response.text
    options = sum(len(response.context["facets"][name]) for name in ("theme", "status", "source"))
    assert response.text.count('<span class="count">') == options  # one count per option
    assert "> pledges</span>" not in response.text.split('id="theme-human-rights"')[1][:300]


def test_the_state_is_kept_in_the_form_and_chips(client, world):
    response = client.get(f"{URL}?theme=human-rights&q=alpha&status=complete")
    assert 'id="theme-human-rights" checked' in response.text
    assert 'id="status-complete" checked' in response.text
    assert 'value="alpha"' in response.text
    chips = response.context["active_filters"]
    assert {chip["value"] for chip in chips} == {"alpha", "Complete", world["a"].themes.get().name}
    removing_theme = next(c for c in chips if c["value"] == world["a"].themes.get().name)
    assert "theme=" not in removing_theme["remove_query"]
    assert "q=alpha" in removing_theme["remove_query"]


def test_an_empty_result_says_what_to_try(client, world):
    response = client.get(f"{URL}?q=nothing-matches-this")
    assert "No pledge matches these filters" in response.text
    assert "Clear all" in response.text


@pytest.mark.parametrize(
    ("query", "param", "message"),
    [
        ("theme=no-such-theme", "theme", "There is no theme"),
        ("source=nowhere", "source", "There is no source"),
        ("actor=nobody", "actor", "There is no actor"),
        ("instrument=none", "instrument", "There is no instrument"),
        ("status=done", "status", "is not a status"),
        ("updated_after=2020-13-45", "updated_after", "Enter a date"),
        ("updated_before=yesterday", "updated_before", "Enter a date"),
        ("ordering=password", "ordering", "Select a valid choice"),
        ("stale=maybe", "stale", "Select a valid choice"),
        ("timeframe=soon", "timeframe", "Select a valid choice"),
    ],
)
def test_bad_input_shows_a_form_error_and_keeps_the_other_filters(
    client, world, query, param, message
):
    response = client.get(
        f"{URL}?{query}&source=un-2003" if param != "source" else f"{URL}?{query}"
    )
    assert response.status_code == 200
    assert message in " ".join(response.context["filter_errors"][param])
    assert "Some filters were not applied" in response.text
    if param != "source":
        assert refs(response) == ["c-1.1"]  # the valid filter still applies


@pytest.mark.parametrize(
    ("page", "expected_number"),
    [("2", 2), ("99", 2), ("-3", 1), ("0", 1), ("abc", 1), ("", 1), ("1e9", 1)],
)
def test_pages_past_the_end_or_below_one_show_the_nearest_valid_page(client, page, expected_number):
    populate(30, updates_per_pledge=0)
    response = client.get(f"{URL}?page={page}")
    assert response.status_code == 200
    assert response.context["page"].number == expected_number
    assert len(response.context["page"].object_list) == (25 if expected_number == 1 else 5)


def test_pagination_links_keep_the_filters(client):
    data = populate(60, updates_per_pledge=1)
    theme = data["themes"][0]
    response = client.get(f"{URL}?theme={theme.slug}&ordering=-ref")
    assert response.context["page"].paginator.count == 20
    data2 = populate(60, updates_per_pledge=0)
    response = client.get(f"{URL}?source={data2['sources'][0].slug}")
    assert response.context["page"].paginator.num_pages == 2
    assert f"source={data2['sources'][0].slug}&amp;page=2" in response.text


@pytest.mark.parametrize("pledge_count", [10, 200])
def test_query_count_does_not_grow_with_the_data(
    client, django_assert_max_num_queries, pledge_count
):
    data = populate(pledge_count)
    theme = data["themes"][0].slug
    # The vocabulary (validation and every option list), three facets (the
    # status facet gives the count), the page's ids, its rows and their
    # themes: 7, whatever the number of pledges.
    # +1: the footer lists the sources from the database (issue 19).
    with django_assert_max_num_queries(8):
        response = client.get(f"{URL}?theme={theme}&status=complete&status=ongoing&q=pledge")
    assert response.status_code == 200
    assert response.context["page"].paginator.count > 0


def test_no_filter_makes_the_list_query_distinct(client, world):
    """Every filter is a column test or a semi-join, so no row can repeat and
    the page, count and facets need no DISTINCT, which at 100k pledges sorted
    whole rows and took seconds on a deep page (bench/results)."""
    query = (
        "theme=human-rights&theme=organized-crime&status=complete&status=stalled"
        "&actor=ctc&instrument=sc-res-1373&source=un-2003&timeframe=long_term"
        "&updated_after=2004-01-01&updated_before=2020-01-01&stale=yes&q=pledge"
    )
    response = client.get(f"{URL}?{query}")
    assert response.context["filter_errors"] == {}
    rows = response.context["page"].paginator.object_list
    assert not rows.query.distinct
    assert "DISTINCT" not in str(rows.query).upper()


@pytest.mark.parametrize(
    "query",
    [
        "",
        "status=ongoing",
        "status=ongoing&status=complete",
        "q=pledge&status=stalled",
        "stale=yes",
    ],
)
def test_the_count_summed_from_the_status_facet_is_the_real_count(client, query):
    populate(60)
    response = client.get(f"{URL}?{query}")
    filterset = response.context["filterset"]
    assert response.context["page"].paginator.count == filterset.qs.count()


@pytest.mark.parametrize("ordering", ["", "-ref", "status", "-last_update", "title"])
def test_pages_read_by_ids_keep_the_order_and_cover_every_match_once(client, ordering):
    """A page is its ids first, then its rows (tracker/pagination.py): page
    after page must give the filtered queryset's own order, nothing twice."""
    populate(60)
    query = f"{URL}?ordering={ordering}&status=ongoing&status=complete&status=limited"
    first = client.get(query)
    expected = [pledge.ref for pledge in first.context["filterset"].qs]
    pages = first.context["page"].paginator.num_pages
    seen = refs(first)
    for number in range(2, pages + 1):
        seen += refs(client.get(f"{query}&page={number}"))
    assert pages == 2 and seen == expected


def test_page_rows_leave_the_source_text_unread(client):
    """Each row names its source; its full text (megabytes for a long
    declaration) stays in the database."""
    populate(5)
    rows = client.get(URL).context["page"].object_list
    assert rows and all({"text", "preamble"} <= row.source.get_deferred_fields() for row in rows)


def test_search_follows_edits_and_new_updates(client):
    """The stored search columns (PostgreSQL) follow the text and every new
    update; SQLite matches the live columns. Both must agree."""
    pledge = make_pledge(ref="srch-1.1", title="Alpha accord", quote="We pledge to act.")

    def found(words):
        return refs(client.get(URL, {"q": words}))

    assert found("zeppelin") == []
    make_update(pledge, summary="A zeppelin was sighted.")
    assert found("zeppelin") == ["srch-1.1"]
    pledge.title = "Balloon pact"
    pledge.save()
    assert found("balloon") == ["srch-1.1"]
    assert found("alpha") == []


@pytest.mark.skipif(connection.vendor != "postgresql", reason="ranking is PostgreSQL's")
def test_search_ranks_the_title_over_the_quote_over_the_updates(client):
    in_update = make_pledge(ref="a-1.1", title="First", quote="We pledge to act.")
    make_update(in_update, summary="Talks on maritime piracy.")
    make_pledge(ref="b-1.1", title="Second", quote="We pledge to fight piracy.")
    make_pledge(ref="c-1.1", title="Piracy at sea", quote="We pledge to act.")
    assert refs(client.get(URL, {"q": "piracy"})) == ["c-1.1", "b-1.1", "a-1.1"]


def test_the_filter_form_is_rendered_once_per_set_of_filters_and_data_version(
    client, world, shared_cache, django_capture_on_commit_callbacks
):
    """The form (every theme, actor and instrument, with counts) comes from
    the cache when the same filters ask again; another ordering, day or
    language is another entry, and the next write retires it with the
    counts."""
    client.cookies["messages"] = ""  # past the whole-page cache, to the summaries

    def form_of(query):
        response = client.get(query)
        rendered = "tracker/_filter_form.html" in [t.name for t in response.templates]
        return response, rendered

    url = f"{URL}?theme=human-rights"
    first, rendered = form_of(url)
    assert rendered
    again, rendered = form_of(url)
    assert not rendered
    assert again.context["filter_form"] == first.context["filter_form"]
    # Another ordering, another day, French: other forms.
    by_title = client.get(f"{url}&ordering=title").context["filter_form"]
    assert '<option value="title" selected>' in by_title
    assert '<option value="title" selected>' not in first.context["filter_form"]
    dated = client.get(f"{url}&as_of=2010-12-31").context["filter_form"]
    assert (
        'value="2010-12-31"' in dated and 'value="2010-12-31"' not in first.context["filter_form"]
    )
    # The day a one-value filter reads is the last given: two orders, two forms.
    one = client.get(f"{url}&as_of=2004-01-01&as_of=2010-12-31").context["filter_form"]
    other = client.get(f"{url}&as_of=2010-12-31&as_of=2004-01-01").context["filter_form"]
    assert 'value="2010-12-31"' in one and 'value="2004-01-01"' in other
    # A bad value is dropped from the form (and named above it), each time.
    for _ in range(2):
        bad = client.get(f"{url}&as_of=31-12-2005")
        assert "Enter a date as YYYY-MM-DD" in bad.text
        assert "31-12-2005" not in bad.context["filter_form"]
    assert "Thèmes" in client.get(f"/fr{url}").context["filter_form"]
    # A write retires it: the theme's count moves.
    rights = Pledge.objects.get(ref="a-1.1").themes.get()
    count_before = {o["value"]: o["count"] for o in first.context["facets"]["theme"]}
    with django_capture_on_commit_callbacks(execute=True):
        make_pledge(ref="z-9.9", themes=[rights])
    after, rendered = form_of(url)
    assert rendered
    count_after = {o["value"]: o["count"] for o in after.context["facets"]["theme"]}
    assert count_after["human-rights"] == count_before["human-rights"] + 1
