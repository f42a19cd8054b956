"""Split a source text into paragraphs, and make the drafts a document's
paragraphs. No admin code: the stewards' form that calls this when a new
declaration is pasted in (or re-split) is ``tracker/admin/forms.py``.

``split_paragraphs(text, style)`` is pure: it returns ``(preamble, drafts)``
and never alters the text it is given, which the source document keeps
verbatim. Two styles:

**Numbered** (the ASEM declaration: "1.We … 2.We …"). A paragraph starts at a
marker "N." or "N)" (any spaces between it and the first word), where N is
the *next* number expected, 1, 2, 3 …, and the marker stands at the start of
a line or after whitespace that follows the end of a sentence (. ; : ! ? or a
closing quote). So "1373 (2001)." and "56/24/T" never split a paragraph,
"9." is a marker only after "8.", and "paragraph 3. We" inside a sentence is
not one either. The text before "1." is the preamble, without its leading
title lines (a one-line title above the introduction repeats the document's
title). A line of up to 120 characters without closing punctuation, just
before a marker and under a line that ends a sentence, is a section heading
for the paragraphs that follow.

**Reading order** (the UN conclusions). Paragraphs are the blocks of text
between blank lines, numbered 1, 2, 3 … as they come. A block that is one
short line without closing punctuation ("Further Work") is a section
heading (up to 120 characters, the size of ``Paragraph.section``), applied
to the paragraphs under it, not a paragraph; as the last block it stays a
paragraph, so no words are dropped. The preamble
is the opening header: the one-line blocks without closing punctuation at
the top (a press release's date line and headline) and, if the next block
ends with a colon ("NEW YORK, 30 July … this afternoon:"), that
introduction too. When that rule misreads a text, ``first_paragraph_starts``
(the first words of the first paragraph) says where the paragraphs begin.

In both styles, lines that hold no letter or digit ("|", "* *** *") are
decoration and are dropped, as is such a mark at the very end of a paragraph
("… activities. |").
"""

import re
from typing import NamedTuple

from django.db import models

from tracker.models import Paragraph

# A heading must fit Paragraph.section.
HEADING_MAX_LENGTH = Paragraph._meta.get_field("section").max_length

# What ends a sentence (before a paragraph marker), and what ends a line that
# is not a heading.
SENTENCE_END = ".;:!?…"
NOT_A_HEADING_END = SENTENCE_END + ","
CLOSING_QUOTES = "\"'”’»"
CLOSING_MARKS = CLOSING_QUOTES + ")]"

# "1." or "3)" standing before the paragraph's first word (or opening quote).
MARKER_RE = re.compile(r"(?<!\S)(?P<number>\d{1,3})[.)](?=\s*(?:[^\W\d_]|[\"“‘(\[]))")
# A decoration mark left at the end of the text, as in "… activities. |".
TRAILING_DECORATION_RE = re.compile(r"(?:\s+[|*#=~_]+)+\s*\Z")


class SplitStyle(models.TextChoices):
    NUMBERED = "numbered", "Numbered paragraphs (1. 2. 3. …)"
    READING_ORDER = "reading_order", "Unnumbered: blocks of text in reading order"


class ParagraphDraft(NamedTuple):
    number: int
    section: str
    text: str


class SplitError(ValueError):
    """The text cannot be split as asked; ``code`` says why."""

    def __init__(self, message, code):
        super().__init__(message)
        self.message = message
        self.code = code


def split_paragraphs(text, style, first_paragraph_starts=""):
    """Split ``text`` into ``(preamble, [ParagraphDraft, …])`` by ``style``
    (a ``SplitStyle``); see the module docstring for the rules. Raises
    ``SplitError`` when no paragraph can be found."""
    text = (text or "").replace("\r\n", "\n").replace("\r", "\n")
    if not text.strip():
        raise SplitError("The text is empty: paste the whole text of the document.", "empty")
    if style == SplitStyle.NUMBERED:
        return _split_numbered(text)
    if style == SplitStyle.READING_ORDER:
        return _split_reading_order(text, first_paragraph_starts.strip())
    raise ValueError(f"Unknown split style {style!r}.")


def numbers_printed(text):
    """Whether ``text`` prints its paragraph numbers ("1. … 2. …"), so that a
    paragraph's number is the text's own; otherwise the tracker assigned the
    numbers, in reading order, and every page that shows one says so. The
    same test that offers a re-split its style (tracker/admin/forms.py)."""
    try:
        _split_numbered((text or "").replace("\r\n", "\n").replace("\r", "\n"))
    except SplitError:
        return False
    return True


def is_decoration(line):
    return bool(line.strip()) and not any(ch.isalnum() for ch in line)


def is_heading(line, max_length=HEADING_MAX_LENGTH):
    """One line with a letter and no closing punctuation, e.g. "Further Work"."""
    line = line.strip()
    if not line or "\n" in line or not any(ch.isalpha() for ch in line):
        return False
    if max_length is not None and len(line) > max_length:
        return False
    return line.rstrip(CLOSING_MARKS)[-1:] not in NOT_A_HEADING_END


def ends_sentence(line):
    return line.rstrip().rstrip(CLOSING_QUOTES)[-1:] in SENTENCE_END


def _clean_lines(chunk):
    """The chunk's lines without decoration, and without leading/trailing blank lines."""
    lines = [line.rstrip() for line in chunk.split("\n") if not is_decoration(line)]
    while lines and not lines[0].strip():
        lines.pop(0)
    while lines and not lines[-1].strip():
        lines.pop()
    return lines


def _paragraph_text(lines):
    return TRAILING_DECORATION_RE.sub("", "\n".join(lines)).strip()


def _pop_trailing_heading(lines):
    """Take a section heading off the end of a chunk: a short last line under
    a line that ends a sentence (so the last item of a list is not taken)."""
    above = [line for line in lines[:-1] if line.strip()]
    if above and is_heading(lines[-1]) and ends_sentence(above[-1]):
        heading = lines.pop().strip()
        while lines and not lines[-1].strip():
            lines.pop()
        return heading
    return ""


def _marker_starts_paragraph(text, start):
    before = text[:start].rstrip(" \t\u00a0")
    if not before or before.endswith("\n"):
        return True
    return ends_sentence(before)


def _split_numbered(text):
    markers = []
    for match in MARKER_RE.finditer(text):
        if int(match["number"]) == len(markers) + 1 and _marker_starts_paragraph(
            text, match.start()
        ):
            markers.append(match)
    if not markers:
        raise SplitError(
            "No paragraph numbered “1.” was found. If the paragraphs of this text are "
            "not numbered, split it in reading order.",
            "no_numbered_paragraphs",
        )

    lines = _clean_lines(text[: markers[0].start()])
    section = _pop_trailing_heading(lines)
    # Leading one-line headings are the title, which the document's title holds.
    while lines and (is_heading(lines[0], None) or not lines[0].strip()):
        lines.pop(0)
    preamble = "\n".join(lines).strip()

    drafts = []
    for index, marker in enumerate(markers):
        end = markers[index + 1].start() if index + 1 < len(markers) else len(text)
        lines = _clean_lines(text[marker.end() : end])
        next_section = _pop_trailing_heading(lines) if index + 1 < len(markers) else ""
        drafts.append(ParagraphDraft(index + 1, section, _paragraph_text(lines)))
        section = next_section or section
    return preamble, drafts


def _blocks(text):
    """``(start offset, block text)`` for each run of non-blank lines."""
    return [
        (match.start(), match.group())
        for match in re.finditer(r"[^\n]*\S[^\n]*(?:\n[^\n]*\S[^\n]*)*", text)
    ]


def _split_reading_order(text, first_paragraph_starts):
    blocks = [(start, block) for start, block in _blocks(text) if not is_decoration(block)]
    if first_paragraph_starts:
        begin = text.find(first_paragraph_starts)
        if begin < 0:
            raise SplitError(
                f"The text has no “{first_paragraph_starts}”: copy the first words of the "
                "first paragraph exactly.",
                "first_paragraph_not_found",
            )
        body = [(max(s, begin), b[max(0, begin - s) :]) for s, b in blocks if s + len(b) > begin]
    else:
        count = 0
        while count < len(blocks) and is_heading(blocks[count][1], None):
            count += 1
        if count < len(blocks) and blocks[count][1].rstrip().endswith(":"):
            count += 1
        body = blocks[count:]
    preamble = "\n".join(_clean_lines(text[: body[0][0]])) if body else ""

    drafts, section = [], ""
    for index, (_, block) in enumerate(body):
        is_last = index + 1 == len(body)
        # A heading needs a paragraph under it; a heading-like last block is kept.
        if is_heading(block) and not is_last:
            section = block.strip()
            continue
        drafts.append(
            ParagraphDraft(len(drafts) + 1, section, _paragraph_text(_clean_lines(block)))
        )
    if not drafts:
        raise SplitError(
            "No paragraph was found after the heading lines: say where the first paragraph starts.",
            "no_paragraphs",
        )
    return preamble.strip(), drafts


def replace_paragraphs(document, drafts, reason):
    """Make ``drafts`` the document's paragraphs, one ``save()`` each (never
    bulk_create) so the edit history records every one, with ``reason``."""
    for paragraph in document.paragraphs.all():
        paragraph._change_reason = reason
        paragraph.delete()
    for draft in drafts:
        paragraph = Paragraph(document=document, **draft._asdict())
        paragraph._change_reason = reason
        paragraph.save()
    return len(drafts)
