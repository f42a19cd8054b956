"""Importing pledges and status updates in the admin (django-import-export):
a dry run lists every bad row with its reason, one bad row imports nothing,
history is written for every imported row, only stewards may import, and an
exported file re-imports into an empty database as the same data."""

import csv
import io
import logging
import tempfile
from datetime import date, timedelta
from functools import partial

import openpyxl
import pytest
import tablib
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tests.factories import make_assessor, make_reporter, make_steward, make_update
from tests.helpers import at_the_same_moment, skip_unless_postgresql
from tracker.models import IMPORT_UPLOAD_KEPT, ImportUpload, Pledge, Status, StatusUpdate
from tracker.roles import ensure_groups

pytestmark = pytest.mark.django_db

UPDATE_HEADERS = [
    "pledge",
    "status",
    "as_of",
    "kind",
    "actor",
    "summary",
    "evidence_url",
    "evidence_reference",
]
GOOD_UPDATE = [
    "asem-2002-3.7",
    "complete",
    "2005-04-13",
    "independent_assessment",
    "",
    "Adopted by consensus.",
    "https://www.un.org/x",
    "A/RES/59/290",
]
PLEDGE_HEADERS = [
    "ref",
    "source",
    "paragraph",
    "quote",
    "title",
    "themes",
    "actors",
    "instruments",
    "timeframe",
    "statement_kind",
    "commitment_type",
]
GOOD_PLEDGE = [
    "asem-2002-99.1",
    "asem-copenhagen-2002",
    "",
    "We reject any attempt to associate terrorism with any religion, race or nationality",
    "A re-keyed pledge",
    "human-rights",
    "asem-leaders",
    "",
    "unspecified",
    "declaratory_position",
    "standing_principle",
]


@pytest.fixture(autouse=True)
def pledges():
    call_command("loaddata", "pledges", verbosity=0)


def csv_file(headers, *rows, name="upload.csv"):
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(headers)
    writer.writerows(rows)
    return SimpleUploadedFile(name, buffer.getvalue().encode(), content_type="text/csv")


def xlsx_file(headers, *rows):
    data = tablib.Dataset(*rows, headers=headers)
    return SimpleUploadedFile(
        "upload.xlsx",
        data.export("xlsx"),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )


def dry_run(client, model, upload, file_format="0"):
    return client.post(
        reverse(f"admin:tracker_{model}_import"),
        {"import_file": upload, "format": file_format, "resource": "0"},
    )


def confirm(client, model, response):
    form = response.context["confirm_form"]
    return client.post(reverse(f"admin:tracker_{model}_process_import"), form.initial)


def row_errors(response):
    """{row number: "field: message; …"} from the dry-run result."""
    result = response.context["result"]
    errors = {}
    for row in result.invalid_rows:
        errors[row.number] = "; ".join(
            f"{field}: {' '.join(messages)}" for field, messages in row.error_dict.items()
        )
    for number, row_errors_ in result.row_errors():
        errors[number] = "; ".join(str(error.error) for error in row_errors_)
    return errors


@pytest.mark.parametrize(
    ("bad_row", "message"),
    [
        ({"pledge": "asem-2002-404.1"}, "There is no pledge “asem-2002-404.1”."),
        ({"actor": "nobody"}, "There is no actor “nobody”."),
        ({"as_of": "13/04/2005"}, "is not a date; write it as YYYY-MM-DD"),
        ({"as_of": "2099-01-01"}, "in the future"),
        ({"as_of": "2001-01-01"}, "before"),
        ({"status": "done"}, "“done” is not a status"),
        ({"kind": "rumour"}, "not a valid choice"),
        ({"evidence_url": "ftp://example.org", "evidence_reference": ""}, "http://"),
        # The modality rule, shared with the forms through the model.
        ({"pledge": "asem-2002-3.1", "status": "complete"}, "cannot apply to asem-2002-3.1"),
        ({"pledge": "hlm5-2003-8.4", "status": "ongoing"}, "is context, not a commitment"),
    ],
)
def test_a_bad_update_row_is_reported_and_nothing_is_imported(steward, client, bad_row, message):
    client.force_login(steward)
    row = dict(zip(UPDATE_HEADERS, GOOD_UPDATE, strict=True)) | bad_row
    response = dry_run(
        client, "statusupdate", csv_file(UPDATE_HEADERS, GOOD_UPDATE, list(row.values()))
    )
    assert response.status_code == 200
    errors = row_errors(response)
    assert list(errors) == [2]  # the second row, and only it
    assert message in errors[2]
    assert "confirm_form" not in response.context or response.context["confirm_form"] is None
    assert not StatusUpdate.objects.exists()  # not even the good row


@pytest.mark.parametrize(
    ("bad_row", "message"),
    [
        ({"themes": "human-rights;no-such-theme"}, "Unknown theme: “no-such-theme”."),
        ({"actors": "ghost"}, "Unknown actor: “ghost”."),
        ({"source": "atlantis"}, "There is no source"),
        ({"quote": "We pledge to abolish terrorism by Friday"}, "not a verbatim span"),
        ({"paragraph": "3"}, "not a verbatim span of paragraph 3"),
        ({"ref": "Not A Ref"}, "lower-case letters"),
        ({"statement_kind": "promise"}, "“promise” is not a kind of statement"),
        ({"commitment_type": ""}, "Say what type of commitment this is"),
        ({"statement_kind": "context"}, "Context is not a commitment"),
    ],
)
def test_a_bad_pledge_row_is_reported_and_nothing_is_imported(steward, client, bad_row, message):
    client.force_login(steward)
    before = Pledge.objects.count()
    good = list(GOOD_PLEDGE)
    bad = dict(zip(PLEDGE_HEADERS, GOOD_PLEDGE, strict=True)) | {"ref": "asem-2002-99.2"} | bad_row
    response = dry_run(client, "pledge", csv_file(PLEDGE_HEADERS, good, list(bad.values())))
    errors = row_errors(response)
    assert list(errors) == [2] and message in errors[2], errors
    assert Pledge.objects.count() == before


def test_a_ref_twice_in_one_file_is_refused(steward, client):
    client.force_login(steward)
    response = dry_run(client, "pledge", csv_file(PLEDGE_HEADERS, GOOD_PLEDGE, GOOD_PLEDGE))
    errors = row_errors(response)
    assert "also on row 1" in errors[2]
    assert not Pledge.objects.filter(ref="asem-2002-99.1").exists()


def test_a_good_file_imports_after_the_dry_run_with_history(steward, client):
    client.force_login(steward)
    preview = dry_run(client, "statusupdate", csv_file(UPDATE_HEADERS, GOOD_UPDATE))
    assert row_errors(preview) == {}
    assert not StatusUpdate.objects.exists()  # the preview writes nothing
    response = confirm(client, "statusupdate", preview)
    assert response.status_code == 302
    update = StatusUpdate.objects.get()
    assert update.author == steward  # no author column: the importer's entry
    assert update.history.get().history_user == steward
    pledge = Pledge.objects.get(ref="asem-2002-3.7")
    assert pledge.current_status == Status.COMPLETE


AUTHORED_HEADERS = [*UPDATE_HEADERS, "author"]


def self_report_row(actor, author):
    return [
        "asem-2002-3.7",
        "ongoing",
        "2005-04-13",
        "self_report",
        actor,
        "Reported.",
        "https://example.org/r",
        "",
        author,
    ]


def test_a_steward_imports_a_reporters_self_report_and_history_names_the_steward(steward, client):
    pledge = Pledge.objects.get(ref="asem-2002-3.7")
    actor = pledge.actors.first()
    rita = make_reporter(actor, username="rita")
    client.force_login(steward)
    preview = dry_run(
        client, "statusupdate", csv_file(AUTHORED_HEADERS, self_report_row(actor.slug, "rita"))
    )
    assert row_errors(preview) == {}
    confirm(client, "statusupdate", preview)
    update = StatusUpdate.objects.get()
    assert update.author == rita
    # The edit history records who imported it.
    assert update.history.get().history_user == steward


@pytest.mark.parametrize(
    ("row", "message"),
    [
        # A self-report "by" a reporter for an actor they do not report for.
        (lambda other, rita: self_report_row(other.slug, "rita"), "“rita” may not log this update"),
        # An assessment "by" a reporter.
        (
            lambda other, rita: [
                "asem-2002-3.7",
                "ongoing",
                "2005-04-13",
                "independent_assessment",
                "",
                "X.",
                "https://e.org/x",
                "",
                "rita",
            ],
            "“rita” may not log this update",
        ),
    ],
)
def test_an_import_cannot_forge_authorship(steward, client, row, message):
    pledge = Pledge.objects.get(ref="asem-2002-3.7")
    from tests.factories import make_actor

    other = make_actor(slug="not-on-this-pledge")
    rita = make_reporter(pledge.actors.first(), username="rita")
    client.force_login(steward)
    preview = dry_run(client, "statusupdate", csv_file(AUTHORED_HEADERS, row(other, rita)))
    assert message in row_errors(preview)[1]
    assert "confirm_form" not in preview.context or not preview.context["confirm_form"]
    assert not StatusUpdate.objects.exists()


def test_only_a_steward_may_name_another_author(client):
    from tests.factories import make_user

    pledge = Pledge.objects.get(ref="asem-2002-3.7")
    make_reporter(pledge.actors.first(), username="rita")
    # Staff with the import permission but not a steward.
    from django.contrib.auth.models import Permission

    importer = make_user("importer", is_staff=True)
    importer.user_permissions.set(
        Permission.objects.filter(
            codename__in=["import_statusupdate", "view_statusupdate", "add_statusupdate"]
        )
    )
    client.force_login(importer)
    row = self_report_row(pledge.actors.first().slug, "rita")
    preview = dry_run(client, "statusupdate", csv_file(AUTHORED_HEADERS, row))
    assert "Only stewards may import updates under someone else" in row_errors(preview)[1]
    assert not StatusUpdate.objects.exists()


def test_an_imported_pledge_finds_its_paragraph_and_has_history(steward, client):
    client.force_login(steward)
    preview = dry_run(client, "pledge", csv_file(PLEDGE_HEADERS, GOOD_PLEDGE))
    assert row_errors(preview) == {}
    confirm(client, "pledge", preview)
    pledge = Pledge.objects.get(ref="asem-2002-99.1")
    assert pledge.paragraph == 7
    assert [t.slug for t in pledge.themes.all()] == ["human-rights"]
    assert pledge.history.first().history_user == steward


def test_xlsx_is_accepted(steward, client):
    client.force_login(steward)
    preview = dry_run(
        client, "statusupdate", xlsx_file(UPDATE_HEADERS, GOOD_UPDATE), file_format="1"
    )
    assert row_errors(preview) == {}
    confirm(client, "statusupdate", preview)
    assert StatusUpdate.objects.count() == 1


@pytest.mark.parametrize("role", ["reporter", "assessor"])
def test_only_stewards_may_import(client, role):
    user = {"reporter": make_reporter, "assessor": make_assessor}[role]()
    user.is_staff = True  # even with admin access
    user.save()
    client.force_login(user)
    response = dry_run(client, "statusupdate", csv_file(UPDATE_HEADERS, GOOD_UPDATE))
    assert response.status_code == 403
    assert not StatusUpdate.objects.exists()


def test_exports_escape_formulas(steward, client):
    pledge = Pledge.objects.get(ref="asem-2002-3.7")
    make_update(pledge, author=steward, summary='=HYPERLINK("http://evil")', as_of=date(2005, 1, 1))
    from tracker.admin.resources import StatusUpdateResource

    exported = StatusUpdateResource().export().csv
    assert "'=HYPERLINK" in exported
    assert "\n=HYPERLINK" not in exported and ",=HYPERLINK" not in exported


def test_an_exported_file_reimports_into_an_empty_database_as_the_same_data(steward, client):
    """Export pledges and updates, empty the tracker of both, import the two
    files back: the pledges and their timelines are the same."""
    from tracker.admin.resources import PledgeResource, StatusUpdateResource

    call_command("loaddata", "history", verbosity=0)
    pledge_file = PledgeResource().export().csv
    update_file = StatusUpdateResource().export().csv

    def snapshot():
        pledges = {
            p.ref: (
                p.source.slug,
                p.paragraph,
                p.quote,
                p.title,
                p.timeframe,
                p.statement_kind,
                p.commitment_type,
                p.current_status,
                sorted(t.slug for t in p.themes.all()),
                sorted(a.slug for a in p.actors.all()),
                sorted(i.slug for i in p.instruments.all()),
            )
            for p in Pledge.objects.select_related("source").prefetch_related(
                "themes", "actors", "instruments"
            )
        }
        updates = sorted(
            (
                u.pledge.ref,
                u.status,
                u.as_of,
                u.kind,
                u.actor_id,
                u.summary,
                u.evidence_url,
                u.evidence_reference,
                u.author.username,
            )
            # Withdrawn updates are not in the import file (StatusUpdateResource).
            for u in StatusUpdate.objects.recorded().select_related("pledge", "author")
        )
        return pledges, updates

    before = snapshot()
    StatusUpdate.objects.all()._raw_delete(StatusUpdate.objects.db)  # bypass append-only, test only
    Pledge.objects.all().delete()
    assert not Pledge.objects.exists()

    client.force_login(steward)
    for model, content in (("pledge", pledge_file), ("statusupdate", update_file)):
        upload = SimpleUploadedFile(f"{model}.csv", content.encode(), content_type="text/csv")
        preview = dry_run(client, model, upload)
        assert row_errors(preview) == {}, model
        assert confirm(client, model, preview).status_code == 302

    assert snapshot() == before


def test_the_upload_waits_in_the_database_and_any_server_can_confirm_it(
    steward, client, tmp_path, monkeypatch
):
    """The dry run and the confirmation may reach different app servers: the
    upload is kept in the database, not a worker's /tmp, and removed when
    confirmed."""
    client.force_login(steward)
    preview = dry_run(client, "statusupdate", csv_file(UPDATE_HEADERS, GOOD_UPDATE))
    name = preview.context["confirm_form"].initial["import_file_name"]
    assert ImportUpload.objects.filter(name=name).exists()
    # "Another server": its own, empty temporary folder.
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    response = confirm(client, "statusupdate", preview)
    assert response.status_code == 302
    assert StatusUpdate.objects.count() == 1
    assert not ImportUpload.objects.exists()  # removed once confirmed


def test_a_second_confirmation_of_one_upload_imports_nothing_and_says_so(steward, client):
    client.force_login(steward)
    preview = dry_run(client, "statusupdate", csv_file(UPDATE_HEADERS, GOOD_UPDATE))
    confirm(client, "statusupdate", preview)
    again = client.post(
        reverse("admin:tracker_statusupdate_process_import"),
        preview.context["confirm_form"].initial,
        follow=True,
    )
    assert again.status_code == 200
    assert "this upload was imported already" in again.text
    assert StatusUpdate.objects.count() == 1


def test_an_abandoned_upload_is_removed_at_the_next_upload(steward, client):
    client.force_login(steward)
    dry_run(client, "statusupdate", csv_file(UPDATE_HEADERS, GOOD_UPDATE))
    ImportUpload.objects.update(created=timezone.now() - IMPORT_UPLOAD_KEPT - timedelta(minutes=1))
    fresh = dry_run(client, "statusupdate", csv_file(UPDATE_HEADERS, GOOD_UPDATE))
    assert list(ImportUpload.objects.values_list("name", flat=True)) == [
        fresh.context["confirm_form"].initial["import_file_name"]
    ]


def test_a_failed_confirmation_says_nothing_was_imported_and_logs_an_error(steward, client, caplog):
    """Between the dry run and the confirmation the file stopped being valid:
    every row is rolled back, and the steward is never told "Import
    finished"."""
    client.force_login(steward)
    other = [*GOOD_UPDATE]
    other[0] = "asem-2002-3.6"
    preview = dry_run(client, "statusupdate", csv_file(UPDATE_HEADERS, GOOD_UPDATE, other))
    assert row_errors(preview) == {}
    Pledge.objects.filter(ref="asem-2002-3.6").delete()  # no update yet, so it may go
    with caplog.at_level(logging.ERROR, logger="tracker.admin.resources"):
        response = confirm(client, "statusupdate", preview)
    page = client.get(response["Location"])
    text = page.text
    assert "Nothing was imported: row 2: There is no pledge “asem-2002-3.6”." in text
    assert "Import finished" not in text
    assert not StatusUpdate.objects.exists()
    assert any("import by steward failed" in r.getMessage() for r in caplog.records)


def openpyxl_file(rows):
    """A real XLSX file, written by openpyxl, with blank cells left empty."""
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return SimpleUploadedFile(
        "upload.xlsx",
        buffer.getvalue(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )


def test_an_xlsx_with_blank_optional_cells_imports(steward, client):
    client.force_login(steward)
    no_url = [*GOOD_UPDATE[:5], "Adopted.", None, "A/RES/59/290"]
    no_reference = [*GOOD_UPDATE[:4], None, "Signed.", "https://www.un.org/x", None]
    upload = openpyxl_file([UPDATE_HEADERS, no_url, no_reference])
    preview = dry_run(client, "statusupdate", upload, file_format="1")
    assert row_errors(preview) == {}
    confirm(client, "statusupdate", preview)
    stored = sorted(
        StatusUpdate.objects.values_list("summary", "evidence_url", "evidence_reference")
    )
    assert stored == [("Adopted.", "", "A/RES/59/290"), ("Signed.", "https://www.un.org/x", "")]


def test_the_admins_own_xlsx_export_reimports_unchanged(steward, client):
    """The historical record, exported as the admin exports it (openpyxl),
    imported back: the same rows, blank URLs and references included. The
    file holds recorded updates only (a withdrawal cannot travel in it), so
    those are what must come back."""
    from import_export.formats.base_formats import XLSX

    from tracker.admin.resources import StatusUpdateResource

    call_command("loaddata", "history", verbosity=0)
    pledge = Pledge.objects.get(ref="asem-2002-3.7")
    make_update(pledge, author=steward, summary="-3 % on last year", as_of=date(2006, 1, 1))

    def rows():
        return sorted(
            (u.pledge.ref, u.status, u.as_of, u.kind, u.actor_id, u.summary)
            + (u.evidence_url, u.evidence_reference, u.author.username)
            for u in StatusUpdate.objects.recorded().select_related("pledge", "author")
        )

    before = rows()
    assert any(row[6] == "" for row in before) and any(row[7] == "" for row in before)
    exported = XLSX().export_data(StatusUpdateResource().export())
    StatusUpdate.objects.all()._raw_delete(StatusUpdate.objects.db)  # test only

    client.force_login(steward)
    upload = SimpleUploadedFile("updates.xlsx", exported, content_type="application/octet-stream")
    preview = dry_run(client, "statusupdate", upload, file_format="1")
    assert row_errors(preview) == {}
    assert confirm(client, "statusupdate", preview).status_code == 302
    assert rows() == before


@pytest.mark.django_db(transaction=True)
def test_two_stewards_importing_overlapping_files_at_once_both_land_on_postgresql():
    """Each file has 30 rows over the same 10 pledges, one in the reverse
    order of the other, confirmed at the same moment: both files are stored
    in full and both stewards are told so."""
    skip_unless_postgresql()
    ensure_groups()  # an earlier transactional test's flush removed them
    refs = list(Pledge.objects.order_by("ref").values_list("ref", flat=True)[:10])
    stewards = []
    for name in ("steward-a", "steward-b"):
        client = Client(raise_request_exception=False)  # a 500 is an outcome here
        client.force_login(make_steward(name))
        stewards.append(client)
    rounds = 4
    for n in range(rounds):

        def rows(order, who, n=n):
            return [
                [ref, "ongoing", (date(2010, 1 + n, 1) + timedelta(days=i)).isoformat()]
                + ["independent_assessment", ""]
                + [f"Round {n}, {who}, row {i}.", "https://www.un.org/x", ""]
                for i, ref in enumerate(order * 3)
            ]

        previews = [
            dry_run(stewards[0], "statusupdate", csv_file(UPDATE_HEADERS, *rows(refs, "a"))),
            dry_run(stewards[1], "statusupdate", csv_file(UPDATE_HEADERS, *rows(refs[::-1], "b"))),
        ]
        assert all(row_errors(p) == {} for p in previews)
        responses = at_the_same_moment(
            *(
                partial(confirm, c, "statusupdate", p)
                for c, p in zip(stewards, previews, strict=True)
            )
        )
        codes = [getattr(r, "status_code", r) for r in responses]
        assert codes == [302, 302], f"round {n}: {codes}"
        for who, client, response in zip("ab", stewards, responses, strict=True):
            stored = StatusUpdate.objects.filter(summary__startswith=f"Round {n}, {who},").count()
            told = client.get(response["Location"]).text
            assert stored == 30, f"round {n}: {who} stored {stored} of 30"
            assert "Import finished: 30 new" in told
    for pledge in Pledge.objects.as_of():  # the one status rule, today
        assert pledge.current_status == pledge.status_on
        assert pledge.latest_update_id == pledge.latest_update_on_id


def test_every_reason_of_a_bad_update_row_is_given_at_once(steward, client):
    """Unknown status, bad date and unknown actor on one row: all three."""
    client.force_login(steward)
    row = dict(zip(UPDATE_HEADERS, GOOD_UPDATE, strict=True)) | {
        "status": "finished",
        "as_of": "2005-13-45",
        "actor": "nobody",
    }
    response = dry_run(client, "statusupdate", csv_file(UPDATE_HEADERS, list(row.values())))
    reasons = row_errors(response)[1]
    assert "“finished” is not a status" in reasons
    assert "“2005-13-45” is not a date" in reasons
    assert "There is no actor “nobody”." in reasons


def test_every_reason_of_a_bad_pledge_row_is_given_at_once(steward, client):
    """Unknown theme and a paragraph that is no number, on one row: both."""
    client.force_login(steward)
    row = dict(zip(PLEDGE_HEADERS, GOOD_PLEDGE, strict=True)) | {
        "themes": "no-such-theme",
        "paragraph": "third",
        "source": "atlantis",
    }
    response = dry_run(client, "pledge", csv_file(PLEDGE_HEADERS, list(row.values())))
    reasons = row_errors(response)[1]
    assert "Unknown theme: “no-such-theme”." in reasons
    assert "There is no source" in reasons
    assert "“third” is not a paragraph number; write a whole number." in reasons


def test_the_reasons_are_on_the_page_in_words_not_in_a_tooltip(steward, client):
    client.force_login(steward)
    row = dict(zip(UPDATE_HEADERS, GOOD_UPDATE, strict=True)) | {
        "status": "finished",
        "as_of": "2005-13-45",
    }
    response = dry_run(client, "statusupdate", csv_file(UPDATE_HEADERS, list(row.values())))
    page = response.content.decode()
    start = page.index('<table class="import-errors">')
    table = page[start : page.index("</table>", start)]
    assert "“finished” is not a status" in table and "is not a date" in table
    assert "title=" not in table and "validation-error-container" not in table
