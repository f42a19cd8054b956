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
