"""English and French: the language comes from the URL's prefix, the
catalogue is complete and in step with the code, and the pages, forms and
vocabularies read in the language asked for."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.utils import translation

from tracker.catalogues import catalogue_paths, compile_catalogues, gaps
from tracker.models import CommitmentType, StatementKind, Status, status_refusal

ROOT = Path(settings.BASE_DIR)
FRENCH = ROOT / "locale" / "fr" / "LC_MESSAGES" / "django.po"


def test_french_is_the_one_catalogue_and_it_is_complete():
    assert list(catalogue_paths()) == [FRENCH]
    assert gaps(FRENCH) == {"untranslated": [], "fuzzy": [], "obsolete": []}
    catalogue = polib.pofile(str(FRENCH))
    assert not catalogue.metadata_is_fuzzy
    assert catalogue.metadata["Language"] == "fr"
    assert catalogue.percent_translated() == 100


def test_every_placeholder_survives_translation():
    """A translation that drops or renames %(ref)s would raise (or say less)
    on the French page, not here: check each entry's placeholders."""
    import re

    placeholder = re.compile(r"%\(\w+\)[sd]")
    for entry in polib.pofile(str(FRENCH)):
        translations = (
            [entry.msgstr] if not entry.msgid_plural else list(entry.msgstr_plural.values())
        )
        for text in translations:
            assert sorted(placeholder.findall(text)) == sorted(
                placeholder.findall(entry.msgid_plural or entry.msgid)
            ), entry.msgid


@pytest.mark.skipif(
    not shutil.which("xgettext") and os.environ.get("CI") != "true",
    reason="makemessages needs gettext's xgettext (apt-get install gettext); CI installs it",
)
def test_the_catalogue_holds_every_marked_string_of_the_code(tmp_path):
    """Run makemessages on a copy of the code: no string marked for
    translation may be missing from the committed catalogue (a new string
    left untranslated would show in English on the French pages)."""
    copy = tmp_path / "project"
    copy.mkdir()
    for name in ["manage.py", "tracker", "templates", "locale"]:
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, copy / name, ignore=shutil.ignore_patterns("*.mo"))
        else:
            shutil.copy(source, copy / name)
    env = {**os.environ, "DEBUG": "true", "DJANGO_SETTINGS_MODULE": "tracker.settings"}
    env.pop("DATABASE_URL", None)
    subprocess.run(
        [sys.executable, "manage.py", "makemessages", "-l", "fr", "--no-obsolete"],
        cwd=copy,
        env=env,
        check=True,
        capture_output=True,
    )
    regenerated = polib.pofile(str(copy / "locale" / "fr" / "LC_MESSAGES" / "django.po"))
    committed = polib.pofile(str(FRENCH))
    key = lambda entry: (entry.msgctxt, entry.msgid)  # noqa: E731
    assert {key(e) for e in regenerated} - {key(e) for e in committed} == set()
    assert gaps(copy / "locale" / "fr" / "LC_MESSAGES" / "django.po")["untranslated"] == []


def test_a_stale_compiled_catalogue_is_rebuilt(tmp_path, settings):
    po_dir = tmp_path / "fr" / "LC_MESSAGES"
    po_dir.mkdir(parents=True)
    po_path = po_dir / "django.po"
    shutil.copy(FRENCH, po_path)
    settings.LOCALE_PATHS = [tmp_path]
    assert compile_catalogues() == [po_path.with_suffix(".mo")]
    assert compile_catalogues() == []  # up to date: nothing to do
    os.utime(po_path, (po_path.stat().st_mtime + 10,) * 2)
    assert compile_catalogues() == [po_path.with_suffix(".mo")]
    compiled = polib.mofile(str(po_path.with_suffix(".mo")))
    assert compiled.find("Dashboard").msgstr == "Tableau de bord"


def test_the_vocabularies_are_translated():
    with translation.override("fr"):
        assert str(Status.COMPLETE.label) == "Achevé"
        assert str(Status.NO_INFORMATION.definition).startswith("Aucun élément")
        assert str(StatementKind.CONTEXT.label) == "Contexte, sans engagement"
        assert str(CommitmentType.STANDING_PRINCIPLE.label) == "Principe permanent"
    assert str(Status.COMPLETE.label) == "Complete"


@pytest.mark.django_db
def test_a_refused_status_is_explained_in_french(pledge_factory=None):
    from tests.factories import make_pledge

    pledge = make_pledge(commitment_type=CommitmentType.STANDING_PRINCIPLE)
    with translation.override("fr"):
        message = status_refusal(pledge, Status.COMPLETE)
    assert message.startswith(
        f"Le statut «\u00a0Achevé\u00a0» ne peut pas s'appliquer à {pledge.ref}"
    )
    assert "Principe permanent".lower() in message


@pytest.mark.django_db
def test_an_unprefixed_page_is_english_and_points_to_its_french_twin(client):
    response = client.get("/pledges/?status=ongoing")
    text = response.text
    assert '<html lang="en-GB">' in text
    assert '<a href="/fr/pledges/?status=ongoing" hreflang="fr" lang="fr">Français</a>' in text
    assert (
        'rel="alternate" hreflang="fr" href="http://testserver/fr/pledges/?status=ongoing"' in text
    )
    assert "Tableau de bord" not in text


@pytest.mark.django_db
def test_a_french_page_is_french_whatever_the_browser_asks(client):
    response = client.get("/fr/pledges/?status=ongoing", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    text = response.text
    assert '<html lang="fr">' in text
    assert ">Tableau de bord</a>" in text and ">Méthodologie</a>" in text
    assert '<a href="/pledges/?status=ongoing" hreflang="en-GB" lang="en-GB">English</a>' in text
    assert response.headers["Content-Language"] == "fr"


@pytest.mark.django_db
def test_the_browser_language_never_moves_an_english_address(client):
    """English pages keep their plain addresses: a French browser is offered
    the switcher, not redirected (bookmarks and citations stay put)."""
    response = client.get("/pledges/", HTTP_ACCEPT_LANGUAGE="fr-FR,fr;q=0.9")
    assert response.status_code == 200
    assert '<html lang="en-GB">' in response.text


@pytest.mark.django_db
def test_the_api_has_no_language_prefix(client):
    assert client.get("/fr/api/v1/pledges/").status_code == 404
    assert client.get("/api/v1/pledges/").status_code == 200


@pytest.mark.django_db
def test_sign_in_in_french(client):
    response = client.get("/fr/accounts/login/")
    text = response.text
    assert "<h1>Se connecter</h1>" in text
    assert "Mot de passe oublié\u00a0?" in text
    assert 'href="/fr/accounts/password_reset/"' in text


@pytest.mark.django_db
def test_the_update_form_speaks_french_and_refuses_in_french(client, assessor):
    from tests.factories import make_pledge

    pledge = make_pledge(commitment_type=CommitmentType.DELIVERABLE)
    client.force_login(assessor)
    url = f"/fr/pledges/{pledge.ref}/updates/new/"
    page = client.get(url).text
    assert "<h1>Enregistrer une mise à jour du statut</h1>" in page
    assert "Choisissez un statut…" in page
    assert ">Achevé<" in page  # the status choices
    response = client.post(url, {"status": "complete", "as_of": "2005-13-45", "summary": ""})
    assert response.status_code == 200
    errors = response.text
    assert "La mise à jour n'a pas été enregistrée." in errors
    assert "Saisissez une date au format AAAA-MM-JJ" in errors
    assert "un résumé est obligatoire" in errors
    assert pledge.updates.count() == 0


def test_french_date_pickers_hold_iso_dates():
    """The date picker takes only ISO dates. Django writes a date in the
    page's format (13/04/2005 in French), which the picker shows as empty:
    the admin's form for an existing update would lose its date."""
    from datetime import date

    from django import forms

    from tracker.widgets import DateInput

    with translation.override("fr"):
        assert 'value="2005-04-13"' in DateInput().render("as_of", date(2005, 4, 13))
        stock = forms.DateInput(attrs={"type": "date"}).render("as_of", date(2005, 4, 13))
    assert 'value="13/04/2005"' in stock  # what the widget is for


@pytest.mark.django_db
def test_cached_summaries_are_kept_per_language(own_redis):
    """A summary computed for an English page may hold English words: the
    French page must compute (and cache) its own."""
    from tracker.caching import cached

    computed = []

    def compute():
        computed.append(translation.get_language())
        return str(Status.COMPLETE.label)

    assert cached("i18n-test", compute) == "Complete"
    with translation.override("fr"):
        assert cached("i18n-test", compute) == "Achevé"
        assert cached("i18n-test", compute) == "Achevé"  # from the cache now
    assert cached("i18n-test", compute) == "Complete"
    assert computed == ["en-gb", "fr"]


@pytest.mark.django_db
def test_the_methodology_reads_in_french_with_the_texts_titles_kept(client):
    from django.utils.html import escape

    from tests.factories import make_source

    source = make_source()
    text = client.get("/fr/methodology/").text
    assert "<h1>Méthodologie</h1>" in text
    assert "L'échelle des statuts" in text
    for status in Status:
        with translation.override("fr"):
            assert escape(str(status.definition)) in text
    # A source's title is the text's own: shown as it is, marked as English.
    assert f'lang="en">{source.title}</a>' in text


@pytest.mark.django_db
def test_the_sitemap_lists_each_page_in_both_languages(client):
    from tests.factories import make_pledge

    pledge = make_pledge()
    text = client.get("/sitemap.xml").text
    assert f"<loc>http://testserver/pledges/{pledge.ref}/</loc>" in text
    assert f"<loc>http://testserver/fr/pledges/{pledge.ref}/</loc>" in text
    twin = f'hreflang="fr" href="http://testserver/fr/pledges/{pledge.ref}/"'
    assert twin in text
    assert 'hreflang="x-default" href="http://testserver/methodology/"' in text


@pytest.mark.django_db
def test_the_api_answers_in_english_after_a_french_page(client):
    client.get("/fr/methodology/")
    body = client.get("/api/v1/modality/").json()
    labels = {kind["value"]: kind["label"] for kind in body["statement_kinds"]}
    assert labels["context"] == "Context, not a commitment"


@pytest.mark.django_db
def test_the_dashboard_headline_reads_in_french(client):
    """The scorecard's sentence agrees each verb with its own number, in
    French as in English (presenters.scorecard_headline); numbers are not
    grouped (the texts hold hundreds of pledges, never thousands)."""
    from tests.factories import make_pledge, make_update
    from tests.helpers import html_text

    for status in (Status.COMPLETE, Status.ONGOING, Status.STALLED):
        make_update(make_pledge(), status=status)
    make_pledge()  # no information
    response = client.get("/fr/")
    # (html_text reads the non-breaking spaces before % and ; as spaces.)
    assert html_text(response, ".headline") == (
        "Sur les 4 engagements des textes suivis, 2 (50 %) présentent des progrès attestés, "
        "dont 1 achevé ; 1 est au point mort et aucune information n'est disponible pour 1."
    )
    assert "<h1>Les engagements sont-ils tenus\u00a0?</h1>" in response.text
    assert "<dt>Achevés</dt>" in response.text
    # The English page keeps its own sentence.
    english = client.get("/")
    assert html_text(english, ".headline").startswith(
        "Of the 4 commitments in the texts followed, 2 (50%) have documented progress"
    )


@pytest.mark.django_db
def test_one_commitment_reads_in_the_singular_in_french(client):
    from tests.factories import make_pledge, make_theme, make_update
    from tests.helpers import html_text

    theme = make_theme(name="Human rights")
    make_update(make_pledge(themes=[theme]), status=Status.COMPLETE)
    response = client.get("/fr/themes/")
    assert html_text(response, ".headline") == (
        "Sur 1 engagement de ce thème, 1 (100 %) présente des progrès attestés, dont 1 achevé ; "
        "0 est au point mort et aucune information n'est disponible pour 0."
    )
    assert '<a href="/fr/pledges/?theme=' in response.text and 'lang="en">Human rights</a>' in (
        response.text
    )


@pytest.mark.django_db
def test_the_list_explains_bad_filters_in_french(client):
    response = client.get("/fr/pledges/?theme=zzz&status=nope&as_of=2999-01-01")
    assert response.status_code == 200
    text = response.text
    assert "Il n&#x27;existe pas de thème «\u00a0zzz\u00a0»." in text
    assert "«\u00a0nope\u00a0» n&#x27;est pas un statut." in text
    assert "La date du 2999-01-01 est dans le futur" in text
    assert "There is no theme" not in text


@pytest.mark.django_db
def test_a_pledge_page_reads_in_french_with_its_words_kept_in_english(client):
    from tests.factories import make_pledge, make_update

    pledge = make_pledge(title="Do the first thing")
    make_update(pledge, status=Status.ONGOING, summary="Work began.")
    text = client.get(f"/fr/pledges/{pledge.ref}/").text
    assert '<h1 lang="en">Do the first thing</h1>' in text
    assert '<p lang="en">Work began.</p>' in text
    assert "Chronologie des mises à jour du statut" in text
    assert "Citer cet engagement" in text
    assert "Timeline of status updates" not in text


@pytest.mark.django_db
def test_following_in_french_confirms_in_french(client):
    import re

    from django.core import mail

    from tests.factories import make_theme

    theme = make_theme(name="Human rights")
    url = f"/fr/alerts/follow/theme/{theme.slug}/"
    page = client.get(url).text
    assert "<h1>Suivre par courriel</h1>" in page
    assert 'le thème <span lang="en">Human rights</span>' in page
    assert "Votre adresse électronique" in page and "Un récapitulatif quotidien" in page
    client.post(url, {"email": "lea@example.org", "frequency": "daily"})
    [message] = mail.outbox
    assert message.subject == "Confirmez vos alertes Pledge Tracker"
    assert message.body.startswith("Bonjour,")
    assert "des alertes sur le thème Human rights" in message.body
    # The link leads to the French pages: confirmed, then what one follows.
    [link] = re.findall(r"http://\S+/confirm/\S+", message.body)
    assert "/fr/alerts/confirm/" in link
    following = client.post(link.removeprefix("http://testserver"), follow=True).text
    assert "<h1>Ce que vous suivez</h1>" in following
    assert "confirmé\u00a0: vous suivez désormais le thème Human rights." in following
    assert 'le thème <span lang="en">Human rights</span>' in following
    assert "Arrêter toutes les alertes et effacer mon adresse" in following


@pytest.mark.django_db
def test_the_feeds_are_titled_in_french_under_the_french_prefix(client):
    feed = client.get("/fr/updates/feed/").text
    assert "<title>Pledge Tracker\u00a0: toutes les mises à jour du statut</title>" in feed
    assert "<title>Pledge Tracker: all status updates</title>" in client.get("/updates/feed/").text


@pytest.mark.django_db
def test_french_bars_keep_decimal_points_in_their_svg(client):
    """Django writes 12.5 as 12,5 on a French page; an SVG attribute with a
    comma is no length, and the bar drew nothing."""
    import re

    from tests.factories import make_pledge, make_source, make_update

    source = make_source()
    make_update(make_pledge(source=source), status=Status.COMPLETE)
    make_pledge(source=source)
    make_pledge(source=source)  # thirds: 33.333 and 66.667 wide
    text = client.get("/fr/").text
    widths = re.findall(r'<rect x="[^"]*" y="0" width="([^"]*)"', text)
    assert widths and all(re.fullmatch(r"\d+(\.\d+)?", w) for w in widths), widths
    assert "33.333" in widths or "66.667" in widths


@pytest.mark.django_db
def test_the_french_trend_chart_keeps_its_coordinates_numeric(client):
    """A French page writes 33,5 for 33.5: inside the SVG that is no number,
    and the chart would be drawn empty."""
    import re

    from tests.factories import make_pledge, make_update

    make_update(make_pledge(), status=Status.LIMITED)
    svg = client.get("/fr/trends/").text.split("<svg", 1)[1].split("</svg>", 1)[0]
    numbers = re.findall(r'\s(?:x|y|x1|x2|y1|y2|width|height)="([^"]*)"', svg)
    assert numbers and all(re.fullmatch(r"-?\d+(\.\d+)?", n) for n in numbers), numbers


@pytest.mark.django_db
def test_the_french_matrix_csv_says_a_contest_in_french_under_the_same_headers(client):
    """Column headers are identifiers that scripts read: the same in both
    languages. The words in the cells follow the language of the address."""
    import csv
    import io

    from tests.party_helpers import text_with_parties

    source, _, _ = text_with_parties(pledge_count=3, party_count=2)

    def rows(prefix):
        response = client.get(f"{prefix}/matrix/export.csv", {"source": source.slug})
        assert response.status_code == 200
        content = b"".join(response.streaming_content) if response.streaming else response.content
        return list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))

    english, french = rows(""), rows("/fr")
    assert english[0] == french[0]
    english_cells = " | ".join(" | ".join(row) for row in english[1:])
    french_cells = " | ".join(" | ".join(row) for row in french[1:])
    assert "Contested (self-report: Complete; independent assessment: Not started)" in (
        english_cells
    )
    assert "Contesté (autoévaluation\u00a0: " in french_cells
    assert "Contested" not in french_cells


@pytest.mark.django_db
def test_french_short_dates_are_written_out_on_the_dashboard_and_the_list(client):
    """Django's French abbreviated months read "Déc"; the short date and
    month formats come from the catalogue, so French pages write
    "31 décembre 2002" (and a stale pledge's "décembre 2002")."""
    from datetime import date

    from tests.factories import make_pledge, make_update

    make_update(make_pledge(), status=Status.ONGOING, as_of=date(2002, 12, 31))
    for path in ("/fr/", "/fr/pledges/", "/fr/pledges/?as_of=2003-12-31"):
        text = client.get(path).text
        assert "31 décembre 2002" in text, path
        assert "Déc 2002" not in text, path
    assert "31 Dec 2002" in client.get("/pledges/").text
    # The dashboard's stale pledges give the month of their last update.
    assert "last Dec 2002" in client.get("/").text
