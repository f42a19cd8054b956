"""The role matrix: every write endpoint, tried by every role, with what it
may write. Each case checks the database, not just the status code."""

from datetime import date

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from tests.factories import (
    make_actor,
    make_assessor,
    make_pledge,
    make_reporter,
    make_role_user,
    make_source,
    make_steward,
    make_theme,
    make_update,
    make_user,
)
from tests.helpers import pledge_admin_data
from tracker.models import (
    Actor,
    Instrument,
    Paragraph,
    Pledge,
    SourceDocument,
    StatusUpdate,
    Theme,
)
from tracker.roles import REPORTER

pytestmark = pytest.mark.django_db

ROLES = ["anonymous", "signed_in", "reporter", "assessor", "steward", "superuser"]


@pytest.fixture
def world():
    own_actor = make_actor(slug="own", name="Own actor")
    other_actor = make_actor(slug="other", name="Other actor")
    # The pledge names both actors; the foreign pledge names only the other.
    pledge = make_pledge(ref="p-1.1", actors=[own_actor, other_actor])
    foreign_pledge = make_pledge(ref="p-9.1", actors=[other_actor])
    users = {
        "anonymous": None,
        "signed_in": make_user("plain"),
        "reporter": make_reporter(own_actor, username="rep"),
        "assessor": make_assessor("ass"),
        "steward": make_steward("stew"),
        "superuser": make_user("root", is_staff=True, is_superuser=True),
    }
    update = make_update(pledge, author=users["steward"])
    return {
        "users": users,
        "pledge": pledge,
        "foreign_pledge": foreign_pledge,
        "update": update,
        "own_actor": own_actor,
        "other_actor": other_actor,
    }


def update_form_post(kind, actor_key, pledge_key="pledge"):
    def attempt(client, world):
        actor = world[actor_key] if actor_key else None
        before = StatusUpdate.objects.count()
        client.post(
            reverse("update-create", args=[world[pledge_key].ref]),
            {
                "status": "limited",
                "as_of": "2006-01-01",
                "kind": kind,
                "actor": actor.pk if actor else "",
                "summary": "Reported progress.",
                "evidence_reference": "DOC/1",
            },
        )
        return StatusUpdate.objects.count() == before + 1

    return attempt


def admin_add(model, data):
    def attempt(client, world):
        before = model.objects.count()
        client.post(reverse(f"admin:tracker_{model._meta.model_name}_add"), data(world))
        return model.objects.count() == before + 1

    return attempt


def admin_delete(model, make):
    def attempt(client, world):
        obj = make(world)
        client.post(
            reverse(f"admin:tracker_{model._meta.model_name}_delete", args=[obj.pk]),
            {"post": "yes"},
        )
        return not model.objects.filter(pk=obj.pk).exists()

    return attempt


def admin_change_theme(client, world):
    theme = make_theme(name="Before")
    client.post(
        reverse("admin:tracker_theme_change", args=[theme.pk]),
        {"slug": theme.slug, "name": "After", "description": "Changed."},
    )
    theme.refresh_from_db()
    return theme.name == "After"


def admin_edit_pledge(client, world):
    pledge = world["pledge"]
    url = reverse("admin:tracker_pledge_change", args=[pledge.pk])
    client.post(url, pledge_admin_data(pledge, title="Edited title"))
    return Pledge.objects.get(pk=pledge.pk).title == "Edited title"


def admin_withdraw_update(client, world):
    update = world["update"]
    client.post(
        reverse("admin:tracker_statusupdate_change", args=[update.pk]),
        {"withdraw_update": "on", "withdrawal_reason": "Wrong pledge."},
    )
    return StatusUpdate.objects.get(pk=update.pk).is_withdrawn


def admin_delete_update(client, world):
    update = world["update"]
    client.post(reverse("admin:tracker_statusupdate_delete", args=[update.pk]), {"post": "yes"})
    return not StatusUpdate.objects.filter(pk=update.pk).exists()


def admin_add_user(client, world):
    before = get_user_model().objects.count()
    client.post(
        reverse("admin:auth_user_add"),
        {
            "username": "newcomer",
            "password1": "a-long-enough-passphrase",
            "password2": "a-long-enough-passphrase",
            "usable_password": "true",
        },
    )
    return get_user_model().objects.count() == before + 1


def admin_bulk_add_theme(client, world):
    from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME

    theme = make_theme(slug="bulk-theme")
    client.post(
        reverse("admin:tracker_pledge_changelist"),
        {
            "action": "add_theme",
            ACTION_CHECKBOX_NAME: [world["pledge"].pk],
            "apply": "1",
            "theme": theme.pk,
        },
    )
    return theme.pledges.exists()


def admin_bulk_log_update(client, world):
    from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME

    before = StatusUpdate.objects.count()
    client.post(
        reverse("admin:tracker_pledge_changelist"),
        {
            "action": "log_update",
            ACTION_CHECKBOX_NAME: [world["pledge"].pk],
            "apply": "1",
            "status": "ongoing",
            "as_of": "2006-06-01",
            "kind": "independent_assessment",
            "summary": "Bulk.",
            "evidence_reference": "DOC/1",
        },
    )
    return StatusUpdate.objects.count() == before + 1


def admin_import_updates(client, world):
    from django.core.files.uploadedfile import SimpleUploadedFile

    content = (
        "pledge,status,as_of,kind,actor,summary,evidence_url,evidence_reference\n"
        f"{world['pledge'].ref},ongoing,2006-06-01,independent_assessment,,Imported.,,DOC/2\n"
    )
    upload = SimpleUploadedFile("u.csv", content.encode(), content_type="text/csv")
    preview = client.post(
        reverse("admin:tracker_statusupdate_import"),
        {"import_file": upload, "format": "0", "resource": "0"},
    )
    form = preview.context and preview.context.get("confirm_form")
    if not form:
        return False
    before = StatusUpdate.objects.count()
    client.post(reverse("admin:tracker_statusupdate_process_import"), form.initial)
    return StatusUpdate.objects.count() == before + 1


def request_review(client, world):
    client.post(
        reverse("update-request-review", args=[world["update"].pk]), {"note": "Check this."}
    )
    return StatusUpdate.objects.get(pk=world["update"].pk).needs_review


def a_source(world):
    return make_source(slug="to-delete")


ENDPOINTS = {
    # endpoint: (attempt, roles that may write)
    "self-report for own actor": (
        update_form_post("self_report", "own_actor"),
        {"reporter", "steward", "superuser"},
    ),
    "self-report for another actor": (
        update_form_post("self_report", "other_actor"),
        {"steward", "superuser"},
    ),
    "self-report for own actor on a pledge that does not name it": (
        update_form_post("self_report", "own_actor", pledge_key="foreign_pledge"),
        {"steward", "superuser"},
    ),
    "independent assessment": (
        update_form_post("independent_assessment", None),
        {"assessor", "steward", "superuser"},
    ),
    "admin: add source": (
        admin_add(
            SourceDocument,
            lambda w: {
                "slug": "new-source",
                "title": "New declaration",
                "short_title": "New",
                "issuing_body": "Summit",
                "place": "Oslo",
                "date_adopted": "2010-01-01",
                "text": "1.We pledge.",
                "paragraphs-TOTAL_FORMS": "0",
                "paragraphs-INITIAL_FORMS": "0",
            },
        ),
        {"steward", "superuser"},
    ),
    "admin: add paragraph": (
        admin_add(
            Paragraph,
            lambda w: {"document": w["pledge"].source_id, "number": 3, "text": "Third."},
        ),
        {"steward", "superuser"},
    ),
    "admin: add theme": (
        admin_add(Theme, lambda w: {"slug": "t-new", "name": "New", "description": "New."}),
        {"steward", "superuser"},
    ),
    "admin: change theme": (admin_change_theme, {"steward", "superuser"}),
    "admin: add actor": (
        admin_add(Actor, lambda w: {"slug": "a-new", "name": "New actor", "kind": "state"}),
        {"steward", "superuser"},
    ),
    "admin: add instrument": (
        admin_add(
            Instrument,
            lambda w: {"slug": "i-new", "name": "New instrument", "kind": "convention"},
        ),
        {"steward", "superuser"},
    ),
    "admin: add pledge": (
        admin_add(
            Pledge,
            lambda w: {
                "ref": "p-2.1",
                "title": "Second",
                "source": w["pledge"].source_id,
                "paragraph": 2,
                "quote": "We pledge to do the second thing.",
                "timeframe": "unspecified",
                "updates-TOTAL_FORMS": "0",
                "updates-INITIAL_FORMS": "0",
                "updates-2-TOTAL_FORMS": "0",
                "updates-2-INITIAL_FORMS": "0",
            },
        ),
        {"steward", "superuser"},
    ),
    "admin: edit pledge": (admin_edit_pledge, {"steward", "superuser"}),
    "admin: delete source": (admin_delete(SourceDocument, a_source), {"steward", "superuser"}),
    "admin: add status update": (
        admin_add(
            StatusUpdate,
            lambda w: {
                "pledge": w["pledge"].pk,
                "status": "ongoing",
                "as_of": "2007-01-01",
                "kind": "independent_assessment",
                "summary": "Assessed.",
                "evidence_url": "https://example.org/a",
            },
        ),
        {"steward", "superuser"},
    ),
    "admin: withdraw status update": (admin_withdraw_update, {"steward", "superuser"}),
    "admin: delete status update": (admin_delete_update, set()),
    "admin: add user": (admin_add_user, {"superuser"}),
    "admin: bulk add theme": (admin_bulk_add_theme, {"steward", "superuser"}),
    "admin: bulk log update": (admin_bulk_log_update, {"steward", "superuser"}),
    "admin: import status updates": (admin_import_updates, {"steward", "superuser"}),
    "request review of an update": (
        request_review,
        {"reporter", "assessor", "steward", "superuser"},
    ),
}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("endpoint", list(ENDPOINTS))
def test_each_role_may_write_only_what_it_should(client, world, endpoint, role):
    attempt, allowed = ENDPOINTS[endpoint]
    user = world["users"][role]
    if user is not None:
        client.force_login(user)
    wrote = attempt(client, world)
    assert wrote == (role in allowed), f"{role} on {endpoint}: wrote={wrote}"


def test_the_matrix_covers_every_admin_model_with_write_access():
    from django.contrib import admin

    covered = {
        name.split(": ")[1].split(" ", 1)[1] for name in ENDPOINTS if name.startswith("admin:")
    }
    for model in admin.site._registry:
        if model._meta.app_label == "tracker":
            name = model._meta.verbose_name
            assert any(name in c or c in name for c in covered), name


def test_a_withdrawal_records_who_and_why(client, world):
    client.force_login(world["users"]["steward"])
    admin_withdraw_update(client, world)
    update = StatusUpdate.objects.get(pk=world["update"].pk)
    assert update.withdrawn_by == world["users"]["steward"]
    assert update.withdrawal_reason == "Wrong pledge."
    page = client.get(world["pledge"].get_absolute_url())
    assert "Withdrawn" in page.text and "Wrong pledge." in page.text


def test_a_withdrawal_without_a_reason_is_refused(client, world):
    client.force_login(world["users"]["steward"])
    update = world["update"]
    response = client.post(
        reverse("admin:tracker_statusupdate_change", args=[update.pk]),
        {"withdraw_update": "on", "withdrawal_reason": "  "},
    )
    assert response.status_code == 200
    assert "Say why the update is withdrawn." in response.text
    assert not StatusUpdate.objects.get(pk=update.pk).is_withdrawn


def test_a_recorded_update_cannot_be_edited_through_the_admin(client, world):
    client.force_login(world["users"]["superuser"])
    update = world["update"]
    client.post(
        reverse("admin:tracker_statusupdate_change", args=[update.pk]),
        {"status": "complete", "summary": "Rewritten.", "as_of": "2010-01-01"},
    )
    update.refresh_from_db()
    assert update.status == "ongoing" and update.summary == "Something happened."


def test_a_pledge_with_a_recorded_history_cannot_be_deleted(client, world):
    client.force_login(world["users"]["superuser"])
    pledge = world["pledge"]
    response = client.post(
        reverse("admin:tracker_pledge_delete", args=[pledge.pk]), {"post": "yes"}
    )
    assert response.status_code == 200
    assert "Cannot delete pledge" in response.text
    assert Pledge.objects.filter(pk=pledge.pk).exists()


def test_a_reporter_is_offered_only_self_reports_for_their_actors(client, world):
    client.force_login(world["users"]["reporter"])
    response = client.get(reverse("update-create", args=[world["pledge"].ref]))
    form = response.context["form"]
    assert [value for value, _ in form.fields["kind"].choices] == ["self_report"]
    assert list(form.fields["actor"].queryset) == [world["own_actor"]]


def test_an_assessor_is_offered_only_assessments(client, world):
    client.force_login(world["users"]["assessor"])
    form = client.get(reverse("update-create", args=[world["pledge"].ref])).context["form"]
    assert [value for value, _ in form.fields["kind"].choices] == ["independent_assessment"]


def test_a_reporter_without_any_actor_may_not_log(client, world):
    lonely = make_role_user(REPORTER, "lonely")  # in the group, but for no actor
    client.force_login(lonely)
    response = client.get(reverse("update-create", args=[world["pledge"].ref]))
    assert response.status_code == 403


def test_the_date_rule_still_applies_to_stewards(client, world):
    client.force_login(world["users"]["steward"])
    before = StatusUpdate.objects.count()
    response = client.post(
        reverse("update-create", args=[world["pledge"].ref]),
        {
            "status": "limited",
            "as_of": date(1999, 1, 1).isoformat(),
            "kind": "independent_assessment",
            "summary": "Too early.",
            "evidence_reference": "X",
        },
    )
    assert response.status_code == 200
    assert StatusUpdate.objects.count() == before
