"""Following by e-mail in a real browser, from a pledge page to the
following page through the confirmation link; and the digest's HTML as a
mail client shows it (the README's screenshot)."""

import re
from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from django.core import mail
from django.utils import timezone

from tests.browser.conftest import PLEDGE, scroll_width, submit
from tests.browser.test_accessibility import assert_all_accessible
from tests.browser.test_visitor_flow import save_screenshot
from tests.factories import make_update, make_user
from tracker.alerts import delivery
from tracker.alerts.links import follower_token
from tracker.alerts.models import OutboxMessage, Subscriber, Target
from tracker.models import Pledge, Status, Theme

pytestmark = [pytest.mark.browser]


def test_a_visitor_follows_a_pledge_and_confirms(page, pledge_data, live_server, settings):
    settings.SITE_URL = live_server.url
    page.goto(f"/pledges/{PLEDGE}/")
    with page.expect_navigation():
        page.get_by_role("link", name="Get e-mail when this pledge changes").click()
    page.get_by_label("Your e-mail address").fill("ana@example.org")
    page.get_by_label("A weekly digest").check()
    submit(page, page.get_by_role("button", name="Follow"))
    assert page.get_by_role("heading", name="Check your inbox").is_visible()

    [message] = mail.outbox
    link = re.search(r"(http://\S+/alerts/confirm/\S+/)", message.body)[1]
    page.goto(link)
    submit(page, page.get_by_role("button", name="Confirm"))
    assert urlsplit(page.url).path.startswith("/alerts/following/")
    assert page.get_by_role("heading", name="What you follow").is_visible()
    assert PLEDGE in page.locator("main").inner_text()
    assert Subscriber.objects.get().frequency == "weekly"


def test_the_alert_pages_are_accessible_and_fit_360_pixels(page, pledge_data):
    pledge = Pledge.objects.get(ref=PLEDGE)
    ana = Subscriber.objects.confirm("ana@example.org", Target("pledge", pledge), "daily")
    token = follower_token(ana)
    urls = [
        f"/alerts/follow/pledge/{PLEDGE}/",
        "/alerts/check-your-inbox/",
        f"/alerts/following/{token}/",
        f"/alerts/unsubscribe/{token}/",
    ]
    assert_all_accessible(page, urls)
    page.set_viewport_size({"width": 360, "height": 800})
    for url in urls:
        page.goto(url)
        assert scroll_width(page) <= 360, url


def test_screenshot_of_a_digest(page, pledge_data, tmp_path):
    pledge = Pledge.objects.get(ref=PLEDGE)
    theme = Theme.objects.get(slug="counter-terrorism-cooperation")
    ana = Subscriber.objects.confirm("ana@example.org", Target("pledge", pledge), "daily")
    Subscriber.objects.confirm("ana@example.org", Target("theme", theme), "daily")
    Subscriber.objects.filter(pk=ana.pk).update(covered_until=timezone.now() - timedelta(hours=1))
    author = make_user("assessor-anna", first_name="Anna", last_name="Assessor")
    make_update(
        pledge,
        author=author,
        status=Status.SUBSTANTIAL,
        summary="The regional organizations report regular exchanges with the "
        "Counter-Terrorism Committee; two have yet to name a focal point.",
        evidence_url="https://www.un.org/securitycouncil/ctc/",
        evidence_reference="S/2005/800",
    )
    other = theme.pledges.exclude(pk=pledge.pk).order_by("ref").first()
    make_update(
        other,
        author=author,
        status=Status.LIMITED,
        summary="Partners began sharing watch lists; no common procedure yet.",
        evidence_url="",
        evidence_reference="ASEM/SOM/2005/3",
    )
    delivery.compose()
    html = OutboxMessage.objects.get().body_html
    page.set_viewport_size({"width": 800, "height": 900})
    page.set_content(html)
    assert page.get_by_role("heading", name="2 changes on what you follow").is_visible()
    save_screenshot(page, "alert-digest.png", tmp_path, max_height=1200)
