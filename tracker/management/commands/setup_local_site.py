"""Prepare a local site on first run: the pledges, the historical record and an
admin account with a random password that is printed once.

Safe to run every time: the pledges are loaded only into an empty database
and the history only where it is missing, so a steward's local edits are
never overwritten by the fixtures.
"""

import io
import secrets

from django.contrib.auth import get_user_model
from django.core.management import BaseCommand, call_command

from tracker.models import (
    HISTORICAL_RECORD_USERNAME,
    PartyMembership,
    SourceDocument,
    StatusUpdate,
)


class Command(BaseCommand):
    help = "Load the pledges and history into an empty database and create a local admin."

    def add_arguments(self, parser):
        parser.add_argument(
            "--no-history",
            action="store_true",
            help="Load the pledges only, not the historical record of status updates.",
        )

    def handle(self, *args, **options):
        if SourceDocument.objects.exists():
            self.stdout.write("Pledges already loaded; leaving them as they are.")
        else:
            call_command("loaddata", "pledges", verbosity=0)
            self.stdout.write(self.style.SUCCESS("Loaded the pledges of both texts."))
        has_history = StatusUpdate.objects.filter(
            author__username=HISTORICAL_RECORD_USERNAME
        ).exists()
        if not options["no_history"] and not has_history:
            call_command("loaddata", "history", verbosity=0)
            total = StatusUpdate.objects.filter(author__username=HISTORICAL_RECORD_USERNAME).count()
            self.stdout.write(
                self.style.SUCCESS(f"Loaded the historical record ({total} status updates).")
            )
        if not PartyMembership.objects.exists():
            # The parties of each text, and their own updates (which need the
            # historical-record author that the history brings).
            fixtures = ["parties"] if options["no_history"] else ["parties", "party-history"]
            call_command("loaddata", *fixtures, verbosity=0)
            self.stdout.write(self.style.SUCCESS("Loaded the parties of both texts."))
        # Fixture loads are not edits; give every row a first version in the
        # edit history so later edits show what changed.
        call_command("populate_history", auto=True, verbosity=0, stdout=io.StringIO())
        self.ensure_admin()

    def ensure_admin(self):
        User = get_user_model()
        if User.objects.filter(is_superuser=True).exists():
            self.stdout.write(
                "An admin account exists. Forgot its password? "
                "Run: .venv/bin/python manage.py changepassword admin"
            )
            return
        password = secrets.token_urlsafe(15)
        User.objects.create_superuser(username="admin", email="", password=password)
        self.stdout.write(
            self.style.WARNING(
                "\nCreated a local admin account. This password is shown only once:\n"
                f"    username: admin\n    password: {password}\n"
            )
        )
