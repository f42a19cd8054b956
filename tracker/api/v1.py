"""API v1, at /api/v1/: the OpenAPI document at /api/v1/openapi.json and its
interactive page at /api/v1/docs (Swagger UI, served from django-ninja's own
static files, so it needs no CDN and passes the site's CSP).

Read endpoints are public. Lists page by cursor (``tracker.api.cursor``) and
take exactly the parameters they document: an unknown or invalid one is a 400
that names it, never a silently unfiltered list. The pledge list's filters are
the list page's FilterSet, so the same URL query selects the same pledges on
the site, in its CSV exports and here.

Each view builds its response itself (``schemas.render``): pydantic validates
the body against the documented schema and writes the JSON; ninja's own
request parsing is not used, so that every message about a parameter comes
from the FilterSet or the form the site uses.
"""

import json

from django.db import transaction
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.urls import reverse
from ninja import NinjaAPI
from ninja.errors import AuthenticationError
from ninja.openapi.docs import Swagger
from ninja.security import HttpBearer

from tracker import parties
from tracker.api import cursor, export, matrix, schemas, throttling
from tracker.api.data import (
    COMMITMENT_TYPES,
    STATEMENT_KINDS,
    Links,
    pledge_dicts,
    update_dict,
)
from tracker.api.filtersets import StatusUpdateFilterSet
from tracker.api.http import too_many
from tracker.api.openapi import filter_parameters, paging_parameters
from tracker.filtersets import (
    DATE_PARAMETERS,
    PledgeFilterSet,
    dated_filterset,
    valid_filterset,
)
from tracker.forms import StatusUpdateForm
from tracker.models import (
    Actor,
    CommitmentType,
    Instrument,
    Pledge,
    SourceDocument,
    StatementKind,
    StatusUpdate,
    Theme,
    id_set,
)
from tracker.views import not_their_pledge

DEFAULT_PAGE_SIZE = 50
MAX_PAGE_SIZE = 100
PAGING_PARAMETERS = ("cursor", "page_size")
PAGING = paging_parameters(DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE)

DESCRIPTION = """\
The record of the Pledge Tracker: every pledge of the ASEM Copenhagen
Declaration (2002) and of the Fifth UN–Regional Organizations High-Level
Meeting (2003), quoted verbatim, with the evidenced status updates on each.

* Reading is public and needs no key. Lists come a page at a time: follow
  `next` (also in the `Link` header) until it is null.
* The record on any past day: `?as_of=YYYY-MM-DD` on the pledges, the matrix
  and the pledge export gives every status as the updates dated on or before
  that day make it (as the record stands today: withdrawn updates do not
  count); add `recorded_on=YYYY-MM-DD` for the record as the tracker held it
  at the end of that day (updates entered later left out, withdrawals made
  later not applied).
* Anonymous GETs carry `ETag`, `Last-Modified` and `Cache-Control`; send
  `If-None-Match` to get a `304 Not Modified` while nothing has changed.
* Writing needs a personal API token (create one at /account/tokens/), sent as
  `Authorization: Bearer <token>`.
* Requests are rate-limited per token and per address: a `429` says when to
  try again (`Retry-After`).
* The whole record at once: the streaming exports under `/api/v1/export/`.
"""


def error_response(description):
    return {
        "description": description,
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
    }


class TrackerAPI(NinjaAPI):
    """Documents the answers that the middleware (tracker.api.http) can give
    to any request, beside each operation's own."""

    def get_openapi_schema(self, *, path_prefix=None, path_params=None):
        schema = super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
        for operations in schema["paths"].values():
            for method, operation in operations.items():
                responses = operation["responses"]
                if method == "get":
                    responses.setdefault(
                        304, {"description": "Not modified: nothing changed since the ETag sent."}
                    )
                    responses.setdefault(
                        401, error_response("A token was sent that is unknown, expired or revoked.")
                    )
                responses.setdefault(429, error_response("Too many requests: see Retry-After."))
                responses.setdefault(
                    500, error_response("An error on the server; nothing changed.")
                )
        # The exports' line schemas, which no JSON response names.
        components = schema.setdefault("components", {}).setdefault("schemas", {})
        for model in (schemas.PledgeLine, schemas.UpdateLine):
            definition = model.model_json_schema(ref_template="#/components/schemas/{model}")
            components.update(definition.pop("$defs", {}))
            components[model.__name__] = definition
        return schema


api = TrackerAPI(
    title="Pledge Tracker API",
    version="1",
    description=DESCRIPTION,
    urls_namespace="api-v1",
    openapi_url="/openapi.json",
    docs=Swagger(settings={"deepLinking": True, "defaultModelsExpandDepth": 0}),
    docs_url="/docs",
)

NOT_FOUND = {404: schemas.Error}
BAD_REQUEST = {400: schemas.Error}


class BadRequest(Exception):
    """Invalid parameters: ``errors`` maps each one to its messages."""

    def __init__(self, errors):
        self.errors = errors
        super().__init__(errors)


@api.exception_handler(BadRequest)
def bad_request(request, exc):
    return schemas.error(400, "These parameters are not valid.", exc.errors)


@api.exception_handler(Http404)
def not_found(request, exc):
    return schemas.error(404, "There is nothing at this address.")


def refuse_unknown(params, known):
    unknown = sorted(set(params) - set(known) - set(PAGING_PARAMETERS))
    if unknown:
        raise BadRequest({name: ["This API does not know this parameter."] for name in unknown})


def page_size(params):
    raw = params.get("page_size", "").strip()
    if not raw:
        return DEFAULT_PAGE_SIZE
    if not raw.isdigit() or not 1 <= int(raw) <= MAX_PAGE_SIZE:
        raise BadRequest({"page_size": [f"Ask for 1 to {MAX_PAGE_SIZE} items a page."]})
    return int(raw)


def filter_data(params):
    data = params.copy()
    for name in PAGING_PARAMETERS:
        data.pop(name, None)
    return data


def valid_pledge_filters(params):
    """The list page's FilterSet bound to the query; its errors are a 400."""
    filterset, errors = valid_filterset(filter_data(params))
    if errors:
        raise BadRequest(errors)
    return filterset


def valid_update_filters(params):
    filterset = StatusUpdateFilterSet(
        filter_data(params), queryset=StatusUpdate.objects.newest_first()
    )
    if not filterset.is_valid():
        raise BadRequest({name: list(messages) for name, messages in filterset.errors.items()})
    return filterset


def page_of(request, queryset, size):
    try:
        return cursor.page_of(queryset, size, request.GET.get("cursor") or None)
    except cursor.InvalidCursor:
        raise BadRequest(
            {"cursor": ["This cursor is not valid here; start again from the first page."]}
        ) from None


def paged_response(request, schema, results, page, links, trusted=False, **fields):
    """The page with ``next``/``previous`` links, also in a ``Link`` header;
    ``fields`` go in the body beside them."""

    def url(token):
        if token is None:
            return None
        query = request.GET.copy()
        query["cursor"] = token
        return f"{links.absolute(request.path)}?{query.urlencode()}"

    next_url, previous_url = url(page.next_cursor), url(page.previous_cursor)
    response = schemas.render(
        schema,
        {**fields, "results": results, "next": next_url, "previous": previous_url},
        trusted=trusted,
    )
    link = [f'<{u}>; rel="{rel}"' for u, rel in ((next_url, "next"), (previous_url, "prev")) if u]
    if link:
        response["Link"] = ", ".join(link)
    return response


# --- Pledges -----------------------------------------------------------------


@api.get(
    "/pledges/",
    response={200: schemas.PledgePage, **BAD_REQUEST},
    url_name="pledge-list",
    tags=["pledges"],
    summary="List pledges",
    description="Pledges in the list page's order (or the one asked for), each with its "
    "kind of statement, type of commitment, tags and every status update, a page at a "
    "time. The filters are those of /pledges/; with `as_of` every status, filter and "
    "order follows that day's record, and each pledge's updates are those dated by then.",
    openapi_extra={"parameters": [*filter_parameters(PledgeFilterSet), *PAGING]},
)
def list_pledges(request):
    refuse_unknown(request.GET, PledgeFilterSet.base_filters)
    size = page_size(request.GET)
    filterset = valid_pledge_filters(request.GET)
    page = page_of(request, filterset.qs, size)
    links = Links(request)
    results = pledge_dicts(page.pks, links, filterset)
    return paged_response(request, schemas.PledgePage, results, page, links, trusted=True)


@api.get(
    "/pledges/{ref:ref}/",
    response={200: schemas.PledgeOut, **BAD_REQUEST, **NOT_FOUND},
    url_name="pledge-detail",
    tags=["pledges"],
    summary="One pledge",
    description="The pledge with this ref, its tags and every status update; with `as_of`, "
    "as it stood on that day (a 404 if its text had not been adopted by then).",
    openapi_extra={
        "parameters": filter_parameters(
            PledgeFilterSet, exclude=set(PledgeFilterSet.base_filters) - set(DATE_PARAMETERS)
        )
    },
)
def get_pledge(request, ref: str):
    refuse_unknown(request.GET, DATE_PARAMETERS)
    filterset, errors = dated_filterset(request.GET)
    if errors:
        raise BadRequest(errors)
    pk = filterset.dated(Pledge.objects.filter(ref=ref)).values_list("pk", flat=True).first()
    pledges = pledge_dicts([pk], Links(request), filterset) if pk else []
    if not pledges:
        if filterset.as_of_day is not None:
            not_yet_in_the_record(ref, filterset.as_of_day)
        raise Http404
    return schemas.render(schemas.PledgeOut, pledges[0], trusted=True)


def not_yet_in_the_record(ref, day):
    """The 404 of a pledge that exists today but not on ``day``, saying why."""
    adopted = Pledge.objects.filter(ref=ref).values_list("source_adopted", flat=True).first()
    if adopted is not None:
        raise NotInTheRecord(
            f"{ref} was not in the record on {day.isoformat()}: its text was adopted on "
            f"{adopted.isoformat()}, or the pledge entered the tracker later."
        )


class NotInTheRecord(Exception):
    """A pledge asked for as of a day before it was in the record."""


@api.exception_handler(NotInTheRecord)
def not_in_the_record(request, exc):
    return schemas.error(404, str(exc))


# --- Status updates ------------------------------------------------------------


class TokenAuth(HttpBearer):
    """A personal API token (tracker.api.models.ApiToken), already checked by
    tracker.api.http.ApiMiddleware; the operation gets its user."""

    def authenticate(self, request, token):
        api_token = getattr(request, "api_token", None)
        return api_token.user if api_token is not None else None


@api.exception_handler(AuthenticationError)
def unauthenticated(request, exc):
    return schemas.error(401, "Send a valid API token: Authorization: Bearer <token>.")


# The body's fields: the form's, which validates them.
UPDATE_FIELDS = set(schemas.UpdateIn.model_fields)


@api.post(
    "/pledges/{ref:ref}/updates/",
    auth=TokenAuth(),
    response={
        201: schemas.UpdateOut,
        400: schemas.Error,
        401: schemas.Error,
        403: schemas.Error,
        404: schemas.Error,
        429: schemas.Error,
    },
    url_name="pledge-update-create",
    tags=["updates"],
    summary="Log a status update",
    description="Log a status update on the pledge, as its form on the site does and under "
    "the same rules: a Reporter self-reports for the actors they report for; an Assessor "
    "logs independent assessments; a Steward either. A refused update is not saved, and "
    "the answer gives the form's messages for each field.",
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {"application/json": {"schema": schemas.UpdateIn.model_json_schema()}},
        }
    },
)
def create_update(request, ref: str):
    user = request.auth
    wait = throttling.wait_for("write", request.api_token.pk)
    if wait is not None:
        return too_many(wait)
    if not user.has_perm("tracker.log_update"):
        return schemas.error(
            403,
            "This account may not log status updates: it needs the Reporter, "
            "Assessor or Steward role.",
        )
    pledge = get_object_or_404(Pledge.objects.with_source(), ref=ref)
    if not user.has_perm("tracker.log_update_on_pledge", pledge):
        return schemas.error(403, not_their_pledge(user))
    data, errors = form_data(request.body)
    if errors:
        return schemas.error(400, "The update was not saved.", errors)
    # The site's form, so the rules and the messages are the same; the actor
    # is named by slug rather than by the form's numeric id.
    form = StatusUpdateForm(data, instance=StatusUpdate(pledge=pledge, author=user), user=user)
    form.fields["actor"].to_field_name = "slug"
    if not form.is_valid():
        errors = {name: list(messages) for name, messages in form.errors.items()}
        return schemas.error(400, "The update was not saved.", errors)
    # The answer is built before the commit: if anything fails, nothing is
    # saved, and the 500 that says so tells the truth.
    with transaction.atomic():
        update = form.save()
        links = Links(request)
        response = schemas.render(schemas.UpdateOut, update_dict(update, links), status=201)
    response["Location"] = links.update_api(update.pk)
    return response


def form_data(body):
    """The JSON body as the form's data, or the errors that stop it."""
    try:
        payload = json.loads(body or b"null")
    except (ValueError, UnicodeDecodeError):
        payload = None
    if not isinstance(payload, dict):
        return None, {"__all__": ["Send the update as a JSON object."]}
    errors = {
        name: ["A status update has no such field."]
        for name in payload
        if name not in UPDATE_FIELDS
    }
    data = {}
    for name, value in payload.items():
        if value is None:
            continue
        if not isinstance(value, str):
            errors[name] = ["Give this field as a string."]
        data[name] = value
    return data, errors


@api.get(
    "/updates/",
    response={200: schemas.UpdatePage, **BAD_REQUEST},
    url_name="update-list",
    tags=["updates"],
    summary="List status updates",
    description="Status updates, newest first (by as_of, then when they were recorded), "
    "withdrawn ones included and marked, a page at a time.",
    openapi_extra={"parameters": [*filter_parameters(StatusUpdateFilterSet), *PAGING]},
)
def list_updates(request):
    refuse_unknown(request.GET, StatusUpdateFilterSet.base_filters)
    size = page_size(request.GET)
    filterset = valid_update_filters(request.GET)
    page = page_of(request, filterset.qs, size)
    links = Links(request)
    updates = StatusUpdate.objects.filter(pk__in=page.pks).select_related(
        "actor", "author", "pledge"
    )
    by_pk = {u.pk: u for u in updates.only(*UPDATE_COLUMNS)}
    results = [update_dict(by_pk[pk], links) for pk in page.pks if pk in by_pk]
    return paged_response(request, schemas.UpdatePage, results, page, links)


# An update's own columns and the one column of each relation it shows.
UPDATE_COLUMNS = [
    *(f.name for f in StatusUpdate._meta.concrete_fields),
    "pledge__ref",
    "actor__slug",
    "author__username",
]


@api.get(
    "/updates/{int:update_id}/",
    response={200: schemas.UpdateOut, **NOT_FOUND},
    url_name="update-detail",
    tags=["updates"],
    summary="One status update",
)
def get_update(request, update_id: int):
    update = get_object_or_404(
        StatusUpdate.objects.select_related("actor", "author", "pledge").only(*UPDATE_COLUMNS),
        pk=update_id,
    )
    return schemas.render(schemas.UpdateOut, update_dict(update, Links(request)))


# --- Vocabularies and sources -----------------------------------------------------


def pledges_filtered_by(links, name, slug):
    return f"{links.absolute(reverse('api-v1:pledge-list'))}?{name}={slug}"


def source_summary(source, links):
    return {
        "slug": source.slug,
        "title": source.title,
        "short_title": source.short_title,
        "issuing_body": source.issuing_body,
        "place": source.place,
        "date_adopted": source.date_adopted,
        "date_published": source.date_published,
        "official_url": source.url,
        "url": links.source(source.slug),
        "api_url": links.source_api(source.slug),
        "pledges_url": pledges_filtered_by(links, "source", source.slug),
    }


@api.get(
    "/sources/",
    response={200: schemas.SourceList, **BAD_REQUEST},
    url_name="source-list",
    tags=["sources"],
    summary="List the source texts",
)
def list_sources(request):
    refuse_unknown(request.GET, ())
    links = Links(request)
    sources = SourceDocument.objects.without_text()
    return schemas.render(
        schemas.SourceList, {"results": [source_summary(s, links) for s in sources]}
    )


@api.get(
    "/sources/{slug:slug}/",
    response={200: schemas.SourceOut, **NOT_FOUND},
    url_name="source-detail",
    tags=["sources"],
    summary="One source text, paragraph by paragraph",
)
def get_source(request, slug: str):
    source = get_object_or_404(SourceDocument.objects.defer("text"), slug=slug)
    links = Links(request)
    paragraph_base = links.source(source.slug)
    data = source_summary(source, links)
    data["preamble"] = source.preamble
    data["paragraphs"] = [
        {
            "number": p.number,
            "section": p.section,
            "text": p.text,
            "url": f"{paragraph_base}#{p.anchor}",
        }
        for p in source.paragraphs.order_by("number")
    ]
    return schemas.render(schemas.SourceOut, data)


@api.get(
    "/themes/",
    response={200: schemas.ThemeList, **BAD_REQUEST},
    url_name="theme-list",
    tags=["vocabularies"],
    summary="List the themes",
)
def list_themes(request):
    refuse_unknown(request.GET, ())
    links = Links(request)
    results = [
        {
            "slug": theme.slug,
            "name": theme.name,
            "description": theme.description,
            "pledges_url": pledges_filtered_by(links, "theme", theme.slug),
        }
        for theme in Theme.objects.order_by("name")
    ]
    return schemas.render(schemas.ThemeList, {"results": results})


@api.get(
    "/actors/",
    response={200: schemas.ActorList, **BAD_REQUEST},
    url_name="actor-list",
    tags=["vocabularies"],
    summary="List the actors (the parties to the pledges)",
)
def list_actors(request):
    refuse_unknown(request.GET, ())
    links = Links(request)
    results = [
        {
            "slug": actor.slug,
            "name": actor.name,
            "kind": actor.kind,
            "kind_label": actor.get_kind_display(),
            "pledges_url": pledges_filtered_by(links, "actor", actor.slug),
        }
        for actor in Actor.objects.order_by("name")
    ]
    return schemas.render(schemas.ActorList, {"results": results})


@api.get(
    "/instruments/",
    response={200: schemas.InstrumentList, **BAD_REQUEST},
    url_name="instrument-list",
    tags=["vocabularies"],
    summary="List the instruments the pledges cite",
)
def list_instruments(request):
    refuse_unknown(request.GET, ())
    links = Links(request)
    results = [
        {
            "slug": item.slug,
            "name": item.name,
            "symbol": item.symbol,
            "kind": item.kind,
            "kind_label": item.get_kind_display(),
            "year": item.year,
            "official_url": item.url,
            "pledges_url": pledges_filtered_by(links, "instrument", item.slug),
        }
        for item in Instrument.objects.order_by("name")
    ]
    return schemas.render(schemas.InstrumentList, {"results": results})


# --- The matrix ------------------------------------------------------------------

MATRIX_DEFAULT_ROWS = 100
MATRIX_PAGING = paging_parameters(MATRIX_DEFAULT_ROWS, parties.MATRIX_ROWS_PER_PAGE)
MATRIX_FILTERS = [
    {**parameter, "required": True} if parameter["name"] == "source" else parameter
    for parameter in filter_parameters(PledgeFilterSet, exclude={"recorded_on"})
]


def matrix_page_size(params):
    raw = params.get("page_size", "").strip()
    if not raw:
        return MATRIX_DEFAULT_ROWS
    if not raw.isdigit() or not 1 <= int(raw) <= parties.MATRIX_ROWS_PER_PAGE:
        raise BadRequest(
            {"page_size": [f"Ask for 1 to {parties.MATRIX_ROWS_PER_PAGE} rows a page."]}
        )
    return int(raw)


@api.get(
    "/matrix/",
    response={200: schemas.MatrixPage, **BAD_REQUEST},
    url_name="matrix",
    tags=["parties"],
    summary="The pledge × party matrix of one source",
    description="The pledges of one text (`source`, required) that the list's filters "
    "select, in reading order, a page of rows at a time, each with one cell per party "
    "of the text: the party's own status on the pledge, from its latest self-report and "
    "the latest independent assessment (contested where they disagree). The same cells "
    "as /matrix/ and /matrix/data.json. With `as_of`, the cells and the pledges as the "
    "updates dated on or before that day make them.",
    openapi_extra={"parameters": [*MATRIX_FILTERS, *MATRIX_PAGING]},
)
def get_matrix(request):
    # recorded_on is not offered: the per-party rule
    # (StatusUpdate.objects.party_cells) reads the record as it stands today.
    refuse_unknown(request.GET, set(PledgeFilterSet.base_filters) - {"recorded_on"})
    size = matrix_page_size(request.GET)
    filterset = valid_pledge_filters(request.GET)
    slug = filterset.form.cleaned_data.get("source")
    if not slug:
        raise BadRequest(
            {"source": ["Say which text: the slug of a source, e.g. source=asem-copenhagen-2002."]}
        )
    source = SourceDocument.objects.without_text().get(slug=slug)
    party_list = parties.parties_of(source)
    page = page_of(request, parties.matrix_pledges(filterset.qs), size)
    pledges = parties.matrix_pledges(Pledge.objects.filter(pk__in=id_set(page.pks)))
    rows = matrix.matrix_rows(pledges, party_list, filterset.as_of_day)
    links = Links(request)
    return paged_response(
        request,
        schemas.MatrixPage,
        matrix.matrix_results(rows, party_list, links),
        page,
        links,
        trusted=True,
        source={
            "slug": source.slug,
            "title": source.title,
            "short_title": source.short_title,
            "url": links.source_api(source.slug),
        },
        as_of=filterset.as_of_day,
        parties=[
            {"slug": party.slug, "name": party.name, "url": links.party(party.slug)}
            for party in party_list
        ],
        legend=parties.legend(),
    )


@api.get(
    "/modality/",
    response={200: schemas.Modality, **BAD_REQUEST},
    url_name="modality",
    tags=["vocabularies"],
    summary="The kinds of statement and types of commitment",
    description="The two classifications of every pledge, with the definitions of the "
    "methodology page: how strongly its words commit (context commits no one) and what "
    "a commitment asks for, which decides the statuses that can apply.",
)
def get_modality(request):
    refuse_unknown(request.GET, ())
    links = Links(request)
    return schemas.render(
        schemas.Modality,
        {
            "statement_kinds": [
                {
                    **STATEMENT_KINDS[kind.value],
                    "is_commitment": kind.is_commitment,
                    "pledges_url": pledges_filtered_by(links, "statement_kind", kind.value),
                }
                for kind in StatementKind
            ],
            "commitment_types": [
                {
                    **COMMITMENT_TYPES[kind.value],
                    "allowed_statuses": kind.allowed_statuses,
                    "pledges_url": pledges_filtered_by(links, "commitment_type", kind.value),
                }
                for kind in CommitmentType
            ],
        },
    )


# --- Bulk exports -------------------------------------------------------------------

EXPORT_RESPONSES = {
    **BAD_REQUEST,
    503: schemas.Error,  # every export slot is streaming: try again after Retry-After
}


def export_endpoint(path, url_name, filterset_class, line_schema, line, summary, description):
    """The operation decorator of an export: one JSON object a line (``line``
    says what each is), documented by ``line_schema``, taking
    ``filterset_class``' parameters."""
    return api.get(
        path,
        response=EXPORT_RESPONSES,
        url_name=url_name,
        tags=["exports"],
        summary=summary,
        description=description,
        openapi_extra={
            "parameters": filter_parameters(filterset_class),
            "responses": {
                "200": {
                    "description": line,
                    "content": {
                        "application/x-ndjson": {
                            "schema": {"$ref": f"#/components/schemas/{line_schema.__name__}"}
                        }
                    },
                }
            },
        },
    )


def start_export(request):
    """The export's slot, or the refusal: the hourly limit, or every slot busy."""
    if request.api_token is not None:
        wait = throttling.wait_for("export_token", request.api_token.pk)
    else:
        wait = throttling.wait_for("export_anonymous", throttling.client_address(request))
    if wait is not None:
        return None, too_many(wait)
    slot = export.Slot.take()
    if slot is None:
        response = schemas.error(
            503, "Every export slot is in use. Please try again in a minute; nothing is lost."
        )
        response["Retry-After"] = str(export.BUSY_RETRY_AFTER)
        return None, response
    return slot, None


def streamed_export(request, filterset_class, validate, lines, basename):
    """An export's whole answer: the parameters checked (a 400 names the bad
    ones) before a slot is taken, then ``lines(filterset)`` streamed as NDJSON
    while the slot is held."""
    refuse_unknown(request.GET, filterset_class.base_filters)
    filterset = validate(request.GET)
    slot, refusal = start_export(request)
    if refusal:
        return refusal
    return export.ndjson_response(lines(filterset), slot, basename)


@export_endpoint(
    "/export/pledges.ndjson",
    "export-pledges",
    PledgeFilterSet,
    schemas.PledgeLine,
    "One pledge a line.",
    summary="Every pledge, one JSON object a line",
    description="The pledges the filters select (the list page's filters; all of them "
    "without), in the list's order, streamed as NDJSON: each line a pledge with its kind "
    "of statement, type of commitment, its tags' slugs and its latest update; with "
    "`as_of`, as they stood on that day. Limited per hour per token or address, and to "
    "a few at a time across the site.",
)
def export_pledges(request):
    prefix = request.build_absolute_uri(reverse("pledge-list"))
    return streamed_export(
        request,
        PledgeFilterSet,
        valid_pledge_filters,
        lambda filterset: export.pledge_lines(
            filterset.qs, prefix, export.pledge_fields(filterset), filterset.vocabulary
        ),
        "pledges",
    )


@export_endpoint(
    "/export/updates.ndjson",
    "export-updates",
    StatusUpdateFilterSet,
    schemas.UpdateLine,
    "One status update a line.",
    summary="Every status update, one JSON object a line",
    description="The status updates the filters select (those of /api/v1/updates/), newest "
    "first, withdrawn ones included and marked, streamed as NDJSON.",
)
def export_updates(request):
    return streamed_export(
        request,
        StatusUpdateFilterSet,
        valid_update_filters,
        lambda filterset: export.update_lines(filterset.qs),
        "status-updates",
    )
