"""axe-core (shipped by axe-playwright-python) on every public page, the
update form and the main admin pages: no serious or critical violation.
Moderate and minor findings are not checked."""

import pytest
from axe_playwright_python.sync_playwright import Axe

from tests.browser.conftest import (
    PLEDGE,
    PUBLIC_PAGES,
    make_reporter,
    make_steward,
    sign_in,
    sign_in_to_admin,
    submit,
)
from tracker.models import Pledge

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("pledge_data")]

BLOCKING_IMPACTS = {"serious", "critical"}
# Django's admin autocomplete is select2 4.0.13, vendored by Django: its
# search box and combobox have no accessible name and its <ul> holds a <span>.
# Not ours to patch in place; test_known_select2_defects below tracks them and
# fails (strict xfail) once a Django upgrade fixes them, so this can go.
SELECT2 = ".select2-container"


def blocking_violations(page, context=None):
    results = Axe().run(page, context=context)
    return [v for v in results.response["violations"] if v["impact"] in BLOCKING_IMPACTS]


def describe(violations):
    """A readable failure message: what rule, why it matters, which elements."""
    lines = []
    for violation in violations:
        lines.append(
            f"\n[{violation['impact']}] {violation['id']}: {violation['help']} "
            f"({violation['helpUrl']})"
        )
        for node in violation["nodes"][:10]:
            lines.append(f"  at {', '.join(map(str, node['target']))}: {node['html'][:160]}")
            lines.extend(f"    {line}" for line in node["failureSummary"].splitlines())
        if len(violation["nodes"]) > 10:
            lines.append(f"  ...and {len(violation['nodes']) - 10} more elements")
    return "".join(line + "\n" for line in lines)


def assert_accessible(page):
    violations = blocking_violations(page)
    assert not violations, f"axe found on {page.url}:{describe(violations)}"


def assert_all_accessible(page, urls, context=None):
    """Check every page, then report every page that failed (one test, one data
    load: loading the fixtures per page would double this module's run time)."""
    found = {}
    for url in urls:
        response = page.goto(url)
        assert response.ok, f"{url} answered {response.status}"
        violations = blocking_violations(page, context=context)
        if violations:
            found[url] = describe(violations)
    assert not found, "axe found:" + "".join(f"\n{url}:{report}" for url, report in found.items())


def test_the_public_pages_have_no_serious_or_critical_violation(page):
    assert_all_accessible(page, PUBLIC_PAGES.values())


def test_the_update_form_is_accessible_empty_and_with_errors(page):
    actor = Pledge.objects.get(ref=PLEDGE).actors.first()
    sign_in(page, make_reporter(actor), next_url=f"/pledges/{PLEDGE}/updates/new/")
    assert_accessible(page)

    submit(page, page.get_by_role("button", name="Save update"))
    assert page.get_by_role("alert").is_visible()
    assert_accessible(page)


ADMIN_PAGES = [
    "/admin/",
    "/admin/tracker/pledge/",
    "/admin/tracker/pledge/?current_status__exact=ongoing&q=resolution",
    "/admin/tracker/pledge/{pk}/change/",
    "/admin/tracker/pledge/add/",
    "/admin/tracker/statusupdate/",
]


def test_the_main_admin_pages_are_accessible(page):
    sign_in_to_admin(page, make_steward())
    pledge = Pledge.objects.get(ref=PLEDGE)
    urls = [url.format(pk=pledge.pk) for url in ADMIN_PAGES]
    assert_all_accessible(page, urls, context={"exclude": [SELECT2]})


@pytest.mark.xfail(
    strict=True, raises=AssertionError, reason="select2 as vendored by Django (see SELECT2)"
)
def test_known_select2_defects(page):
    sign_in_to_admin(page, make_steward())
    page.goto(f"/admin/tracker/pledge/{Pledge.objects.get(ref=PLEDGE).pk}/change/")
    if not page.locator(SELECT2).count():
        pytest.fail("No select2 widget on the page any more: drop SELECT2 and this test.")
    violations = blocking_violations(page, context={"include": [SELECT2]})
    assert not violations, describe(violations)
