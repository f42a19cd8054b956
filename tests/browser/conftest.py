"""Browser tests: Playwright (from pip) driving Debian's Chromium against
pytest-django's ``live_server``.

Playwright's own browser download is never used: the tests launch the
system Chromium through ``executable_path`` (``CHROMIUM_PATH``, default
/usr/bin/chromium). Where it is missing the tests skip with instructions, except
under ``CI=true``, where a missing browser is a failure, so CI cannot pass
without having run them.

Deselect them with ``pytest -m "not browser"``.
"""

import os
import shutil
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.core.management import call_command

from tests import factories
from tracker.roles import ensure_groups

# Playwright's sync API runs an asyncio loop in the test thread, so Django's
# guard against ORM calls from async code would refuse the test's own queries
# (fixtures, assertions). The test thread is still synchronous, so the guard
# protects nothing here. It is set at import time because the loop, once
# started, outlives the browser tests for the rest of the session.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

PASSWORD = "correct-horse-battery-staple"  # the password tests.factories.make_user sets
DESKTOP = {"width": 1280, "height": 900}
INSTALL_HINT = (
    "Install Debian's Chromium with `sudo apt-get install -y chromium` (or point "
    "CHROMIUM_PATH at a Chromium/Chrome binary). Never run `playwright install`: "
    "the tests use the system browser."
)
PLEDGE = "hlm5-2003-3.4"  # a shipped pledge with instruments, actors and a timeline
# Every public page, in its interesting states (for axe and the 360px check).
PUBLIC_PAGES = {
    "dashboard": "/",
    "pledge-list": "/pledges/",
    "pledge-list-filtered": (
        "/pledges/?theme=counter-terrorism-cooperation&theme=security-council-resolutions"
        "&status=ongoing"
    ),
    "pledge-list-bad-filter": "/pledges/?theme=no-such-theme&updated_after=2005-13-45",
    "pledge-list-empty": "/pledges/?q=zzzzzz",
    "pledge-detail": f"/pledges/{PLEDGE}/",
    "pledge-history": f"/pledges/{PLEDGE}/history/",
    "source-asem": "/sources/asem-copenhagen-2002/",
    "source-un": f"/sources/un-regional-organizations-2003/#quote-{PLEDGE}",
    "themes": "/themes/",
    "methodology": "/methodology/",
    "login": "/accounts/login/",
}
CHROMIUM_ARGS = [
    "--no-sandbox",  # CI runs as root in a container, where the sandbox cannot start
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    # No calls home: the tests must not depend on (or wait for) the network.
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def chromium_path():
    """The Chromium binary to launch, or None when there is none."""
    configured = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
    if Path(configured).is_file() and os.access(configured, os.X_OK):
        return configured
    return shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.fixture(scope="session")
def browser():
    executable = chromium_path()
    if executable is None:
        message = f"Chromium not found, so the browser tests cannot run. {INSTALL_HINT}"
        if os.environ.get("CI") == "true":
            pytest.fail(message, pytrace=False)
        pytest.skip(message)

    from playwright.sync_api import sync_playwright

    playwright = sync_playwright().start()
    browser = playwright.chromium.launch(
        executable_path=executable, headless=True, args=CHROMIUM_ARGS
    )
    yield browser
    browser.close()
    playwright.stop()


@pytest.fixture
def context(browser, live_server):
    """A fresh browser profile per test (no cookies carried over), with the
    live server as base URL so tests can ``page.goto("/pledges/")``."""
    context = browser.new_context(
        base_url=live_server.url, viewport=DESKTOP, locale="en-US", timezone_id="UTC"
    )
    # Fail fast: a page on the live server answers in milliseconds.
    context.set_default_timeout(10_000)
    yield context
    context.close()


@pytest.fixture
def page(context):
    return context.new_page()


@pytest.fixture
def pledge_data(transactional_db):
    """The shipped data: both texts, their pledges and the historical record,
    and the role groups. (live_server needs transactional_db, whose flush after
    each test also empties what data migrations made, such as the groups.)"""
    ensure_groups()
    call_command("loaddata", "pledges", "history", verbosity=0)


def make_reporter(*actors, username="rita"):
    """A Reporter who logs self-reports for ``actors``. What a reporter is lives
    in tests.factories (the Reporter group, Actor.reporters); the browser tests
    add only a name for the timeline to show."""
    user = factories.make_reporter(*actors, username=username)
    user.first_name, user.last_name = "Rita", "Reporter"
    user.save(update_fields=["first_name", "last_name"])
    return user


def make_steward(username="stella"):
    """A member of the Steward group, which works in the admin."""
    return factories.make_steward(username)


def wait_for_path(page, path, fragment=None):
    """Wait until the page is at ``path`` (and ``#fragment``). A glob such as
    "**/updates/new/" would also match "/accounts/login/?next=/…/updates/new/"."""

    def arrived(url):
        parts = urlsplit(url)
        return parts.path == path and (fragment is None or parts.fragment == fragment)

    page.wait_for_url(arrived)


def submit(page, button):
    """Click a submit button and wait for the response page, even when it has
    the same URL (a form shown again with its errors)."""
    with page.expect_navigation():
        button.click()


def sign_in(page, user, next_url="/"):
    """Sign in through the site's real login form."""
    page.goto(f"/accounts/login/?next={next_url}")
    page.get_by_label("Username").fill(user.get_username())
    page.get_by_label("Password").fill(PASSWORD)
    submit(page, page.get_by_role("button", name="Sign in"))
    wait_for_path(page, urlsplit(next_url).path)


def sign_in_to_admin(page, user):
    """Sign in through the admin's own login form."""
    page.goto("/admin/login/?next=/admin/")
    page.get_by_label("Username").fill(user.get_username())
    page.get_by_label("Password").fill(PASSWORD)
    submit(page, page.get_by_role("button", name="Log in"))
    wait_for_path(page, "/admin/")


def tab_to(page, target, limit=80):
    """Press Tab until ``target`` has focus: an element id, or a button's text
    as "button:Apply filters". Returns what was focused on the way (ids, or
    tag:text), repeats collapsed since a date input takes several Tabs to cross.
    Fails if the target is never reached."""
    path = []
    for _ in range(limit):
        page.keyboard.press("Tab")
        now = focused(page)
        label = now["id"] or f"{now['tag']}:{now['text']}"
        if not path or path[-1] != label:
            path.append(label)
        if label == target:
            return path
    raise AssertionError(f"Tab never reached {target}; focus went through {path}")


def focused(page):
    """A short description of the focused element: tag, id, name, type, text."""
    return page.evaluate(
        """() => {
            const el = document.activeElement;
            if (!el) return null;
            return {
                tag: el.tagName.toLowerCase(),
                id: el.id,
                name: el.getAttribute("name") || "",
                type: el.getAttribute("type") || "",
                text: (el.innerText || el.value || "").trim().slice(0, 60),
            };
        }"""
    )


def scroll_width(page):
    return page.evaluate("document.documentElement.scrollWidth")
