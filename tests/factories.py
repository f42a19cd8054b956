"""Plain factory functions for tests: each makes one valid row with sensible
defaults and takes keyword overrides."""

import itertools
from datetime import date

from django.contrib.auth import get_user_model

from tracker.models import (
    Actor,
    CommitmentType,
    Instrument,
    Paragraph,
    Pledge,
    SourceDocument,
    StatementKind,
    Status,
    StatusUpdate,
    Theme,
    UpdateKind,
)

_sequence = itertools.count(1)


def make_source(with_paragraphs=True, **fields):
    n = next(_sequence)
    defaults = {
        "slug": f"source-{n}",
        "title": f"Test declaration {n}",
        "short_title": f"Declaration {n}",
        "issuing_body": "Test summit",
        "place": "Nowhere",
        "date_adopted": date(2002, 9, 24),
        "text": "1.We pledge to do the first thing. 2.We pledge to do the second thing.",
    }
    defaults.update(fields)
    source = SourceDocument.objects.create(**defaults)
    if with_paragraphs:
        Paragraph.objects.create(document=source, number=1, text="We pledge to do the first thing.")
        Paragraph.objects.create(
            document=source, number=2, text="We pledge to do the second thing."
        )
    return source


def make_theme(**fields):
    n = next(_sequence)
    defaults = {"slug": f"theme-{n}", "name": f"Theme {n}", "description": "A test theme."}
    defaults.update(fields)
    return Theme.objects.create(**defaults)


def make_actor(**fields):
    n = next(_sequence)
    defaults = {"slug": f"actor-{n}", "name": f"Actor {n}", "kind": Actor.Kind.GROUP_OF_STATES}
    defaults.update(fields)
    return Actor.objects.create(**defaults)


def make_instrument(**fields):
    n = next(_sequence)
    defaults = {
        "slug": f"instrument-{n}",
        "name": f"Instrument {n}",
        "kind": Instrument.Kind.SC_RESOLUTION,
        "symbol": f"S/RES/{n}",
        "year": 2001,
    }
    defaults.update(fields)
    return Instrument.objects.create(**defaults)


def make_pledge(source=None, themes=(), actors=(), instruments=(), **fields):
    n = next(_sequence)
    source = source or make_source()
    defaults = {
        "ref": f"test-{n}.1",
        "source": source,
        "paragraph": 1,
        "quote": "We pledge to do the first thing.",
        "title": f"Do the first thing ({n})",
        # The class that refuses no status; tests of the modality rule say otherwise.
        "statement_kind": StatementKind.FIRM_UNDERTAKING,
        "commitment_type": CommitmentType.DELIVERABLE,
    }
    defaults.update(fields)
    pledge = Pledge.objects.create(**defaults)
    pledge.themes.set(themes)
    pledge.actors.set(actors)
    pledge.instruments.set(instruments)
    return pledge


def make_user(username=None, **fields):
    username = username or f"user{next(_sequence)}"
    return get_user_model().objects.create_user(
        username=username, password="correct-horse-battery-staple", **fields
    )


def make_update(pledge, author=None, **fields):
    defaults = {
        "status": Status.ONGOING,
        "as_of": date(2005, 4, 13),
        "summary": "Something happened.",
        "evidence_url": "https://www.un.org/example",
        "kind": UpdateKind.INDEPENDENT_ASSESSMENT,
    }
    defaults.update(fields)
    return StatusUpdate.objects.create(pledge=pledge, author=author or make_user(), **defaults)


def populate(pledge_count, updates_per_pledge=3):
    """A data set of ``pledge_count`` pledges over two sources, each tagged with
    themes, actors and an instrument and carrying ``updates_per_pledge`` updates.
    Bulk inserts keep it fast at 200+ pledges; statuses are then recomputed in
    one statement, as any bulk loader must."""
    from tracker.models import refresh_all_statuses

    sources = [make_source(), make_source()]
    themes = [make_theme() for _ in range(3)]
    actors = [make_actor() for _ in range(2)]
    instrument = make_instrument()
    author = make_user()
    statuses = [Status.LIMITED, Status.ONGOING, Status.COMPLETE, Status.STALLED]
    start = next(_sequence)
    pledges = Pledge.objects.bulk_create(
        Pledge(
            ref=f"bulk-{start}-{i}",
            source=sources[i % 2],
            source_adopted=sources[i % 2].date_adopted,  # bulk inserts send no signal
            paragraph=1,
            quote="We pledge to do the first thing.",
            title=f"Bulk pledge {i}",
            statement_kind=StatementKind.FIRM_UNDERTAKING,
            commitment_type=CommitmentType.DELIVERABLE,
        )
        for i in range(pledge_count)
    )
    Pledge.themes.through.objects.bulk_create(
        Pledge.themes.through(pledge=p, theme=themes[i % 3]) for i, p in enumerate(pledges)
    )
    Pledge.actors.through.objects.bulk_create(
        Pledge.actors.through(pledge=p, actor=actors[i % 2]) for i, p in enumerate(pledges)
    )
    Pledge.instruments.through.objects.bulk_create(
        Pledge.instruments.through(pledge=p, instrument=instrument) for p in pledges
    )
    StatusUpdate.objects.bulk_create(
        StatusUpdate(
            pledge=p,
            status=statuses[(i + j) % 4],
            as_of=date(2004 + j, 1 + i % 12, 1),
            summary=f"Update {j} on pledge {i}.",
            evidence_reference=f"A/{i}/{j}",
            kind=UpdateKind.INDEPENDENT_ASSESSMENT,
            author=author,
            actor=actors[0] if j == 1 else None,
        )
        for i, p in enumerate(pledges)
        for j in range(updates_per_pledge)
    )
    refresh_all_statuses()
    return {"sources": sources, "themes": themes, "actors": actors, "instrument": instrument}


def make_role_user(role, username=None, **fields):
    """A user in one of the role groups (tracker.roles), as the data migration made them."""
    from django.contrib.auth.models import Group

    user = make_user(username, **fields)
    user.groups.add(Group.objects.get(name=role))
    return user


def make_reporter(*actors, username=None):
    """A Reporter who belongs to ``actors`` (one new actor when none is given)."""
    from tracker.roles import REPORTER

    user = make_role_user(REPORTER, username)
    for actor in actors or [make_actor()]:
        actor.reporters.add(user)
    return user


def make_assessor(username=None):
    from tracker.roles import ASSESSOR

    return make_role_user(ASSESSOR, username)


def make_steward(username=None):
    from tracker.roles import STEWARD

    # Stewards work in the admin, which needs is_staff.
    return make_role_user(STEWARD, username, is_staff=True)
