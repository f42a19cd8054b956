"""The stewards' "needs attention" page: stale pledges, updates flagged for
review, pledges with no theme."""

from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.factories import make_pledge, make_theme, make_update, make_user, populate

pytestmark = pytest.mark.django_db
URL = reverse("admin:tracker_pledge_attention")


def test_it_lists_what_needs_a_steward(client, steward):
    fresh = make_pledge(ref="fresh-1.1", themes=[make_theme()])
    make_update(fresh, as_of=timezone.localdate() - timedelta(days=3))
    stale = make_pledge(ref="stale-1.1", themes=[make_theme()])
    flagged = make_update(stale, as_of=date(2004, 1, 1))
    flagged.request_review(make_user("rita"), "Looks like a duplicate.")
    make_pledge(ref="untagged-1.1")
    client.force_login(steward)
    response = client.get(URL)
    assert response.status_code == 200
    ctx = response.context
    assert [p.ref for p in ctx["stale"]] == ["untagged-1.1", "stale-1.1"]
    assert list(ctx["flagged"]) == [flagged]
    assert "Looks like a duplicate." in response.text and "rita" in response.text
    assert [p.ref for p in ctx["untagged"]] == ["untagged-1.1"]


def test_marking_reviewed_clears_the_flag_and_keeps_the_record(client, steward):
    update = make_update(make_pledge())
    update.request_review(make_user(), "Wrong date?")
    client.force_login(steward)
    client.post(
        reverse("admin:tracker_statusupdate_change", args=[update.pk]),
        {"clear_review_request": "on"},
    )
    update.refresh_from_db()
    assert not update.needs_review and not update.is_withdrawn


def test_it_is_for_stewards_only(client, reporter):
    from tests.factories import make_user

    client.force_login(reporter)  # not staff: the 403 page, not the admin's sign-in
    assert client.get(URL).status_code == 403
    client.force_login(make_user("staffonly", is_staff=True))  # staff, not a steward
    response = client.get(URL)
    assert response.status_code == 403 and "is for stewards" in response.text


@pytest.mark.parametrize("pledge_count", [10, 500])
def test_query_count_does_not_grow_with_the_data(
    client, steward, django_assert_max_num_queries, pledge_count
):
    populate(pledge_count)
    client.force_login(steward)
    with django_assert_max_num_queries(12):
        assert client.get(URL).status_code == 200
