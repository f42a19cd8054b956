"""A reporter's path, in a real browser: sign in from a pledge page, submit a
self-report the model rejects, see why with everything typed kept, fix it, and
find the update on the pledge's timeline, on the dashboard and in the feed."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tests.browser.conftest import PASSWORD, make_reporter, submit, wait_for_path
from tracker.models import Actor, Pledge, StatusUpdate

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("pledge_data")]

REF = "asem-2002-1.2"  # it names the EU; a process, so "Ongoing" can apply
ACTOR = "european-union"  # an ASEM partner, which the reporter reports for
SUMMARY = "The ASEM working group reported that most partners had filed their 1373 reports."
EVIDENCE_URL = "https://www.aseminfoboard.org/example-report"
EVIDENCE_REFERENCE = "ASEM/CT/2005/1"


def test_a_reporter_fixes_a_rejected_update_and_sees_it_everywhere(page):
    actor = Actor.objects.get(slug=ACTOR)
    reporter = make_reporter(actor)
    status_before = Pledge.objects.get(ref=REF).current_status
    page.goto(f"/pledges/{REF}/")
    page.get_by_role("link", name="Sign in to log a status update").click()
    page.get_by_label("Username").fill(reporter.get_username())
    page.get_by_label("Password").fill(PASSWORD)
    submit(page, page.get_by_role("button", name="Sign in"))
    wait_for_path(page, f"/pledges/{REF}/updates/new/")
    assert page.locator("h1").inner_text() == "Log a status update"

    # Before the declaration was adopted (23 September 2002): the model refuses it.
    page.get_by_label("Status").select_option("ongoing")
    page.get_by_label("As of").fill("2001-09-30")
    page.get_by_label("Kind").select_option("self_report")
    page.get_by_label("Actor").select_option(label=actor.name)
    page.get_by_label("Summary").fill(SUMMARY)
    page.get_by_label("Evidence URL").fill(EVIDENCE_URL)
    page.get_by_label("Evidence reference").fill(EVIDENCE_REFERENCE)
    submit(page, page.get_by_role("button", name="Save update"))

    assert page.url.endswith(f"/pledges/{REF}/updates/new/")
    notice = page.get_by_role("alert")
    assert "The update was not saved" in notice.inner_text()
    assert "everything you typed is kept" in notice.inner_text()
    as_of_error = page.locator("#id_as_of_error")
    assert "before ASEM" in as_of_error.inner_text()
    assert "23 September 2002" in as_of_error.inner_text()
    # A screen reader hears the error (and the help) with the field.
    as_of_field = page.get_by_label("As of")
    assert as_of_field.get_attribute("aria-invalid") == "true"
    expect(as_of_field).to_have_accessible_description(re.compile(r"before ASEM.*2002"))
    expect(as_of_field).to_have_accessible_description(re.compile(r"not the day it is entered"))
    # Everything typed is kept.
    assert page.get_by_label("Status").input_value() == "ongoing"
    assert page.get_by_label("As of").input_value() == "2001-09-30"
    assert page.get_by_label("Kind").input_value() == "self_report"
    assert page.get_by_label("Actor").input_value() == str(actor.pk)
    assert page.get_by_label("Summary").input_value() == SUMMARY
    assert page.get_by_label("Evidence URL").input_value() == EVIDENCE_URL
    assert page.get_by_label("Evidence reference").input_value() == EVIDENCE_REFERENCE
    assert not StatusUpdate.objects.filter(pledge__ref=REF, author=reporter).exists()

    # Later than anything in the shipped record, so it heads the dashboard.
    as_of = timezone.localdate() - timedelta(days=1)
    page.get_by_label("As of").fill(as_of.isoformat())
    submit(page, page.get_by_role("button", name="Save update"))
    wait_for_path(page, f"/pledges/{REF}/")

    update = StatusUpdate.objects.get(pledge__ref=REF, author=reporter)
    assert (update.author, update.actor, update.summary) == (reporter, actor, SUMMARY)
    assert page.url.endswith(f"/pledges/{REF}/#update-{update.pk}")
    assert f"Logged “Ongoing” as of {as_of:%d %B %Y} on {REF}." in (
        page.get_by_role("status").inner_text()
    )
    newest = page.locator(".timeline-item").first
    assert newest.get_attribute("id") == f"update-{update.pk}"
    assert newest.locator(".badge").inner_text() == "Ongoing"
    assert f"Self-report by a party · concerns {actor.name}" in newest.inner_text()
    assert SUMMARY in newest.inner_text()
    assert "Recorded by Rita Reporter" in newest.inner_text()
    assert page.evaluate("document.querySelector(':target').id") == f"update-{update.pk}"
    # One actor's self-report is not the pledge's overall status.
    assert Pledge.objects.get(ref=REF).current_status == status_before

    page.get_by_role("link", name="Dashboard").click()
    wait_for_path(page, "/")
    latest = page.locator("section[aria-labelledby='latest-heading'] li").first
    assert REF in latest.inner_text()
    assert "Ongoing" in latest.inner_text()
    assert " ".join(SUMMARY.split()[:8]) in latest.inner_text()  # the summary, truncated
    latest.get_by_role("link", name=REF).click()
    wait_for_path(page, f"/pledges/{REF}/", fragment=f"update-{update.pk}")

    feed = page.request.get("/updates/feed/")
    assert feed.ok and feed.headers["content-type"].startswith("application/atom+xml")
    assert f"urn:pledge-tracker:status-update:{update.pk}" in feed.text()
    assert SUMMARY in feed.text()
    assert f"{REF} — Ongoing" in feed.text()
