"""The matrix and a party page in a real browser: at 360 pixels the page
itself never scrolls sideways, the matrix scrolls inside its own frame, and
its headers stay in view while it does; screenshots for the README."""

import pytest
from django.core.management import call_command

from tests.browser.conftest import scroll_width
from tests.browser.test_visitor_flow import save_screenshot

pytestmark = [pytest.mark.browser]

PHONE = {"width": 360, "height": 800}
MATRIX = "/matrix/?source=asem-copenhagen-2002"


@pytest.fixture
def party_data(pledge_data):
    call_command("loaddata", "parties", "party-history", verbosity=0)


def box(page, selector):
    return page.locator(selector).first.bounding_box()


def test_the_matrix_scrolls_in_its_frame_with_sticky_headers_at_360_pixels(page, party_data):
    page.set_viewport_size(PHONE)
    page.goto(MATRIX)
    assert scroll_width(page) <= PHONE["width"]
    frame = page.locator(".matrix-frame")
    sizes = frame.evaluate("f => [f.scrollWidth, f.clientWidth, f.scrollHeight, f.clientHeight]")
    assert sizes[0] > sizes[1] and sizes[2] > sizes[3], sizes  # scrolls both ways, inside
    header, first_column = box(page, ".matrix thead th:nth-child(5)"), box(page, ".matrix tbody th")
    frame.evaluate("f => { f.scrollTop = 300; f.scrollLeft = 400; }")
    page.wait_for_timeout(50)
    frame_box = frame.bounding_box()
    # The party row stays at the frame's top, the pledge column at its left.
    assert abs(box(page, ".matrix thead th:nth-child(5)")["y"] - frame_box["y"]) < 2
    assert abs(box(page, ".matrix tbody tr:nth-child(12) th")["x"] - frame_box["x"]) < 2
    assert header["y"] >= frame_box["y"] and first_column["x"] >= frame_box["x"]
    # Cells say what they are in words, gaps included.
    text = frame.inner_text()
    assert "No information" in text and "Ongoing" in text


def test_a_party_page_fits_360_pixels(page, party_data):
    page.set_viewport_size(PHONE)
    page.goto("/parties/belgium/")
    assert scroll_width(page) <= PHONE["width"]
    # The one headline rule (issue 19): commitments, then documented progress.
    assert "Of the 22 commitments that apply to Belgium, 2 (" in page.locator("main").inner_text()


def test_screenshots_of_the_matrix_and_a_party_page(page, party_data, tmp_path):
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(MATRIX)
    page.locator(".matrix-frame").evaluate("f => { f.scrollTop = 150; }")
    save_screenshot(page, "matrix.png", tmp_path, max_height=1400)
    page.goto("/parties/belgium/")
    save_screenshot(page, "party-page.png", tmp_path, max_height=1800)


def test_the_matrix_takes_the_lists_filter_form_and_a_day_at_360_pixels(page, party_data):
    page.set_viewport_size(PHONE)
    page.goto(MATRIX)
    page.locator(".matrix-filters > summary").click()
    assert scroll_width(page) <= PHONE["width"]  # the open form fits too
    page.locator(".matrix-filters summary", has_text="The record on another day").click()
    page.fill("#id_as_of", "2005-12-31")
    page.locator(".matrix-filters button[type=submit]").click()
    page.wait_for_load_state()
    assert "/matrix/?" in page.url and "source=asem-copenhagen-2002" in page.url
    assert "as of 31 December 2005" in page.locator(".as-of-banner").inner_text()
    assert scroll_width(page) <= PHONE["width"]
    assert page.locator(".matrix-frame").count() == 1
