"""Hostile and random input on every public endpoint and form: never a 500,
every payload escaped in the HTML, nothing written by a rejected post.

Hypothesis generates the input; the examples per test are bounded so the
suite stays within a few minutes in CI.
"""

from datetime import date
from urllib.parse import urlencode

import pytest
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.factories import make_actor, make_pledge, make_steward, make_theme, make_update
from tracker.models import StatusUpdate

pytestmark = pytest.mark.django_db

FUZZ = settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

SCRIPT = "<script>alert('x')</script>"
IMAGE = '"><img src=x onerror=alert(1)>'
# Markup that would run if it reached a page unescaped. (Random text such as
# "<a" can appear in any page legitimately, so only these are checked.)
XSS_PAYLOADS = (SCRIPT, IMAGE)
HOSTILE = st.sampled_from(
    [
        SCRIPT,
        IMAGE,
        "' OR 1=1 --",
        "'; DROP TABLE tracker_pledge; --",
        "\x00",
        "a\x00b",
        "\x1b[31m\r\n\t",
        "9" * 400,
        "-1",
        "0",
        "1e309",
        "2005-02-30",
        "0000-00-00",
        "9999-12-31",
        "-2005-01-01",
        "asem-2002-3.7",
        "human-rights",
        "complete",
        "ref,",
        ",-",
        "%00",
        "../../etc/passwd",
        "\u202e\u200b\ufeff",
        "x" * 5000,
    ]
)
VALUES = st.one_of(HOSTILE, st.text(max_size=60))
PARAMS = st.sampled_from(
    [
        "q",
        "theme",
        "source",
        "status",
        "actor",
        "instrument",
        "timeframe",
        "statement_kind",
        "commitment_type",
        "updated_after",
        "updated_before",
        "stale",
        "ordering",
        "page",
        "unknown",
    ]
)
QUERIES = st.lists(st.tuples(PARAMS, VALUES), max_size=8)


@pytest.fixture
def data():
    theme = make_theme(slug="human-rights")
    pledge = make_pledge(ref="asem-2002-3.7", themes=[theme], actors=[make_actor()])
    make_update(pledge, summary="Adopted <b>by consensus</b>.")
    return {"pledge": pledge, "theme": theme}


def assert_safe(response, payloads):
    assert response.status_code < 500, response.status_code
    body = b"".join(response.streaming_content) if response.streaming else response.content
    if response.get("Content-Type", "").startswith("text/html"):
        text = body.decode()
        for payload in payloads:
            for markup in XSS_PAYLOADS:
                if markup in str(payload):
                    assert markup not in text, "unescaped payload in HTML"


LIST_ENDPOINTS = ["/pledges/", "/pledges/export.csv", "/api/pledges/", "/updates/export.csv"]


@pytest.mark.parametrize("path", LIST_ENDPOINTS)
@FUZZ
@given(query=QUERIES)
def test_filtered_endpoints_survive_any_query_string(client, data, path, query):
    response = client.get(f"{path}?{urlencode(query)}")
    assert_safe(response, [value for _, value in query])
    assert response.status_code in (200, 400)


@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/themes/",
        "/updates/feed/",
        "/themes/human-rights/feed/",
        "/pledges/asem-2002-3.7/",
        "/pledges/asem-2002-3.7/feed/",
        "/pledges/asem-2002-3.7/history/",
    ],
)
@FUZZ
@given(query=QUERIES)
def test_pages_and_feeds_ignore_any_query_string(client, data, path, query):
    response = client.get(f"{path}?{urlencode(query)}")
    assert_safe(response, [value for _, value in query])
    assert response.status_code == 200


@pytest.mark.parametrize(
    "template",
    [
        "/pledges/{}/",
        "/pledges/{}/feed/",
        "/pledges/{}/history/",
        "/sources/{}/",
        "/themes/{}/feed/",
    ],
)
@FUZZ
@given(segment=VALUES)
def test_path_segments_never_500(client, data, template, segment):
    from urllib.parse import quote

    response = client.get(template.format(quote(segment, safe="")))
    assert_safe(response, [segment])
    assert response.status_code in (200, 301, 404)


UPDATE_FIELDS = st.fixed_dictionaries(
    {
        "status": st.one_of(st.sampled_from(["limited", "complete", "done", ""]), VALUES),
        "as_of": st.one_of(
            st.dates(min_value=date(1900, 1, 1), max_value=date(2100, 1, 1)).map(str), VALUES
        ),
        "kind": st.one_of(st.sampled_from(["self_report", "independent_assessment"]), VALUES),
        "actor": st.one_of(st.just(""), VALUES),
        "summary": VALUES,
        "evidence_url": st.one_of(st.just("https://www.un.org/x"), VALUES),
        "evidence_reference": VALUES,
    }
)


@FUZZ
@given(fields=UPDATE_FIELDS)
def test_the_update_form_rejects_bad_posts_without_writing(client, data, fields):
    client.force_login(make_steward_once())
    before = StatusUpdate.objects.count()
    response = client.post(reverse("update-create", args=[data["pledge"].ref]), fields)
    assert_safe(response, list(fields.values()))
    if response.status_code == 302:
        created = StatusUpdate.objects.order_by("-pk").first()
        assert StatusUpdate.objects.count() == before + 1
        created.full_clean()  # whatever was accepted meets every model rule
    else:
        assert response.status_code == 200
        assert StatusUpdate.objects.count() == before
        assert "The update was not saved" in response.text


def make_steward_once():
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.filter(username="fuzz-steward").first()
    return user or make_steward("fuzz-steward")


@FUZZ
@given(username=VALUES, password=VALUES)
def test_the_login_form_never_500s(client, data, username, password):
    response = client.post(reverse("login"), {"username": username, "password": password})
    assert_safe(response, [username])
    assert response.status_code in (200, 429)
    assert "_auth_user_id" not in client.session


PLEDGE_FIELDS = st.fixed_dictionaries(
    {
        "ref": VALUES,
        "title": VALUES,
        "paragraph": st.one_of(st.sampled_from(["1", "2", "99"]), VALUES),
        "quote": st.one_of(st.just("We pledge to do the first thing."), VALUES),
        "timeframe": st.one_of(st.just("unspecified"), VALUES),
        "statement_kind": st.one_of(st.sampled_from(["context", "soft_commitment"]), VALUES),
        "commitment_type": st.one_of(st.sampled_from(["", "process", "deliverable"]), VALUES),
    }
)


@FUZZ
@given(fields=PLEDGE_FIELDS)
def test_the_admin_pledge_form_rejects_bad_posts_without_writing(client, data, fields):
    from tracker.models import Pledge

    client.force_login(make_steward_once())
    before = Pledge.objects.count()
    post = {
        **fields,
        "source": data["pledge"].source_id,
        "updates-TOTAL_FORMS": "0",
        "updates-INITIAL_FORMS": "0",
        "updates-2-TOTAL_FORMS": "0",
        "updates-2-INITIAL_FORMS": "0",
    }
    response = client.post(reverse("admin:tracker_pledge_add"), post)
    assert response.status_code in (200, 302)
    if response.status_code == 200:
        assert Pledge.objects.count() == before
    else:
        Pledge.objects.order_by("-pk").first().full_clean()


def test_a_script_payload_is_echoed_escaped(client, data):
    """The list echoes the search and the chips: escaped, never raw."""
    response = client.get("/pledges/?" + urlencode({"q": SCRIPT, "theme": IMAGE}))
    assert response.status_code == 200
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in response.text
    assert SCRIPT not in response.text and IMAGE not in response.text
