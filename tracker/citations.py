"""How to cite a pledge or a status update: one ``Citation`` per record, and
from it the plain-text reference shown on the page (APA-like) and the three
files reference managers read: BibTeX, RIS and CSL-JSON.

A pledge is cited as the words of its text's authors (the issuing body, on
the day the text was adopted), at its paragraph, as published by Pledge
Tracker at the pledge's address. An update is cited as Pledge Tracker's
record (or its author's), on the day it was recorded, at its permanent
address. Both carry the day they were read (``accessed``), as a living web
record must."""

import json
import re
from dataclasses import dataclass, field
from datetime import date

from django.http import HttpResponse
from django.utils import timezone

PUBLISHER = "Pledge Tracker"

# The media types the formats are registered or known under.
CONTENT_TYPES = {
    "bib": "application/x-bibtex; charset=utf-8",
    "ris": "application/x-research-info-systems; charset=utf-8",
    "json": "application/vnd.citationstyles.csl+json; charset=utf-8",
}


@dataclass
class Citation:
    key: str  # BibTeX key and CSL id
    author: str  # an institution or a person, as one literal name
    title: str
    issued: date
    url: str
    accessed: date
    container: str = ""  # the text a pledge stands in
    locator: str = ""  # "paragraph 3"
    notes: list = field(default_factory=list)
    kind: str = "pledge"

    @property
    def plain(self):
        """APA-like: Author. (Year, Month Day). Title. In Container (locator).
        Publisher. Retrieved Month Day, Year, from URL"""
        issued = f"{self.issued.year}, {self.issued:%B} {self.issued.day}"
        parts = [f"{self.author}. ({issued}). {self.title}."]
        if self.container:
            parts.append(
                f"In {self.container}" + (f" ({self.locator})" if self.locator else "") + "."
            )
        if self.author != PUBLISHER:
            parts.append(f"{PUBLISHER}.")
        accessed = f"{self.accessed:%B} {self.accessed.day}, {self.accessed.year}"
        parts.append(f"Retrieved {accessed}, from {self.url}")
        return " ".join(parts)

    def bibtex(self):
        note = "; ".join(
            [*([self.locator] if self.locator else []), *self.notes]
            + [f"accessed {self.accessed.isoformat()}"]
        )
        fields = [
            # Double braces: an institution's name is one name, not
            # "first last" (BibTeX would print "Tracker, P.").
            ("author", "{" + bibtex_escape(self.author) + "}"),
            ("title", bibtex_escape(self.title)),
            ("year", str(self.issued.year)),
            ("month", self.issued.strftime("%b").lower()),
            ("date", self.issued.isoformat()),
            ("publisher", bibtex_escape(PUBLISHER)),
            ("url", bibtex_url(self.url)),
            ("urldate", self.accessed.isoformat()),
            ("note", bibtex_escape(note)),
        ]
        if self.container:
            fields.insert(2, ("booktitle", bibtex_escape(self.container)))
        body = ",\n".join(f"  {name} = {{{value}}}" for name, value in fields)
        # @month is a macro: month = {sep} would print literally, month = sep not.
        body = re.sub(r"month = \{(\w+)\}", r"month = \1", body)
        return f"@misc{{{self.key},\n{body}\n}}\n"

    def ris(self):
        """RIS: one ``TAG  - value`` per line, CRLF, from TY to ER."""
        lines = [
            ("TY", "ELEC"),
            ("AU", self.author),
            ("TI", self.title),
            ("PY", str(self.issued.year)),
            ("DA", self.issued.strftime("%Y/%m/%d/")),
            *([("T2", self.container)] if self.container else []),
            *([("SP", self.locator)] if self.locator else []),
            ("PB", PUBLISHER),
            ("UR", self.url),
            ("Y2", self.accessed.strftime("%Y/%m/%d/")),
            *(("N1", note) for note in self.notes),
            ("ID", self.key),
            ("ER", ""),
        ]
        return "".join(f"{tag}  - {ris_value(value)}".rstrip(" ") + "\r\n" for tag, value in lines)

    def csl(self):
        item = {
            "id": self.key,
            # A pledge is words of a document; an update, a page of the record.
            "type": "webpage" if self.kind == "update" else "document",
            "title": self.title,
            "author": [{"literal": self.author}],
            "issued": {"date-parts": [date_parts(self.issued)]},
            "accessed": {"date-parts": [date_parts(self.accessed)]},
            "URL": self.url,
            "publisher": PUBLISHER,
        }
        if self.container:
            item["container-title"] = self.container
        if self.locator:
            item["locator"] = self.locator.removeprefix("paragraph ")
            item["label"] = "paragraph"
        if self.notes:
            item["note"] = "; ".join(self.notes)
        return json.dumps([item], ensure_ascii=False, indent=2) + "\n"


def date_parts(day):
    return [day.year, day.month, day.day]


# BibTeX's special characters, each as LaTeX writes it literally.
BIBTEX_SPECIALS = {
    "\\": r"\textbackslash{}",
    "{": r"\{",
    "}": r"\}",
    "%": r"\%",
    "&": r"\&",
    "$": r"\$",
    "#": r"\#",
    "_": r"\_",
    "~": r"\textasciitilde{}",
    "^": r"\textasciicircum{}",
}
BIBTEX_SPECIAL_RE = re.compile("|".join(re.escape(ch) for ch in BIBTEX_SPECIALS))


def bibtex_escape(text):
    """``text`` safe inside a braced BibTeX value: every special character
    escaped, so a brace in a title cannot end the field or open a command."""
    return BIBTEX_SPECIAL_RE.sub(
        lambda match: BIBTEX_SPECIALS[match.group()], " ".join(text.split())
    )


def bibtex_url(url):
    """A URL as the url field takes it: verbatim, except what would break
    the braces or start a comment."""
    return url.replace("{", "%7B").replace("}", "%7D").replace("%", r"\%")


def ris_value(value):
    """One line: RIS has no escaping, so line breaks become spaces."""
    return " ".join(str(value).split())


def citation_key(*parts):
    """A BibTeX key (also the CSL id): letters, digits, hyphens and dots."""
    return re.sub(r"[^A-Za-z0-9.-]+", "-", "-".join(str(part) for part in parts)).strip("-")


def paragraph_locator(pledge, numbers_printed):
    if numbers_printed:
        return f"paragraph {pledge.paragraph}"
    return f"paragraph {pledge.paragraph}, as numbered by {PUBLISHER}"


def pledge_citation(pledge, url, numbers_printed, today=None):
    """``pledge`` (with its source) as its text's authors' words."""
    source = pledge.source
    notes = [f"Pledge {pledge.ref}"]
    if source.document_symbol:
        notes.append(f"Document symbol {source.document_symbol}")
    if source.url:
        notes.append(f"Official text: {source.url}")
    return Citation(
        key=citation_key("pledgetracker", pledge.ref),
        author=source.issuing_body,
        title=pledge.title,
        issued=source.date_adopted,
        url=url,
        accessed=today or timezone.localdate(),
        container=source.title,
        locator=paragraph_locator(pledge, numbers_printed),
        notes=notes,
    )


def update_citation(update, url, today=None):
    """``update`` (with its pledge and author) as the tracker's record."""
    author = PUBLISHER
    if not update.is_historical_record:
        author = update.author.get_full_name() or update.author.get_username()
    notes = [f"Evidence: {update.evidence_reference or update.evidence_url}"]
    if update.is_withdrawn:
        notes.append(f"Withdrawn on {update.withdrawn_at:%Y-%m-%d}: {update.withdrawal_reason}")
    return Citation(
        key=citation_key("pledgetracker", update.pledge.ref, "update", update.pk),
        author=author,
        title=(
            f"{update.pledge.ref}: {update.get_status_display()} as of "
            f"{update.as_of.day} {update.as_of:%B %Y}"
        ),
        issued=timezone.localdate(update.created),
        url=url,
        accessed=today or timezone.localdate(),
        notes=notes,
        kind="update",
    )


def download(citation, file_format):
    """The citation as a file of ``file_format`` (bib, ris or json)."""
    body = {"bib": citation.bibtex, "ris": citation.ris, "json": citation.csl}[file_format]()
    response = HttpResponse(body, content_type=CONTENT_TYPES[file_format])
    response["Content-Disposition"] = f'attachment; filename="{citation.key}.{file_format}"'
    return response
