"""The shipped parties (fixtures/parties.json) and their own updates
(fixtures/party-history.json): every membership and every update carries
evidence, every update names a party of its pledge's text and falls within
the text's life, and loading them gives the cells the record supports."""

import json
from datetime import date
from pathlib import Path

import pytest
from django.core.management import call_command

from tracker.models import (
    HISTORICAL_RECORD_USERNAME,
    Actor,
    PartyMembership,
    PartyStatus,
    StatusUpdate,
)

pytestmark = pytest.mark.django_db

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
PARTY_UPDATES = json.loads((FIXTURES / "party-history.json").read_text(encoding="utf-8"))
ASEM, HLM5 = "asem-copenhagen-2002", "un-regional-organizations-2003"


@pytest.fixture
def loaded():
    call_command("loaddata", "pledges", "history", verbosity=0)
    # A separate command, as setup_local_site and the README run it: loaddata
    # resets PostgreSQL's sequences only when a command ends, and the parties
    # (no primary keys in the file) come after actors loaded with explicit ones.
    call_command("loaddata", "parties", "party-history", verbosity=0)


def test_the_asem_partners_at_copenhagen_are_the_parties_of_the_declaration(loaded):
    parties = PartyMembership.objects.filter(source__slug=ASEM)
    assert parties.filter(actor__kind=Actor.Kind.STATE, role="EU member state").count() == 15
    assert parties.filter(role="Asian partner").count() == 10
    assert parties.filter(actor__slug="european-commission").exists()
    assert parties.count() == 26


def test_the_fifth_meeting_has_only_the_organizations_a_source_names(loaded):
    slugs = set(
        PartyMembership.objects.filter(source__slug=HLM5).values_list("actor__slug", flat=True)
    )
    assert slugs == {
        "african-union",
        "asean",
        "european-commission",
        "league-of-arab-states",
        "interpol",
        "collective-security-treaty-organization",
        "shanghai-cooperation-organization",
    }


def test_every_membership_carries_evidence(loaded):
    for membership in PartyMembership.objects.select_related("actor"):
        membership.full_clean()  # evidence is required by the model
        assert membership.evidence_url.startswith(("http://", "https://")), membership
        assert membership.note, membership


def test_every_party_update_names_a_party_of_its_text_and_is_evidenced(loaded):
    updates = StatusUpdate.objects.filter(pk__in=[row["pk"] for row in PARTY_UPDATES])
    assert updates.count() == len(PARTY_UPDATES) == 13
    for update in updates.select_related("pledge__source", "actor", "author"):
        update.full_clean()  # dates within the text's life, evidence present
        assert update.author.username == HISTORICAL_RECORD_USERNAME
        assert PartyMembership.objects.filter(
            source=update.pledge.source, actor=update.actor
        ).exists(), update
        assert update.as_of >= date(2002, 9, 24) and update.evidence_url


def test_which_partners_acceded_to_the_financing_convention_after_copenhagen(loaded):
    """The issue's question, answered from the record: these partners, and for
    the others the cell has no information."""
    acceded = set(
        StatusUpdate.objects.filter(
            pledge__ref="asem-2002-3.5", summary__contains="Financing of Terrorism"
        ).values_list("actor__slug", flat=True)
    )
    assert acceded == {
        "brunei-darussalam",
        "italy",
        "greece",
        "belgium",
        "germany",
        "ireland",
        "china",
        "indonesia",
        "malaysia",
    }
    cells = PartyStatus.objects.filter(pledge__ref="asem-2002-3.5")
    assert set(cells.values_list("actor__slug", flat=True)) == acceded
    assert not PartyStatus.objects.filter(actor__slug="japan", pledge__ref="asem-2002-3.5")


def test_loading_gives_eleven_evidenced_cells(loaded):
    assert PartyStatus.objects.count() == 11
    assert PartyStatus.objects.filter(pledge__ref="asem-2002-6.1").count() == 2


def test_loading_twice_adds_nothing(loaded):
    call_command("loaddata", "parties", "party-history", verbosity=0)
    assert PartyMembership.objects.count() == 33
    assert PartyStatus.objects.count() == 11
