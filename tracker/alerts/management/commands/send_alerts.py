"""Compose and send the alerts that are due (tracker/alerts/delivery.py).

    manage.py send_alerts                 # both phases; what a timer runs
    manage.py send_alerts --compose-only  # fill the outbox, send nothing
    manage.py send_alerts --deliver-only  # send what the outbox holds

Run it every few minutes (README, Deploying): immediate followers hear at the
next run, daily and weekly ones at the first run of their day or week. A run
that finds another one still going exits at once. A crash, or a mail server
that fails, leaves the rest for the next run.
"""

import resource
import time
from pathlib import Path

from django.core.management import BaseCommand

from tracker.alerts import delivery


def peak_memory_mb():
    """This process's peak resident memory. Linux's VmHWM, which starts
    afresh at exec; ``ru_maxrss`` also counts the parent's peak before the
    exec, so a command started by a big process would report that one's."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


class Command(BaseCommand):
    help = "Compose the alerts that are due into the outbox, then send what the outbox holds."

    def add_arguments(self, parser):
        phases = parser.add_mutually_exclusive_group()
        phases.add_argument("--compose-only", action="store_true")
        phases.add_argument("--deliver-only", action="store_true")

    def handle(self, *args, compose_only=False, deliver_only=False, **options):
        started = time.monotonic()
        with delivery.single_run() as allowed:
            if not allowed:
                self.stdout.write("Another send_alerts run is in progress; nothing done.")
                return
            report = delivery.RunReport()
            if not deliver_only:
                delivery.compose(report=report)
            if not compose_only:
                delivery.deliver(report=report)
                delivery.prune()
        peak_mb = peak_memory_mb()
        self.stdout.write(
            f"Considered {report.considered} followers, composed {report.composed} messages, "
            f"sent {report.sent}, cancelled {report.cancelled} "
            f"in {time.monotonic() - started:.1f} s (peak memory {peak_mb:.0f} MB)."
        )
