"""A steward's path through the admin, in a real browser: add a pledge whose
quote must be verbatim (a paraphrase is refused with the typed values kept),
then find it on the public site."""

import pytest

from tests.browser.conftest import make_steward, sign_in_to_admin, submit, wait_for_path
from tracker.models import Paragraph, Pledge, SourceDocument, StatusUpdate

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
    admin_field(page, "Kind of statement").select_option("soft_commitment")
    admin_field(page, "Type of commitment").select_option("process")
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
    assert (pledge.statement_kind, pledge.commitment_type) == ("soft_commitment", "process")
    assert [theme.slug for theme in pledge.themes.all()] == ["counter-terrorism-cooperation"]

    page.goto(f"/pledges/{REF}/")
    assert page.locator("h1").inner_text() == TITLE
    assert page.locator("blockquote").inner_text() == QUOTE
    page.get_by_role("link", name="Read it highlighted in the full text").click()
    wait_for_path(page, f"/sources/{SOURCE_SLUG}/", fragment=f"quote-{REF}")
    assert page.locator(f"[id='quote-{REF}'] + mark").inner_text() == QUOTE


IMPORT_HEADER = "pledge,status,as_of,kind,actor,summary,evidence_url,evidence_reference\n"
GOOD_ROWS = (
    "asem-2002-9.1,ongoing,2004-06-01,independent_assessment,,"
    "Senior officials met under the mechanism.,https://example.org/asem-som,\n"
    # 9.2 is a process: "ongoing" can apply to it, a completion share cannot.
    "asem-2002-9.2,ongoing,2004-06-01,independent_assessment,,"
    "Agencies exchanged first contacts.,,ASEM/SOM/2004\n"
)
BAD_ROW = (
    "asem-2002-9.3,finished,2004-06-01,independent_assessment,,"
    "A status outside the vocabulary.,,ASEM/SOM/2004\n"
)


def upload(page, tmp_path, name, content):
    path = tmp_path / name
    path.write_text(IMPORT_HEADER + content, encoding="utf-8")
    page.goto("/admin/tracker/statusupdate/import/")
    page.get_by_label("Format").select_option(label="csv")
    page.get_by_label("File to import").set_input_files(str(path))
    submit(page, page.get_by_role("button", name="Submit"))


def test_a_steward_imports_status_updates_a_bad_row_first_then_the_fixed_file(page, tmp_path):
    """Upload a CSV with one bad row: the dry run shows that row's error, offers
    no confirmation, and imports nothing. The corrected file previews cleanly,
    imports on confirmation, and the updates appear on the pledges' timelines."""
    sign_in_to_admin(page, make_steward())
    before = StatusUpdate.objects.count()

    upload(page, tmp_path, "with-a-bad-row.csv", GOOD_ROWS + BAD_ROW)
    errors = page.locator(".import-reasons li, .import-error, .errorlist").all_inner_texts()
    assert any("“finished” is not a status" in text for text in errors), errors
    assert page.get_by_role("button", name="Confirm import").count() == 0
    assert StatusUpdate.objects.count() == before

    fixed = BAD_ROW.replace(",finished,", ",not_started,")
    upload(page, tmp_path, "fixed.csv", GOOD_ROWS + fixed)
    confirm = page.get_by_role("button", name="Confirm import")
    assert confirm.count() == 1
    assert StatusUpdate.objects.count() == before  # the preview writes nothing
    submit(page, confirm)
    wait_for_path(page, "/admin/tracker/statusupdate/")
    assert StatusUpdate.objects.count() == before + 3

    page.goto("/pledges/asem-2002-9.1/")
    assert "Senior officials met under the mechanism." in page.locator(".timeline").inner_text()
