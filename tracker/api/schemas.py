"""What the API returns, as pydantic models: the OpenAPI schema is generated
from these, and every response body is validated against them before it
goes out (``render()``), so the document and the answers cannot drift apart.
"""

from datetime import date, datetime

from django.http import HttpResponse
from ninja import Schema
from pydantic import Field
from pydantic_core import to_json

from tracker.models import CommitmentType, StatementKind, Status, Timeframe, UpdateKind


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


class StatementKindOut(Schema):
    """What kind of statement the pledge's words make (see /methodology/)."""

    value: StatementKind
    label: str
    definition: str


class CommitmentTypeOut(Schema):
    """What kind of thing the commitment asks for; it decides which statuses can apply."""

    value: CommitmentType
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
    statement_kind: StatementKindOut | None = Field(description="Null if not classified yet.")
    commitment_type: CommitmentTypeOut | None = Field(
        description="Null for context, which is not a commitment."
    )
    themes: list[Tag]
    actors: list[Tag]
    instruments: list[InstrumentTag]
    current_status: StatusOut | None = Field(
        description="The status on the day read (?as_of=; today without it). Null for "
        "context, which is not a commitment and has no status."
    )
    last_update_as_of: date | None = Field(
        description="The date of the latest update of any kind on the day read."
    )
    created: datetime
    updated: datetime
    updates: list[PledgeUpdate] = Field(
        description="Every update, newest first; as of a day, those dated by then "
        "(and with ?recorded_on=, entered by then)."
    )


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


class Definition(Schema):
    value: str
    label: str
    definition: str


class StatementKindDefinition(Definition):
    value: StatementKind
    is_commitment: bool = Field(
        description="False for context: it commits no one, takes no status and is "
        "left out of every count."
    )
    pledges_url: str


class CommitmentTypeDefinition(Definition):
    value: CommitmentType
    allowed_statuses: list[Status] = Field(
        description="The statuses an update on such a commitment may record."
    )
    pledges_url: str


class Modality(Schema):
    """The two classifications of a pledge, as the methodology page defines them."""

    statement_kinds: list[StatementKindDefinition]
    commitment_types: list[CommitmentTypeDefinition]


class CellSide(Schema):
    status: Status
    update: int = Field(description="The id of the latest such update.")
    url: str = Field(description="That update in the API.")


class MatrixCell(Schema):
    """One pledge for one party, as the matrix page and /matrix/data.json show it."""

    status: str = Field(
        description="A status, “contested” (the latest self-report and the latest "
        "independent assessment disagree) or “not_applicable” (a steward narrowed the "
        "pledge to other parties); see `legend`."
    )
    label: str
    self_report: CellSide | None = Field(
        default=None, description="The party's latest self-report, if any."
    )
    independent_assessment: CellSide | None = Field(
        default=None, description="The latest independent assessment, if any."
    )


class MatrixRow(Schema):
    ref: str
    title: str
    url: str = Field(description="The pledge's page on the site.")
    api_url: str
    cells: dict[str, MatrixCell] = Field(description="One cell per party, by the party's slug.")


class MatrixParty(Schema):
    slug: str
    name: str
    url: str = Field(description="The party's page on the site.")


class MatrixPage(Schema):
    source: SourceRef
    as_of: date | None = Field(description="The day the cells are read as of; null for today.")
    parties: list[MatrixParty] = Field(description="The columns, by name.")
    legend: list[Definition] = Field(description="Every cell status, with its definition.")
    results: list[MatrixRow] = Field(description="The rows: pledges, in reading order.")
    next: str | None
    previous: str | None


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
    statement_kind: StatementKind | None
    commitment_type: CommitmentType | None = Field(description="Null for context.")
    themes: list[str]
    actors: list[str]
    instruments: list[str]
    current_status: Status | None = Field(
        description="On the day read (?as_of=); null for context, which has no status."
    )
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
