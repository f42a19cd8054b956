"""The French site in a real browser: the pages translated so far read in
French with no English left outside the texts' own words (marked lang="en"),
they stay accessible, a French-speaking reporter can sign in and log an
update, and a French-speaking steward can curate the record in the admin,
without meeting English."""

import re

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.core.management import call_command
from django.db.models import Count

from tests.browser.conftest import PASSWORD, make_reporter, make_steward, submit, wait_for_path
from tests.browser.test_visitor_flow import save_screenshot
from tracker.models import Actor, Pledge, StatusUpdate

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("pledge_data")]

FRENCH_PAGES = [
    "/fr/accounts/login/",
    "/fr/accounts/password_reset/",
    "/fr/methodology/",
    "/fr/",
    "/fr/pledges/",
    "/fr/pledges/?theme=counter-terrorism-cooperation&status=ongoing&stale=no",
    "/fr/pledges/?theme=zzz&as_of=2999-01-01",  # the filter errors
    "/fr/pledges/?as_of=2005-06-30",  # the list as of a day
    "/fr/?as_of=2005-12-31",  # the dashboard as of a day
    "/fr/themes/",
    "/fr/alerts/follow/theme/counter-terrorism-cooperation/",
    "/fr/alerts/check-your-inbox/",
    "/fr/parties/",
    "/fr/parties/belgium/",
    "/fr/matrix/",
    "/fr/matrix/?source=asem-copenhagen-2002",
    "/fr/trends/",
    "/fr/trends/?party=belgium",
    "/fr/changes/",
    "/fr/changes/?from=2003-01-01&to=2008-12-31",  # pledges and party cells that changed
]


def data_pages():
    """The French pages whose address comes from the shipped data: the pledge
    with the longest timeline, its text, and the follow form of a pledge."""
    pledge = (
        Pledge.objects.annotate(n=Count("updates")).order_by("-n", "ref").select_related("source")
    ).first()
    return [
        f"/fr/pledges/{pledge.ref}/",
        f"/fr/pledges/{pledge.ref}/?as_of=2004-01-01",
        f"/fr/sources/{pledge.source.slug}/",
        f"/fr/alerts/follow/pledge/{pledge.ref}/",
    ]


# Words a French sentence never uses and nearly every English one does
# (not "on", "an" or "or", which are French words too).
ENGLISH_WORDS = re.compile(
    r"\b(the|and|of|with|your|you|is|are|this|that|for|from|has|have|not|no|"
    r"to|in|by|was|were|be|it|its|sign|log|update|updates|pledge|pledges)\b",
    re.IGNORECASE,
)
# The visible text outside the elements marked as another language (the
# texts' quotes and titles) and outside code samples.
VISIBLE_FRENCH_TEXT = """(data) => {
  const outside = 'script, style, code, [lang]:not([lang="fr"])' + (data ? ', ' + data : '');
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  const parts = [];
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const element = node.parentElement;
    if (!element || element.closest(outside)) continue;
    if (!element.checkVisibility()) continue;
    parts.push(node.textContent);
  }
  // Accessible names that are not text nodes: labels of navigation regions.
  for (const element of document.querySelectorAll('[aria-label]')) {
    if (element.closest(outside)) continue;
    // An attribute cannot mark part of itself lang="en": data-name says
    // which part of the label is a name from the data (a theme's, a text's).
    const label = element.getAttribute('aria-label');
    parts.push(element.dataset.name ? label.replace(element.dataset.name, '') : label);
  }
  // The product's name is a proper name.
  return parts.join(' ').replaceAll('Pledge Tracker', '');
}"""


def english_left(page, data=None):
    """Each English word left, with the words around it (to find it);
    ``data``: a CSS selector of elements that show the record's own words."""
    text = " ".join(page.evaluate(VISIBLE_FRENCH_TEXT, data).split())
    return sorted(
        {
            text[max(match.start() - 40, 0) : match.end() + 40]
            for match in ENGLISH_WORDS.finditer(text)
        }
    )


def blocking_violations(page):
    results = Axe().run(page)
    return [v for v in results.response["violations"] if v["impact"] in {"serious", "critical"}]


def test_the_french_pages_are_french_and_accessible(page):
    # The parties of both texts and their memberships (the party pages).
    call_command("loaddata", "parties", verbosity=0)
    problems = {}
    for url in FRENCH_PAGES + data_pages():
        response = page.goto(url)
        assert response.ok, url
        assert page.locator("html").get_attribute("lang") == "fr"
        found = {}
        if words := english_left(page):
            found["English"] = words
        if violations := blocking_violations(page):
            found["axe"] = [v["id"] for v in violations]
        if found:
            problems[url] = found
    assert problems == {}, __import__("json").dumps(problems, indent=1, ensure_ascii=False)


def test_the_switcher_goes_to_the_english_twin_and_back(page):
    page.goto("/fr/methodology/")
    with page.expect_navigation():
        page.get_by_role("link", name="English").click()
    wait_for_path(page, "/methodology/")
    assert page.locator("html").get_attribute("lang") == "en-GB"
    with page.expect_navigation():
        page.get_by_role("link", name="Français").click()
    wait_for_path(page, "/fr/methodology/")
    assert page.get_by_role("heading", level=1).inner_text() == "Méthodologie"


def test_a_french_reporter_signs_in_and_logs_an_update(page):
    call_command("loaddata", "parties", verbosity=0)
    party = Actor.objects.get(slug="france")
    reporter = make_reporter(party, username="reine")
    pledge = Pledge.objects.applicable_to(party).commitments().order_by("ref").first()
    assert pledge is not None

    page.goto("/fr/accounts/login/")
    page.get_by_label("Nom d’utilisateur").fill("reine")
    page.get_by_label("Mot de passe").fill(PASSWORD)
    submit(page, page.get_by_role("button", name="Se connecter"))
    wait_for_path(page, "/fr/reporting/")
    assert page.get_by_role("heading", level=1).inner_text() == "Vos comptes rendus"
    assert english_left(page) == []

    page.goto(f"/fr/pledges/{pledge.ref}/updates/new/")
    assert english_left(page) == []
    page.get_by_label("Statut").select_option(index=1)
    submit(page, page.get_by_role("button", name="Enregistrer la mise à jour"))
    # Refused: nothing saved, told so in French, and what was typed is kept.
    assert (
        page.get_by_role("alert")
        .first.inner_text()
        .startswith("La mise à jour n'a pas été enregistrée.")
    )
    assert english_left(page) == []
    assert StatusUpdate.objects.filter(author=reporter).count() == 0

    page.get_by_label("Résumé").fill("Rapport national présenté au Comité contre le terrorisme.")
    page.get_by_label("Adresse de la source").fill("https://www.un.org/securitycouncil/ctc/")
    page.get_by_label("Date de référence").fill("2004-06-30")
    submit(page, page.get_by_role("button", name="Enregistrer la mise à jour"))
    wait_for_path(page, f"/fr/pledges/{pledge.ref}/")
    update = StatusUpdate.objects.get(author=reporter)
    assert (update.pledge, update.actor) == (pledge, party)
    # The API tokens page and its form.
    page.goto("/fr/account/tokens/")
    assert english_left(page) == []


# Where the admin shows the record's own words, in the language they were
# written in (the shipped record is English): pledge titles and texts' names
# in the changelist and its filters (texts, actors, instruments), what the form
# fields hold, the recorded updates' read-only values, the objects the
# recent-actions box, the timeline and each row's checkbox name, and the
# select2 choices. Django's own admin is French already; what
# this checks is the tracker's part of it, and that none of it is left out.
ADMIN_DATA = (
    ".field-title, .field-source, .field-pledge, .field-actor, .field-author, "
    "textarea, option, .select2-selection__choice, .select2-selection__rendered, "
    "div.readonly, #recent-actions-module li a, .inline-related h3 b, .breadcrumbs, "
    "#content > h2, ul.messagelist li a, #changelist-filter li a, td.action-checkbox"
)


def admin_problems(page):
    """English left outside the record's words, and axe's blocking findings
    (select2 as Django vendors it has known defects: tests/browser/test_accessibility.py)."""
    found = {}
    assert page.locator("html").get_attribute("lang") == "fr"
    if words := english_left(page, ADMIN_DATA):
        found["English"] = words
    results = Axe().run(page, context={"exclude": [".select2-container"]})
    blocking = [v["id"] for v in results.response["violations"] if v["impact"] in BLOCKING]
    if blocking:
        found["axe"] = blocking
    return found


BLOCKING = {"serious", "critical"}


def test_a_french_steward_logs_and_withdraws_an_update_in_the_admin(page):
    steward = make_steward("sabine")
    # A process (on which "ongoing" can be recorded) with the longest timeline.
    pledge = Pledge.objects.commitments().filter(commitment_type="process")
    pledge = pledge.annotate(n=Count("updates")).order_by("-n", "ref").first()
    problems = {}

    def check(name):
        if found := admin_problems(page):
            problems[name] = found

    page.goto("/fr/admin/login/?next=/fr/admin/")
    check("login")
    page.get_by_label("Nom d’utilisateur").fill(steward.get_username())
    page.get_by_label("Mot de passe").fill(PASSWORD)
    submit(page, page.get_by_role("button", name="Connexion"))
    wait_for_path(page, "/fr/admin/")
    check("index")

    page.get_by_role("link", name="Engagements", exact=True).first.click()
    wait_for_path(page, "/fr/admin/tracker/pledge/")
    check("changelist")
    page.get_by_role("link", name="À traiter").click()
    wait_for_path(page, "/fr/admin/tracker/pledge/attention/")
    assert page.get_by_role("heading", level=1).inner_text() == "À traiter"
    check("attention")

    page.goto(f"/fr/admin/tracker/pledge/{pledge.pk}/change/")
    check("pledge")
    page.locator(".add-row a").first.click()  # "Ajouter un objet … supplémentaire"
    new = page.locator("#updates-0")
    new.get_by_label("Statut").select_option("ongoing")
    new.get_by_label("Date de référence").fill("2005-06-30")
    new.get_by_label("Nature").select_option("independent_assessment")
    new.get_by_label("Résumé").fill("Les hauts fonctionnaires se sont réunis.")
    new.get_by_label("Cote du document source").fill("ASEM/SOM/2005")
    submit(page, page.get_by_role("button", name="Enregistrer", exact=True))
    wait_for_path(page, "/fr/admin/tracker/pledge/")
    assert "modifié avec succès" in page.locator(".messagelist").inner_text()
    check("saved")
    update = StatusUpdate.objects.get(author=steward)
    assert (update.pledge, update.status, update.kind) == (
        pledge,
        "ongoing",
        "independent_assessment",
    )

    page.goto(f"/fr/admin/tracker/statusupdate/{update.pk}/change/")
    check("update")
    page.get_by_label("Retirer cette mise à jour").check()
    submit(page, page.get_by_role("button", name="Enregistrer", exact=True))
    # Refused without a reason: nothing withdrawn, told why in French.
    assert page.locator(".errornote").count() == 1
    check("refused")
    update.refresh_from_db()
    assert update.withdrawn_at is None
    page.get_by_label("Retirer cette mise à jour").check()
    page.get_by_label("Motif du retrait").fill("Saisie en double.")
    submit(page, page.get_by_role("button", name="Enregistrer", exact=True))
    check("withdrawn")
    update.refresh_from_db()
    assert update.withdrawn_at is not None and update.withdrawn_by == steward
    assert problems == {}, __import__("json").dumps(problems, indent=1, ensure_ascii=False)


def test_screenshot_of_the_french_dashboard(page, tmp_path):
    """The README's French dashboard (docs/screenshots/ with SAVE_SCREENSHOTS=1)."""
    page.goto("/fr/")
    assert (
        page.get_by_role("heading", level=1).inner_text() == "Les engagements sont-ils tenus\u00a0?"
    )
    assert page.locator(".status-bar").count() > 0
    save_screenshot(page, "dashboard-fr.png", tmp_path)
