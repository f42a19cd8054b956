"""The filter form and the update form work with the keyboard alone, and no
public page scrolls sideways on a 360-pixel-wide phone."""

from urllib.parse import parse_qs, urlsplit

import pytest

from tests.browser.conftest import (
    PASSWORD,
    PLEDGE,
    PUBLIC_PAGES,
    focused,
    make_reporter,
    scroll_width,
    sign_in,
    tab_to,
    wait_for_path,
)
from tracker.models import Actor, StatusUpdate

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("pledge_data")]

PHONE = {"width": 360, "height": 800}


def test_tab_order_of_the_filter_form(page):
    page.goto("/pledges/")
    path = tab_to(page, "button:Apply filters")
    assert path[0] == "a:Skip to content"
    themes = [label for label in path if label.startswith("theme-")]
    statuses = [label for label in path if label.startswith("status-")]
    assert len(themes) == page.locator("input[name=theme]").count() > 1
    assert len(statuses) == page.locator("input[name=status]").count() > 1
    order = [path.index(label) for label in ("id_q", themes[0], statuses[0], "id_ordering")]
    assert order == sorted(order), f"search, themes, statuses, sort: {path}"


def test_filtering_with_the_keyboard_alone(page):
    page.goto("/pledges/")
    tab_to(page, "theme-counter-terrorism-cooperation")
    page.keyboard.press("Space")
    assert page.locator("#theme-counter-terrorism-cooperation").is_checked()
    tab_to(page, "theme-security-council-resolutions")
    page.keyboard.press("Space")
    tab_to(page, "status-ongoing")
    page.keyboard.press("Space")
    page.keyboard.press("Space")  # Space toggles: off again...
    assert not page.locator("#status-ongoing").is_checked()
    page.keyboard.press("Space")  # ...and on.
    tab_to(page, "button:Apply filters")
    page.keyboard.press("Enter")
    page.wait_for_url("**/pledges/?*")
    query = parse_qs(urlsplit(page.url).query)
    assert sorted(query["theme"]) == [
        "counter-terrorism-cooperation",
        "security-council-resolutions",
    ]
    assert query["status"] == ["ongoing"]

    # On the filtered page, Enter in the search box submits the whole form.
    tab_to(page, "id_q")
    page.keyboard.type("1373")
    page.keyboard.press("Enter")
    page.wait_for_url("**q=1373*")
    query = parse_qs(urlsplit(page.url).query)
    assert query["q"] == ["1373"] and query["status"] == ["ongoing"]
    assert "1373" in page.locator(".pledge-table").inner_text()


def test_signing_in_and_logging_an_update_with_the_keyboard_alone(page):
    # Two of the pledge's actors, so the actor list is a real choice (the
    # Counter-Terrorism Committee comes first).
    first, actor = Actor.objects.filter(
        slug__in=["counter-terrorism-committee", "regional-organizations"]
    )
    assert first.slug == "counter-terrorism-committee"
    reporter = make_reporter(first, actor)
    page.goto(f"/accounts/login/?next=/pledges/{PLEDGE}/updates/new/")
    tab_to(page, "id_username")
    page.keyboard.type(reporter.get_username())
    page.keyboard.press("Tab")
    assert focused(page)["id"] == "id_password"
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    wait_for_path(page, f"/pledges/{PLEDGE}/updates/new/")

    tab_to(page, "id_status")
    # A closed <select> picks by typed prefix. (hlm5-2003-3.4 is a process: a
    # completion share such as "Substantial" cannot apply to it.)
    page.keyboard.type("Ongoing")
    path = tab_to(page, "id_as_of")
    page.keyboard.type("04132005")  # en-US date input: mm dd yyyy
    path += tab_to(page, "id_kind")  # a reporter's one kind, chosen already
    path += tab_to(page, "id_actor")
    page.keyboard.type(actor.name)
    path += tab_to(page, "id_summary")
    page.keyboard.type("Typed without a mouse.")
    path += tab_to(page, "id_evidence_reference")
    page.keyboard.type("S/2005/800")
    path += tab_to(page, "button:Save update")
    assert "id_evidence_url" in path, f"Tab skipped the evidence URL: {path}"

    form = page.locator("form.update-form")
    assert form.locator("#id_status").input_value() == "ongoing"
    assert form.locator("#id_as_of").input_value() == "2005-04-13"
    assert form.locator("#id_kind").input_value() == "self_report"
    assert form.locator("#id_actor").input_value() == str(actor.pk)
    page.keyboard.press("Enter")
    wait_for_path(page, f"/pledges/{PLEDGE}/")
    update = StatusUpdate.objects.get(summary="Typed without a mouse.")
    assert urlsplit(page.url).fragment == f"update-{update.pk}"
    assert (update.status, update.as_of.isoformat()) == ("ongoing", "2005-04-13")
    assert (update.kind, update.actor, update.author) == ("self_report", actor, reporter)
    assert update.evidence_reference == "S/2005/800"
    assert "Typed without a mouse." in page.locator(f"#update-{update.pk}").inner_text()


def overflowing(page, width):
    """The outermost elements that stick out past ``width``, for the message."""
    return page.evaluate(
        """(width) => [...document.querySelectorAll("body *")]
            .filter(el => el.getBoundingClientRect().right > width + 0.5)
            .filter(el => !el.parentElement
                || el.parentElement.getBoundingClientRect().right <= width + 0.5)
            .slice(0, 5)
            .map(el => el.outerHTML.slice(0, 120))""",
        width,
    )


def test_no_page_scrolls_sideways_at_360_pixels(page):
    page.set_viewport_size(PHONE)
    wide = {}
    for name, url in PUBLIC_PAGES.items():
        page.goto(url)
        if scroll_width(page) > PHONE["width"]:
            wide[name] = (scroll_width(page), overflowing(page, PHONE["width"]))
    # The update form, signed in.
    actor = Actor.objects.get(slug="regional-organizations")
    sign_in(page, make_reporter(actor), next_url=f"/pledges/{PLEDGE}/updates/new/")
    if scroll_width(page) > PHONE["width"]:
        wide["update-form"] = (scroll_width(page), overflowing(page, PHONE["width"]))
    assert not wide, f"pages wider than {PHONE['width']}px (scrollWidth, culprits): {wide}"
