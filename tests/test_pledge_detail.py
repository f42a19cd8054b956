"""/pledges/<ref>/: quote and citation, tags, instruments across texts, the
current status with its definition, and the timeline newest first."""

from datetime import date, timedelta

import pytest
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
from tracker.models import Pledge, Status

pytestmark = pytest.mark.django_db


@pytest.fixture
def pledge():
    res1373 = make_instrument(slug="sc-res-1373", name="Security Council resolution 1373")
    pledge = make_pledge(
        ref="asem-2002-1.1",
        title="Do the first thing",
        themes=[make_theme(name="Human rights", slug="human-rights")],
        actors=[make_actor(name="ASEM Leaders")],
        instruments=[res1373],
    )
    other_text = make_source(slug="un-2003", short_title="UN 2003", date_adopted=date(2003, 7, 30))
    make_pledge(ref="hlm5-2003-1.1", source=other_text, title="The UN side", instruments=[res1373])
    return pledge


def test_it_shows_the_quote_with_its_citation(client, pledge):
    response = client.get(pledge.get_absolute_url())
    assert response.status_code == 200
    assert "We pledge to do the first thing." in response.text
    source_link = reverse("source-detail", args=[pledge.source.slug]) + "#p1"
    assert f'href="{source_link}"' in response.text
    assert "paragraph 1" in response.text


def test_it_shows_tags_and_links_them_to_the_filtered_list(client, pledge):
    response = client.get(pledge.get_absolute_url())
    assert 'href="/pledges/?theme=human-rights"' in response.text
    assert "ASEM Leaders" in response.text


def test_an_instrument_lists_the_other_pledges_that_cite_it_across_texts(client, pledge):
    response = client.get(pledge.get_absolute_url())
    assert "Security Council resolution 1373" in response.text
    assert 'href="/pledges/hlm5-2003-1.1/"' in response.text
    assert "UN 2003" in response.text
    # ...and not the pledge itself.
    assert response.text.count('href="/pledges/asem-2002-1.1/"') == 0


def test_the_timeline_is_newest_first_with_every_field(client, pledge):
    actor = make_actor(name="European Union")
    make_update(pledge, status=Status.LIMITED, as_of=date(2003, 1, 1), summary="Early steps.")
    make_update(
        pledge,
        status=Status.COMPLETE,
        as_of=date(2007, 7, 7),
        summary="Entered into force.",
        evidence_reference="A/RES/59/290",
        actor=actor,
    )
    make_update(pledge, status=Status.SUBSTANTIAL, as_of=date(2005, 4, 13), summary="Adopted.")
    response = client.get(pledge.get_absolute_url())
    text = response.text
    assert text.index("Entered into force.") < text.index("Adopted.") < text.index("Early steps.")
    assert "7 July 2007" in text
    assert "concerns European Union" in text
    assert "A/RES/59/290" in text
    assert 'href="https://www.un.org/example"' in text
    assert "Independent assessment" in text


def test_the_current_status_is_shown_with_its_definition(client, pledge):
    make_update(pledge, status=Status.STALLED, as_of=date(2010, 1, 1))
    response = client.get(pledge.get_absolute_url())
    assert str(Status.STALLED.definition) in response.text


def test_a_pledge_without_updates_says_so(client, pledge):
    response = client.get(pledge.get_absolute_url())
    assert "No status update has been recorded for this pledge yet" in response.text
    assert str(Status.NO_INFORMATION.definition) in response.text


def test_it_links_its_atom_feed(client, pledge):
    response = client.get(pledge.get_absolute_url())
    assert f'href="{reverse("pledge-feed", args=[pledge.ref])}"' in response.text


def test_an_unknown_ref_is_a_404(client):
    assert client.get("/pledges/no-such-ref/").status_code == 404


def test_the_log_link_depends_on_the_permission(client, pledge, superuser):
    assert "Sign in to log a status update" in client.get(pledge.get_absolute_url()).text
    client.force_login(superuser)
    assert "Log a status update" in client.get(pledge.get_absolute_url()).text


@pytest.mark.parametrize("pledge_count", [10, 200])
def test_query_count_does_not_grow_with_the_data(
    client, django_assert_max_num_queries, pledge_count
):
    populate(pledge_count, updates_per_pledge=5)
    pledge = Pledge.objects.order_by("ref").first()
    # pledge+source, themes, actors, instruments, citing pledges, the
    # timeline's count and page, and the count of edits.
    # 10 (issue 19): whether the text prints its paragraph numbers, and the
    # footer's sources.
    with django_assert_max_num_queries(10):
        response = client.get(pledge.get_absolute_url())
    assert response.status_code == 200


def test_a_much_cited_instrument_lists_the_first_others_and_links_to_all(client):
    """At scale an instrument is cited by thousands of pledges: the page lists
    the first few others entered and links to the full, filtered list."""
    convention = make_instrument(slug="busy-convention", name="A busy convention")
    for number in range(1, 14):
        make_pledge(ref=f"busy-{number:02}.1", instruments=[convention])
    response = client.get(reverse("pledge-detail", args=["busy-01.1"]))
    text = response.text
    assert "Also cited by 12 other pledges, the first 10 entered being:" in text
    shown = [f"busy-{number:02}.1" for number in range(2, 12)]
    assert [p.ref for p in response.context["pledge"].instruments.all()[0].citing_pledges] == shown
    assert 'href="/pledges/busy-12.1/"' not in text
    assert 'href="/pledges/?instrument=busy-convention">All 13 pledges citing' in text


def test_a_long_timeline_is_paged_newest_first_and_counts_down(client, pledge):
    for i in range(25):  # a page of 20, then 5
        make_update(pledge, as_of=date(2005, 1, 1) + timedelta(days=i))
    first = client.get(pledge.get_absolute_url())
    second = client.get(pledge.get_absolute_url(), {"page": 2})
    assert len(first.context["updates"]) == 20 and len(second.context["updates"]) == 5
    assert '<ol class="timeline" reversed start="25">' in first.text
    assert '<ol class="timeline" reversed start="5">' in second.text
    newest_first = [u.pk for u in pledge.updates.newest_first()]
    shown = [u.pk for u in first.context["updates"]] + [u.pk for u in second.context["updates"]]
    assert shown == newest_first
    assert 'aria-label="Timeline pages"' in first.text and "page=2" in first.text


def test_an_update_permalink_leads_to_its_page_and_anchor(client, pledge):
    updates = [make_update(pledge, as_of=date(2005, 1, 1) + timedelta(days=i)) for i in range(30)]
    oldest, newest = updates[0], updates[-1]
    assert client.get(newest.get_absolute_url()).url == f"/pledges/{pledge.ref}/#update-{newest.pk}"
    assert client.get(oldest.get_absolute_url()).url == (
        f"/pledges/{pledge.ref}/?page=2#update-{oldest.pk}"
    )
    # ... and the update is on that page.
    page_two = client.get(pledge.get_absolute_url(), {"page": 2})
    assert f'id="update-{oldest.pk}"' in page_two.text
    assert client.get("/updates/999999/").status_code == 404


def test_it_shows_what_the_words_commit_to(client, pledge):
    response = client.get(pledge.get_absolute_url())
    assert "Firm undertaking." in response.text and "Deliverable." in response.text
    assert 'href="/methodology/#modality"' in response.text


def test_context_shows_no_status_and_no_way_to_log_one(client):
    from tracker.models import StatementKind

    context = make_pledge(statement_kind=StatementKind.CONTEXT, commitment_type="")
    response = client.get(context.get_absolute_url())
    assert "Context, no status" in response.text
    assert "no status is tracked for them" in response.text
    assert "Log a status update" not in response.text
