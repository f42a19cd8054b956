"""/pledges/<ref>/updates/new/: who may log an update, validation with every
typed value kept, CSRF, and the success path."""

from datetime import timedelta
from html import unescape

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tests.factories import make_pledge, make_user
from tracker.models import Status, StatusUpdate

pytestmark = pytest.mark.django_db


@pytest.fixture
def pledge(reporting_actor):
    # It names the reporter's actor: a Reporter logs only on such pledges.
    return make_pledge(ref="asem-2002-1.1", actors=[reporting_actor])


@pytest.fixture
def url(pledge):
    return reverse("update-create", args=[pledge.ref])


@pytest.fixture
def valid(reporting_actor):
    return {
        "status": "substantial",
        "as_of": "2006-05-01",
        "kind": "self_report",
        "actor": reporting_actor.pk,
        "summary": "Most of the programme ran.",
        "evidence_url": "https://example.org/report.pdf",
        "evidence_reference": "ASEM/2006/1",
    }


def test_an_anonymous_visitor_is_sent_to_the_login_page(client, url):
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login") + "?next=")


def test_a_signed_in_user_without_the_permission_gets_a_403_saying_why(client, url, valid):
    client.force_login(make_user("plain"))
    response = client.post(url, valid)
    assert response.status_code == 403
    assert "Logging status updates needs the Reporter role" in response.text
    assert "ask one of the site's stewards" in unescape(response.text)
    assert "You are signed in as plain." in response.text
    assert not StatusUpdate.objects.exists()
    assert client.get(url).status_code == 403


def test_the_403_page_names_the_contact_when_one_is_set(client, url, settings):
    settings.ACCESS_CONTACT_EMAIL = "stewards@pledges.example.org"
    client.force_login(make_user())
    response = client.get(url)
    assert response.status_code == 403
    assert "ask the site's stewards at stewards@pledges.example.org" in unescape(response.text)


def test_a_reporter_gets_a_403_on_a_pledge_that_names_none_of_their_actors(
    client, reporter, reporting_actor, valid
):
    other = make_pledge(ref="asem-2002-2.1")
    url = reverse("update-create", args=[other.ref])
    client.force_login(reporter)
    response = client.post(url, valid)
    assert response.status_code == 403
    assert "You report for European Union, and this pledge names none of them" in response.text
    assert not StatusUpdate.objects.exists()


def test_a_user_with_the_permission_sees_the_form(client, url, reporter):
    client.force_login(reporter)
    response = client.get(url)
    assert response.status_code == 200
    assert 'name="summary"' in response.text
    assert str(Status.ONGOING.definition) in response.text


def test_a_valid_update_is_saved_and_shown(client, url, reporter, pledge, valid):
    client.force_login(reporter)
    response = client.post(url, valid, follow=True)
    update = StatusUpdate.objects.get()
    assert update.author == reporter
    assert update.pledge == pledge
    assert response.redirect_chain[-1][0] == f"/pledges/{pledge.ref}/#update-{update.pk}"
    assert "Logged “Substantial”" in response.text
    assert "Most of the programme ran." in response.text
    pledge.refresh_from_db()
    # A self-report concerns the reporter's actor: it is activity on the
    # pledge, but only an overall update sets the pledge's status.
    assert pledge.last_update_as_of == update.as_of
    assert pledge.current_status == Status.NO_INFORMATION


def test_an_assessors_overall_assessment_sets_the_status(client, url, assessor, pledge, valid):
    client.force_login(assessor)
    data = {**valid, "kind": "independent_assessment", "actor": ""}
    response = client.post(url, data)
    assert response.status_code == 302
    pledge.refresh_from_db()
    assert pledge.current_status == Status.SUBSTANTIAL


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"summary": "   "}, "summary", "a summary is required"),
        ({"status": "finished"}, "status", "not one of the available choices"),
        ({"as_of": "2005-13-45"}, "as_of", "Enter a date as YYYY-MM-DD"),
        ({"as_of": "2001-01-01"}, "as_of", "before"),
        ({"evidence_url": "ftp://example.org/x", "evidence_reference": ""}, "evidence_url", "http"),
        ({"evidence_url": "", "evidence_reference": ""}, "evidence_url", "Give the evidence"),
        ({"kind": ""}, "kind", "self-report or an assessment"),
        ({"kind": "independent_assessment"}, "kind", "not one of the available choices"),
        ({"actor": "999999"}, "actor", "valid choice"),
    ],
)
def test_invalid_input_is_refused_with_inline_messages_and_values_kept(
    client, url, reporter, valid, changes, field, message
):
    client.force_login(reporter)
    data = {**valid, **changes}
    response = client.post(url, data)
    assert response.status_code == 200
    assert not StatusUpdate.objects.exists()
    assert message in " ".join(response.context["form"].errors[field])
    assert "The update was not saved" in response.text
    # Every other value the user typed is still in the form.
    if field != "summary":
        assert "Most of the programme ran." in response.text
    if field != "as_of":
        assert 'value="2006-05-01"' in response.text


def test_a_future_date_is_refused(client, url, reporter, valid):
    client.force_login(reporter)
    in_two_days = (timezone.localdate() + timedelta(days=2)).isoformat()
    response = client.post(url, {**valid, "as_of": in_two_days})
    assert "in the future" in " ".join(response.context["form"].errors["as_of"])
    assert not StatusUpdate.objects.exists()


def test_a_post_without_a_csrf_token_is_refused(url, reporter, valid):
    client = Client(enforce_csrf_checks=True)
    client.force_login(reporter)
    response = client.post(url, valid)
    assert response.status_code == 403
    assert not StatusUpdate.objects.exists()


def test_an_unknown_pledge_is_a_404(client, reporter):
    client.force_login(reporter)
    assert client.get("/pledges/nope/updates/new/").status_code == 404


def test_an_over_long_summary_is_refused_and_kept_to_shorten(client, url, reporter, valid):
    client.force_login(reporter)
    long_summary = "word " * 800 + "end"  # 4003 characters
    response = client.post(url, {**valid, "summary": long_summary})
    assert response.status_code == 200
    assert not StatusUpdate.objects.exists()
    assert response.context["form"].errors["summary"] == [
        "Keep the summary to 4000 characters or fewer; it has 4003."
    ]
    assert long_summary in response.text


def test_a_status_the_commitment_cannot_have_is_refused_and_nothing_saved(
    client, reporter, reporting_actor, valid
):
    from tracker.models import CommitmentType, StatementKind

    principle = make_pledge(
        actors=[reporting_actor],
        statement_kind=StatementKind.SOFT_COMMITMENT,
        commitment_type=CommitmentType.STANDING_PRINCIPLE,
    )
    client.force_login(reporter)
    url = reverse("update-create", args=[principle.ref])
    page = client.get(url)
    assert "The statuses that can apply to it are: No information, Ongoing, Superseded." in (
        page.text
    )
    response = client.post(url, valid | {"status": "complete"})
    assert response.status_code == 200
    assert "cannot apply to" in response.text and "standing principle" in response.text
    assert "Most of the programme ran." in response.text  # nothing typed is lost
    assert not StatusUpdate.objects.exists()


def test_context_offers_no_form_and_refuses_a_post(client, reporter, reporting_actor, valid):
    from tracker.models import StatementKind

    context = make_pledge(
        actors=[reporting_actor], statement_kind=StatementKind.CONTEXT, commitment_type=""
    )
    client.force_login(reporter)
    url = reverse("update-create", args=[context.ref])
    page = client.get(url)
    assert (
        "is context, not a commitment" in page.text
        and '<form method="post" class="update-form"' not in page.text
    )
    client.post(url, valid)
    assert not StatusUpdate.objects.exists()
