"""Every admin changelist, add and change page renders for a superuser, and the
stewards' customisations (inline author, filters, search) work."""

import pytest
from django.urls import reverse

from tests.factories import (
    make_actor,
    make_instrument,
    make_pledge,
    make_theme,
    make_update,
    populate,
)
from tests.helpers import pledge_admin_data
from tracker.models import Paragraph, Pledge, Status, StatusUpdate

pytestmark = pytest.mark.django_db

MODEL_NAMES = [
    "sourcedocument",
    "paragraph",
    "theme",
    "actor",
    "instrument",
    "pledge",
    "statusupdate",
]


@pytest.fixture
def populated():
    theme, actor, instrument = make_theme(), make_actor(), make_instrument()
    pledge = make_pledge(themes=[theme], actors=[actor], instruments=[instrument])
    update = make_update(pledge, status=Status.LIMITED)
    return {
        "sourcedocument": pledge.source,
        "paragraph": Paragraph.objects.filter(document=pledge.source).first(),
        "theme": theme,
        "actor": actor,
        "instrument": instrument,
        "pledge": pledge,
        "statusupdate": update,
    }


@pytest.mark.parametrize("model_name", MODEL_NAMES)
def test_it_renders_changelist_add_and_change_pages(admin_client, populated, model_name):
    obj = populated[model_name]
    for url in [
        reverse(f"admin:tracker_{model_name}_changelist"),
        reverse(f"admin:tracker_{model_name}_add"),
        reverse(f"admin:tracker_{model_name}_change", args=[obj.pk]),
    ]:
        response = admin_client.get(url)
        assert response.status_code == 200, url


def test_the_pledge_changelist_shows_the_current_status(admin_client, populated):
    response = admin_client.get(reverse("admin:tracker_pledge_changelist"))
    assert populated["pledge"].ref in response.text
    assert "Limited" in response.text


@pytest.mark.parametrize(
    "query",
    [
        "current_status__exact=limited",
        "themes__id__exact={theme}",
        "actors__id__exact={actor}",
        "instruments__id__exact={instrument}",
        "source__id__exact={source}",
        "q=first+thing",
    ],
)
def test_the_pledge_changelist_filters_and_searches(admin_client, populated, query):
    other = make_pledge(quote="We pledge to do the second thing.", paragraph=2, title="Other")
    query = query.format(
        theme=populated["theme"].pk,
        actor=populated["actor"].pk,
        instrument=populated["instrument"].pk,
        source=populated["pledge"].source_id,
    )
    response = admin_client.get(reverse("admin:tracker_pledge_changelist") + "?" + query)
    assert response.status_code == 200
    refs = [p.ref for p in response.context["cl"].result_list]
    assert refs == [populated["pledge"].ref]
    assert other.ref not in refs


@pytest.mark.parametrize("model_name", ["pledge", "statusupdate"])
@pytest.mark.parametrize("pledge_count", [10, 500])
def test_changelists_run_a_constant_number_of_queries(
    admin_client, django_assert_max_num_queries, model_name, pledge_count
):
    populate(pledge_count, updates_per_pledge=2)
    with django_assert_max_num_queries(14):
        response = admin_client.get(reverse(f"admin:tracker_{model_name}_changelist"))
    assert response.status_code == 200
    assert (
        len(response.context["cl"].result_list) == 100
        if pledge_count == 500
        else 10 * (2 if model_name == "statusupdate" else 1)
    )


def inline_post_data(pledge, **update_fields):
    """The pledge as it stands, with one new update in the new-update inline."""
    data = pledge_admin_data(pledge, **{"updates-TOTAL_FORMS": "1" if update_fields else "0"})
    data.update({f"updates-0-{key}": value for key, value in update_fields.items()})
    return data


def test_an_inline_update_is_authored_by_the_signed_in_user(admin_client, superuser):
    pledge = make_pledge()
    data = inline_post_data(
        pledge,
        status="substantial",
        as_of="2006-03-01",
        kind="independent_assessment",
        summary="Most of it was done.",
        evidence_reference="A/60/1",
    )
    response = admin_client.post(reverse("admin:tracker_pledge_change", args=[pledge.pk]), data)
    assert response.status_code == 302, response.context["errors"] if response.context else ""
    update = StatusUpdate.objects.get(pledge=pledge)
    assert update.author == superuser
    pledge.refresh_from_db()
    assert pledge.current_status == Status.SUBSTANTIAL


def test_an_invalid_inline_update_is_refused_with_a_message_and_nothing_saved(admin_client):
    pledge = make_pledge()
    data = inline_post_data(
        pledge,
        status="substantial",
        as_of="2001-01-01",
        kind="independent_assessment",
        summary="Too early.",
        evidence_url="ftp://example.org/x",
    )
    response = admin_client.post(reverse("admin:tracker_pledge_change", args=[pledge.pk]), data)
    assert response.status_code == 200
    assert "before" in response.text and "http://" in response.text
    assert not StatusUpdate.objects.exists()


def test_a_non_verbatim_quote_is_refused_in_the_admin(admin_client):
    pledge = make_pledge()
    data = inline_post_data(pledge)
    data["quote"] = "We pledge to do nothing at all."
    response = admin_client.post(reverse("admin:tracker_pledge_change", args=[pledge.pk]), data)
    assert response.status_code == 200
    assert "not a verbatim span" in response.text
    assert Pledge.objects.get(pk=pledge.pk).quote == "We pledge to do the first thing."


def test_the_update_admin_sets_the_author_and_has_a_date_hierarchy(admin_client, superuser):
    pledge = make_pledge()
    response = admin_client.post(
        reverse("admin:tracker_statusupdate_add"),
        {
            "pledge": pledge.pk,
            "status": "limited",
            "as_of": "2004-02-02",
            "kind": "self_report",
            "summary": "Began.",
            "evidence_url": "https://example.org/report",
        },
    )
    assert response.status_code == 302
    assert StatusUpdate.objects.get().author == superuser
    changelist = admin_client.get(reverse("admin:tracker_statusupdate_changelist"))
    # The date hierarchy offers the years that have updates.
    assert "?as_of__year=2004" in changelist.text
