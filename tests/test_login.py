"""/accounts/login/ and logout: the site's templates, logout by POST only."""

import pytest
from django.urls import reverse

from tests.factories import make_user

pytestmark = pytest.mark.django_db


def test_the_login_page_uses_the_site_template(client):
    response = client.get(reverse("login"))
    assert response.status_code == 200
    assert "Pledge Tracker" in response.text and 'name="password"' in response.text


def test_a_user_signs_in_and_is_sent_back_to_next(client):
    make_user("ana")
    response = client.post(
        reverse("login") + "?next=/themes/",
        {"username": "ana", "password": "correct-horse-battery-staple", "next": "/themes/"},
    )
    assert response.status_code == 302 and response["Location"] == "/themes/"


def test_a_wrong_password_shows_a_message(client):
    make_user("ana")
    response = client.post(reverse("login"), {"username": "ana", "password": "wrong"})
    assert response.status_code == 200
    assert "Please enter a correct username and password" in response.text


def test_logout_is_post_only(client):
    client.force_login(make_user())
    assert client.get(reverse("logout")).status_code == 405
    response = client.post(reverse("logout"))
    assert response.status_code == 302
    assert "_auth_user_id" not in client.session


def test_an_over_long_username_is_refused_before_authenticating(client):
    response = client.post(reverse("login"), {"username": "u" * 400, "password": "x"})
    assert response.status_code == 200
    assert "at most 150 characters" in response.text
