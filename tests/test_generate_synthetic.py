"""manage.py generate_synthetic: reproducible, recognisable, consistent, and
careful with real data."""

from datetime import date
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db.models import F

from tests.factories import make_pledge, make_update
from tracker.caching import data_version
from tracker.models import (
    PartyMembership,
    PartyStatus,
    Pledge,
    SourceDocument,
    Status,
    StatusUpdate,
)
from tracker.synthetic import (
    DEFAULT_UNTIL,
    REF_PREFIX,
    SLUG_PREFIX,
    SYNTHETIC_USERNAME,
    TEXT_PREFIX,
)

pytestmark = pytest.mark.django_db

PLEDGES = 50
PER_PLEDGE = 3


def not_naming_a_party():
    """The updates --updates-per-pledge counts (the parties' own come on top)."""
    return StatusUpdate.objects.exclude(actor__party_memberships__isnull=False)


def generate(seed=7, **options):
    output = StringIO()
    call_command(
        "generate_synthetic",
        pledges=PLEDGES,
        updates_per_pledge=PER_PLEDGE,
        seed=seed,
        batch_size=20,  # several batches even for a small run
        stdout=output,
        stderr=StringIO(),
        **options,
    )
    return output.getvalue()


def snapshot():
    """Everything a seed determines, free of primary keys and insertion times."""
    pledges = sorted(
        (
            p.ref,
            p.source.slug,
            p.paragraph,
            p.quote,
            p.title,
            p.timeframe,
            p.current_status,
            p.last_update_as_of,
            tuple(sorted(t.slug for t in p.themes.all())),
            tuple(sorted(a.slug for a in p.actors.all())),
            tuple(sorted(i.slug for i in p.instruments.all())),
        )
        for p in Pledge.objects.select_related("source").prefetch_related(
            "themes", "actors", "instruments"
        )
    )
    updates = sorted(
        StatusUpdate.objects.values_list(
            "pledge__ref", "as_of", "created", "status", "actor__slug", "summary", "kind"
        )
    )
    return pledges, updates


def test_it_loads_the_requested_numbers():
    output = generate()
    assert Pledge.objects.count() == PLEDGES
    assert not_naming_a_party().count() == PLEDGES * PER_PLEDGE
    assert "done: 50 pledges and 150 updates" in output


def test_it_is_reproducible_for_the_same_seed():
    generate(seed=7)
    first = snapshot()
    generate(seed=7)  # replaces the first data set
    assert snapshot() == first
    generate(seed=8)
    assert snapshot() != first


def test_a_rerun_replaces_the_synthetic_data_instead_of_adding_to_it():
    generate()
    generate()
    assert Pledge.objects.count() == PLEDGES
    assert not_naming_a_party().count() == PLEDGES * PER_PLEDGE
    assert SourceDocument.objects.count() == 5


def test_every_row_is_recognisably_synthetic():
    generate()
    assert not SourceDocument.objects.exclude(slug__startswith=SLUG_PREFIX).exists()
    assert not Pledge.objects.exclude(ref__startswith=REF_PREFIX).exists()
    assert not Pledge.objects.exclude(title__startswith=TEXT_PREFIX).exists()
    assert not StatusUpdate.objects.exclude(summary__startswith=TEXT_PREFIX).exists()
    assert not StatusUpdate.objects.exclude(author__username=SYNTHETIC_USERNAME).exists()
    pledge = Pledge.objects.prefetch_related("themes", "actors").first()
    assert all(theme.slug.startswith(SLUG_PREFIX) for theme in pledge.themes.all())
    assert all(actor.slug.startswith(SLUG_PREFIX) for actor in pledge.actors.all())


def test_the_synthetic_author_cannot_sign_in():
    generate()
    author = StatusUpdate.objects.select_related("author").first().author
    assert author.username == SYNTHETIC_USERNAME
    assert not author.has_usable_password()


def test_the_maintained_status_equals_the_computed_one_for_every_pledge():
    generate()
    for pledge in Pledge.objects.as_of():
        assert pledge.current_status == pledge.status_on, pledge.ref
        assert pledge.last_update_as_of == pledge.last_update_on, pledge.ref
        assert pledge.latest_update_id == pledge.latest_update_on_id, pledge.ref


def test_statuses_and_staleness_are_spread():
    call_command("generate_synthetic", pledges=400, updates_per_pledge=4, seed=3, stdout=StringIO())
    counts = Pledge.objects.status_counts()
    assert counts[Status.NO_INFORMATION] > counts[Status.COMPLETE] > 0
    assert counts[Status.ONGOING] > counts[Status.COMPLETE]
    assert sum(1 for n in counts.values() if n) >= 6
    stale = Pledge.objects.stale().count()
    assert 0 < stale < 400
    # Some pledges were never updated; every pledge has one to three themes.
    assert Pledge.objects.filter(last_update_as_of__isnull=True).exists()
    for pledge in Pledge.objects.prefetch_related("themes"):
        assert 1 <= len(pledge.themes.all()) <= 3


def test_quotes_are_verbatim_and_pledges_and_updates_validate():
    generate()
    for pledge in Pledge.objects.select_related("source")[:25]:
        pledge.full_clean()  # checks the quote against its paragraph
    for update in StatusUpdate.objects.select_related("pledge__source")[:25]:
        update.full_clean()  # evidence present, date after adoption and not in the future


def test_update_dates_lie_between_adoption_and_until():
    generate()
    for update in StatusUpdate.objects.select_related("pledge__source"):
        assert update.pledge.source.date_adopted <= update.as_of <= DEFAULT_UNTIL


def test_it_refuses_a_database_with_real_pledges():
    real = make_pledge()
    with pytest.raises(CommandError, match="non-synthetic data.*--force"):
        generate()
    assert list(Pledge.objects.all()) == [real]


def test_it_refuses_a_database_with_real_updates_on_synthetic_pledges():
    generate()
    make_update(Pledge.objects.first())  # by an ordinary user
    with pytest.raises(CommandError, match="status updates"):
        generate()


def test_force_adds_synthetic_rows_beside_real_ones_and_keeps_them():
    real = make_pledge()
    make_update(real)
    generate(force=True)
    assert Pledge.objects.filter(ref__startswith=REF_PREFIX).count() == PLEDGES
    assert Pledge.objects.filter(pk=real.pk).exists()
    assert real.updates.count() == 1
    generate(force=True)  # a re-run replaces only the synthetic rows
    assert Pledge.objects.count() == PLEDGES + 1


def test_it_refuses_a_future_until():
    with pytest.raises(CommandError, match="future"):
        generate(until=date(2999, 1, 1))


def test_it_retires_cached_summaries(settings):
    # Bulk inserts send no signals, so the command replaces the data version itself.
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    before = data_version()
    generate()
    assert data_version() != before


def test_every_source_gets_its_parties_and_their_cells_equal_the_rule():
    generate(parties=4, party_updates_per_pledge=3)
    for source in SourceDocument.objects.all():
        assert PartyMembership.objects.filter(source=source).count() == 4
    party_updates = StatusUpdate.objects.filter(actor__party_memberships__isnull=False)
    assert party_updates.exists()
    # every party update names a party of its own pledge's text
    assert not party_updates.exclude(actor__party_memberships__source=F("pledge__source")).exists()
    cells = StatusUpdate.objects.party_cells()
    stored = {
        (row.pledge_id, row.actor_id): (row.status, row.self_update_id, row.assessed_update_id)
        for row in PartyStatus.objects.all()
    }
    assert stored == {
        key: (cell.status, cell.self_update_id, cell.assessed_update_id)
        for key, cell in cells.items()
    }
