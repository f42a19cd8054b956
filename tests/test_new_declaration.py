"""A new declaration: a steward pastes a text in the admin, it is split into
paragraphs (tracker/paragraphs.py, tracker/admin/forms.py), and pledges quoting it verbatim appear
on the public site with no code change."""

import json
from pathlib import Path

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse
from django.utils.html import strip_tags

from tests.factories import (
    make_assessor,
    make_pledge,
    make_reporter,
    make_source,
    make_steward,
    make_user,
)
from tests.helpers import SOURCE_TEXTS
from tracker.models import Paragraph, Pledge, SourceDocument
from tracker.paragraphs import ParagraphDraft, SplitError, SplitStyle, split_paragraphs

pytestmark = pytest.mark.django_db

FIXTURE = Path(__file__).resolve().parent.parent / "fixtures" / "pledges.json"
SHIPPED = {
    # slug: (file in fixtures/sources, split style)
    "asem-copenhagen-2002": ("asem-copenhagen-declaration-2002.txt", SplitStyle.NUMBERED),
    "un-regional-organizations-2003": (
        "un-regional-organizations-hlm5-conclusions-2003.txt",
        SplitStyle.READING_ORDER,
    ),
}

DECLARATION = (
    "Oslo Declaration on Clean Water\n"
    "|\n"
    "The ministers, meeting in Oslo on 3 March 2010, agreed as follows:\n"
    "1.We pledge to halve the number of people without safe drinking water by 2015. "
    "We recall resolution 1373 (2001). and resolution 56/24/T. "
    "2. We will report on progress to the Council every two years. "
    "3) We call on donors to double their support for water projects. |\n"
)
QUOTE = "We will report on progress to the Council every two years."
PARAPHRASE = "We will report to the Council on progress every two years."


def add_source_data(**overrides):
    data = {
        "title": "Oslo Declaration on Clean Water",
        "short_title": "Oslo Declaration (2010)",
        "slug": "oslo-2010",
        "issuing_body": "Ministerial meeting on water",
        "place": "Oslo",
        "date_adopted": "2010-03-03",
        "text": DECLARATION,
        "split_style": SplitStyle.NUMBERED,
    }
    data.update(overrides)
    return data


def change_source_data(source, **overrides):
    """The change form as the browser would post it, paragraph inline included."""
    data = {
        "title": source.title,
        "short_title": source.short_title,
        "slug": source.slug,
        "issuing_body": source.issuing_body,
        "place": source.place,
        "date_adopted": source.date_adopted.isoformat(),
        "text": source.text,
        "preamble": source.preamble,
        "split_style": SplitStyle.NUMBERED,
    }
    paragraphs = list(source.paragraphs.all())
    data["paragraphs-TOTAL_FORMS"] = data["paragraphs-INITIAL_FORMS"] = str(len(paragraphs))
    for i, paragraph in enumerate(paragraphs):
        data.update(
            {
                f"paragraphs-{i}-id": paragraph.pk,
                f"paragraphs-{i}-document": source.pk,
                f"paragraphs-{i}-number": paragraph.number,
                f"paragraphs-{i}-section": paragraph.section,
                f"paragraphs-{i}-text": paragraph.text,
            }
        )
    data.update(overrides)
    return data


def add_pledge_data(source, quote, **overrides):
    data = {
        "ref": "oslo-2010-2.1",
        "title": "Report on progress every two years",
        "source": source.pk,
        "paragraph": 2,
        "quote": quote,
        "timeframe": "unspecified",
        "updates-TOTAL_FORMS": "0",
        "updates-INITIAL_FORMS": "0",
        "updates-2-TOTAL_FORMS": "0",
        "updates-2-INITIAL_FORMS": "0",
    }
    data.update(overrides)
    return data


def texts(drafts):
    return [draft.text for draft in drafts]


# --- split_paragraphs: numbered ------------------------------------------------


def test_it_splits_numbered_paragraphs_marked_inline_and_drops_title_and_decoration():
    preamble, drafts = split_paragraphs(DECLARATION, SplitStyle.NUMBERED)
    assert preamble == "The ministers, meeting in Oslo on 3 March 2010, agreed as follows:"
    assert drafts == [
        ParagraphDraft(
            1,
            "",
            "We pledge to halve the number of people without safe drinking water by 2015. "
            "We recall resolution 1373 (2001). and resolution 56/24/T.",
        ),
        ParagraphDraft(2, "", QUOTE),
        ParagraphDraft(3, "", "We call on donors to double their support for water projects."),
    ]


def test_it_does_not_split_on_numbers_that_are_not_the_next_marker():
    text = (
        "1.We welcome resolutions 1373 (2001) and 1377 (2001). We reaffirm resolution "
        "56/24/T. 9. Nine is not a marker before eight. We act on 2. Not after a sentence "
        "end either. 2.We agree."
    )
    preamble, drafts = split_paragraphs(text, SplitStyle.NUMBERED)
    assert preamble == ""
    assert [draft.number for draft in drafts] == [1, 2]
    assert drafts[0].text.endswith("We act on 2. Not after a sentence end either.")
    assert drafts[1].text == "We agree."


def test_it_splits_markers_at_the_start_of_lines_and_takes_headings_as_sections():
    text = "1. We meet.\n2) We talk.\nFurther Work\n3. We agree.\n4. We part.\n"
    _, drafts = split_paragraphs(text, SplitStyle.NUMBERED)
    assert drafts == [
        ParagraphDraft(1, "", "We meet."),
        ParagraphDraft(2, "", "We talk."),
        ParagraphDraft(3, "Further Work", "We agree."),
        ParagraphDraft(4, "Further Work", "We part."),
    ]


def test_a_numbered_split_without_a_first_marker_is_an_error():
    with pytest.raises(SplitError) as error:
        split_paragraphs("We meet. We talk. We agree.", SplitStyle.NUMBERED)
    assert error.value.code == "no_numbered_paragraphs"
    assert "reading order" in error.value.message


@pytest.mark.parametrize("style", SplitStyle.values)
def test_an_empty_text_is_an_error(style):
    with pytest.raises(SplitError) as error:
        split_paragraphs(" \n\u00a0\n", style)
    assert error.value.code == "empty"


# --- split_paragraphs: reading order -------------------------------------------

PRESS_RELEASE = (
    "2 May 2011\r\n\r\n"
    "Ministers Conclude Meeting on Water\r\n\r\n"
    "GENEVA, 1 May -- Following are the conclusions of the Chair:\r\n\r\n"
    "The meeting was held in Geneva.\r\n\r\n"
    "Participants agreed to share data\r\nevery year.\r\n\r\n\r\n"
    "Further Work\r\n\r\n"
    "Participants agreed to meet again.\r\n\r\n"
    "They thanked the host.\r\n\r\n"
    "* *** *\r\n"
)


def test_it_splits_in_reading_order_with_a_press_release_header_and_a_section():
    preamble, drafts = split_paragraphs(PRESS_RELEASE, SplitStyle.READING_ORDER)
    assert preamble == (
        "2 May 2011\n\nMinisters Conclude Meeting on Water\n\n"
        "GENEVA, 1 May -- Following are the conclusions of the Chair:"
    )
    assert drafts == [
        ParagraphDraft(1, "", "The meeting was held in Geneva."),
        ParagraphDraft(2, "", "Participants agreed to share data\nevery year."),
        ParagraphDraft(3, "Further Work", "Participants agreed to meet again."),
        ParagraphDraft(4, "Further Work", "They thanked the host."),
    ]


def test_first_paragraph_starts_says_where_the_preamble_ends():
    text = "Chair's summary\n\nThe Chair opened the meeting.\n\nParticipants agreed to act."
    assert split_paragraphs(text, SplitStyle.READING_ORDER)[0] == "Chair's summary"
    preamble, drafts = split_paragraphs(
        text, SplitStyle.READING_ORDER, first_paragraph_starts="Participants agreed"
    )
    assert preamble == "Chair's summary\n\nThe Chair opened the meeting."
    assert drafts == [ParagraphDraft(1, "", "Participants agreed to act.")]
    with pytest.raises(SplitError) as error:
        split_paragraphs(text, SplitStyle.READING_ORDER, first_paragraph_starts="Nobody")
    assert error.value.code == "first_paragraph_not_found"


def test_a_heading_like_last_block_stays_a_paragraph():
    text = "We met.\n\nSigned in Geneva"
    assert texts(split_paragraphs(text, SplitStyle.READING_ORDER)[1]) == [
        "We met.",
        "Signed in Geneva",
    ]


# --- the shipped texts split exactly as the fixture has them -------------------


def fixture_rows():
    rows = json.loads(FIXTURE.read_text(encoding="utf-8"))
    documents = {
        row["pk"]: row["fields"] for row in rows if row["model"] == "tracker.sourcedocument"
    }
    paragraphs = {}
    for row in rows:
        if row["model"] == "tracker.paragraph":
            fields = row["fields"]
            paragraphs.setdefault(fields["document"], []).append(
                ParagraphDraft(fields["number"], fields["section"], fields["text"].strip())
            )
    return {fields["slug"]: (fields, sorted(paragraphs[pk])) for pk, fields in documents.items()}


@pytest.mark.parametrize("slug", SHIPPED)
def test_the_shipped_texts_split_exactly_as_the_fixture_has_them(slug):
    file_name, style = SHIPPED[slug]
    raw = (SOURCE_TEXTS / file_name).read_text(encoding="utf-8")
    document, paragraphs = fixture_rows()[slug]
    # The file as published, and the cleaned text the fixture stores.
    for text in (raw, document["text"]):
        preamble, drafts = split_paragraphs(text, style)
        assert preamble == document["preamble"]
        assert drafts == paragraphs


# --- the admin: paste, split, review --------------------------------------------


@pytest.fixture
def steward_client(client, steward):
    client.force_login(steward)
    return client


def test_a_steward_pastes_a_declaration_and_the_admin_splits_it(steward_client, steward):
    response = steward_client.post(reverse("admin:tracker_sourcedocument_add"), add_source_data())
    source = SourceDocument.objects.get(slug="oslo-2010")
    assert response.status_code == 302
    assert response["Location"] == reverse("admin:tracker_sourcedocument_change", args=[source.pk])
    assert source.text == DECLARATION  # verbatim, decoration and final newline included
    assert source.preamble == "The ministers, meeting in Oslo on 3 March 2010, agreed as follows:"
    assert list(source.paragraphs.values_list("number", "text")) == [
        (1, split_paragraphs(DECLARATION, SplitStyle.NUMBERED)[1][0].text),
        (2, QUOTE),
        (3, "We call on donors to double their support for water projects."),
    ]
    created = Paragraph.history.filter(document_id=source.pk, history_type="+")
    assert created.count() == 3
    assert {(h.history_user, h.history_change_reason) for h in created} == {
        (steward, "Split from the text (numbered)")
    }

    page = steward_client.get(response["Location"])
    messages = [strip_tags(str(message)) for message in page.context["messages"]]
    assert "Split into 3 paragraphs: review them below, then add pledges." in messages
    assert f'href="/admin/tracker/pledge/add/?source={source.pk}"' in page.text
    assert QUOTE in page.text  # the paragraph inline, for review
    assert 'name="paragraphs-TOTAL_FORMS" value="3"' in page.text
    assert "Re-split paragraphs from the text" in page.text


def test_the_add_form_offers_the_split_style_and_no_paragraph_rows(steward_client):
    page = steward_client.get(reverse("admin:tracker_sourcedocument_add"))
    assert page.status_code == 200
    assert 'name="split_style"' in page.text and "reading order" in page.text
    assert "paragraphs-TOTAL_FORMS" not in page.text
    assert 'name="resplit"' not in page.text


def test_a_preamble_the_steward_typed_is_kept(steward_client):
    steward_client.post(
        reverse("admin:tracker_sourcedocument_add"), add_source_data(preamble="Agreed in Oslo.")
    )
    source = SourceDocument.objects.get(slug="oslo-2010")
    assert source.preamble == "Agreed in Oslo."
    assert source.paragraphs.count() == 3


def test_an_unnumbered_text_is_split_in_reading_order(steward_client):
    response = steward_client.post(
        reverse("admin:tracker_sourcedocument_add"),
        add_source_data(text=PRESS_RELEASE, split_style=SplitStyle.READING_ORDER),
    )
    assert response.status_code == 302
    source = SourceDocument.objects.get(slug="oslo-2010")
    assert source.text == PRESS_RELEASE
    assert source.preamble.startswith("2 May 2011")
    assert list(source.paragraphs.values_list("number", "section")) == [
        (1, ""),
        (2, ""),
        (3, "Further Work"),
        (4, "Further Work"),
    ]


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"text": "  \n\t "}, "text", "Paste the whole text of the document."),
        ({"text": "We met. We agreed."}, "split_style", "split it in reading order"),
        (
            {"split_style": SplitStyle.READING_ORDER, "first_paragraph_starts": "Nobody said"},
            "first_paragraph_starts",
            "The text has no “Nobody said”",
        ),
    ],
)
def test_a_text_that_cannot_be_split_is_refused_and_nothing_is_written(
    steward_client, overrides, field, message
):
    response = steward_client.post(
        reverse("admin:tracker_sourcedocument_add"), add_source_data(**overrides)
    )
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert any(message in error for error in errors[field]), errors
    assert not SourceDocument.objects.exists() and not Paragraph.objects.exists()


def test_a_re_split_replaces_the_paragraphs_and_the_preamble(steward_client):
    source = make_source(text=DECLARATION, preamble="Typed by hand.")
    old_ids = set(source.paragraphs.values_list("pk", flat=True))
    response = steward_client.post(
        reverse("admin:tracker_sourcedocument_change", args=[source.pk]),
        change_source_data(source, resplit="on"),
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("admin:tracker_sourcedocument_change", args=[source.pk])
    source.refresh_from_db()
    assert source.preamble == "The ministers, meeting in Oslo on 3 March 2010, agreed as follows:"
    assert source.text == DECLARATION
    assert source.paragraphs.count() == 3
    assert not old_ids & set(source.paragraphs.values_list("pk", flat=True))
    assert Paragraph.history.filter(document_id=source.pk, history_type="-").count() == 2


def test_a_re_split_is_refused_once_a_pledge_cites_the_document(steward_client):
    pledge = make_pledge()
    source = pledge.source
    before = list(source.paragraphs.values_list("pk", "number", "text"))
    response = steward_client.post(
        reverse("admin:tracker_sourcedocument_change", args=[source.pk]),
        change_source_data(source, resplit="on", text=DECLARATION),
    )
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors["resplit"]
    assert "1 pledge cites this document by paragraph number" in errors[0]
    assert list(source.paragraphs.values_list("pk", "number", "text")) == before
    assert SourceDocument.objects.get(pk=source.pk).text != DECLARATION


def test_saving_without_re_split_leaves_the_paragraphs_alone(steward_client):
    source = make_source(text=DECLARATION)
    before = list(source.paragraphs.values_list("pk", "number", "text"))
    response = steward_client.post(
        reverse("admin:tracker_sourcedocument_change", args=[source.pk]),
        change_source_data(source, place="Oslo, Norway"),
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("admin:tracker_sourcedocument_changelist")
    assert list(source.paragraphs.values_list("pk", "number", "text")) == before
    assert SourceDocument.objects.get(pk=source.pk).place == "Oslo, Norway"


# --- the whole flow: paste, split, quote, publish -------------------------------


def test_a_new_declaration_goes_from_paste_to_the_public_site(steward_client):
    steward_client.post(reverse("admin:tracker_sourcedocument_add"), add_source_data())
    source = SourceDocument.objects.get(slug="oslo-2010")
    add_pledge = reverse("admin:tracker_pledge_add")

    form = steward_client.get(f"{add_pledge}?source={source.pk}")
    assert form.status_code == 200
    assert form.context["adminform"].form.initial["source"] == str(source.pk)

    refused = steward_client.post(add_pledge, add_pledge_data(source, PARAPHRASE))
    assert refused.status_code == 200
    assert "not a verbatim span" in refused.text
    assert not Pledge.objects.exists()

    accepted = steward_client.post(add_pledge, add_pledge_data(source, QUOTE))
    assert accepted.status_code == 302
    pledge = Pledge.objects.get(ref="oslo-2010-2.1")
    assert (pledge.source, pledge.paragraph, pledge.quote) == (source, 2, QUOTE)

    steward_client.logout()  # the public site, as a visitor
    page = steward_client.get(f"/sources/{source.slug}/")
    assert page.status_code == 200
    assert source.title in page.text
    assert 'id="quote-oslo-2010-2.1"' in page.text
    assert 'id="p3"' in page.text
    listing = steward_client.get(f"/pledges/?source={source.slug}")
    assert listing.status_code == 200
    assert "oslo-2010-2.1" in listing.text


def test_the_paragraph_is_found_from_the_quote(steward_client):
    steward_client.post(reverse("admin:tracker_sourcedocument_add"), add_source_data())
    source = SourceDocument.objects.get(slug="oslo-2010")
    data = add_pledge_data(source, QUOTE)
    del data["paragraph"]
    response = steward_client.post(reverse("admin:tracker_pledge_add"), data)
    assert response.status_code == 302
    assert Pledge.objects.get(ref="oslo-2010-2.1").paragraph == 2


# --- permissions ----------------------------------------------------------------


def make_visitor():
    return None


def make_staff_without_role():
    return make_user("staff-only", is_staff=True)


OTHER_ROLES = {
    "anonymous": make_visitor,
    "signed in": make_user,
    "reporter": make_reporter,
    "assessor": make_assessor,
    "staff without the Steward group": make_staff_without_role,
}


def try_everything(client, source):
    """Add a source, re-split one, add a pledge: the steward's three writes."""
    return [
        client.post(reverse("admin:tracker_sourcedocument_add"), add_source_data()),
        client.post(
            reverse("admin:tracker_sourcedocument_change", args=[source.pk]),
            change_source_data(source, resplit="on", text=DECLARATION),
        ),
        client.post(
            reverse("admin:tracker_pledge_add"),
            add_pledge_data(source, QUOTE),
        ),
    ]


@pytest.mark.parametrize("role", OTHER_ROLES)
def test_only_stewards_may_add_or_split_sources_or_quote_them(client, role):
    source = make_source(slug="existing")
    before = list(Paragraph.objects.values_list("pk", "number", "text"))
    user = OTHER_ROLES[role]()
    if user is not None:
        client.force_login(user)
    for response in try_everything(client, source):
        if user is not None and user.is_staff:
            assert response.status_code == 403
        else:
            assert response.status_code == 302
            assert response["Location"].startswith(reverse("admin:login"))
    assert list(SourceDocument.objects.values_list("slug", flat=True)) == ["existing"]
    assert list(Paragraph.objects.values_list("pk", "number", "text")) == before
    assert not Pledge.objects.exists()


def test_a_user_who_may_only_view_sources_sees_no_split_controls(client):
    viewer = make_user("viewer", is_staff=True)
    viewer.user_permissions.add(Permission.objects.get(codename="view_sourcedocument"))
    client.force_login(viewer)
    source = make_source()
    page = client.get(reverse("admin:tracker_sourcedocument_change", args=[source.pk]))
    assert page.status_code == 200
    assert 'name="resplit"' not in page.text and "We pledge to do the first thing." in page.text


def test_the_change_form_offers_the_style_the_text_needs(steward_client):
    numbered = make_source(text=DECLARATION)
    unnumbered = make_source(text=PRESS_RELEASE)
    for source, style in [(numbered, SplitStyle.NUMBERED), (unnumbered, SplitStyle.READING_ORDER)]:
        page = steward_client.get(reverse("admin:tracker_sourcedocument_change", args=[source.pk]))
        assert page.context["adminform"].form["split_style"].value() == style


def test_a_steward_may_do_all_of_it(client):
    client.force_login(make_steward("another-steward"))
    source = make_source(slug="existing", text=DECLARATION)
    assert [r.status_code for r in try_everything(client, source)] == [302, 302, 302]
    assert SourceDocument.objects.filter(slug="oslo-2010").exists()
    assert source.paragraphs.count() == 3
    assert Pledge.objects.get(ref="oslo-2010-2.1").source == source
