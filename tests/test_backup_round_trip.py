"""Data safety: a dumpdata/loaddata round trip of a populated database gives
back the same data, history and roles included."""

import json
from datetime import date
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection

from tests.factories import make_steward, make_update
from tracker.models import Pledge, Status, StatusUpdate

pytestmark = pytest.mark.django_db

APPS = ["tracker", "auth.user", "auth.group"]


def dump():
    out = StringIO()
    call_command("dumpdata", *APPS, natural_foreign=True, stdout=out)
    return sorted(json.loads(out.getvalue()), key=lambda row: (row["model"], str(row["pk"])))


def test_a_populated_database_survives_dump_flush_and_load(tmp_path):
    call_command("loaddata", "pledges", "history", verbosity=0)
    steward = make_steward("stew")
    pledge = Pledge.objects.get(ref="asem-2002-9.1")
    pledge.title = "An edited title"
    pledge.save()
    pledge.themes.remove(pledge.themes.first())
    update = make_update(pledge, author=steward, status=Status.LIMITED, as_of=date(2004, 5, 1))
    update.withdraw(steward, "Logged on the wrong pledge.")
    make_update(pledge, author=steward, status=Status.ONGOING, as_of=date(2004, 5, 1))

    before = dump()
    backup = tmp_path / "backup.json"
    backup.write_text(json.dumps(before), encoding="utf-8")
    assert {row["model"] for row in before} >= {
        "tracker.pledge",
        "tracker.statusupdate",
        "tracker.historicalpledge",
        "auth.group",
        "auth.user",
    }

    if connection.vendor == "postgresql":
        # The test runs in a transaction; TRUNCATE needs the deferred foreign
        # key checks of what it wrote to have run first.
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    call_command("flush", interactive=False, verbosity=0)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:  # back to how loaddata expects them
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")
    assert not Pledge.objects.exists()
    call_command("loaddata", str(backup), verbosity=0)

    after = dump()
    assert after == before
    restored = Pledge.objects.get(ref="asem-2002-9.1")
    assert restored.title == "An edited title"
    assert restored.current_status == Status.ONGOING
    assert StatusUpdate.objects.get(pk=update.pk).withdrawal_reason == "Logged on the wrong pledge."
    assert restored.history.count() == pledge.history.count()
