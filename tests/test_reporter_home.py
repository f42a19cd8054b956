"""Reporters are tied to their party: a Reporter of Japan self-reports for
Japan on the pledges that apply to Japan (and those naming it), nowhere else;
after signing in they land on their own page."""

import pytest
from django.urls import reverse

from tests.factories import make_pledge, make_reporter, make_source, make_user
from tests.party_helpers import make_party, text_with_parties
from tracker.models import StatusUpdate, UpdateKind

pytestmark = pytest.mark.django_db


def self_report(pledge, actor):
    return StatusUpdate(pledge=pledge, actor=actor, kind=UpdateKind.SELF_REPORT)


def test_a_reporter_of_a_party_self_reports_on_the_pledges_that_apply_to_it():
    source, (japan, china), pledges = text_with_parties()
    reporter = make_reporter(japan)
    other_text = make_pledge(source=make_source())
    assert reporter.has_perm("tracker.log_update", self_report(pledges[0], japan))
    # not for another party, not on a text Japan is not party to
    assert not reporter.has_perm("tracker.log_update", self_report(pledges[0], china))
    assert not reporter.has_perm("tracker.log_update", self_report(other_text, japan))
    # nor on a pledge a steward narrowed to other parties
    pledges[1].applies_to.set([china])
    assert not reporter.has_perm("tracker.log_update", self_report(pledges[1], japan))
    # a pledge that names the actor stays open to its reporter
    other_text.actors.add(japan)
    assert reporter.has_perm("tracker.log_update", self_report(other_text, japan))


def test_the_form_refuses_a_self_report_on_a_pledge_of_another_text(client):
    source, (japan, _), _ = text_with_parties()
    elsewhere = make_pledge(source=make_source())
    client.force_login(make_reporter(japan))
    response = client.post(
        reverse("update-create", args=[elsewhere.ref]),
        {
            "status": "ongoing",
            "as_of": "2005-01-01",
            "kind": UpdateKind.SELF_REPORT,
            "actor": japan.pk,
            "summary": "We did it.",
            "evidence_url": "https://www.example.org/report",
        },
    )
    assert response.status_code == 403  # refused, with the reason (tracker/access.py)
    assert not StatusUpdate.objects.filter(pledge=elsewhere).exists()


def test_after_signing_in_a_reporter_lands_on_their_party_page(client):
    source, (japan, _), pledges = text_with_parties()
    reporter = make_reporter(japan, username="japan-reporter")
    response = client.post(
        reverse("login"),
        {"username": "japan-reporter", "password": "correct-horse-battery-staple"},
        follow=True,
    )
    assert response.redirect_chain[-1][0] == reverse("reporter-home")
    text = response.text
    assert japan.name in text and "Needs attention" in text
    # pledge 2 has no information for Japan; the others are old (2005-2006)
    assert pledges[2].ref in text
    assert reporter.is_authenticated


def test_everyone_else_lands_on_the_dashboard(client):
    make_user("plain")
    response = client.post(
        reverse("login"), {"username": "plain", "password": "correct-horse-battery-staple"}
    )
    assert response.status_code == 302
    assert client.get(response.url).url == reverse("dashboard")


def test_the_reporter_page_lists_what_they_logged(client):
    source, (japan, _), pledges = text_with_parties()
    reporter = make_reporter(japan)
    make_party(source)
    StatusUpdate.objects.create(
        pledge=pledges[2],
        actor=japan,
        kind=UpdateKind.SELF_REPORT,
        status="ongoing",
        as_of="2024-01-01",
        summary="Reported.",
        evidence_url="https://www.example.org/r",
        author=reporter,
    )
    client.force_login(reporter)
    text = client.get(reverse("reporter-home")).text
    assert f"{pledges[2].ref}: Ongoing, as of 1 January 2024" in text
