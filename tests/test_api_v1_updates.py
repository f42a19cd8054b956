"""/api/v1/updates/ (list and detail) and POST /api/v1/pledges/<ref>/updates/:
filters, cursor pages, and writes with a token under exactly the form's rules."""

import json
from datetime import date, timedelta

import pytest
from django.utils import timezone

from tests.api_helpers import assert_documented
from tests.factories import make_actor, make_pledge, make_source, make_update, make_user, populate
from tracker.api.models import ApiToken
from tracker.error_messages import DATE_FORMAT
from tracker.forms import StatusUpdateForm
from tracker.models import Actor, Status, StatusUpdate, UpdateKind

pytestmark = pytest.mark.django_db

URL = "/api/v1/updates/"


def get(client, url=URL, params=None):
    response = client.get(url, params or {})
    assert response.status_code == 200, response.content
    return assert_documented(response)


def ids(data):
    return [item["id"] for item in data["results"]]


def test_updates_are_newest_first_with_their_pledge(client):
    pledge = make_pledge(ref="asem-2002-1")
    old = make_update(pledge, as_of=date(2003, 1, 1))
    new = make_update(pledge, as_of=date(2009, 1, 1))
    data = get(client)
    assert ids(data) == [new.pk, old.pk]
    item = data["results"][0]
    assert item["pledge"] == "asem-2002-1"
    assert item["pledge_url"] == "http://testserver/api/v1/pledges/asem-2002-1/"
    assert item["permalink"] == f"http://testserver/updates/{new.pk}/"
    assert get(client, f"{URL}{new.pk}/") == item


def test_paging_reaches_every_update_once(client):
    populate(7, updates_per_pledge=3)
    seen, data = [], get(client, params={"page_size": 4})
    seen += ids(data)
    while data["next"]:
        data = get(client, data["next"])
        seen += ids(data)
    expected = list(StatusUpdate.objects.newest_first().values_list("pk", flat=True))
    assert seen == expected


def test_filters_by_date_range_kind_status_and_party(client):
    pledge = make_pledge()
    party = make_actor(slug="asean")
    early = make_update(pledge, as_of=date(2003, 5, 1), status=Status.LIMITED)
    middle = make_update(pledge, as_of=date(2005, 5, 1), kind=UpdateKind.SELF_REPORT, actor=party)
    late = make_update(pledge, as_of=date(2008, 5, 1), status=Status.COMPLETE)
    params = {"as_of_after": "2004-01-01", "as_of_before": "2006-01-01"}
    assert ids(get(client, params=params)) == [middle.pk]
    assert ids(get(client, params={"kind": "self_report"})) == [middle.pk]
    assert ids(get(client, params={"status": ["limited", "complete"]})) == [late.pk, early.pk]
    assert ids(get(client, params={"party": "asean"})) == [middle.pk]
    assert ids(get(client, params={"pledge": pledge.ref, "as_of_before": "2004-01-01"})) == [
        early.pk
    ]


def test_withdrawn_filter(client, steward):
    pledge = make_pledge()
    kept = make_update(pledge)
    gone = make_update(pledge, as_of=date(2001, 1, 1))
    gone.withdraw(steward, "Wrong pledge.")
    assert ids(get(client, params={"withdrawn": "yes"})) == [gone.pk]
    assert ids(get(client, params={"withdrawn": "no"})) == [kept.pk]


@pytest.mark.parametrize(
    "params, name, message",
    [
        ({"party": "nobody"}, "party", "There is no actor “nobody”."),
        ({"as_of_after": "May 2005"}, "as_of_after", DATE_FORMAT),
        ({"kind": "rumour"}, "kind", "“rumour” is not a kind of update."),
        ({"actor": "asean"}, "actor", "This API does not know this parameter."),
    ],
)
def test_a_bad_filter_is_a_400_naming_it(client, params, name, message):
    response = client.get(URL, params)
    assert response.status_code == 400
    assert assert_documented(response)["errors"] == {name: [message]}


def test_an_unknown_update_is_a_404(client):
    response = client.get(f"{URL}999999/")
    assert response.status_code == 404
    assert_documented(response)


def test_a_page_of_updates_costs_two_queries(client, django_assert_num_queries):
    populate(20)
    with django_assert_num_queries(2):
        data = get(client, params={"page_size": 40})
    with django_assert_num_queries(2):
        get(client, data["next"])


# --- Writes -----------------------------------------------------------------------


def post(client, secret, ref, body):
    headers = {"Authorization": f"Bearer {secret}"} if secret else {}
    payload = body if isinstance(body, str | bytes) else json.dumps(body)
    return client.post(
        f"/api/v1/pledges/{ref}/updates/",
        payload,
        content_type="application/json",
        headers=headers,
    )


def token_for(user):
    return ApiToken.issue(user, "Test system", 30)[1]


@pytest.fixture
def pledge():
    return make_pledge(source=make_source(date_adopted=date(2002, 9, 24)))


ASSESSMENT = {
    "status": "substantial",
    "as_of": "2006-03-01",
    "kind": "independent_assessment",
    "summary": "  Most of it is done.  ",
    "evidence_url": "https://www.un.org/report",
}


def test_an_assessor_logs_an_assessment_with_a_token(client, assessor, pledge):
    response = post(client, token_for(assessor), pledge.ref, ASSESSMENT)
    assert response.status_code == 201, response.content
    data = assert_documented(response, "POST")
    update = StatusUpdate.objects.get()
    assert response["Location"] == data["url"] == f"http://testserver/api/v1/updates/{update.pk}/"
    assert (update.author, update.status, update.summary) == (
        assessor,
        "substantial",
        "Most of it is done.",
    )
    pledge.refresh_from_db()
    assert pledge.current_status == "substantial"


def test_a_reporter_self_reports_for_their_actor_by_slug(client, reporter, pledge):
    pledge.actors.add(Actor.objects.get(slug="european-union"))
    body = {**ASSESSMENT, "kind": "self_report", "actor": "european-union"}
    response = post(client, token_for(reporter), pledge.ref, body)
    assert response.status_code == 201, response.content
    assert StatusUpdate.objects.get().actor.slug == "european-union"


def test_a_reporter_may_not_log_on_a_pledge_that_names_none_of_their_actors(
    client, reporter, pledge
):
    body = {**ASSESSMENT, "kind": "self_report", "actor": "european-union"}
    response = post(client, token_for(reporter), pledge.ref, body)
    assert response.status_code == 403
    assert assert_documented(response, "POST")["detail"].startswith(
        "You report for European Union, and this pledge names none of them"
    )
    assert not StatusUpdate.objects.exists()


def test_the_forms_messages_come_back_as_json_and_nothing_is_saved(client, reporter, pledge):
    pledge.actors.add(Actor.objects.get(slug="european-union"))
    other = make_actor(slug="asean")
    body = {
        "status": "finished",
        "as_of": "2001-01-01",
        "kind": "self_report",
        "actor": "asean",
        "summary": " ",
    }
    response = post(client, token_for(reporter), pledge.ref, body)
    assert response.status_code == 400
    errors = assert_documented(response, "POST")["errors"]
    assert errors["status"] == [
        "Select a valid choice. finished is not one of the available choices."
    ]
    assert errors["summary"] == ["Say what happened: a summary is required."]
    # Exactly what the site's form says to the same person for the same input.
    site_form = StatusUpdateForm(
        {**body, "actor": other.pk},
        instance=StatusUpdate(pledge=pledge, author=reporter),
        user=reporter,
    )
    assert not site_form.is_valid()
    assert errors == {name: list(messages) for name, messages in site_form.errors.items()}
    assert not StatusUpdate.objects.exists()


def test_the_models_rules_apply(client, assessor, pledge):
    future = (timezone.localdate() + timedelta(days=5)).isoformat()
    body = {**ASSESSMENT, "as_of": future, "evidence_url": ""}
    errors = post(client, token_for(assessor), pledge.ref, body).json()["errors"]
    assert "is in the future" in errors["as_of"][0]
    assert errors["evidence_url"] == [
        "Give the evidence: a web address, a document symbol, or both."
    ]
    before = {**ASSESSMENT, "as_of": "2001-01-01"}
    errors = post(client, token_for(assessor), pledge.ref, before).json()["errors"]
    assert errors["as_of"][0].startswith("The date is before")
    assert not StatusUpdate.objects.exists()


def test_a_reporter_may_not_log_an_assessment(client, reporter, pledge):
    pledge.actors.add(Actor.objects.get(slug="european-union"))
    response = post(client, token_for(reporter), pledge.ref, ASSESSMENT)
    assert response.status_code == 400
    assert "kind" in response.json()["errors"]
    assert not StatusUpdate.objects.exists()


@pytest.mark.parametrize(
    "body, errors",
    [
        ("not json", {"__all__": ["Send the update as a JSON object."]}),
        ("[1, 2]", {"__all__": ["Send the update as a JSON object."]}),
        ({**ASSESSMENT, "colour": "red"}, {"colour": ["A status update has no such field."]}),
        ({**ASSESSMENT, "summary": ["a", "b"]}, {"summary": ["Give this field as a string."]}),
    ],
)
def test_a_malformed_body_is_a_400(client, assessor, pledge, body, errors):
    response = post(client, token_for(assessor), pledge.ref, body)
    assert response.status_code == 400
    assert response.json()["errors"] == errors
    assert not StatusUpdate.objects.exists()


def test_no_token_is_a_401(client, pledge):
    response = post(client, None, pledge.ref, ASSESSMENT)
    assert response.status_code == 401
    assert assert_documented(response, "POST")["detail"].startswith("Send a valid API token")


def test_a_session_is_not_a_token(client, assessor, pledge):
    client.force_login(assessor)
    assert post(client, None, pledge.ref, ASSESSMENT).status_code == 401
    assert not StatusUpdate.objects.exists()


@pytest.mark.parametrize("state", ["revoked", "expired", "unknown", "inactive user"])
def test_an_unusable_token_is_a_401(client, assessor, pledge, state):
    token, secret = ApiToken.issue(assessor, "System", 30)
    if state == "revoked":
        token.revoke()
    elif state == "expired":
        ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now())
    elif state == "unknown":
        secret += "x"
    else:
        assessor.is_active = False
        assessor.save()
    response = post(client, secret, pledge.ref, ASSESSMENT)
    assert response.status_code == 401
    assert not StatusUpdate.objects.exists()


def test_a_user_without_a_role_is_a_403(client, pledge):
    response = post(client, token_for(make_user()), pledge.ref, ASSESSMENT)
    assert response.status_code == 403
    assert_documented(response, "POST")
    assert not StatusUpdate.objects.exists()


def test_an_unknown_pledge_is_a_404(client, assessor):
    response = post(client, token_for(assessor), "no-such-pledge", ASSESSMENT)
    assert response.status_code == 404
    assert_documented(response, "POST")


def test_a_get_on_the_write_address_is_a_json_405(client, pledge):
    response = client.get(f"/api/v1/pledges/{pledge.ref}/updates/")
    assert response.status_code == 405
    assert response["Content-Type"] == "application/json"
    assert response.json()["detail"] == "This address does not accept this method."


def test_a_token_write_needs_no_csrf_token(assessor, pledge):
    """Django's CSRF check guards cookie sessions; a bearer token is not sent
    by a browser on its own, so the API takes it without one."""
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    response = post(strict, token_for(assessor), pledge.ref, ASSESSMENT)
    assert response.status_code == 201
