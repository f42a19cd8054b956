"""A steward's path through the admin, in a real browser: add a pledge whose
quote must be verbatim (a paraphrase is refused with the typed values kept),
then find it on the public site."""

import pytest

from tests.browser.conftest import make_steward, sign_in_to_admin, submit, wait_for_path
from tracker.models import Paragraph, Pledge, SourceDocument

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("pledge_data")]

SOURCE_SLUG = "un-regional-organizations-2003"
REF = "hlm5-2003-3.6"
TITLE = "Treat terrorism as a major challenge to international peace and security"
QUOTE = (
    "Participants recognized that terrorism represents today a major challenge to "
    "international peace and security."
)
PARAPHRASE = (
    "Participants recognised that terrorism is today a major challenge to "
    "international peace and security."
)


def admin_field(page, label):
    """The pledge form's own field (not the inline updates' "Evidence reference")."""
    return page.get_by_label(f"{label}:", exact=True)


def test_a_steward_adds_a_pledge_and_a_paraphrase_is_refused(page):
    source = SourceDocument.objects.get(slug=SOURCE_SLUG)
    paragraph = Paragraph.objects.get(document=source, number=3)
    assert QUOTE in paragraph.text and PARAPHRASE not in paragraph.text  # the test's premise
    sign_in_to_admin(page, make_steward())

    page.goto("/admin/tracker/pledge/")
    page.get_by_role("link", name="Add pledge").click()
    wait_for_path(page, "/admin/tracker/pledge/add/")
    admin_field(page, "Reference").fill(REF)
    admin_field(page, "Title").fill(TITLE)
    admin_field(page, "Source").select_option(label=str(source))
    admin_field(page, "Paragraph").fill("3")
    admin_field(page, "Quote").fill(PARAPHRASE)
    # Themes use the admin's autocomplete (select2 over the autocomplete view).
    page.locator(".field-themes .select2-search__field").fill("Counter-terrorism")
    page.get_by_role("option", name="Counter-terrorism cooperation").click()
    submit(page, page.get_by_role("button", name="Save", exact=True))

    assert page.url.endswith("/admin/tracker/pledge/add/")
    assert "Please correct the error below." in page.locator(".errornote").inner_text()
    quote_errors = page.locator(".field-quote .errorlist").inner_text()
    assert f"The quote is not a verbatim span of paragraph 3 of {source}" in quote_errors
    assert admin_field(page, "Reference").input_value() == REF
    assert admin_field(page, "Quote").input_value() == PARAPHRASE
    assert "Counter-terrorism cooperation" in page.locator(".field-themes").inner_text()
    assert not Pledge.objects.filter(ref=REF).exists()

    admin_field(page, "Quote").fill(QUOTE)
    submit(page, page.get_by_role("button", name="Save", exact=True))
    wait_for_path(page, "/admin/tracker/pledge/")
    assert "was added successfully" in page.locator(".messagelist").inner_text()
    pledge = Pledge.objects.get(ref=REF)
    assert (pledge.source, pledge.paragraph, pledge.quote) == (source, 3, QUOTE)
    assert [theme.slug for theme in pledge.themes.all()] == ["counter-terrorism-cooperation"]

    page.goto(f"/pledges/{REF}/")
    assert page.locator("h1").inner_text() == TITLE
    assert page.locator("blockquote").inner_text() == QUOTE
    page.get_by_role("link", name="Read it highlighted in the full text").click()
    wait_for_path(page, f"/sources/{SOURCE_SLUG}/", fragment=f"quote-{REF}")
    assert page.locator(f"[id='quote-{REF}'] + mark").inner_text() == QUOTE


@pytest.mark.skip(reason="needs the stewards' CSV import (issue 5)")
def test_todo_a_steward_imports_status_updates_from_csv_with_a_bad_row_then_the_fixed_file(page):
    """TODO (issue 5): in the admin's import page, upload a CSV of status updates
    with one bad row: nothing is imported and the row's error is shown; then the
    corrected file imports every row, and the updates appear on the timelines."""
    raise NotImplementedError
