"""Bounded requests (tracker/limits.py): a body over MAX_UPLOAD_SIZE is
refused before it is read, and a form in a charset other than UTF-8, or in
one nobody knows, gets a 400 page, never a 500."""

import pytest
from django.test import Client
from django.urls import reverse

from tests.factories import make_pledge, make_reporter, make_user
from tracker.models import StatusUpdate

pytestmark = pytest.mark.django_db


@pytest.fixture
def raw_client():
    # A 500 comes back as a response, as it would to a browser.
    return Client(raise_request_exception=False)


@pytest.mark.parametrize(
    "content_type",
    [
        "application/x-www-form-urlencoded; charset=utf-16",
        "application/x-www-form-urlencoded; charset=UTF-32",
        "application/x-www-form-urlencoded; charset=utf8",
        "application/x-www-form-urlencoded; charset=no-such-charset",
        "multipart/form-data; boundary=xyz; charset=utf-16",
        "multipart/form-data; boundary=xyz; charset=no-such-charset",
        'application/x-www-form-urlencoded; charset="utf-16"',
    ],
)
def test_a_form_in_another_charset_gets_a_400_page(raw_client, content_type):
    make_user("ana")
    body = "username=ana&password=correct-horse-battery-staple".encode("utf-16")
    response = raw_client.generic("POST", reverse("login"), body, content_type=content_type)
    assert response.status_code == 400
    assert "Bad request" in response.text and "Nothing was saved." in response.text
    assert "_auth_user_id" not in raw_client.session


def test_a_charset_refused_on_the_update_form_writes_nothing(raw_client, reporting_actor):
    pledge = make_pledge(actors=[reporting_actor])
    raw_client.force_login(make_reporter(reporting_actor))
    body = f"status=ongoing&as_of=2006-01-01&kind=self_report&actor={reporting_actor.pk}"
    response = raw_client.generic(
        "POST",
        reverse("update-create", args=[pledge.ref]),
        body.encode("utf-16"),
        content_type="application/x-www-form-urlencoded; charset=utf-16",
    )
    assert response.status_code == 400
    assert "accepts forms in UTF-8 only" in response.text
    assert not StatusUpdate.objects.exists()


@pytest.mark.parametrize(
    "content_type",
    [
        "application/x-www-form-urlencoded",
        "application/x-www-form-urlencoded; charset=utf-8",
        "application/x-www-form-urlencoded; charset=UTF-8",
    ],
)
def test_a_utf8_form_is_accepted(raw_client, content_type):
    make_user("ana")
    response = raw_client.generic(
        "POST",
        reverse("login"),
        b"username=ana&password=correct-horse-battery-staple",
        content_type=content_type,
    )
    assert response.status_code == 302
    assert "_auth_user_id" in raw_client.session


def test_a_body_over_the_limit_is_refused_before_it_is_read(raw_client, settings):
    settings.MAX_UPLOAD_SIZE = 1024 * 1024
    payload = b"x" * (settings.MAX_UPLOAD_SIZE + 1)
    response = raw_client.post(
        reverse("login"),
        {"username": "ana", "password": "x", "file": _upload(payload)},
    )
    assert response.status_code == 413
    assert "larger than this site accepts (1 MB at most)" in response.text


def test_an_upload_under_the_limit_reaches_the_form(raw_client, settings):
    settings.MAX_UPLOAD_SIZE = 1024 * 1024
    response = raw_client.post(
        reverse("login"),
        {"username": "ana", "password": "x", "file": _upload(b"x" * 1000)},
    )
    assert response.status_code == 200
    assert "Please enter a correct username and password" in response.text


def test_the_default_limits_are_bounded(settings):
    # Django leaves uploaded files unbounded; the site does not.
    assert settings.MAX_UPLOAD_SIZE == 10 * 1024 * 1024
    assert settings.DATA_UPLOAD_MAX_MEMORY_SIZE <= settings.MAX_UPLOAD_SIZE
    assert "tracker.limits.RequestBoundsMiddleware" in settings.MIDDLEWARE
    # Before the CSRF middleware, which is the first to read the body.
    middleware = settings.MIDDLEWARE
    assert middleware.index("tracker.limits.RequestBoundsMiddleware") < middleware.index(
        "django.middleware.csrf.CsrfViewMiddleware"
    )


def _upload(content):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile("big.bin", content, content_type="application/octet-stream")
