"""What the API returns, as pydantic models: the OpenAPI schema is generated
from these, and every response body is validated against them before it
goes out (``render()``), so the document and the answers cannot drift apart.
"""

from datetime import date, datetime

from django.http import HttpResponse
from ninja import Schema
from pydantic import Field
from pydantic_core import to_json

from tracker.models import Status, Timeframe, UpdateKind


class Error(Schema):
    """Every error under /api/: a sentence, and for invalid input, the
    messages for each parameter or field that was refused."""

    detail: str = Field(examples=["These parameters are not valid."])
    errors: dict[str, list[str]] | None = Field(
        default=None, examples=[{"theme": ["There is no theme “nope”."]}]
    )


class Tag(Schema):
    slug: str
    name: str


class InstrumentTag(Tag):
    symbol: str


class SourceRef(Schema):
    slug: str
    title: str
    short_title: str
    url: str = Field(description="This source in the API, with its paragraphs.")


class StatusOut(Schema):
    value: Status
    label: str
    definition: str


class PledgeUpdate(Schema):
    """One update in a pledge's history."""

    id: int
    url: str = Field(description="This update in the API.")
    as_of: date
    status: Status
    kind: UpdateKind
    actor: str | None = Field(description="The actor's slug; null for the pledge as a whole.")
    author: str
    summary: str
    evidence_url: str
    evidence_reference: str
    created: datetime
    withdrawn_at: datetime | None = Field(
        description="Withdrawn updates stay in the record but no longer count."
    )
    withdrawal_reason: str


class PledgeOut(Schema):
    ref: str
    url: str = Field(description="The pledge's page on the site.")
    api_url: str = Field(description="This pledge in the API.")
    title: str
    quote: str = Field(description="The pledge's words, verbatim from its source.")
    source: SourceRef
    paragraph: int
    paragraph_url: str
    timeframe: Timeframe
    themes: list[Tag]
    actors: list[Tag]
    instruments: list[InstrumentTag]
    current_status: StatusOut
    last_update_as_of: date | None
    created: datetime
    updated: datetime
    updates: list[PledgeUpdate] = Field(description="Every update, newest first.")


class UpdateOut(PledgeUpdate):
    pledge: str = Field(description="The pledge's ref.")
    pledge_url: str = Field(description="The pledge in the API.")
    permalink: str = Field(description="The update on its pledge's timeline on the site.")


class PledgePage(Schema):
    results: list[PledgeOut]
    next: str | None = Field(description="The next page, or null on the last one.")
    previous: str | None = Field(description="The previous page, or null on the first one.")


class UpdatePage(Schema):
    results: list[UpdateOut]
    next: str | None
    previous: str | None


class ParagraphOut(Schema):
    number: int
    section: str
    text: str
    url: str


class SourceSummary(Schema):
    slug: str
    title: str
    short_title: str
    issuing_body: str
    place: str
    date_adopted: date
    date_published: date | None
    official_url: str
    url: str = Field(description="The source's page on the site.")
    api_url: str
    pledges_url: str = Field(description="Its pledges in the API.")


class SourceOut(SourceSummary):
    preamble: str
    paragraphs: list[ParagraphOut]


class SourceList(Schema):
    results: list[SourceSummary]


class ThemeOut(Schema):
    slug: str
    name: str
    description: str
    pledges_url: str


class ThemeList(Schema):
    results: list[ThemeOut]


class ActorOut(Schema):
    slug: str
    name: str
    kind: str
    kind_label: str
    pledges_url: str


class ActorList(Schema):
    results: list[ActorOut]


class InstrumentOut(Schema):
    slug: str
    name: str
    symbol: str
    kind: str
    kind_label: str
    year: int | None
    official_url: str
    pledges_url: str


class InstrumentList(Schema):
    results: list[InstrumentOut]


class UpdateIn(Schema):
    """A new status update: the fields of the site's form, under its rules."""

    status: Status
    as_of: date = Field(description="The date the observation refers to (YYYY-MM-DD).")
    kind: UpdateKind
    actor: str | None = Field(
        default=None,
        description="The actor's slug; leave it out for the pledge as a whole. "
        "A Reporter's self-report names one of the actors they report for.",
    )
    summary: str
    evidence_url: str = Field(default="", description="http:// or https://")
    evidence_reference: str = Field(default="", description="A document symbol.")


class LatestUpdate(Schema):
    as_of: date
    status: Status
    summary: str
    evidence_url: str
    evidence_reference: str


class PledgeLine(Schema):
    """One line of /api/v1/export/pledges.ndjson: a pledge with its tags'
    slugs and its latest update that counts (overall or one actor's)."""

    ref: str
    url: str
    title: str
    source: str
    paragraph: int
    quote: str
    timeframe: Timeframe
    themes: list[str]
    actors: list[str]
    instruments: list[str]
    current_status: Status
    last_update_as_of: date | None
    latest_update: LatestUpdate | None


class UpdateLine(Schema):
    """One line of /api/v1/export/updates.ndjson."""

    id: int
    pledge: str
    as_of: date
    status: Status
    kind: UpdateKind
    actor: str | None
    author: str
    summary: str
    evidence_url: str
    evidence_reference: str
    created: datetime
    withdrawn_at: datetime | None
    withdrawal_reason: str


def render(schema, data, status=200, trusted=False):
    """``data`` as JSON, written by pydantic-core in Rust.

    Normally validated against ``schema`` first. ``trusted`` skips that, for
    the pledge pages alone: a page of 100 pledges is 1,100 objects, and
    validating them was as costly as reading them. Their shape is held to
    the schema by the tests instead (every test validates every response it
    gets against the OpenAPI document)."""
    # fallback=str: vocabulary labels are lazy translations (in English here,
    # as /api/ has no language prefix); pydantic-core does not know the type.
    body = to_json(data, fallback=str) if trusted else schema.model_validate(data).model_dump_json()
    return HttpResponse(body, status=status, content_type="application/json")


def error(status, detail, errors=None):
    return render(Error, {"detail": detail, "errors": errors}, status=status)
