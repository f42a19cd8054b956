"""The seed fixture ``fixtures/pledges.json``: the two source texts, their
paragraphs and every pledge in them, checked against the source files in
``fixtures/sources``."""

import json
import re
from collections import defaultdict
from pathlib import Path

import pytest
from django.core.management import call_command

from tests.helpers import SOURCE_TEXTS
from tracker.models import (
    Actor,
    Instrument,
    Paragraph,
    Pledge,
    SourceDocument,
    Status,
    StatusUpdate,
    Theme,
    Timeframe,
)
from tracker.quotes import normalise_for_quote

pytestmark = pytest.mark.django_db

FIXTURE = Path(__file__).resolve().parent.parent / "fixtures" / "pledges.json"
PLEDGE_ROWS = [
    row
    for row in json.loads(FIXTURE.read_text(encoding="utf-8"))
    if row["model"] == "tracker.pledge"
]
REF_PREFIX = {"asem-copenhagen-2002": "asem-2002", "un-regional-organizations-2003": "hlm5-2003"}
REF_RE = re.compile(r"^(?P<prefix>[a-z0-9]+-\d{4})-(?P<para>\d+)\.(?P<n>\d+)\Z")


def clean_asem(raw):
    """Drop the lines that hold only ``|`` and the `` |`` after the last paragraph."""
    lines = [line for line in raw.split("\n") if line.strip() != "|"]
    return "\n".join(lines).removesuffix(" |")


def clean_un(raw):
    """Drop the ``* *** *`` end marker and the blank lines around it."""
    return raw.rstrip("\n").removesuffix("* *** *").rstrip("\n")


SOURCES = {
    # slug: (file name, cleanup, number of paragraphs)
    "asem-copenhagen-2002": ("asem-copenhagen-declaration-2002.txt", clean_asem, 9),
    "un-regional-organizations-2003": (
        "un-regional-organizations-hlm5-conclusions-2003.txt",
        clean_un,
        10,
    ),
}


def raw_source(slug):
    name = SOURCES[slug][0]
    return (SOURCE_TEXTS / name).read_text(encoding="utf-8")


@pytest.fixture
def loaded():
    call_command("loaddata", "pledges", verbosity=0)


def test_loads_sources_paragraphs_and_pledges(loaded):
    assert set(SourceDocument.objects.values_list("slug", flat=True)) == set(SOURCES)
    for slug, (_, _, paragraphs) in SOURCES.items():
        assert Paragraph.objects.filter(document__slug=slug).count() == paragraphs
    assert Pledge.objects.count() == len(PLEDGE_ROWS) >= 35
    assert not StatusUpdate.objects.exists()
    assert set(Pledge.objects.values_list("current_status", flat=True)) == {Status.NO_INFORMATION}
    assert not Pledge.objects.filter(last_update_as_of__isnull=False).exists()


@pytest.mark.parametrize("row", PLEDGE_ROWS, ids=lambda row: row["fields"]["ref"])
def test_pledge_quotes_its_paragraph_verbatim(loaded, row):
    pledge = Pledge.objects.select_related("source").get(pk=row["pk"])
    pledge.full_clean()  # includes: the quote stands in the recorded paragraph
    quote = normalise_for_quote(pledge.quote)
    assert quote in normalise_for_quote(raw_source(pledge.source.slug))
    elsewhere = [
        p.number
        for p in pledge.source.paragraphs.exclude(number=pledge.paragraph)
        if quote in normalise_for_quote(p.text)
    ]
    assert elsewhere == [], f"the quote also stands in paragraph(s) {elsewhere}"
    assert len(pledge.title) <= 120
    assert pledge.themes.exists() and pledge.actors.exists()


def test_refs_are_unique_well_formed_and_in_reading_order(loaded):
    refs = [row["fields"]["ref"] for row in PLEDGE_ROWS]
    assert len(refs) == len(set(refs))
    by_paragraph = defaultdict(list)
    for pledge in Pledge.objects.select_related("source"):
        match = REF_RE.match(pledge.ref)
        assert match, pledge.ref
        assert match["prefix"] == REF_PREFIX[pledge.source.slug], pledge.ref
        assert int(match["para"]) == pledge.paragraph, pledge.ref
        by_paragraph[pledge.source_id, pledge.paragraph].append((int(match["n"]), pledge))
    for (_, number), items in by_paragraph.items():
        items.sort(key=lambda item: item[0])
        assert [n for n, _ in items] == list(range(1, len(items) + 1)), number
        text = normalise_for_quote(items[0][1].paragraph_object().text)
        positions = [text.index(normalise_for_quote(p.quote)) for _, p in items]
        assert positions == sorted(positions), f"refs of paragraph {number} out of reading order"


@pytest.mark.parametrize("slug", SOURCES)
def test_source_text_is_the_cleaned_file_and_paragraphs_cover_it(loaded, slug):
    _, clean, _ = SOURCES[slug]
    document = SourceDocument.objects.get(slug=slug)
    assert document.text == clean(raw_source(slug))

    # After the preamble, the text is the paragraphs in order, with nothing
    # between them but white space, the paragraph numbers and section headings.
    assert document.preamble and document.preamble in document.text
    position = document.text.index(document.preamble) + len(document.preamble)
    paragraphs = list(document.paragraphs.order_by("number"))
    assert [p.number for p in paragraphs] == list(range(1, len(paragraphs) + 1))
    for paragraph in paragraphs:
        assert paragraph.text == paragraph.text.strip()
        start = document.text.find(paragraph.text, position)
        assert start >= 0, f"paragraph {paragraph.number} is not in the text in order"
        gap = document.text[position:start].strip()
        if paragraph.section and gap.startswith(paragraph.section):
            gap = gap.removeprefix(paragraph.section).strip()
        assert gap in ("", f"{paragraph.number}."), f"text dropped before ¶{paragraph.number}"
        position = start + len(paragraph.text)
    assert document.text[position:].strip() == ""


def test_every_row_passes_model_validation(loaded):
    for model in (SourceDocument, Paragraph, Theme, Actor, Instrument):
        for obj in model.objects.all():
            obj.full_clean()


def test_vocabularies_are_all_used_and_1373_spans_both_texts(loaded):
    for model in (Theme, Actor, Instrument):
        unused = model.objects.filter(pledges__isnull=True).values_list("slug", flat=True)
        assert list(unused) == [], f"unused {model.__name__} rows"
    res_1373 = Instrument.objects.get(slug="sc-res-1373")
    assert res_1373.symbol == "S/RES/1373 (2001)"
    assert set(res_1373.pledges.values_list("source__slug", flat=True)) == set(SOURCES)


def test_asem_paragraph_9_timeframes(loaded):
    asem = Pledge.objects.filter(source__slug="asem-copenhagen-2002")
    mechanism = asem.filter(instruments__slug="asem-consultative-mechanism")
    root_causes = asem.filter(paragraph=9, themes__slug="root-causes-poverty-development")
    assert mechanism.exists() and root_causes.exists()
    assert {p.timeframe for p in mechanism} == {Timeframe.SHORT_TO_MEDIUM}
    assert {p.timeframe for p in root_causes} == {Timeframe.LONG_TERM}
    # Only ASEM paragraph 9 sets a timeframe.
    assert (
        not Pledge.objects.exclude(source__slug="asem-copenhagen-2002", paragraph=9)
        .exclude(timeframe=Timeframe.UNSPECIFIED)
        .exists()
    )


# --- Modality, titles and sources, as the clause-by-clause review of December 2026 settled them.

F, S, D, C = "firm_undertaking", "soft_commitment", "declaratory_position", "context"
DEL, PRI, PRO = "deliverable", "standing_principle", "process"
MODALITY = {
    "asem-2002-1.1": (D, PRI),
    "asem-2002-1.2": (S, PRO),
    "asem-2002-2.1": (F, PRO),
    "asem-2002-2.2": (S, PRI),
    "asem-2002-2.3": (S, PRI),
    "asem-2002-3.1": (S, PRI),
    "asem-2002-3.2": (F, PRO),
    "asem-2002-3.3": (S, PRI),
    "asem-2002-3.4": (S, PRO),
    "asem-2002-3.5": (F, PRO),
    "asem-2002-3.6": (S, DEL),
    "asem-2002-3.7": (S, DEL),
    "asem-2002-4.1": (F, PRI),
    "asem-2002-5.1": (S, PRI),
    "asem-2002-6.1": (F, PRO),
    "asem-2002-7.1": (F, PRO),
    "asem-2002-7.2": (D, PRI),
    "asem-2002-8.1": (F, PRO),
    "asem-2002-9.1": (F, DEL),
    "asem-2002-9.2": (F, PRO),
    "asem-2002-9.3": (F, PRO),
    "asem-2002-9.4": (F, PRO),
    "hlm5-2003-1.1": (C, ""),
    "hlm5-2003-2.1": (S, PRI),
    "hlm5-2003-2.2": (S, PRI),
    "hlm5-2003-2.3": (S, PRO),
    "hlm5-2003-2.4": (S, PRO),
    "hlm5-2003-3.1": (S, PRI),
    "hlm5-2003-3.2": (S, PRI),
    "hlm5-2003-3.3": (S, PRO),
    "hlm5-2003-3.4": (S, PRO),
    "hlm5-2003-3.5": (S, PRI),
    "hlm5-2003-4.1": (F, PRI),
    "hlm5-2003-4.2": (S, PRI),
    "hlm5-2003-4.3": (S, PRI),
    "hlm5-2003-5.1": (C, ""),
    "hlm5-2003-5.2": (S, PRI),
    "hlm5-2003-5.3": (S, PRO),
    "hlm5-2003-5.4": (S, PRO),
    "hlm5-2003-6.1": (S, PRI),
    "hlm5-2003-6.2": (S, DEL),
    "hlm5-2003-7.1": (S, PRI),
    "hlm5-2003-7.2": (C, ""),
    "hlm5-2003-7.3": (S, PRI),
    "hlm5-2003-8.1": (S, PRO),
    "hlm5-2003-8.2": (S, PRO),
    "hlm5-2003-8.3": (C, ""),
    "hlm5-2003-8.4": (C, ""),
    "hlm5-2003-9.1": (S, PRO),
    "hlm5-2003-10.1": (F, PRO),
    "hlm5-2003-10.2": (F, PRO),
}


def test_every_pledge_records_its_modality(loaded):
    found = {
        ref: (kind, commitment_type)
        for ref, kind, commitment_type in Pledge.objects.values_list(
            "ref", "statement_kind", "commitment_type"
        )
    }
    assert found == MODALITY
    # The review's clause counts: ASEM 11 firm, 9 soft, 2 declaratory; HLM5 3 firm,
    # 19 soft and 2 borderline (counted as soft here), and 5 passages of context.
    kinds = [kind for kind, _ in MODALITY.values()]
    assert (kinds.count(F), kinds.count(S), kinds.count(D), kinds.count(C)) == (14, 30, 2, 5)


def test_the_migration_classifies_existing_databases_as_the_fixture_does():
    """Migration 0012 classifies the shipped pledges of a database that loaded
    them before modality existed; it must agree with the fixture."""
    from importlib import import_module

    migration = import_module("tracker.migrations.0012_modality_and_source_symbols")
    assert migration.SHIPPED == MODALITY


@pytest.mark.parametrize(
    ("ref", "title"),
    [
        # The review's eight material corrections, modal verbs kept.
        ("hlm5-2003-1.1", "Participants' view that working together could have a major impact"),
        ("hlm5-2003-2.2", "Force should be used in accordance with the UN Charter, under the"),
        ("hlm5-2003-5.1", "Concern voiced about discrimination against peoples or cultures"),
        ("hlm5-2003-7.2", "Observation that success against poverty and deprivation could"),
        ("hlm5-2003-8.3", "Particular concern voiced about the proliferation of weapons"),
        ("hlm5-2003-8.4", "The problem of the illicit trade in small arms noted"),
        ("asem-2002-3.4", "Recognise the need for technical assistance to third countries"),
        ("asem-2002-4.1", "Reaffirm commitment to GA resolution 56/24 T on disarmament, non-"),
        # Minor ones.
        ("asem-2002-3.5", "Work towards accession to and implementation of"),
        ("asem-2002-3.6", "Stress the importance of concluding the negotiations on the Comp"),
        ("asem-2002-3.7", "Stress the importance of concluding the negotiations on the Nucl"),
        ("asem-2002-3.3", "Attach great importance to the work of"),
        ("asem-2002-6.1", "Strengthen consultation, cooperation and coordination by expanding"),
        ("hlm5-2003-6.2", "Develop cooperative mechanisms to monitor and peer-review the appl"),
        ("hlm5-2003-5.4", "Multilateral organizations to address discrimination and promote"),
    ],
)
def test_titles_say_what_the_text_says(loaded, ref, title):
    assert Pledge.objects.get(ref=ref).title.startswith(title)


def test_no_title_overstates_force_or_invents_an_aim(loaded):
    titles = dict(Pledge.objects.values_list("ref", "title"))
    assert "only" not in titles["hlm5-2003-2.2"].split()
    assert "constituencies" in titles["hlm5-2003-1.1"] and "reach" not in titles["hlm5-2003-1.1"]
    assert "multilingualism" in titles["hlm5-2003-5.4"]


def test_sources_record_their_symbol_url_kind_and_settled_date(loaded):
    from datetime import date

    asem = SourceDocument.objects.get(slug="asem-copenhagen-2002")
    # Adopted on the summit's first day: China's MFA copy is headed 23 September
    # 2002, People's Daily (24 Sept) reports it "adopted on Monday", and Japan's
    # Prime Minister files it under 23 September; see docs/history-sources.md.
    assert asem.date_adopted == date(2002, 9, 23)
    assert asem.url == "https://www.mofa.go.jp/policy/economy/asem/asem4/terro.html"
    assert "Chairman's Statement of 24 September 2002" in asem.document_kind
    hlm5 = SourceDocument.objects.get(slug="un-regional-organizations-2003")
    assert hlm5.document_symbol == "SG/2084"
    assert hlm5.url == "https://unis.unvienna.org/unis/en/pressrels/2003/sg2084.html"
    assert hlm5.title.startswith("Chairman's conclusions of the Fifth High-Level Meeting")
    assert hlm5.document_kind.startswith("Chairman's conclusions")
    # The text labels itself so: the press release gives the Chairman's conclusions.
    assert "the conclusions of Secretary-General Kofi Annan, Chairman" in hlm5.text
