"""Create a user in one of the roles (README, Roles and permissions).

    manage.py create_role_user rita --role reporter --actor asean --email rita@example.org
    manage.py create_role_user alex --role assessor --email alex@example.org
    manage.py create_role_user sam --role steward --email sam@example.org

The account gets a random password that nobody is shown: its owner chooses
their own with "Forgotten your password?" (an e-mail to the address given),
or an operator sets one with ``manage.py changepassword``. Run again on an
existing user, it adds the role (and actors) to that user.
"""

import secrets

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.core.management import BaseCommand, CommandError
from django.core.validators import validate_email
from django.db import transaction

from tracker.models import Actor
from tracker.roles import ASSESSOR, REPORTER, STEWARD

ROLES = {"reporter": REPORTER, "assessor": ASSESSOR, "steward": STEWARD}


class Command(BaseCommand):
    help = "Create a Reporter, Assessor or Steward (or give an existing user that role)."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--role", required=True, choices=sorted(ROLES))
        parser.add_argument(
            "--actor",
            action="append",
            default=[],
            metavar="SLUG",
            help="An actor a Reporter reports for (repeat for several); required for reporters.",
        )
        parser.add_argument("--email", default="", help="Where password-reset links go.")

    @transaction.atomic
    def handle(self, username, role, actor, email, **options):
        if role == "reporter" and not actor:
            raise CommandError("A Reporter reports for at least one actor: give --actor SLUG.")
        if actor and role != "reporter":
            raise CommandError("Only Reporters report for actors; leave out --actor.")
        actors = list(Actor.objects.filter(slug__in=actor))
        missing = sorted(set(actor) - {a.slug for a in actors})
        if missing:
            raise CommandError(f"There is no actor with the slug: {', '.join(missing)}.")
        if email:
            try:
                validate_email(email)
            except ValidationError:
                raise CommandError(f"“{email}” is not an e-mail address.") from None

        User = get_user_model()
        user = User.objects.filter(username=username).first()
        created = user is None
        if created:
            user = User.objects.create_user(
                username=username, email=email, password=secrets.token_urlsafe(32)
            )
        elif email:
            user.email = email
        if role == "steward":
            user.is_staff = True  # stewards work in the admin
        user.save()
        user.groups.add(Group.objects.get(name=ROLES[role]))
        for each in actors:
            each.reporters.add(user)

        what = f"{'Created' if created else 'Updated'} {username}, a {ROLES[role]}"
        if actors:
            what += f" for {', '.join(a.name for a in actors)}"
        self.stdout.write(self.style.SUCCESS(what + "."))
        if created:
            how = (
                f"They choose a password with “Forgotten your password?” on the sign-in page, "
                f"for {email}; or set one now: manage.py changepassword {username}"
                if email
                else f"Set their password: manage.py changepassword {username}"
            )
            self.stdout.write(how)
