"""manage.py create_role_user: each role's users, as README tells operators."""

import io

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command

from tests.factories import make_actor, make_pledge
from tracker.models import StatusUpdate, UpdateKind

pytestmark = pytest.mark.django_db


def create(*args):
    out = io.StringIO()
    call_command("create_role_user", *args, stdout=out)
    return out.getvalue()


def test_a_reporter_reports_for_the_named_actor():
    asean = make_actor(slug="asean", name="ASEAN")
    output = create("rita", "--role", "reporter", "--actor", "asean", "--email", "r@example.org")
    assert "Created rita, a Reporter for ASEAN." in output
    rita = get_user_model().objects.get(username="rita")
    assert not rita.is_staff and rita.has_usable_password() and rita.email == "r@example.org"
    pledge = make_pledge(actors=[asean])
    update = StatusUpdate(pledge=pledge, kind=UpdateKind.SELF_REPORT, actor=asean)
    assert rita.has_perm("tracker.log_update", update)


def test_an_assessor_and_a_steward():
    create("alex", "--role", "assessor")
    create("sam", "--role", "steward")
    User = get_user_model()
    alex, sam = User.objects.get(username="alex"), User.objects.get(username="sam")
    assessment = StatusUpdate(kind=UpdateKind.INDEPENDENT_ASSESSMENT)
    assert alex.has_perm("tracker.log_update", assessment) and not alex.is_staff
    assert sam.is_staff and sam.has_perm("tracker.withdraw_update")


def test_nobody_knows_the_first_password():
    output = create("alex", "--role", "assessor")
    assert "manage.py changepassword alex" in output
    alex = get_user_model().objects.get(username="alex")
    assert not alex.check_password("")


def test_running_again_adds_the_role_to_the_existing_user():
    create("alex", "--role", "assessor")
    create("alex", "--role", "steward")
    alex = get_user_model().objects.get(username="alex")
    assert {g.name for g in alex.groups.all()} == {"Assessor", "Steward"}


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--role", "reporter"], "at least one actor"),
        (["--role", "reporter", "--actor", "nowhere"], "no actor with the slug: nowhere"),
        (["--role", "assessor", "--actor", "asean"], "Only Reporters"),
        (["--role", "assessor", "--email", "not-an-address"], "not an e-mail address"),
    ],
)
def test_mistakes_are_refused_and_nothing_is_created(args, message):
    make_actor(slug="asean")
    with pytest.raises(CommandError, match=message):
        create("rita", *args)
    assert not get_user_model().objects.filter(username="rita").exists()
