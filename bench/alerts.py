#!/usr/bin/env python3
"""Benchmark a digest run (issue 20): 10,000 followers, a week of changes,
100,000 pledges.

    .venv/bin/python bench/alerts.py                        # PostgreSQL pt_alerts_bench
    .venv/bin/python bench/alerts.py --database-url postgres://…/other_bench
    .venv/bin/python bench/alerts.py --sqlite --pledges 10000

Steps: create the database if needed (its name must say "bench"), migrate,
generate the synthetic record if it is not there (``generate_synthetic
--pledges N --updates-per-pledge 10 --seed 1``, as bench/run.py does); then
set up the run: ``--followers`` weekly followers (each follows three pledges;
a fifth also a theme, a tenth a party, one in twenty a source) whose marks
are a week ago, and ``--changes`` updates recorded over that week (made once,
re-dated to the last seven days on each run). Then ``manage.py send_alerts
--compose-only`` and ``--deliver-only``, each as its own process, the second
sending every message over SMTP to a local aiosmtpd server that counts what
it accepts. Each phase reports its wall time and the process's peak resident
memory (``ru_maxrss``). Writes Markdown to stdout and bench/results/.
"""

import argparse
import os
import random
import re
import secrets
import subprocess
import sys
import threading
import time
from datetime import datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.config import DATA, RANDOM_PAGE_COST, RESULTS, log  # noqa: E402
from bench.targets import ALERT_TARGETS  # noqa: E402

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/pt_alerts_bench"
BENCH_AUTHOR = "bench-alerts"
ADDRESS_DOMAIN = "followers.bench.invalid"


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", default=DEFAULT_URL)
    parser.add_argument("--sqlite", action="store_true", help="an SQLite file under bench/data/")
    parser.add_argument("--pledges", type=int, default=100_000)
    parser.add_argument("--followers", type=int, default=10_000)
    parser.add_argument("--changes", type=int, default=7_000, help="updates over the week")
    return parser.parse_args()


def configure(args):
    if args.sqlite:
        DATA.mkdir(exist_ok=True)
        url = f"sqlite:///{DATA / f'bench-alerts-{args.pledges}.sqlite3'}"
    else:
        url = args.database_url
        if "bench" not in url.rsplit("/", 1)[-1]:
            sys.exit(f"Refusing {url}: the bench database's name must say 'bench'.")
        ensure_postgres_database(url)
    os.environ.update(
        DJANGO_SETTINGS_MODULE="tracker.settings",
        DATABASE_URL=url,
        DEBUG="false",
        SECRET_KEY=os.environ.get("BENCH_SECRET_KEY") or secrets.token_urlsafe(50),
        ALLOWED_HOSTS="127.0.0.1",
        LOG_LEVEL="WARNING",
        REDIS_URL="",
        SITE_URL="https://pledges.bench.invalid",
        ALERTS_SETTLE_SECONDS="0",
    )
    return url


def ensure_postgres_database(url):
    import psycopg

    server, name = url.rsplit("/", 1)
    with psycopg.connect(f"{server}/postgres", autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            log(f"creating database {name}")
            conn.execute(f'CREATE DATABASE "{name}"')
            conn.execute(f'ALTER DATABASE "{name}" SET random_page_cost = {RANDOM_PAGE_COST}')


def prepare_record(args):
    import django
    from django.core.management import call_command

    django.setup()
    from tracker.models import Pledge, StatusUpdate

    log("migrate")
    call_command("migrate", interactive=False, verbosity=0)
    present = Pledge.objects.filter(ref__startswith="syn-").count()
    if present != args.pledges:
        log(f"generating {args.pledges:,} synthetic pledges (found {present:,})")
        call_command(
            "generate_synthetic",
            pledges=args.pledges,
            updates_per_pledge=10,
            seed=1,
            force=True,
        )
    return Pledge.objects.count(), StatusUpdate.objects.count()


def prepare_run(args, now):
    """Followers with marks a week ago, and the week's changes."""
    from django.contrib.auth import get_user_model
    from django.db import connection, transaction

    from tracker.alerts.models import Follow, Frequency, OutboxMessage, Subscriber
    from tracker.models import Actor, Pledge, SourceDocument, Status, StatusUpdate, Theme

    rng = random.Random(20)
    week_ago = now - timedelta(days=7)
    pledge_ids = list(Pledge.objects.values_list("pk", flat=True))
    theme_ids = list(Theme.objects.values_list("pk", flat=True))
    party_ids = list(
        Actor.objects.filter(party_memberships__isnull=False)
        .distinct()
        .values_list("pk", flat=True)
    )
    source_ids = list(SourceDocument.objects.values_list("pk", flat=True))

    author, _ = get_user_model().objects.get_or_create(username=BENCH_AUTHOR)
    ours = StatusUpdate.objects.filter(author=author)
    missing = args.changes - ours.count()
    if missing > 0:
        log(f"recording {missing:,} changes")
        statuses = [Status.LIMITED, Status.SUBSTANTIAL, Status.ONGOING, Status.STALLED]
        StatusUpdate.objects.bulk_create(
            [
                StatusUpdate(
                    pledge_id=rng.choice(pledge_ids),
                    status=rng.choice(statuses),
                    as_of=now.date(),
                    summary="[synthetic] A change recorded for the alerts benchmark. " * 3,
                    evidence_url="https://www.example.org/evidence",
                    evidence_reference=f"BENCH/{i}",
                    kind="independent_assessment",
                    author=author,
                    created=now,
                )
                for i in range(missing)
            ],
            batch_size=2000,
        )
    # Spread over the last week, whatever run made them.
    ids = list(ours.order_by("pk").values_list("pk", flat=True))
    with transaction.atomic():
        for start in range(0, len(ids), 2000):
            batch = [
                StatusUpdate(pk=pk, created=week_ago + timedelta(seconds=(i * 604_800) / len(ids)))
                for i, pk in enumerate(ids[start : start + 2000], start)
            ]
            StatusUpdate.objects.bulk_update(batch, ["created"])

    log(f"making {args.followers:,} followers")
    OutboxMessage.objects.all().delete()
    Follow.objects.all().delete()
    Subscriber.objects.all().delete()
    subscribers = Subscriber.objects.bulk_create(
        [
            Subscriber(
                email=f"follower{i}@{ADDRESS_DOMAIN}",
                confirmed_at=week_ago,
                frequency=Frequency.WEEKLY,
                covered_until=week_ago,
            )
            for i in range(args.followers)
        ],
        batch_size=2000,
    )
    follows = []
    rng = random.Random(21)  # the same follows on every run, changes made or not
    for subscriber in subscribers:
        for pledge_id in rng.sample(pledge_ids, 3):
            follows.append(Follow(subscriber=subscriber, pledge_id=pledge_id))
        if theme_ids and rng.random() < 0.2:
            follows.append(Follow(subscriber=subscriber, theme_id=rng.choice(theme_ids)))
        if party_ids and rng.random() < 0.1:
            follows.append(Follow(subscriber=subscriber, party_id=rng.choice(party_ids)))
        if source_ids and rng.random() < 0.05:
            follows.append(Follow(subscriber=subscriber, source_id=rng.choice(source_ids)))
    Follow.objects.bulk_create(follows, batch_size=2000)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    connection.close()
    return len(follows)


class CountingSink:
    """An aiosmtpd handler that only counts what it accepts."""

    def __init__(self):
        self.accepted = 0
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):
        with self.lock:
            self.accepted += 1
        return "250 OK"


def run_phase(flag, env):
    started = time.monotonic()
    done = subprocess.run(
        [sys.executable, "manage.py", "send_alerts", flag],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    wall = time.monotonic() - started
    if done.returncode != 0:
        sys.exit(done.stderr)
    peak = float(re.search(r"peak memory (\d+) MB", done.stdout)[1])
    return {"wall_s": wall, "peak_mb": peak, "output": done.stdout.strip()}


def main():
    args = parse_args()
    url = configure(args)
    engine = "sqlite" if args.sqlite else "postgresql"
    pledges, updates = prepare_record(args)
    now = datetime.now().astimezone()
    follow_count = prepare_run(args, now)

    from aiosmtpd.controller import Controller

    from tests.smtp_server import free_port

    sink = CountingSink()
    controller = Controller(sink, hostname="127.0.0.1", port=free_port())
    controller.start()
    env = {**os.environ, "EMAIL_URL": f"smtp://127.0.0.1:{controller.port}"}
    try:
        log("compose")
        compose = run_phase("--compose-only", env)
        log(compose["output"])
        log("deliver")
        deliver = run_phase("--deliver-only", env)
        log(deliver["output"])
    finally:
        controller.stop()

    load = ", ".join(f"{value:.1f}" for value in os.getloadavg())
    total = {
        "wall_s": compose["wall_s"] + deliver["wall_s"],
        "peak_mb": max(compose["peak_mb"], deliver["peak_mb"]),
    }
    measured = {"alerts_compose": compose, "alerts_deliver": deliver, "alerts_digest": total}
    lines = [
        f"# Alerts digest run, {engine}, {datetime.now():%Y-%m-%d %H:%M}",
        "",
        f"{pledges:,} pledges, {updates:,} updates, of which {args.changes:,} recorded over the "
        f"last week; {args.followers:,} weekly followers with {follow_count:,} follows; "
        f"{sink.accepted:,} messages accepted by a local aiosmtpd server (in the runner's "
        f"process). Database `{url}`; {os.cpu_count()} cores, load average at the end "
        f"{load}.",
        "",
        "| phase | wall time | peak memory (RSS) |",
        "| --- | --- | --- |",
        f"| compose | {compose['wall_s']:.1f} s | {compose['peak_mb']:.0f} MB |",
        f"| deliver (SMTP) | {deliver['wall_s']:.1f} s | {deliver['peak_mb']:.0f} MB |",
        f"| whole run | {total['wall_s']:.1f} s | {total['peak_mb']:.0f} MB |",
        "",
        "| target | measured | goal | met |",
        "| --- | --- | --- | --- |",
    ]
    for target in ALERT_TARGETS:
        if engine not in target.engines:
            continue
        value = measured[target.key][target.metric]
        met = "yes" if target.met_by(value) else "**NO**"
        lines.append(f"| {target.label} | {value:.1f}{target.unit} | {target.goal} | {met} |")
    lines += ["", f"`compose`: {compose['output']}", "", f"`deliver`: {deliver['output']}", ""]
    report = "\n".join(lines)
    print(report)
    RESULTS.mkdir(exist_ok=True)
    name = f"{datetime.now():%Y-%m-%d}-alerts-{args.followers}-followers-{engine}.md"
    (RESULTS / name).write_text(report)
    log(f"wrote bench/results/{name}")


if __name__ == "__main__":
    main()
