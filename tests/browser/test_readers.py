"""Issue 19, for readers, in a real browser: the headline figures, bars with
their numbers, the phone-sized list, tables that never split a word, events,
citations, the site's plumbing and a steward's import errors; axe on what
changed. Also takes the README's phone screenshots."""

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.core.management import call_command

from tests.browser.conftest import make_steward, sign_in_to_admin, submit
from tests.browser.test_accessibility import BLOCKING_IMPACTS, describe
from tests.browser.test_visitor_flow import save_screenshot
from tracker.citations import CONTENT_TYPES

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("pledge_data")]

PHONE = {"width": 360, "height": 740}  # a common small Android screen
DESKTOP = {"width": 1280, "height": 900}
PLEDGE = "hlm5-2003-3.4"


@pytest.fixture
def party_data(pledge_data):
    call_command("loaddata", "parties", "party-history", verbosity=0)


def figures(page, block="#scorecard"):
    """The headline figures as the reader sees them: {name: number}."""
    return page.evaluate(
        """(block) => Object.fromEntries([...document.querySelectorAll(
            `${block} .figure`)].map(f => [f.querySelector('dt').innerText.trim(),
            Number(f.querySelector('.figure-number').innerText)]))""",
        block,
    )


def test_the_headline_figures_are_on_every_scorecard_page(page, party_data):
    for url, block in [
        ("/", "#scorecard"),
        ("/sources/asem-copenhagen-2002/", "#scorecard"),
        ("/parties/belgium/", "#party-scorecard"),
    ]:
        page.goto(url)
        numbers = figures(page, block)
        assert list(numbers) == [
            "Commitments",
            "With documented progress",
            "Complete",
            "Stalled",
            "No information",
        ], url
        assert numbers["Commitments"] > 0
        assert numbers["Complete"] <= numbers["With documented progress"]
        sentence = page.locator(f"{block} .headline").inner_text()
        assert sentence.startswith(f"Of the {numbers['Commitments']} commitment"), sentence
        link = page.locator(f"{block} a[href='/methodology/#scorecard']")
        assert link.is_visible(), url
    page.goto("/themes/")
    assert page.locator(".theme-card .headline").count() == page.locator(".theme-card").count()
    page.goto("/methodology/#scorecard")
    assert page.locator("#scorecard-heading").is_visible()


def test_every_bar_segment_has_its_count_in_words(page):
    for viewport in (DESKTOP, PHONE):
        page.set_viewport_size(viewport)
        page.goto("/")
        bars = page.evaluate(
            """() => [...document.querySelectorAll('.bar-cell')].map(cell => ({
                segments: cell.querySelectorAll('svg rect').length,
                labels: [...cell.querySelectorAll('.bar-counts li')].map(li => {
                    const box = li.getBoundingClientRect();
                    return {text: li.innerText.trim(), visible: box.width > 0 && box.height > 0};
                }),
            }))"""
        )
        assert bars
        for bar in bars:
            assert bar["segments"] == len(bar["labels"])
            for label in bar["labels"]:
                assert label["visible"], label
                name, count = label["text"].rsplit(" ", 1)
                assert name and int(count) > 0, label


def first_result_top(page):
    return page.locator(".pledge-table tbody tr").first.bounding_box()["y"]


def test_at_360_pixels_the_first_result_shows_without_scrolling(page):
    page.set_viewport_size(PHONE)
    for url in ("/pledges/", "/pledges/?theme=counter-terrorism-cooperation&status=ongoing"):
        page.goto(url)
        assert page.evaluate("window.scrollY") == 0
        top = first_result_top(page)
        print(f"360x{PHONE['height']} {url}: first result's top at {top:.0f}px")
        assert top < PHONE["height"] - 40, f"{url}: the first result starts at {top}px"
        # The filters are folded behind a summary that says how many apply.
        summary = page.locator(".filter-summary")
        assert summary.is_visible()
        assert page.locator("#id_q").is_hidden()
    assert page.locator(".filter-summary").inner_text() == "Filters: 2 active"
    # Unfolded with a tap, no script needed.
    page.locator(".filter-summary").click()
    assert page.locator("#id_q").is_visible()


def test_on_a_wide_screen_the_filters_are_open_without_script(browser, live_server):
    context = browser.new_context(
        base_url=live_server.url, viewport=DESKTOP, java_script_enabled=False
    )
    page = context.new_page()
    page.goto("/pledges/")
    assert page.locator("#id_q").is_visible()
    assert page.locator(".filter-summary").is_hidden()
    page.get_by_label("Search").fill("resolution")
    context.close()


SPLIT_WORDS = """(selector) => {
    const split = [];
    for (const cell of document.querySelectorAll(selector)) {
        const walker = document.createTreeWalker(cell, NodeFilter.SHOW_TEXT);
        for (let node = walker.nextNode(); node; node = walker.nextNode()) {
            for (const match of node.textContent.matchAll(/\\S+/g)) {
                const range = document.createRange();
                range.setStart(node, match.index);
                range.setEnd(node, match.index + match[0].length);
                const tops = new Set([...range.getClientRects()]
                    .filter(r => r.width > 0).map(r => Math.round(r.top)));
                if (tops.size > 1) split.push(match[0]);
            }
        }
    }
    return split;
}"""


@pytest.mark.parametrize("width", [320, 360, 414, 768, 1280])
def test_dashboard_tables_never_split_a_word_across_lines(page, width):
    page.set_viewport_size({"width": width, "height": 900})
    page.goto("/")
    cells = ".chart-table th, .chart-table td"
    assert page.locator(cells).count() > 10
    assert page.evaluate(SPLIT_WORDS, cells) == [], f"words split at {width}px"
    assert page.evaluate("document.documentElement.scrollWidth") <= width


def test_latest_updates_are_one_entry_per_event(page):
    page.goto("/")
    events = page.evaluate(
        """() => [...document.querySelectorAll('.event')].map(event => ({
            pledges: event.querySelectorAll('.event-pledges li').length,
            document: event.querySelector('.event-head').innerText,
        }))"""
    )
    assert events
    assert any(event["pledges"] > 1 for event in events), events
    heads = [event["document"] for event in events]
    assert len(heads) == len(set(heads)), "an event is listed once"


def test_a_pledge_can_be_cited_and_its_quote_leads_to_the_official_text(page):
    page.goto(f"/pledges/{PLEDGE}/")
    citation = page.locator("#cite-heading + .citation")
    assert citation.is_visible()
    assert f"/pledges/{PLEDGE}/" in citation.inner_text()
    official = page.locator("figure.quote figcaption a.official-link")
    assert official.get_attribute("href").startswith("https://")
    caption = page.locator("figure.quote figcaption").inner_text()
    assert "document symbol SG/2084" in caption
    assert "numbered by Pledge Tracker" in caption  # the UN text prints no numbers
    assert page.locator(".cite-update").first.is_visible()
    for file_format in ("bib", "ris", "json"):
        link = page.locator("section.cite").get_by_role(
            "link", name={"bib": "BibTeX", "ris": "RIS", "json": "CSL-JSON"}[file_format]
        )
        response = page.request.get(link.get_attribute("href"))
        assert response.ok and response.headers["content-type"] == CONTENT_TYPES[file_format]


def test_sitemap_robots_health_cards_and_footer(page):
    for path, kind in [
        ("/sitemap.xml", "application/xml"),
        ("/robots.txt", "text/plain"),
        ("/healthz", "application/json"),
    ]:
        response = page.request.get(path)
        assert response.ok and response.headers["content-type"].startswith(kind), path
    assert page.request.get("/healthz").json()["database"] == "yes"
    response = page.goto(f"/pledges/{PLEDGE}/")
    assert response.headers["cache-control"] == "public, max-age=60"
    title = page.locator("meta[property='og:title']").get_attribute("content")
    assert title.startswith(PLEDGE)
    assert page.locator("meta[name='twitter:card']").get_attribute("content") == "summary"
    footer = page.locator(".footer-sources li")
    assert footer.count() == 2
    assert "Copenhagen" in footer.first.inner_text()
    csv = page.request.get("/pledges/export.csv").body()
    assert csv.startswith(b"\xef\xbb\xbf")


IMPORT_HEADER = "pledge,status,as_of,kind,actor,summary,evidence_url,evidence_reference\n"
BAD_ROWS = (
    "asem-2002-9.3,finished,2004-13-45,independent_assessment,nobody,"
    "Three mistakes in one row.,,ASEM/SOM/2004\n"
    "asem-2002-9.1,ongoing,2004-06-01,independent_assessment,,"
    + "A long summary that runs on " * 12
    + ",https://example.org/a-very-long-address/that/goes/on/and/on/without/a/break,\n"
)


def test_a_steward_sees_every_reason_of_every_bad_row_at_1280_pixels(page, tmp_path):
    page.set_viewport_size(DESKTOP)
    sign_in_to_admin(page, make_steward())
    path = tmp_path / "bad.csv"
    path.write_text(IMPORT_HEADER + BAD_ROWS, encoding="utf-8")
    page.goto("/admin/tracker/statusupdate/import/")
    page.get_by_label("Format").select_option(label="csv")
    page.get_by_label("File to import").set_input_files(str(path))
    submit(page, page.get_by_role("button", name="Submit"))
    reasons = page.locator(".import-errors tbody tr").first.locator(".import-reasons li")
    assert reasons.count() == 3
    for index in range(3):
        assert reasons.nth(index).is_visible()  # on the page, no hover
    text = " ".join(reasons.all_inner_texts())
    assert "“finished” is not a status" in text and "is not a date" in text
    assert "There is no actor “nobody”." in text
    assert page.locator(".import-errors [title]").count() == 0
    assert page.evaluate("document.documentElement.scrollWidth") <= DESKTOP["width"]
    save_screenshot(page, "import-errors.png", tmp_path)
    violations = [
        v
        for v in Axe().run(page, context={"include": [".import-errors"]}).response["violations"]
        if v["impact"] in BLOCKING_IMPACTS
    ]
    assert not violations, describe(violations)


def test_what_changed_for_readers_is_accessible(page, party_data):
    found = {}
    for viewport in (DESKTOP, PHONE):
        page.set_viewport_size(viewport)
        for url in ("/", "/pledges/", f"/pledges/{PLEDGE}/", "/themes/", "/parties/belgium/"):
            page.goto(url)
            violations = [
                v for v in Axe().run(page).response["violations"] if v["impact"] in BLOCKING_IMPACTS
            ]
            if violations:
                found[f"{url} at {viewport['width']}px"] = describe(violations)
    assert not found, found


def test_phone_screenshots(page, tmp_path):
    page.set_viewport_size(PHONE)
    page.goto("/")
    save_screenshot(page, "dashboard-phone.png", tmp_path, max_height=1600)
    page.goto("/pledges/")
    save_screenshot(page, "pledge-list-phone.png", tmp_path, max_height=PHONE["height"])
