"""Shared set-up for the party tests: a text with parties, pledges and cells."""

from datetime import date

from tests.factories import make_actor, make_pledge, make_source, make_update, make_user
from tracker.models import Actor, PartyMembership, Status, UpdateKind


def make_party(source, name=None, **fields):
    actor = make_actor(kind=Actor.Kind.STATE, **({"name": name} if name else {}), **fields)
    PartyMembership.objects.create(
        source=source,
        actor=actor,
        role="Partner",
        evidence_url="https://www.example.org/members",
        note="Listed as a partner.",
    )
    return actor


def text_with_parties(pledge_count=3, party_count=2):
    """A text with ``pledge_count`` pledges and ``party_count`` parties; the
    first party has an assessment on the first pledge and a contested cell
    on the second."""
    source = make_source(slug=f"text-{pledge_count}-{party_count}")
    parties = [make_party(source) for _ in range(party_count)]
    pledges = [
        make_pledge(source=source, ref=f"t{pledge_count}-{party_count}-{i}")
        for i in range(pledge_count)
    ]
    author = make_user()
    first = parties[0]
    make_update(pledges[0], author=author, actor=first, status=Status.LIMITED)
    make_update(
        pledges[1],
        author=author,
        actor=first,
        status=Status.COMPLETE,
        kind=UpdateKind.SELF_REPORT,
        as_of=date(2006, 1, 1),
    )
    make_update(pledges[1], author=author, actor=first, status=Status.NOT_STARTED)
    return source, parties, pledges
