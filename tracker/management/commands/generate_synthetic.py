"""Fill the database with a reproducible synthetic data set, for benchmarks.

    python manage.py generate_synthetic --pledges 100000 --updates-per-pledge 10 --seed 1

Everything comes from one ``random.Random(seed)``, so a seed always gives the
same sources, paragraphs, pledges (refs, quotes, tags) and updates (dates,
statuses, text). ``--until`` fixes the last possible date instead of "today"
for the same reason; it defaults to a constant, not to the calendar.

Every row is recognisably synthetic: source slugs start ``synthetic-``, pledge
refs ``syn-``, titles and update summaries ``[synthetic]``, theme, actor and
instrument slugs ``synthetic-``, and every update is authored by the user
``synthetic-data``, who cannot sign in. The command refuses to run on a
database that holds any other sources, pledges or updates unless ``--force``
is given; it then adds its rows beside them. Earlier synthetic rows are
deleted first, so a re-run replaces the data set rather than adding to it.

Rows go in with ``bulk_create`` in batches. Signals do not fire for bulk
inserts, so the maintained status columns are recomputed afterwards with
``tracker.models.refresh_all_statuses()``, one set-based UPDATE, and the
cache's data version is replaced so no cached summary outlives the load.
"""

import math
import time
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from random import Random

from django.contrib.auth import get_user_model
from django.core.management import BaseCommand, CommandError
from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone

from tracker.caching import new_data_version
from tracker.models import (
    Actor,
    CommitmentType,
    Instrument,
    Paragraph,
    PartyMembership,
    PartyStatus,
    Pledge,
    SourceDocument,
    StatementKind,
    Status,
    StatusUpdate,
    Theme,
    Timeframe,
    UpdateKind,
    refresh_all_party_statuses,
    refresh_all_statuses,
)
from tracker.synthetic import (
    ACTOR_SPECIFIC,
    ACTORS,
    DEFAULT_UNTIL,
    FATES,
    INSTRUMENTS,
    NEVER_UPDATED,
    PLACES,
    PLEDGES_PER_PARAGRAPH,
    REF_PREFIX,
    SLUG_PREFIX,
    SOURCES,
    SYNTHETIC_USERNAME,
    TEXT_PREFIX,
    THEMES,
    TextMaker,
    recipe,
    spread,
    weighted_sample,
)

UPDATE_KINDS = list(UpdateKind.values)
# The fates' paths as Status members (which also checks the data's values).
FATE_PATHS = [[Status(value) for value in path] for _, path in FATES]
FATE_WEIGHTS = [weight for weight, _ in FATES]
# Share of pledges on which some of their text's parties have updates of their own.
PARTY_REPORTED = 0.5


@dataclass
class SourcePlan:
    """A synthetic source as created: its document, and each paragraph's
    sentences as (sentence, short title) pairs, from which pledges quote."""

    document: SourceDocument
    paragraphs: list
    share: int  # how many pledges quote it
    index: int  # its number in pledge refs (syn-<index>-…)
    parties: list = field(default_factory=list)  # its parties (make_parties)


@dataclass
class PledgeDraft:
    """A pledge before its bulk insert, with what its links and timeline need."""

    pledge: Pledge
    update_count: int
    themes: list
    actors: list
    instruments: list
    fate: list  # the statuses its overall updates walk through
    parties: list  # its text's parties, for the updates that name one

    @property
    def adopted(self):
        return self.pledge.source_adopted


class Command(BaseCommand):
    help = "Load a reproducible synthetic data set (bulk inserts) for benchmarks."

    def add_arguments(self, parser):
        parser.add_argument("--pledges", type=int, default=1000, help="Number of pledges.")
        parser.add_argument(
            "--updates-per-pledge",
            type=int,
            default=10,
            help="Average number of status updates per pledge (the total is exact).",
        )
        parser.add_argument("--seed", type=int, default=1, help="Seed of the random generator.")
        parser.add_argument(
            "--until",
            type=date.fromisoformat,
            default=DEFAULT_UNTIL,
            help=f"Latest as_of date, YYYY-MM-DD (default {DEFAULT_UNTIL}, fixed for "
            "reproducibility; must not be in the future).",
        )
        parser.add_argument(
            "--parties",
            type=int,
            default=50,
            help="Parties per source text (each with a membership and its own updates).",
        )
        parser.add_argument(
            "--party-updates-per-pledge",
            type=float,
            default=2,
            help="Average number of updates per pledge that name one of its text's parties.",
        )
        parser.add_argument(
            "--batch-size", type=int, default=5000, help="Pledges per bulk-insert batch."
        )
        parser.add_argument(
            "--force",
            action="store_true",
            help="Run even though the database holds non-synthetic data (it is kept).",
        )

    def handle(self, *args, **options):
        started = time.monotonic()
        pledge_total = options["pledges"]
        per_pledge = options["updates_per_pledge"]
        until = options["until"]
        if (
            min(pledge_total, per_pledge, options["parties"], options["party_updates_per_pledge"])
            < 0
            or options["batch_size"] < 1
        ):
            raise CommandError(
                "--pledges, --updates-per-pledge, --parties and --party-updates-per-pledge "
                "must be ≥ 0, --batch-size ≥ 1."
            )
        self.party_count = options["parties"]
        self.party_updates = options["party_updates_per_pledge"]
        if until > timezone.localdate():
            raise CommandError(f"--until {until} is in the future; updates record the past.")
        self.refuse_real_data(options["force"])
        self.rng = Random(options["seed"])
        self.text = TextMaker(self.rng, until)
        self.until = until
        self.latest_entry = datetime(until.year, until.month, until.day, 23, tzinfo=UTC)
        self.batch_size = options["batch_size"]
        self.started = started
        command_line = (
            f"generate_synthetic {recipe(pledge_total, per_pledge, options['seed'])} "
            f"--until {until} --parties {self.party_count} "
            f"--party-updates-per-pledge {self.party_updates:g}"
        )
        with transaction.atomic():
            self.delete_synthetic()
            self.author = self.synthetic_author()
            self.themes, self.theme_weights = self.make_themes()
            # Summaries name an actor without its "(synthetic)" suffix.
            self.actor_names = self.make_actors()
            self.actors = list(self.actor_names)
            self.instruments = self.make_instruments()
            self.sources = self.make_sources(pledge_total, command_line)
            self.make_parties()
            plan = self.plan_pledges(pledge_total)
            counts = self.plan_update_counts(pledge_total, per_pledge)
            self.insert_pledges(plan, counts)
            # Statistics first: on a fresh database the planner would take the
            # tables for empty and run each pledge's status subquery as a
            # sequential scan of every update.
            self.analyze()
            self.log("recomputing current statuses")
            updated = self.refresh_statuses()
            self.log(f"recomputed the status of {updated:,} pledges")
            cells = refresh_all_party_statuses(Pledge.objects.filter(ref__startswith=REF_PREFIX))
            self.log(f"recomputed {cells:,} pledge × party cells")
        # Bulk inserts send no signals: retire every cached summary by hand.
        new_data_version()
        self.analyze()
        self.log(
            f"done: {pledge_total:,} pledges and {sum(counts):,} updates "
            f"in {time.monotonic() - started:.1f} s",
            success=True,
        )

    # --- safety ---------------------------------------------------------------

    def refuse_real_data(self, force):
        real = {
            "source documents": SourceDocument.objects.exclude(slug__startswith=SLUG_PREFIX),
            "pledges": Pledge.objects.exclude(ref__startswith=REF_PREFIX),
            "status updates": StatusUpdate.objects.exclude(
                Q(pledge__ref__startswith=REF_PREFIX) & Q(author__username=SYNTHETIC_USERNAME)
            ),
        }
        found = [name for name, queryset in real.items() if queryset.exists()]
        if not found:
            return
        message = (
            f"This database holds non-synthetic data ({', '.join(found)}). "
            "generate_synthetic is meant for a benchmark database; pass --force to add "
            "synthetic rows beside the real ones (earlier synthetic rows are replaced)."
        )
        if not force:
            raise CommandError(message)
        self.stderr.write(self.style.WARNING(f"--force: {message}"))

    def delete_synthetic(self):
        """Remove an earlier synthetic data set with plain DELETE statements.

        Status updates are append-only (their queryset refuses ``delete()``),
        and an ORM delete would load every row to send post_delete, whose
        handler refreshes the pledge once per update.
        Only rows this command made are touched, and the edit history is left
        alone: bulk inserts never wrote any.
        """
        quote = connection.ops.quote_name
        pledge_table = quote(Pledge._meta.db_table)
        synthetic_pledges = f"SELECT id FROM {pledge_table} WHERE ref LIKE %s"
        tables = [
            PartyStatus._meta.db_table,
            StatusUpdate._meta.db_table,
            Pledge.applies_to.through._meta.db_table,
            Pledge.themes.through._meta.db_table,
            Pledge.actors.through._meta.db_table,
            Pledge.instruments.through._meta.db_table,
        ]
        with connection.cursor() as cursor:
            for table in tables:
                cursor.execute(
                    f"DELETE FROM {quote(table)} WHERE pledge_id IN ({synthetic_pledges})",
                    [REF_PREFIX + "%"],
                )
            cursor.execute(f"DELETE FROM {pledge_table} WHERE ref LIKE %s", [REF_PREFIX + "%"])
            synthetic_sources = (
                f"SELECT id FROM {quote(SourceDocument._meta.db_table)} WHERE slug LIKE %s"
            )
            for table in (Paragraph._meta.db_table, PartyMembership._meta.db_table):
                column = "document_id" if table == Paragraph._meta.db_table else "source_id"
                cursor.execute(
                    f"DELETE FROM {quote(table)} WHERE {column} IN ({synthetic_sources})",
                    [SLUG_PREFIX + "%"],
                )
            cursor.execute(
                f"DELETE FROM {quote(SourceDocument._meta.db_table)} WHERE slug LIKE %s",
                [SLUG_PREFIX + "%"],
            )

    # --- reference data -------------------------------------------------------

    def synthetic_author(self):
        user, _ = get_user_model().objects.get_or_create(
            username=SYNTHETIC_USERNAME,
            defaults={"first_name": "Synthetic", "last_name": "data (benchmarks)"},
        )
        if user.has_usable_password():
            user.set_unusable_password()
            user.save(update_fields=["password"])
        return user

    @staticmethod
    def slugify(name):
        return SLUG_PREFIX + "".join(c if c.isalnum() else "-" for c in name.lower()).strip("-")

    def make_themes(self):
        themes = []
        for name, _ in THEMES:
            theme, _ = Theme.objects.get_or_create(
                slug=self.slugify(name),
                defaults={
                    "name": f"{name} (synthetic)",
                    "description": f"{TEXT_PREFIX}A synthetic theme for benchmarks.",
                },
            )
            themes.append(theme)
        return themes, [weight for _, weight in THEMES]

    def make_actors(self):
        """``{actor: its name without "(synthetic)"}``, in the table's order."""
        names = {}
        for name, kind in ACTORS:
            actor, _ = Actor.objects.get_or_create(
                slug=self.slugify(name),
                defaults={"name": f"{name} (synthetic)", "kind": Actor.Kind(kind)},
            )
            names[actor] = name
        return names

    def make_parties(self):
        """``--parties`` states per source, each a party to it with a
        membership, so every source has its matrix."""
        wanted = {
            f"{SLUG_PREFIX}party-{source.index}-{n}": (source, n)
            for source in self.sources
            for n in range(1, self.party_count + 1)
        }
        # Kept between runs like the other reference rows; made in bulk.
        existing = {a.slug: a for a in Actor.objects.filter(slug__in=list(wanted))}
        Actor.objects.bulk_create(
            [
                Actor(
                    slug=slug,
                    name=f"Party {n} of text {source.index} (synthetic)",
                    kind=Actor.Kind.STATE,
                    description=f"{TEXT_PREFIX}A synthetic party for benchmarks.",
                )
                for slug, (source, n) in wanted.items()
                if slug not in existing
            ],
            batch_size=self.batch_size,
        )
        actors = {a.slug: a for a in Actor.objects.filter(slug__in=list(wanted))}
        memberships = []
        for source in self.sources:
            source.parties = []
        for slug, (source, n) in wanted.items():
            actor = actors[slug]
            source.parties.append(actor)
            self.actor_names[actor] = f"Party {n}"
            memberships.append(
                PartyMembership(
                    source=source.document,
                    actor=actor,
                    role="Synthetic party",
                    evidence_url=f"https://example.org/synthetic/parties/{source.index}/{n}",
                    note=f"{TEXT_PREFIX}Generated.",
                )
            )
        PartyMembership.objects.bulk_create(memberships, batch_size=self.batch_size)
        self.log(f"created {len(memberships):,} party memberships")

    def make_instruments(self):
        return [
            Instrument.objects.get_or_create(
                slug=self.slugify(name),
                defaults={
                    "name": f"{name} (synthetic)",
                    "kind": Instrument.Kind(kind),
                    "symbol": symbol,
                    "year": year,
                },
            )[0]
            for name, kind, symbol, year in INSTRUMENTS
        ]

    def make_sources(self, pledge_total, command_line):
        """Each source with its paragraphs, as ``SourcePlan``s."""
        sources = []
        shares = spread(pledge_total, [share for *_, share in SOURCES])
        for (slug, short_title, year, _), share in zip(SOURCES, shares, strict=True):
            paragraph_total = min(max(math.ceil(share / PLEDGES_PER_PARAGRAPH), 3), 32000)
            paragraphs = []
            for _ in range(paragraph_total):
                paragraphs.append([self.text.commitment() for _ in range(self.rng.randint(4, 8))])
            texts = [" ".join(sentence for sentence, _ in p) for p in paragraphs]
            adopted = date(year, self.rng.randint(1, 12), self.rng.randint(1, 28))
            # bulk_create like every other row: a data load, not a steward's
            # edit, so it leaves no entry in the edit history.
            [document] = SourceDocument.objects.bulk_create(
                [
                    SourceDocument(
                        slug=slug,
                        title=f"{TEXT_PREFIX}{short_title}",
                        short_title=f"{short_title} [synthetic]",
                        issuing_body="Synthetic summit",
                        place=self.rng.choice(PLACES),
                        date_adopted=adopted,
                        text="\n\n".join(f"{n}. {text}" for n, text in enumerate(texts, 1)),
                        preamble=f"{TEXT_PREFIX}Generated by `manage.py {command_line}`.",
                    )
                ]
            )
            Paragraph.objects.bulk_create(
                (
                    Paragraph(document=document, number=n, text=text)
                    for n, text in enumerate(texts, 1)
                ),
                batch_size=self.batch_size,
            )
            sources.append(SourcePlan(document, paragraphs, share, index=len(sources) + 1))
        self.log(f"created {len(sources)} sources and their paragraphs")
        return sources

    # --- pledges and updates -------------------------------------------------

    def plan_pledges(self, pledge_total):
        """(source, paragraph number, clause number) for every pledge, in the
        order they are inserted: shuffled, as if entered over time, so the
        table's physical order does not match the list's default order."""
        plan = []
        for source in self.sources:
            paragraph_count = len(source.paragraphs)
            numbers = sorted(self.rng.randint(1, paragraph_count) for _ in range(source.share))
            clause = {}
            for number in numbers:
                clause[number] = clause.get(number, 0) + 1
                plan.append((source, number, clause[number]))
        self.rng.shuffle(plan)
        return plan

    def plan_update_counts(self, pledge_total, per_pledge):
        """Updates per pledge: some never updated, the rest skewed (a few
        pledges are followed closely), summing exactly to pledges × average."""
        total = pledge_total * per_pledge
        counts = [0] * pledge_total
        active = [i for i in range(pledge_total) if self.rng.random() >= NEVER_UPDATED]
        if not active or not total:
            return counts
        for i in active[:total]:
            counts[i] = 1
        remaining = total - min(total, len(active))
        weights = [self.rng.paretovariate(2.5) for _ in active]
        for i in self.rng.choices(active, weights=weights, k=remaining):
            counts[i] += 1
        return counts

    def insert_pledges(self, plan, counts):
        through = {
            "themes": Pledge.themes.through,
            "actors": Pledge.actors.through,
            "instruments": Pledge.instruments.through,
        }
        done_pledges = done_updates = 0
        for start in range(0, len(plan), self.batch_size):
            batch = []
            for offset, (source, number, clause) in enumerate(
                plan[start : start + self.batch_size]
            ):
                batch.append(self.make_pledge(source, number, clause, counts[start + offset]))
            Pledge.objects.bulk_create([draft.pledge for draft in batch])
            links = {name: [] for name in through}
            updates = []
            for draft in batch:
                pledge = draft.pledge
                links["themes"] += [
                    through["themes"](pledge_id=pledge.pk, theme_id=t.pk) for t in draft.themes
                ]
                links["actors"] += [
                    through["actors"](pledge_id=pledge.pk, actor_id=a.pk) for a in draft.actors
                ]
                links["instruments"] += [
                    through["instruments"](pledge_id=pledge.pk, instrument_id=i.pk)
                    for i in draft.instruments
                ]
                updates += self.make_updates(draft)
                updates += self.make_party_updates(draft)
            for name, model in through.items():
                model.objects.bulk_create(links[name], batch_size=self.batch_size)
            # Shuffled within the batch: updates arrive interleaved across
            # pledges, so one pledge's timeline is not in one heap page.
            self.rng.shuffle(updates)
            StatusUpdate.objects.bulk_create(updates, batch_size=self.batch_size)
            done_pledges += len(batch)
            done_updates += len(updates)
            self.log(f"{done_pledges:,}/{len(plan):,} pledges, {done_updates:,} updates")

    def make_pledge(self, source, number, clause, update_count):
        rng = self.rng
        sentences = source.paragraphs[number - 1]
        first = rng.randrange(len(sentences))
        last = min(first + (2 if rng.random() < 0.25 else 1), len(sentences))
        quote = " ".join(sentence for sentence, _ in sentences[first:last])
        title = f"{TEXT_PREFIX}{sentences[first][1]}"[:200]
        document = source.document
        pledge = Pledge(
            ref=f"{REF_PREFIX}{source.index}-{number}.{clause}",
            source=document,
            source_adopted=document.date_adopted,  # bulk inserts send no signal
            paragraph=number,
            quote=quote,
            title=title,
            # Synthetic timelines walk every status (FATES): the one class that
            # allows them all.
            statement_kind=StatementKind.FIRM_UNDERTAKING,
            commitment_type=CommitmentType.DELIVERABLE,
            timeframe=rng.choices(
                [Timeframe.UNSPECIFIED, Timeframe.SHORT_TO_MEDIUM, Timeframe.LONG_TERM],
                weights=[70, 20, 10],
            )[0],
        )
        theme_count = rng.choices([1, 2, 3], weights=[50, 35, 15])[0]
        return PledgeDraft(
            pledge=pledge,
            parties=source.parties,
            update_count=update_count,
            themes=weighted_sample(rng, self.themes, self.theme_weights, theme_count),
            actors=rng.sample(self.actors, rng.choices([1, 2, 3], weights=[60, 30, 10])[0]),
            instruments=rng.sample(
                self.instruments, rng.choices([0, 1, 2], weights=[55, 35, 10])[0]
            ),
            fate=rng.choices(FATE_PATHS, weights=FATE_WEIGHTS)[0],
        )

    def make_updates(self, draft):
        """The pledge's timeline: dates between adoption and ``--until`` (some
        pledges fall silent years ago, so some are stale), overall updates
        walking the fate's path so the newest carries the final status."""
        rng = self.rng
        count = draft.update_count
        if not count:
            return []
        adopted = draft.adopted
        span = (self.until - adopted).days
        first_day = min(int(rng.expovariate(1 / 400)), span)
        # A third of the pledges went quiet some time ago; the others are still followed.
        if rng.random() < 0.33:
            last_day = rng.randint(first_day, span)
        else:
            last_day = max(first_day, span - rng.randint(0, 300))
        # The newest update falls on the last active day; the others before it.
        days = sorted(rng.randint(first_day, last_day) for _ in range(count - 1)) + [last_day]
        actor_specific = [rng.random() < ACTOR_SPECIFIC for _ in range(count)]
        overall_total = actor_specific.count(False)
        path = draft.fate
        updates = []
        overall_seen = 0
        for i, (day, for_actor) in enumerate(zip(days, actor_specific, strict=True)):
            as_of = adopted + timedelta(days=day)
            if for_actor:
                actor = rng.choice(draft.actors)
                status = rng.choice(path)
            else:
                actor = None
                step = min(len(path) - 1, overall_seen * len(path) // max(overall_total - 1, 1))
                status = path[-1] if overall_seen == overall_total - 1 else path[step]
                overall_seen += 1
            has_url = rng.random() < 0.6
            # Entered some days after the date it reports, never after --until.
            created = min(
                datetime(as_of.year, as_of.month, as_of.day, tzinfo=UTC)
                + timedelta(days=rng.randint(0, 45), seconds=rng.randint(0, 86399)),
                self.latest_entry,
            ) + timedelta(microseconds=i)
            updates.append(
                StatusUpdate(
                    pledge_id=draft.pledge.pk,
                    status=status,
                    as_of=as_of,
                    summary=self.text.summary(self.actor_names[actor or rng.choice(draft.actors)]),
                    evidence_url=f"https://example.org/synthetic/{draft.pledge.ref}/{i}"
                    if has_url
                    else "",
                    evidence_reference=""
                    if has_url and rng.random() < 0.5
                    else f"SYN/{as_of.year}/{rng.randint(1, 999)}",
                    kind=rng.choice(UPDATE_KINDS),
                    actor=actor,
                    author=self.author,
                    created=created,
                )
            )
        return updates

    def make_party_updates(self, draft):
        """Updates that name one of the text's parties: on PARTY_REPORTED of
        the pledges, a few parties each, self-reports and assessments mixed
        (so some cells are contested), averaging ``--party-updates-per-pledge``
        over all pledges."""
        rng = self.rng
        parties = draft.parties
        if not parties or not self.party_updates or rng.random() >= PARTY_REPORTED:
            return []
        count = max(1, round(rng.expovariate(PARTY_REPORTED / self.party_updates)))
        span = (self.until - draft.adopted).days
        updates = []
        for i in range(count):
            party = rng.choice(parties)
            as_of = draft.adopted + timedelta(days=rng.randint(0, span))
            created = min(
                datetime(as_of.year, as_of.month, as_of.day, tzinfo=UTC)
                + timedelta(days=rng.randint(0, 45), seconds=rng.randint(0, 86399)),
                self.latest_entry,
            ) + timedelta(microseconds=500 + i)
            updates.append(
                StatusUpdate(
                    pledge_id=draft.pledge.pk,
                    status=rng.choice(draft.fate),
                    as_of=as_of,
                    summary=self.text.summary(self.actor_names[party]),
                    evidence_url=f"https://example.org/synthetic/{draft.pledge.ref}/p{i}",
                    kind=rng.choice(UPDATE_KINDS),
                    actor=party,
                    author=self.author,
                    created=created,
                )
            )
        return updates

    # --- derived data -------------------------------------------------------

    def refresh_statuses(self):
        """``refresh_all_statuses()`` over the synthetic pledges: one set-based
        UPDATE with correlated subqueries, fast enough that no special path
        for bulk loads is needed."""
        return refresh_all_statuses(Pledge.objects.filter(ref__startswith=REF_PREFIX))

    def analyze(self):
        """Fresh planner statistics (and, on PostgreSQL, a visibility map for
        index-only scans): a benchmark right after a bulk load must not run on
        the statistics of an empty table."""
        tables = [
            model._meta.db_table
            for model in (
                SourceDocument,
                Paragraph,
                Pledge,
                StatusUpdate,
                PartyMembership,
                PartyStatus,
                Pledge.themes.through,
                Pledge.actors.through,
                Pledge.instruments.through,
            )
        ]
        quoted = ", ".join(connection.ops.quote_name(table) for table in tables)
        with connection.cursor() as cursor:
            if connection.vendor != "postgresql":
                cursor.execute("ANALYZE")
            elif connection.in_atomic_block:
                # VACUUM cannot run inside a transaction (the test suite's, say).
                cursor.execute(f"ANALYZE {quoted}")
            else:
                cursor.execute(f"VACUUM ANALYZE {quoted}")
        self.log("analyzed the tables")

    def log(self, message, success=False):
        line = f"[{time.monotonic() - self.started:7.1f} s] {message}"
        self.stdout.write(self.style.SUCCESS(line) if success else line)
