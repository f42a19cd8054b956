"""Stewards curate the parties in the admin: memberships with evidence (on
the source's page and their own), and narrowing a pledge to some parties of
its own text only."""

import pytest
from django.urls import reverse

from tests.factories import make_actor, make_steward
from tests.helpers import pledge_admin_data
from tests.party_helpers import text_with_parties
from tracker.models import PartyMembership

pytestmark = pytest.mark.django_db


@pytest.fixture
def steward_client(client):
    client.force_login(make_steward("stew"))
    return client


def test_a_steward_adds_a_party_with_its_evidence(steward_client):
    source, _, _ = text_with_parties()
    japan = make_actor(name="Japan")
    url = reverse("admin:tracker_partymembership_add")
    data = {"source": source.pk, "actor": japan.pk, "role": "Asian partner", "note": "Listed."}
    response = steward_client.post(url, data)
    assert response.status_code == 200  # refused: no evidence
    assert "Give the evidence of membership" in response.text
    assert not PartyMembership.objects.filter(actor=japan).exists()
    response = steward_client.post(url, {**data, "evidence_reference": "Chairman's Statement"})
    assert response.status_code == 302
    assert PartyMembership.objects.filter(actor=japan, source=source).exists()


def test_the_admin_pages_of_parties_load(steward_client):
    source, (first, _), pledges = text_with_parties()
    for url in (
        reverse("admin:tracker_partymembership_changelist"),
        reverse("admin:tracker_sourcedocument_change", args=[source.pk]),
        reverse("admin:tracker_actor_change", args=[first.pk]),
        reverse("admin:tracker_pledge_change", args=[pledges[0].pk]),
    ):
        assert steward_client.get(url).status_code == 200, url


def test_a_pledge_is_narrowed_only_to_parties_of_its_text(steward_client):
    source, (first, _), pledges = text_with_parties()
    outsider = make_actor(name="Outsider State")
    url = reverse("admin:tracker_pledge_change", args=[pledges[0].pk])
    response = steward_client.post(url, pledge_admin_data(pledges[0], applies_to=[outsider.pk]))
    assert response.status_code == 200
    assert "not a party: Outsider State" in response.text
    assert not pledges[0].applies_to.exists()
    response = steward_client.post(url, pledge_admin_data(pledges[0], applies_to=[first.pk]))
    assert response.status_code == 302
    assert list(pledges[0].applies_to.all()) == [first]
