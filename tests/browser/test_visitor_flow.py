"""A visitor's path through the public site, in a real browser: filter the
list, open a pledge, cross to the other text through a shared instrument, and
land on the quote in the source text. Also takes the README's screenshots."""

import os
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

from tests.browser.conftest import submit, wait_for_path
from tracker.models import Pledge, Status

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("pledge_data")]

THEMES = ["counter-terrorism-cooperation", "security-council-resolutions"]
STATUS = Status.ONGOING
SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
SCREENSHOT_MAX_BYTES = 400_000


def facet_count(page, input_id):
    # "33 pledges": the unit is visually hidden text, for screen readers.
    return int(page.locator(f"label[for='{input_id}'] .count").inner_text().split()[0])


def pledges_with(themes=(), statuses=()):
    pledges = Pledge.objects.all()
    if themes:
        pledges = pledges.filter(themes__slug__in=themes)
    if statuses:
        pledges = pledges.filter(current_status__in=statuses)
    return pledges.distinct().count()


def test_a_visitor_filters_follows_an_instrument_and_lands_on_the_quote(page):
    page.goto("/pledges/")
    total = Pledge.objects.count()
    assert page.locator("#results-heading").inner_text() == f"{total} pledges"
    ongoing_before = facet_count(page, "status-ongoing")
    # A theme whose pledges are not all ongoing, so the status filter changes its count.
    cooperation_before = facet_count(page, "theme-counter-terrorism-cooperation")
    assert ongoing_before == pledges_with(statuses=[STATUS])
    assert cooperation_before == pledges_with(themes=["counter-terrorism-cooperation"])

    for slug in THEMES:
        page.locator(f"#theme-{slug}").check()
    page.locator("#status-ongoing").check()
    submit(page, page.get_by_role("button", name="Apply filters"))

    query = parse_qs(urlsplit(page.url).query)
    assert sorted(query["theme"]) == THEMES
    assert query["status"] == [STATUS]
    matching = pledges_with(themes=THEMES, statuses=[STATUS])
    assert 0 < matching < total
    heading = page.locator("#results-heading").inner_text()
    assert heading == f"{matching} pledges match these filters"
    assert page.locator(".pledge-table tbody tr").count() == matching
    # Each facet now counts with the *other* filters: the status facet within
    # the two themes, the theme facet within the status.
    ongoing_after = facet_count(page, "status-ongoing")
    cooperation_after = facet_count(page, "theme-counter-terrorism-cooperation")
    assert ongoing_after == matching != ongoing_before
    assert cooperation_after == pledges_with(["counter-terrorism-cooperation"], [STATUS])
    assert cooperation_after != cooperation_before
    for slug in THEMES:
        assert page.locator(f"#theme-{slug}").is_checked()
    assert page.locator("#status-ongoing").is_checked()

    page.locator(".pledge-table").get_by_role("link", name="asem-2002-3.3", exact=True).click()
    wait_for_path(page, "/pledges/asem-2002-3.3/")
    assert "Counter-Terrorism Committee" in page.locator("h1").inner_text()

    resolution_1373 = page.locator(".instrument", has_text="resolution 1373")
    resolution_1373.get_by_role("link", name="hlm5-2003-3.4", exact=True).click()
    wait_for_path(page, "/pledges/hlm5-2003-3.4/")
    other = Pledge.objects.select_related("source").get(ref="hlm5-2003-3.4")
    assert other.source.slug != "asem-copenhagen-2002"
    assert other.source.title in page.locator("figcaption").inner_text()

    page.get_by_role("link", name="Read it highlighted in the full text").click()
    wait_for_path(page, f"/sources/{other.source.slug}/", fragment="quote-hlm5-2003-3.4")
    landed = page.evaluate(
        """() => {
            const target = document.querySelector(":target");
            let mark = target && target.nextElementSibling;
            while (mark && mark.classList.contains("quote-anchor")) mark = mark.nextElementSibling;
            const box = mark ? mark.getBoundingClientRect() : null;
            return {
                target: target && target.id,
                mark: mark && mark.tagName,
                text: mark && mark.innerText,
                outline: mark && getComputedStyle(mark).outlineStyle,
                inView: !!box && box.top >= 0 && box.bottom <= window.innerHeight,
            };
        }"""
    )
    assert landed["target"] == "quote-hlm5-2003-3.4"
    assert landed["mark"] == "MARK"
    assert landed["text"].strip() and landed["text"].strip() in other.quote
    assert landed["outline"] == "solid", "the quote the visitor came for stands out"
    assert landed["inView"], "the browser scrolled the quote into view"


def save_screenshot(page, name, tmp_path, max_height=1400):
    """Screenshot the page at its full height up to ``max_height``. The files go
    to docs/screenshots/ when SAVE_SCREENSHOTS=1 (then commit them), else to a
    temporary directory, so a test run leaves the working tree clean."""
    folder = SCREENSHOTS if os.environ.get("SAVE_SCREENSHOTS") == "1" else tmp_path
    folder.mkdir(parents=True, exist_ok=True)
    height = min(page.evaluate("document.documentElement.scrollHeight"), max_height)
    width = page.viewport_size["width"]
    path = folder / name
    page.screenshot(
        path=path,
        full_page=True,
        clip={"x": 0, "y": 0, "width": width, "height": height},
        animations="disabled",
    )
    assert 0 < path.stat().st_size < SCREENSHOT_MAX_BYTES, f"{name} is too large to commit"


def test_screenshots_of_the_dashboard_list_pledge_and_source(page, tmp_path):
    page.goto("/")
    assert page.locator(".status-bar").count() > 0
    save_screenshot(page, "dashboard.png", tmp_path)

    page.goto(f"/pledges/?theme={THEMES[0]}&theme={THEMES[1]}&status={STATUS}")
    assert page.locator(".chip").count() == 3
    save_screenshot(page, "pledge-list-filtered.png", tmp_path)

    page.goto("/pledges/hlm5-2003-3.4/")
    assert page.locator(".timeline-item").count() > 0
    save_screenshot(page, "pledge-detail.png", tmp_path, max_height=1800)

    source = Pledge.objects.get(ref="hlm5-2003-3.4").source
    page.goto(f"/sources/{source.slug}/#quote-hlm5-2003-3.4")
    page.evaluate("window.scrollTo(0, 0)")
    assert page.locator("mark .quote-link").count() > 0
    save_screenshot(page, "source-view.png", tmp_path)
