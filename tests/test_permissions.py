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
    PartyMembership,
    Pledge,
    SourceDocument,
    StatusUpdate,
    Theme,
)
from tracker.roles import ASSESSOR, REPORTER, STEWARD

pytestmark = pytest.mark.django_db

ROLES = [
    "anonymous",
    "signed_in",
    "reporter",
    "assessor",
    "steward",
    "superuser",
    # Staff combinations: admin access with a role's permissions, or none.
    "reporter_staff",
    "assessor_staff",
    "staff_only",
    "steward_not_staff",
]
SIGNED_IN = set(ROLES) - {"anonymous"}
CURATORS = {"steward", "superuser"}


@pytest.fixture
def world():
    own_actor = make_actor(slug="own", name="Own actor")
    other_actor = make_actor(slug="other", name="Other actor")
    # The pledge names both actors; the foreign pledge names only the other.
    pledge = make_pledge(ref="p-1.1", actors=[own_actor, other_actor])
    foreign_pledge = make_pledge(ref="p-9.1", actors=[other_actor])
    reporter_staff = make_reporter(own_actor, username="repstaff")
    reporter_staff.is_staff = True
    reporter_staff.save()
    own_party = make_actor(slug="own-party", name="Own party", kind=Actor.Kind.STATE)
    # The reporter's party is a party to the pledge's text, not to the foreign one's.
    PartyMembership.objects.create(
        source=pledge.source, actor=own_party, evidence_reference="Statement"
    )
    users = {
        "anonymous": None,
        "signed_in": make_user("plain"),
        "reporter": make_reporter(own_actor, own_party, username="rep"),
        "assessor": make_assessor("ass"),
        "steward": make_steward("stew"),
        "superuser": make_user("root", is_staff=True, is_superuser=True),
        "reporter_staff": reporter_staff,
        "assessor_staff": make_role_user(ASSESSOR, "assstaff", is_staff=True),
        "staff_only": make_user("staffonly", is_staff=True),
        "steward_not_staff": make_role_user(STEWARD, "stewns"),
    }
    update = make_update(pledge, author=users["steward"])
    # A reporter and an assessor whom an import may name as authors.
    make_reporter(own_actor, username="rita")
    make_assessor("alex")
    return {
        "users": users,
        "pledge": pledge,
        "foreign_pledge": foreign_pledge,
        "update": update,
        "own_actor": own_actor,
        "own_party": own_party,
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


def admin_add_update(kind, actor_key, pledge_key="pledge"):
    """The admin's add form, as a staff Reporter or Assessor could post it."""

    def attempt(client, world):
        before = StatusUpdate.objects.count()
        client.post(
            reverse("admin:tracker_statusupdate_add"),
            {
                "pledge": world[pledge_key].pk,
                "status": "ongoing",
                "as_of": "2007-01-01",
                "kind": kind,
                "actor": world[actor_key].pk if actor_key else "",
                "summary": "Assessed.",
                "evidence_url": "https://example.org/a",
            },
        )
        return StatusUpdate.objects.count() == before + 1

    return attempt


def admin_inline_new_update(kind, actor_key):
    """A new update typed into the pledge's change page (the inline)."""

    def attempt(client, world):
        pledge = world["pledge"]
        before = StatusUpdate.objects.count()
        client.post(
            reverse("admin:tracker_pledge_change", args=[pledge.pk]),
            pledge_admin_data(
                pledge,
                **{
                    "updates-TOTAL_FORMS": "1",
                    "updates-0-status": "limited",
                    "updates-0-as_of": "2007-02-01",
                    "updates-0-kind": kind,
                    "updates-0-actor": world[actor_key].pk if actor_key else "",
                    "updates-0-summary": "Typed inline.",
                    "updates-0-evidence_reference": "DOC/3",
                },
            ),
        )
        return StatusUpdate.objects.count() == before + 1

    return attempt


def admin_import_as(author, kind, actor_key):
    """An import whose author column names ``author`` (blank: the importer)."""

    def attempt(client, world):
        from django.core.files.uploadedfile import SimpleUploadedFile

        actor = world[actor_key].slug if actor_key else ""
        content = (
            "pledge,status,as_of,kind,actor,summary,evidence_url,evidence_reference,author\n"
            f"{world['pledge'].ref},ongoing,2006-06-01,{kind},{actor},Imported.,,DOC/2,{author}\n"
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

    return attempt


def read_needs_attention(client, world):
    world["update"].request_review(world["users"]["signed_in"], "The date looks wrong.")
    response = client.get(reverse("admin:tracker_pledge_attention"))
    return response.status_code == 200 and "The date looks wrong." in response.text


def read_follower_addresses(client, world):
    """Followers' addresses (issue 20) are shown in the admin, to stewards only."""
    from tracker.alerts.models import Subscriber, Target

    Subscriber.objects.confirm("follower@example.org", Target("pledge", world["pledge"]), "daily")
    pages = [
        client.get(reverse("admin:alerts_subscriber_changelist")),
        client.get(reverse("admin:index")),
    ]
    return any("follower@example.org" in page.text for page in pages[:1]) and (
        "Followers" in pages[1].text
    )


def change_own_password(client, world):
    response = client.post(
        reverse("password_change"),
        {
            "old_password": "correct-horse-battery-staple",
            "new_password1": "a-brand-new-long-passphrase",
            "new_password2": "a-brand-new-long-passphrase",
        },
    )
    return response.status_code == 302 and response["Location"] == reverse("password_change_done")


def request_review(client, world):
    client.post(
        reverse("update-request-review", args=[world["update"].pk]), {"note": "Check this."}
    )
    return StatusUpdate.objects.get(pk=world["update"].pk).needs_review


def a_source(world):
    return make_source(slug="to-delete")


PUBLIC_LOGGERS = {"steward", "superuser", "steward_not_staff"}
REPORTERS = {"reporter", "reporter_staff"}
ASSESSORS = {"assessor", "assessor_staff"}

ENDPOINTS = {
    # endpoint: (attempt, roles that may write)
    "self-report for own actor": (
        update_form_post("self_report", "own_actor"),
        REPORTERS | PUBLIC_LOGGERS,
    ),
    "self-report for another actor": (
        update_form_post("self_report", "other_actor"),
        PUBLIC_LOGGERS,
    ),
    "self-report for own actor on a pledge that does not name it": (
        update_form_post("self_report", "own_actor", pledge_key="foreign_pledge"),
        PUBLIC_LOGGERS,
    ),
    # Only "reporter" reports for own_party ("reporter_staff" for own_actor only).
    "self-report for own party on a pledge of its text": (
        update_form_post("self_report", "own_party"),
        {"reporter"} | PUBLIC_LOGGERS,
    ),
    "self-report for own party on a pledge of another text": (
        update_form_post("self_report", "own_party", pledge_key="foreign_pledge"),
        PUBLIC_LOGGERS,
    ),
    "independent assessment": (
        update_form_post("independent_assessment", None),
        ASSESSORS | PUBLIC_LOGGERS,
    ),
    "request review of an update": (
        request_review,
        REPORTERS | ASSESSORS | PUBLIC_LOGGERS,
    ),
    "change own password": (change_own_password, SIGNED_IN),
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
        CURATORS,
    ),
    "admin: add paragraph": (
        admin_add(
            Paragraph,
            lambda w: {"document": w["pledge"].source_id, "number": 3, "text": "Third."},
        ),
        CURATORS,
    ),
    "admin: add theme": (
        admin_add(Theme, lambda w: {"slug": "t-new", "name": "New", "description": "New."}),
        CURATORS,
    ),
    "admin: change theme": (admin_change_theme, CURATORS),
    "admin: add actor": (
        admin_add(Actor, lambda w: {"slug": "a-new", "name": "New actor", "kind": "state"}),
        CURATORS,
    ),
    "admin: add party to a text": (
        admin_add(
            PartyMembership,
            lambda w: {
                "source": w["pledge"].source_id,
                "actor": w["other_actor"].pk,
                "role": "Partner",
                "evidence_reference": "Chairman's Statement",
            },
        ),
        {"steward", "superuser"},
    ),
    "admin: add instrument": (
        admin_add(
            Instrument,
            lambda w: {"slug": "i-new", "name": "New instrument", "kind": "convention"},
        ),
        CURATORS,
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
                "statement_kind": "firm_undertaking",
                "commitment_type": "deliverable",
                "updates-TOTAL_FORMS": "0",
                "updates-INITIAL_FORMS": "0",
                "updates-2-TOTAL_FORMS": "0",
                "updates-2-INITIAL_FORMS": "0",
            },
        ),
        CURATORS,
    ),
    "admin: edit pledge": (admin_edit_pledge, CURATORS),
    "admin: delete source": (admin_delete(SourceDocument, a_source), CURATORS),
    # The admin's add form: the public form's rules, for staff Reporters and
    # Assessors too (review F6).
    "admin: add status update (assessment)": (
        admin_add_update("independent_assessment", None),
        CURATORS | {"assessor_staff"},
    ),
    "admin: add status update (self-report for own actor)": (
        admin_add_update("self_report", "own_actor"),
        CURATORS | {"reporter_staff"},
    ),
    "admin: add status update (self-report for another actor)": (
        admin_add_update("self_report", "other_actor"),
        CURATORS,
    ),
    "admin: add status update (own actor, pledge not naming it)": (
        admin_add_update("self_report", "own_actor", pledge_key="foreign_pledge"),
        CURATORS,
    ),
    "admin: new update on the pledge page": (
        admin_inline_new_update("independent_assessment", None),
        CURATORS,
    ),
    "admin: withdraw status update": (admin_withdraw_update, CURATORS),
    "admin: delete status update": (admin_delete_update, set()),
    "admin: add user": (admin_add_user, {"superuser"}),
    "admin: bulk add theme": (admin_bulk_add_theme, CURATORS),
    "admin: bulk log update": (admin_bulk_log_update, CURATORS),
    "admin: import status updates": (admin_import_updates, CURATORS),
    # Imports name an author only as a steward, and only for what that
    # author may log themselves (F17).
    "admin: import a self-report by its reporter": (
        admin_import_as("rita", "self_report", "own_actor"),
        CURATORS,
    ),
    "admin: import a self-report by a reporter for another actor": (
        admin_import_as("rita", "self_report", "other_actor"),
        set(),
    ),
    "admin: import an assessment by its assessor": (
        admin_import_as("alex", "independent_assessment", None),
        CURATORS,
    ),
    "admin: import an assessment by a reporter": (
        admin_import_as("rita", "independent_assessment", None),
        set(),
    ),
    "admin: read Needs attention": (read_needs_attention, CURATORS),
    "admin: read follower addresses": (read_follower_addresses, CURATORS),
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
            name = str(model._meta.verbose_name)
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
    assert list(form.fields["actor"].queryset) == [world["own_actor"], world["own_party"]]


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


# Signed in but not allowed: a 403 that says why, never the sign-in page ----

NEEDS_A_ROLE = "Logging status updates needs the Reporter role"
NOT_STAFF = "your account has no staff status"
NO_PERMISSION = "Your account does not have permission to do that."
NON_STAFF = {"signed_in", "reporter", "assessor", "steward_not_staff"}

GATES = {
    # gate: (request, {signed-in role refused: words its refusal gives})
    "log an update": (
        lambda c, w: c.get(reverse("update-create", args=[w["pledge"].ref])),
        dict.fromkeys(["signed_in", "staff_only"], NEEDS_A_ROLE),
    ),
    "log on a pledge naming none of your actors": (
        lambda c, w: c.get(reverse("update-create", args=[w["foreign_pledge"].ref])),
        {
            **dict.fromkeys(["signed_in", "staff_only"], NEEDS_A_ROLE),
            **dict.fromkeys(["reporter", "reporter_staff"], "this pledge names none of them"),
        },
    ),
    "request a review": (
        lambda c, w: c.post(reverse("update-request-review", args=[w["update"].pk]), {"note": "x"}),
        dict.fromkeys(["signed_in", "staff_only"], NEEDS_A_ROLE),
    ),
    "the admin": (
        lambda c, w: c.get(reverse("admin:index")),
        dict.fromkeys(NON_STAFF, NOT_STAFF),
    ),
    "an admin page": (
        lambda c, w: c.get(reverse("admin:tracker_pledge_changelist")),
        {
            **dict.fromkeys(NON_STAFF, NOT_STAFF),
            **dict.fromkeys(["reporter_staff", "assessor_staff", "staff_only"], NO_PERMISSION),
        },
    ),
    "Needs attention": (
        lambda c, w: c.get(reverse("admin:tracker_pledge_attention")),
        {
            **dict.fromkeys(NON_STAFF, NOT_STAFF),
            **dict.fromkeys(["reporter_staff", "assessor_staff", "staff_only"], "is for stewards"),
        },
    ),
}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("gate", list(GATES))
def test_a_refused_user_is_told_why_and_never_sent_to_sign_in_again(client, world, gate, role):
    from html import unescape

    attempt, refused = GATES[gate]
    user = world["users"][role]
    if user is not None:
        client.force_login(user)
    response = attempt(client, world)
    if role == "anonymous":
        assert response.status_code == 302
        assert "/login/" in response["Location"]
    elif role in refused:
        assert response.status_code == 403
        text = unescape(response.text)
        assert refused[role] in text
        assert "ask one of the site's stewards" in text
    else:
        assert response.status_code in (200, 302)
        assert "/login/" not in response.get("Location", "")


def test_the_needs_attention_button_shows_only_to_those_who_may_open_it(client, world):
    from django.contrib.auth.models import Permission

    # A staff user who may see the pledges but is not a steward.
    viewer = make_user("viewer", is_staff=True)
    viewer.user_permissions.add(Permission.objects.get(codename="view_pledge"))
    client.force_login(viewer)
    page = client.get(reverse("admin:tracker_pledge_changelist"))
    assert page.status_code == 200
    assert reverse("admin:tracker_pledge_attention") not in page.text
    client.force_login(world["users"]["steward"])
    page = client.get(reverse("admin:tracker_pledge_changelist"))
    assert reverse("admin:tracker_pledge_attention") in page.text


def test_a_staff_reporter_is_offered_only_their_own_actors_of_the_pledge_in_the_admin(
    client, world
):
    client.force_login(world["users"]["reporter_staff"])
    page = client.get(reverse("admin:tracker_statusupdate_add"))
    assert page.status_code == 200
    form = page.context["adminform"].form
    assert [value for value, _ in form.fields["kind"].choices] == ["self_report"]
    assert list(form.fields["actor"].queryset) == [world["own_actor"]]


def test_a_bulk_update_is_checked_against_the_role_rules_for_each_pledge(client, world):
    from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
    from django.contrib.auth.models import Permission

    # Staff who may list pledges and log updates but is an assessor only.
    assessor = world["users"]["assessor_staff"]
    assessor.user_permissions.add(Permission.objects.get(codename="view_pledge"))
    client.force_login(assessor)
    response = client.post(
        reverse("admin:tracker_pledge_changelist"),
        {
            "action": "log_update",
            ACTION_CHECKBOX_NAME: [world["pledge"].pk],
            "apply": "1",
            "status": "ongoing",
            "as_of": "2006-06-01",
            "kind": "self_report",
            "actor": world["own_actor"].pk,
            "summary": "Bulk.",
            "evidence_reference": "DOC/1",
        },
    )
    assert response.status_code == 200
    assert "Nothing was logged" in response.text and "your role may not log" in response.text
    assert StatusUpdate.objects.count() == 1  # the world's own update only
