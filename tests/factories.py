"""Plain factory functions for tests: each makes one valid row with sensible
defaults and takes keyword overrides."""

import itertools
from datetime import date

from django.contrib.auth import get_user_model

from tracker.models import (
    Actor,
    Instrument,
    Paragraph,
    Pledge,
    SourceDocument,
    Status,
    StatusUpdate,
    Theme,
    UpdateKind,
)

_sequence = itertools.count(1)


def make_source(**fields):
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
    if "paragraphs" not in fields:
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
