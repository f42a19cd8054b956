"""The Atom feeds of status updates: all, per theme, per pledge."""

import xml.etree.ElementTree as ET
from datetime import UTC, date, datetime, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.factories import make_actor, make_pledge, make_theme, make_update, make_user
from tracker.feeds import FEED_LENGTH
from tracker.models import Pledge, Status, StatusUpdate, UpdateKind

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"


def get_feed(client, url):
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/atom+xml; charset=utf-8"
    root = ET.fromstring(response.content)
    assert root.tag == f"{ATOM}feed"
    return root


def entries(root):
    return root.findall(f"{ATOM}entry")


def titles(root):
    return [entry.findtext(f"{ATOM}title") for entry in entries(root)]


def bulk_updates(pledge, count, author):
    """``count`` updates on ``pledge``, one a day from 1 January 2003."""
    start = date(2003, 1, 1)
    StatusUpdate.objects.bulk_create(
        StatusUpdate(
            pledge=pledge,
            author=author,
            status=Status.LIMITED,
            as_of=start + timedelta(days=day),
            summary=f"Day {day}.",
            evidence_url="https://www.un.org/example",
            kind=UpdateKind.SELF_REPORT,
        )
        for day in range(count)
    )


def test_an_entry_has_every_element(client):
    pledge = make_pledge(ref="asem-2002-3.2")
    author = make_user("steward", first_name="Ada", last_name="Lovelace")
    recorded = datetime(2024, 1, 2, 3, 4, 5, tzinfo=UTC)
    update = make_update(
        pledge,
        author=author,
        status=Status.COMPLETE,
        as_of=date(2005, 4, 13),
        summary="Adopted <unanimously> & in force.\n\nSecond paragraph.",
        evidence_url="https://www.un.org/done",
        evidence_reference="A/RES/59/290",
        created=recorded,
    )
    root = get_feed(client, reverse("update-feed"))
    assert root.findtext(f"{ATOM}title") == "Pledge Tracker: all status updates"
    assert root.findtext(f"{ATOM}updated") == "2024-01-02T03:04:05+00:00"
    [entry] = entries(root)
    assert entry.findtext(f"{ATOM}title") == "asem-2002-3.2 — Complete (as of 13 April 2005)"
    assert entry.find(f"{ATOM}link").get("href") == (
        f"http://testserver/updates/{update.pk}/"  # the permalink (test_pledge_detail.py)
    )
    assert entry.findtext(f"{ATOM}id") == f"urn:pledge-tracker:status-update:{update.pk}"
    assert entry.findtext(f"{ATOM}published") == "2024-01-02T03:04:05+00:00"
    assert entry.findtext(f"{ATOM}updated") == "2024-01-02T03:04:05+00:00"
    assert entry.findtext(f"{ATOM}author/{ATOM}name") == "Ada Lovelace"
    summary = entry.find(f"{ATOM}summary")
    assert summary.get("type") == "html"
    # The summary is escaped once into HTML paragraphs; the evidence is linked.
    assert summary.text == (
        "<p>Adopted &lt;unanimously&gt; &amp; in force.</p>\n\n<p>Second paragraph.</p>"
        '<p>Evidence: <a href="https://www.un.org/done">https://www.un.org/done</a>; '
        "A/RES/59/290</p>"
    )


def test_the_author_falls_back_to_the_username(client):
    make_update(make_pledge(), author=make_user("plain-steward"))
    [entry] = entries(get_feed(client, reverse("update-feed")))
    assert entry.findtext(f"{ATOM}author/{ATOM}name") == "plain-steward"


def test_the_all_updates_feed_is_the_latest_fifty_newest_first(client):
    pledge = make_pledge(ref="many-1")
    bulk_updates(pledge, FEED_LENGTH + 5, make_user())
    root = get_feed(client, reverse("update-feed"))
    assert len(entries(root)) == FEED_LENGTH == 50
    newest = date(2003, 1, 1) + timedelta(days=FEED_LENGTH + 4)
    expected = [
        f"many-1 — Limited (as of {day.day} {day:%B %Y})"
        for day in (newest - timedelta(days=n) for n in range(FEED_LENGTH))
    ]
    assert titles(root) == expected


def test_same_day_updates_are_ordered_by_created(client):
    pledge = make_pledge(ref="same-day-1")
    now = timezone.now()
    make_update(pledge, status=Status.LIMITED, as_of=date(2006, 6, 6), created=now)
    make_update(
        pledge, status=Status.STALLED, as_of=date(2006, 6, 6), created=now + timedelta(hours=1)
    )
    make_update(pledge, status=Status.COMPLETE, as_of=date(2005, 1, 1), created=now + timedelta(1))
    assert titles(get_feed(client, reverse("update-feed"))) == [
        "same-day-1 — Stalled (as of 6 June 2006)",
        "same-day-1 — Limited (as of 6 June 2006)",
        "same-day-1 — Complete (as of 1 January 2005)",
    ]


def test_every_entry_has_a_unique_id(client):
    pledge = make_pledge()
    for year in (2003, 2004, 2005):
        make_update(pledge, as_of=date(year, 1, 1))
    ids = [entry.findtext(f"{ATOM}id") for entry in entries(get_feed(client, "/updates/feed/"))]
    assert len(ids) == len(set(ids)) == 3


def test_the_theme_feed_has_only_that_themes_updates(client):
    theme = make_theme(slug="maritime", name="Maritime security")
    wanted = make_pledge(ref="ships-1", themes=[theme, make_theme()])
    make_update(wanted, as_of=date(2004, 1, 1))
    make_update(wanted, as_of=date(2006, 1, 1), actor=make_actor())
    make_update(make_pledge(ref="money-1", themes=[make_theme()]), as_of=date(2005, 1, 1))
    make_update(make_pledge(ref="untagged-1"), as_of=date(2007, 1, 1))
    root = get_feed(client, reverse("theme-feed", args=["maritime"]))
    assert root.findtext(f"{ATOM}title") == "Pledge Tracker: status updates on Maritime security"
    assert root.find(f"{ATOM}link").get("href") == "http://testserver/pledges/?theme=maritime"
    assert titles(root) == [
        "ships-1 — Ongoing (as of 1 January 2006)",
        "ships-1 — Ongoing (as of 1 January 2004)",
    ]


def test_the_pledge_feed_has_only_that_pledges_updates(client):
    pledge = make_pledge(ref="asem-2002-3.2", title="Freeze terrorist assets")
    make_update(pledge, status=Status.LIMITED, as_of=date(2003, 1, 1))
    make_update(pledge, status=Status.COMPLETE, as_of=date(2005, 4, 13))
    make_update(make_pledge(ref="other-1"), as_of=date(2010, 1, 1))
    root = get_feed(client, reverse("pledge-feed", args=["asem-2002-3.2"]))
    assert root.findtext(f"{ATOM}title") == "Pledge Tracker: status updates on asem-2002-3.2"
    assert root.findtext(f"{ATOM}subtitle") == "Freeze terrorist assets"
    assert root.find(f"{ATOM}link").get("href") == "http://testserver/pledges/asem-2002-3.2/"
    assert titles(root) == [
        "asem-2002-3.2 — Complete (as of 13 April 2005)",
        "asem-2002-3.2 — Limited (as of 1 January 2003)",
    ]


def test_a_feed_with_no_updates_is_valid_and_empty(client):
    make_theme(slug="quiet")
    assert entries(get_feed(client, reverse("theme-feed", args=["quiet"]))) == []


@pytest.mark.parametrize("url", ["/themes/no-such-theme/feed/", "/pledges/no-such-pledge-1/feed/"])
def test_an_unknown_theme_or_pledge_is_a_404(client, url):
    make_theme(slug="maritime")
    make_pledge(ref="asem-2002-3.2")
    assert client.get(url).status_code == 404


@pytest.mark.parametrize(
    ("url_name", "args", "ceiling"),
    [
        ("update-feed", [], 1),  # the updates with pledge, actor and author joined
        ("theme-feed", ["busy"], 2),  # the theme, then the updates
        ("pledge-feed", ["busy-1"], 2),  # the pledge, then the updates
    ],
)
def test_the_query_count_does_not_grow_with_entries(
    client, django_assert_max_num_queries, url_name, args, ceiling
):
    theme = make_theme(slug="busy")
    pledge = make_pledge(ref="busy-1", themes=[theme])
    actor = make_actor()
    for year in (2003, 2004):
        make_update(pledge, as_of=date(year, 1, 1), actor=actor)
    url = reverse(url_name, args=args)
    with django_assert_max_num_queries(ceiling):
        assert len(entries(get_feed(client, url))) == 2

    authors = [make_user(first_name=f"Steward {n}") for n in range(3)]
    for author in authors:
        bulk_updates(pledge, 20, author)
    assert Pledge.objects.get(pk=pledge.pk).updates.count() == 62
    with django_assert_max_num_queries(ceiling):
        root = get_feed(client, url)
    assert len(entries(root)) == FEED_LENGTH
    names = {entry.findtext(f"{ATOM}author/{ATOM}name") for entry in entries(root)}
    assert {"Steward 0", "Steward 1", "Steward 2"} <= names
