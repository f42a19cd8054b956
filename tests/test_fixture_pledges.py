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
