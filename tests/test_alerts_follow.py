"""/alerts/follow/<kind>/<key>/, /alerts/confirm/…, /alerts/following/…:
following by e-mail with double opt-in, the same answer for every address,
rate limits, and the following page."""

import re

import pytest
from django.core import mail, signing
from django.test import Client
from django.urls import reverse

from tests.factories import make_actor, make_pledge, make_source, make_theme, make_user
from tests.party_helpers import make_party
from tracker.alerts.links import FOLLOWER_SALT, follower_token
from tracker.alerts.models import ConfirmationRequest, Follow, Frequency, Subscriber, Target

pytestmark = pytest.mark.django_db

CONFIRM_LINK = re.compile(r"http://testserver(/alerts/confirm/[^/\s]+/)")
FOLLOWING_LINK = re.compile(r"http://testserver(/alerts/following/[^/\s]+/)")


@pytest.fixture
def pledge():
    return make_pledge(ref="asem-2002-3.2", title="Ratify the conventions")


def follow_url(pledge):
    return reverse("alerts:follow", args=["pledge", pledge.ref])


def ask(client, pledge, email="ana@example.org", frequency="daily", **extra):
    return client.post(follow_url(pledge), {"email": email, "frequency": frequency}, **extra)


def link_in(message, pattern=CONFIRM_LINK):
    match = pattern.search(message.body)
    assert match, message.body
    return match[1]


def test_following_sends_one_confirmation_and_stores_nothing_until_it_is_used(client, pledge):
    response = ask(client, pledge, email="Ana@Example.org", frequency="weekly", follow=True)

    assert response.redirect_chain[-1][0] == reverse("alerts:check-inbox")
    assert "Check your inbox" in response.text
    [message] = mail.outbox
    assert message.to == ["ana@example.org"]
    assert "asem-2002-3.2" in message.body
    assert Subscriber.objects.count() == 0 and Follow.objects.count() == 0

    link = link_in(message)
    page = client.get(link)
    assert "Confirm your alerts" in page.text
    # Opening the link (as a mail scanner does) confirms nothing: the button does.
    assert Subscriber.objects.count() == 0
    following = client.post(link, follow=True)

    [subscriber] = Subscriber.objects.all()
    assert subscriber.email == "ana@example.org" and subscriber.confirmed_at is not None
    assert subscriber.frequency == Frequency.WEEKLY
    assert [f.pledge for f in subscriber.follows.all()] == [pledge]
    assert "What you follow" in following.text and "Ratify the conventions" in following.text


def test_every_address_gets_the_same_answer(client, pledge):
    """Unknown, known, already following: the page a requester sees is the
    same, so it cannot tell whether an address follows anything."""
    other = make_pledge(ref="asem-2002-4.1")
    Subscriber.objects.confirm("known@example.org", Target("pledge", other), "daily")
    Subscriber.objects.confirm("follows@example.org", Target("pledge", pledge), "daily")

    pages = [
        ask(client, pledge, email=address, follow=True)
        for address in ("new@example.org", "known@example.org", "follows@example.org")
    ]

    assert len({page.text for page in pages}) == 1
    assert {page.status_code for page in pages} == {200}
    # Only the mailbox owner learns the difference.
    already = [m for m in mail.outbox if m.to == ["follows@example.org"]][0]
    assert already.subject == "You already follow this on Pledge Tracker"
    assert FOLLOWING_LINK.search(already.body)


def test_a_tampered_or_expired_confirmation_link_does_not_work(client, pledge, settings):
    ask(client, pledge)
    link = link_in(mail.outbox[0])
    assert client.post(link[:-3] + "xx/").status_code == 404
    settings.ALERTS_CONFIRM_HOURS = 0
    response = client.post(link)
    assert response.status_code == 404 and "This link does not work" in response.text
    assert Subscriber.objects.count() == 0


def test_confirmations_are_limited_per_address_silently(client, pledge, settings):
    settings.ALERTS_CONFIRM_RATE_ADDRESS = "2/hour"
    answers = [
        ask(client, pledge, REMOTE_ADDR=f"10.0.0.{i}", follow=True).text for i in range(1, 5)
    ]
    assert len(mail.outbox) == 2
    # Over the address's limit, the answer does not change.
    assert len(set(answers)) == 1
    assert ConfirmationRequest.objects.count() == 4
    assert not ConfirmationRequest.objects.filter(address_digest__contains="@").exists()


def test_confirmations_are_limited_per_client_address(client, pledge, settings):
    settings.ALERTS_CONFIRM_RATE_CLIENT = "3/hour"
    statuses = [
        ask(client, pledge, email=f"person{i}@example.org").status_code for i in range(1, 6)
    ]
    assert statuses == [302, 302, 302, 429, 429]
    assert len(mail.outbox) == 3


def test_the_client_limit_counts_the_real_client_behind_the_proxy(client, pledge, settings):
    settings.ALERTS_CONFIRM_RATE_CLIENT = "1/hour"
    settings.PROXY_DEPTH = 1
    first = ask(client, pledge, email="a@example.org", HTTP_X_FORWARDED_FOR="203.0.113.1")
    # A forged left-hand entry does not make a new client.
    second = ask(client, pledge, email="b@example.org", HTTP_X_FORWARDED_FOR="1.1.1.1, 203.0.113.1")
    other = ask(client, pledge, email="c@example.org", HTTP_X_FORWARDED_FOR="203.0.113.2")
    assert [first.status_code, second.status_code, other.status_code] == [302, 429, 302]


def test_a_signed_in_user_with_a_confirmed_address_follows_in_one_click(client, pledge):
    user = make_user("ana", email="ana@example.org")
    Subscriber.objects.confirm("ana@example.org", Target("pledge", make_pledge()), "weekly")
    client.force_login(user)
    form = client.get(follow_url(pledge))
    assert "ana@example.org" in form.text and 'name="email"' not in form.text

    response = client.post(follow_url(pledge), {"frequency": "weekly"}, follow=True)

    assert mail.outbox == []
    assert Follow.objects.filter(pledge=pledge, subscriber__email="ana@example.org").exists()
    assert "You now follow pledge asem-2002-3.2" in response.text


def test_a_signed_in_user_confirms_their_address_once(client, pledge):
    client.force_login(make_user("ana", email="ana@example.org"))
    client.post(follow_url(pledge), {"frequency": "daily"})
    [message] = mail.outbox
    assert message.to == ["ana@example.org"]
    assert not Follow.objects.exists()
    assert client.get(reverse("alerts:following-account")).status_code == 200


def test_the_following_page_unfollows_and_changes_the_frequency(client, pledge):
    theme = make_theme(name="Terrorist financing")
    subscriber = Subscriber.objects.confirm("ana@example.org", Target("pledge", pledge), "daily")
    Subscriber.objects.confirm("ana@example.org", Target("theme", theme), "daily")
    token = follower_token(subscriber)

    page = client.get(reverse("alerts:following", args=[token]))
    assert "asem-2002-3.2" in page.text and "Terrorist financing" in page.text
    assert "ana@example.org" not in page.text

    follow = subscriber.follows.get(theme=theme)
    client.post(reverse("alerts:unfollow", args=[token, follow.pk]))
    client.post(reverse("alerts:frequency", args=[token]), {"frequency": "immediate"})

    subscriber.refresh_from_db()
    assert [f.pledge for f in subscriber.follows.all()] == [pledge]
    assert subscriber.frequency == Frequency.IMMEDIATE


def test_another_followers_follow_cannot_be_removed(client, pledge):
    ana = Subscriber.objects.confirm("ana@example.org", Target("pledge", pledge), "daily")
    bob = Subscriber.objects.confirm("bob@example.org", Target("pledge", pledge), "daily")
    bobs = bob.follows.get()
    response = client.post(reverse("alerts:unfollow", args=[follower_token(ana), bobs.pk]))
    assert response.status_code == 404
    assert Follow.objects.filter(pk=bobs.pk).exists()


def test_unsubscribing_needs_no_session_and_no_csrf_token(pledge):
    subscriber = Subscriber.objects.confirm("ana@example.org", Target("pledge", pledge), "daily")
    url = reverse("alerts:unsubscribe", args=[follower_token(subscriber)])
    strict = Client(enforce_csrf_checks=True)

    assert "Stop all alerts" in strict.get(url).text
    assert Subscriber.objects.exists()
    response = strict.post(url, {"List-Unsubscribe": "One-Click"})

    assert response.status_code == 200 and "Alerts stopped" in response.text
    assert not Subscriber.objects.exists() and not Follow.objects.exists()
    # The link, used again, says the same and changes nothing.
    assert strict.post(url).status_code == 200


def test_other_alert_forms_still_need_the_csrf_token(pledge):
    subscriber = Subscriber.objects.confirm("ana@example.org", Target("pledge", pledge), "daily")
    strict = Client(enforce_csrf_checks=True)
    url = reverse("alerts:frequency", args=[follower_token(subscriber)])
    assert strict.post(url, {"frequency": "weekly"}).status_code == 403
    assert strict.post(follow_url(pledge), {"email": "x@example.org"}).status_code == 403


def test_a_replaced_link_key_revokes_every_link(client, pledge):
    subscriber = Subscriber.objects.confirm("ana@example.org", Target("pledge", pledge), "daily")
    token = follower_token(subscriber)
    subscriber.link_key = "replaced"
    subscriber.save()
    assert client.get(reverse("alerts:following", args=[token])).status_code == 404


def test_a_followers_link_is_the_same_whenever_it_is_made(client, pledge, monkeypatch):
    # A digest signs the link twice (List-Unsubscribe and the footer); a
    # timestamp in the token made the two differ across a second boundary.
    subscriber = Subscriber.objects.confirm("ana@example.org", Target("pledge", pledge), "daily")
    first = follower_token(subscriber)
    monkeypatch.setattr("time.time", lambda: 4_000_000_000.0)
    assert follower_token(subscriber) == first
    assert client.get(reverse("alerts:following", args=[first])).status_code == 200


def test_a_link_sent_with_the_old_timestamped_token_still_works(client, pledge):
    subscriber = Subscriber.objects.confirm("ana@example.org", Target("pledge", pledge), "daily")
    old = signing.dumps({"s": subscriber.pk, "k": subscriber.link_key}, salt=FOLLOWER_SALT)
    assert old.count(":") == 2
    assert client.get(reverse("alerts:following", args=[old])).status_code == 200
    forged = old[:-1] + ("A" if old[-1] != "A" else "B")
    assert client.get(reverse("alerts:following", args=[forged])).status_code == 404


def test_each_kind_of_page_links_to_its_follow_form(client):
    source = make_source(slug="asem-2002")
    theme = make_theme(slug="financing")
    pledge = make_pledge(source=source, ref="asem-2002-1.1", themes=[theme])
    party = make_party(source, slug="belgium", name="Belgium")
    pages = {
        reverse("pledge-detail", args=[pledge.ref]): ("pledge", pledge.ref),
        reverse("theme-list"): ("theme", theme.slug),
        reverse("party-detail", args=[party.slug]): ("party", party.slug),
        reverse("source-detail", args=[source.slug]): ("source", source.slug),
    }
    for page, args in pages.items():
        target_url = reverse("alerts:follow", args=args)
        assert f'href="{target_url}"' in client.get(page).text, page
        assert client.get(target_url).status_code == 200


def test_only_a_party_can_be_followed_as_a_party(client):
    assert client.get(reverse("alerts:follow", args=["party", make_actor().slug])).status_code == (
        404
    )
    assert client.get(reverse("alerts:follow", args=["user", "1"])).status_code == 404
