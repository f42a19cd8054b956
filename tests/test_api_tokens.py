"""/account/tokens/: a Reporter, Assessor or Steward creates a personal API
token (shown once, stored as a digest only), sees their tokens, and revokes
one; nobody else gets the page or another user's tokens."""

import hashlib
import re

import pytest

from tests.factories import make_assessor, make_user
from tracker.api.models import ApiToken
from tracker.api.views import MAX_ACTIVE_TOKENS

pytestmark = pytest.mark.django_db

URL = "/account/tokens/"


def create(client, name="Reporting system", lifetime="90", follow=False):
    return client.post(URL, {"name": name, "lifetime": lifetime}, follow=follow)


def secret_on(response):
    match = re.search(r'<code class="token-secret">([^<]+)</code>', response.text)
    return match.group(1) if match else None


def test_a_token_is_shown_once_and_stored_as_a_digest(client, reporter):
    client.force_login(reporter)
    created = create(client)
    assert created.status_code == 302  # so that a reload cannot make another
    response = client.get(created["Location"])
    secret = secret_on(response)
    assert secret.startswith("pt_") and len(secret) > 40
    assert "no-store" in response["Cache-Control"]
    token = ApiToken.objects.get()
    assert token.digest == hashlib.sha256(secret.encode()).hexdigest()
    assert secret not in {token.name, token.beginning}
    assert (token.expires_at - token.created).days == 90
    again = client.get(URL)
    assert secret_on(again) is None
    assert token.beginning in again.text


def test_the_token_works_in_the_api_as_its_user(client, reporter):
    client.force_login(reporter)
    secret = secret_on(create(client, follow=True))
    client.logout()
    response = client.get("/api/v1/themes/", headers={"Authorization": f"Bearer {secret}"})
    assert response.status_code == 200
    assert ApiToken.objects.get().last_used_at is not None


def test_revoking_stops_the_token(client, assessor):
    client.force_login(assessor)
    secret = secret_on(create(client, follow=True))
    token = ApiToken.objects.get()
    response = client.post(f"{URL}{token.pk}/revoke/", follow=True)
    assert "is revoked: it no longer works" in response.text
    assert "Revoked on" in response.text
    auth = {"Authorization": f"Bearer {secret}"}
    assert client.get("/api/v1/themes/", headers=auth).status_code == 401
    again = client.post(f"{URL}{token.pk}/revoke/", follow=True)
    assert "was already revoked" in again.text


def test_nobody_revokes_another_users_token(client, assessor):
    token, _ = ApiToken.issue(make_assessor(), "Theirs", 30)
    client.force_login(assessor)
    assert client.post(f"{URL}{token.pk}/revoke/").status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None


def test_a_user_without_a_role_cannot_have_tokens(client):
    client.force_login(make_user())
    assert client.get(URL).status_code == 403
    assert create(client).status_code == 403
    assert not ApiToken.objects.exists()


def test_a_visitor_is_sent_to_sign_in(client):
    response = client.get(URL)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


@pytest.mark.parametrize(
    "data, field, message",
    [
        ({"name": " ", "lifetime": "90"}, "name", "Give the token a name"),
        ({"name": "x", "lifetime": "7"}, "lifetime", "Choose one of the lifetimes offered."),
    ],
)
def test_a_bad_form_creates_nothing_and_keeps_what_was_typed(
    client, reporter, data, field, message
):
    client.force_login(reporter)
    response = client.post(URL, data)
    assert "The token was not created." in response.text
    assert message in response.text
    assert not ApiToken.objects.exists()


def test_active_tokens_are_capped(client, reporter):
    for i in range(MAX_ACTIVE_TOKENS):
        ApiToken.issue(reporter, f"System {i}", 30)
    client.force_login(reporter)
    response = create(client)
    assert "revoke one you no longer use first" in response.text
    assert ApiToken.objects.count() == MAX_ACTIVE_TOKENS


def test_the_header_links_to_the_page_for_those_who_may_log(client, reporter):
    client.force_login(reporter)
    assert 'href="/account/tokens/"' in client.get("/themes/").text
    client.force_login(make_user())
    assert 'href="/account/tokens/"' not in client.get("/themes/").text
