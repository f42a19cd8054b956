"""The record over time in a real browser: the dashboard as of a past day
and back to today, the trend chart of a source, and what changed between two
days; each checked with axe. Also takes the README's screenshots of them."""

import pytest

from tests.browser.conftest import wait_for_path
from tests.browser.test_accessibility import assert_accessible
from tests.browser.test_visitor_flow import save_screenshot

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("pledge_data")]

ASEM = "asem-copenhagen-2002"


def test_the_dashboard_as_of_a_past_day_and_back_to_today(page, tmp_path):
    page.goto("/?as_of=2005-12-31")
    banner = page.locator(".as-of-banner")
    assert "as of 31 December 2005" in banner.inner_text()
    assert_accessible(page)
    save_screenshot(page, "dashboard-as-of-2005.png", tmp_path, max_height=900)
    banner.get_by_role("link", name="See the record as it stands today.").click()
    wait_for_path(page, "/")
    assert page.locator(".as-of-banner").count() == 0


def test_the_trend_chart_of_a_source(page, tmp_path):
    page.goto(f"/trends/?source={ASEM}")
    chart = page.locator("svg.trend-chart")
    assert chart.get_attribute("role") == "img"
    assert chart.locator("rect").count() > 0
    row_2005 = page.locator(".trend-table tbody tr", has=page.locator("th", has_text="2005"))
    assert row_2005.count() == 1
    assert_accessible(page)
    save_screenshot(page, "trends-asem.png", tmp_path, max_height=1100)


def test_what_changed_between_two_days(page, tmp_path):
    page.goto("/changes/")
    page.locator("#id_from").fill("2006-01-01")
    page.locator("#id_to").fill("2016-12-31")
    page.locator("#id_source").select_option(ASEM)
    page.get_by_role("button", name="Show the changes").click()
    page.wait_for_url(f"**/changes/?from=2006-01-01&to=2016-12-31&source={ASEM}")
    assert "changed status" in page.locator("#moves-heading").inner_text()
    assert page.locator(".change-list > li").count() > 0
    assert_accessible(page)
    save_screenshot(page, "changes-2006-2016.png", tmp_path, max_height=1200)
