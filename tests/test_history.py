"""Edit history (django-simple-history): written by admin saves and form saves,
visible with revert in the admin and on the pledge page."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.factories import make_actor, make_instrument, make_pledge, make_source, make_theme
from tests.helpers import pledge_admin_data

pytestmark = pytest.mark.django_db


def edit_pledge(client, pledge, **changes):
    url = reverse("admin:tracker_pledge_change", args=[pledge.pk])
    return client.post(url, pledge_admin_data(pledge, **changes))


def test_an_admin_edit_records_who_changed_what(admin_client, superuser):
    pledge = make_pledge(title="Old title")
    response = edit_pledge(admin_client, pledge, title="New title")
    assert response.status_code == 302
    latest = pledge.history.first()
    assert latest.history_user == superuser
    assert latest.title == "New title"
    changes = latest.diff_against(latest.prev_record).changes
    assert [(c.field, c.old, c.new) for c in changes] == [("title", "Old title", "New title")]


def test_theme_changes_are_part_of_the_history(admin_client):
    theme = make_theme(name="Human rights")
    pledge = make_pledge()
    edit_pledge(admin_client, pledge, themes=[theme.pk])
    latest = pledge.history.first()
    assert [t.theme_id for t in latest.themes.all()] == [theme.pk]


def test_the_pledge_page_says_how_often_it_was_edited(admin_client, client):
    pledge = make_pledge(title="First title")
    for title in ("Second title", "Third title", "Fourth title"):
        pledge.refresh_from_db()
        edit_pledge(admin_client, pledge, title=title)
    page = client.get(pledge.get_absolute_url())
    assert "Edited 3 times" in page.text
    assert f'href="{reverse("pledge-history", args=[pledge.ref])}"' in page.text
    history = client.get(reverse("pledge-history", args=[pledge.ref]))
    assert history.status_code == 200
    assert "<del>Third title</del> → <ins>Fourth title</ins>" in history.text
    newest = history.text.index("<ins>Fourth title</ins>")
    assert newest < history.text.index("<ins>Second title</ins>")


def test_an_unedited_pledge_shows_no_edit_count(client):
    pledge = make_pledge()
    assert "Edited" not in client.get(pledge.get_absolute_url()).text


def test_a_form_save_writes_history(client, reporter, reporting_actor):
    pledge = make_pledge(actors=[reporting_actor])
    client.force_login(reporter)
    client.post(
        reverse("update-create", args=[pledge.ref]),
        {
            "status": "limited",
            "as_of": "2006-01-01",
            "kind": "self_report",
            "actor": reporting_actor.pk,
            "summary": "Started.",
            "evidence_reference": "DOC/1",
        },
    )
    record = pledge.updates.get().history.get()
    assert record.history_type == "+" and record.history_user == reporter


def test_a_steward_can_revert_a_pledge_in_the_admin(admin_client):
    pledge = make_pledge(title="Original")
    edit_pledge(admin_client, pledge, title="Vandalised")
    original = pledge.history.order_by("history_date").first()
    url = reverse("admin:tracker_pledge_simple_history", args=[pledge.pk, original.history_id])
    page = admin_client.get(url)
    assert page.status_code == 200 and "Original" in page.text
    pledge.refresh_from_db()
    # Reverting is a save of the old version through the same versioned form.
    response = admin_client.post(url, pledge_admin_data(pledge, title="Original"))
    assert response.status_code == 302
    pledge.refresh_from_db()
    assert pledge.title == "Original"
    assert pledge.history.count() == 3  # created, vandalised, reverted: nothing lost


def test_the_admin_history_page_lists_the_changes(admin_client):
    pledge = make_pledge(title="Before")
    edit_pledge(admin_client, pledge, title="After")
    page = admin_client.get(reverse("admin:tracker_pledge_history", args=[pledge.pk]))
    assert page.status_code == 200
    assert "Before" in page.text and "After" in page.text


def test_the_public_history_names_tags_and_sources_never_ids(admin_client, client):
    old_theme, new_theme = make_theme(name="Old theme"), make_theme(name="New theme")
    old_actor, new_actor = make_actor(name="First actor"), make_actor(name="Second actor")
    instrument = make_instrument(name="Resolution 1373 (2001)")
    first_source, second_source = (
        make_source(short_title="Text A"),
        make_source(short_title="Text B"),
    )
    pledge = make_pledge(source=first_source, themes=[old_theme], actors=[old_actor])
    edit_pledge(
        admin_client,
        pledge,
        source=second_source.pk,
        themes=[new_theme.pk],
        actors=[old_actor.pk, new_actor.pk],
        instruments=[instrument.pk],
    )
    with CaptureQueriesContext(connection) as queries:
        history = client.get(reverse("pledge-history", args=[pledge.ref]))
    text = history.text
    # (The admin saves each relation in turn: one version each.)
    assert "<del>Old theme</del> → <ins>none</ins>" in text
    assert "<del>none</del> → <ins>New theme</ins>" in text
    assert "<del>First actor</del> → <ins>First actor, Second actor</ins>" in text
    assert "<del>none</del> → <ins>Resolution 1373 (2001)</ins>" in text
    assert "<del>Text A</del> → <ins>Text B</ins>" in text
    for tag in (old_theme, new_theme, old_actor, new_actor, instrument):
        assert f"<ins>{tag.pk}</ins>" not in text and f"<del>{tag.pk}</del>" not in text
    # The names: one query per kind of relation, however many versions.
    # (Not counted: the footer's one read of the texts followed, on every page.)
    footer = [q for q in queries if '"document_symbol" AS "document_symbol"' in q["sql"]]
    assert len(footer) == 1
    for table in ("theme", "actor", "instrument", "sourcedocument"):
        reads = [q for q in queries if f'FROM "tracker_{table}"' in q["sql"] and q not in footer]
        assert len(reads) == 1, table
