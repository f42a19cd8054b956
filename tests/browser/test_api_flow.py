"""The API as an integrator meets it, in a real browser: the interactive docs
page works under the site's CSP with assets served by the app, and a
Reporter creates a token on their page, sees it once, and logs an update
with it."""

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import make_reporter, sign_in, submit
from tracker.models import Actor, StatusUpdate

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("pledge_data")]

REF = "asem-2002-1.2"  # names the European Union; a process, so "Ongoing" can apply
ACTOR = "european-union"


def test_the_docs_page_renders_under_the_csp_from_local_assets(page, live_server):
    problems, requests = [], []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: problems.append(str(e)))
    page.on("request", lambda r: requests.append(r.url))
    page.goto("/api/v1/docs")
    # Swagger UI draws one block per operation once it has read the schema.
    expect(page.locator(".opblock").first).to_be_visible()
    assert page.locator(".opblock").count() >= 10
    expect(page.get_by_text("/api/v1/pledges/").first).to_be_visible()
    assert problems == []  # a CSP refusal shows up as a console error
    assert all(url.startswith(live_server.url) for url in requests), requests


def test_a_reporter_creates_a_token_and_logs_an_update_with_it(page, live_server):
    reporter = make_reporter(Actor.objects.get(slug=ACTOR))
    sign_in(page, reporter)
    page.get_by_role("link", name="API tokens").click()
    expect(page.get_by_role("heading", name="Your API tokens")).to_be_visible()
    page.get_by_label("Name").fill("Ministry reporting system")
    submit(page, page.get_by_role("button", name="Create token"))
    secret = page.locator(".token-secret").inner_text().strip()
    assert secret.startswith("pt_")
    expect(page.get_by_role("status")).to_contain_text("shown only this once")

    # The program, outside the browser session: the token alone.
    response = page.context.request.post(
        f"{live_server.url}/api/v1/pledges/{REF}/updates/",
        headers={"Authorization": f"Bearer {secret}", "Cookie": ""},
        data={
            "status": "ongoing",
            "as_of": "2004-06-01",
            "kind": "self_report",
            "actor": ACTOR,
            "summary": "The EU adopted its first implementation report.",
            "evidence_reference": "EU/CT/2004/1",
        },
    )
    assert response.status == 201, response.text()
    update = StatusUpdate.objects.get(pledge__ref=REF, author=reporter)
    assert update.actor.slug == ACTOR

    # Reloading the page never shows the secret again; revoking stops it.
    page.reload()
    assert page.locator(".token-secret").count() == 0
    submit(page, page.get_by_role("button", name="Revoke “Ministry reporting system”"))
    expect(page.get_by_role("status")).to_contain_text("no longer works")
    refused = page.context.request.get(
        f"{live_server.url}/api/v1/themes/", headers={"Authorization": f"Bearer {secret}"}
    )
    assert refused.status == 401
