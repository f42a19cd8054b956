"""What the API reads, and each resource as a plain dict (written by
``tracker.api.schemas``).

A page of 100 pledges carries a thousand updates, each with a link. So the
pledge endpoints read tuples (``values_list``), never model instances: four
queries for a page (its ids, the pledges with their source, every tag, every
update), and the links are built from the site's route templates
(tracker/links.py) made absolute once per request, not one ``reverse()`` per
row. Building 1,100 model instances (and an actor
and an author for each update) was half of a page's 155 ms of CPU.
"""

from collections import defaultdict
from contextlib import nullcontext
from functools import cache

from django.conf import settings
from django.db import connection
from django.db.models import CharField, Prefetch, Value
from django.db.models.expressions import RawSQL
from django.utils import translation

from tracker.exports import id_set
from tracker.filtersets import CURRENT_COLUMNS
from tracker.links import PLACEHOLDER, around, route
from tracker.models import CommitmentType, Pledge, StatementKind, Status, StatusUpdate
from tracker.vocabulary import TAG_KINDS


class Links:
    """Absolute URLs for one request: ``links.pledge(ref)`` and so on, from
    the route templates tracker/links.py reverses once per process."""

    NAMES = {
        "pledge": "pledge-detail",
        "pledge_api": "api-v1:pledge-detail",
        "update_api": "api-v1:update-detail",
        "update": "update-detail",
        "source": "source-detail",
        "source_api": "api-v1:source-detail",
        "party": "party-detail",
    }

    def __init__(self, request):
        self.base = request.build_absolute_uri("/").rstrip("/")
        self.templates = {
            name: self.base + route(url_name) for name, url_name in self.NAMES.items()
        }

    def __getattr__(self, name):
        template = self.__dict__["templates"][name]
        return lambda value: template.replace(PLACEHOLDER, str(value))

    def absolute(self, path):
        return self.base + path

    def around(self, name):
        """``(before, after)``: ``name``'s URL for a value is before + value +
        after, for the loop over a page's thousand updates."""
        before, after = around(self.NAMES[name])
        return self.base + before, after


def native_timestamps():
    """A context in which PostgreSQL's timestamps are read by psycopg's own
    loader (its C one, with psycopg[binary]) rather than Django's.

    Django reads every ``timestamptz`` through a subclass of psycopg's
    pure-Python loader that then replaces the tzinfo with the connection's
    time zone (django/db/backends/postgresql/psycopg_any.py). A page of 100
    pledges reads some 1,500 of them (each update's ``created``, and
    ``withdrawn_at`` when set), and parsing them in Python took a quarter of
    the page's time. psycopg's loader gives the same datetimes whenever the
    session's time zone is Django's, as it is under USE_TZ (both UTC): only
    then is it used, per cursor, so nothing else that runs on the connection
    changes. Elsewhere (SQLite, psycopg2, or a session in another zone) this
    does nothing."""
    if connection.vendor != "postgresql":
        return nullcontext()
    from django.db.backends.postgresql.psycopg_any import is_psycopg3

    if not is_psycopg3:  # psycopg2 has no loaders to swap
        return nullcontext()
    return connection.execute_wrapper(use_native_timestamp_loader)


def use_native_timestamp_loader(execute, sql, params, many, context):
    """An execute wrapper (see native_timestamps())."""
    from psycopg import adapters
    from psycopg.pq import Format

    cursor = context["cursor"].cursor
    if cursor.connection.info.timezone == context["connection"].timezone:
        oid = adapters.types["timestamptz"].oid
        cursor.adapters.register_loader(oid, adapters.get_loader(oid, Format.TEXT))
    return execute(sql, params, many, context)


def updates_newest_first():
    return StatusUpdate.objects.select_related("actor", "author").newest_first()


def pledges_with_relations(pks, queryset=None, updates=None):
    """The pledges ``pks`` as model instances, in that order, each with its
    tags and every update (for the old /api/pledges/): five queries whatever
    the number of pledges (one, then one per relation). ``queryset`` and
    ``updates`` narrow them (the list's ?as_of= day)."""
    base = Pledge.objects.all() if queryset is None else queryset
    updates = updates_newest_first() if updates is None else updates
    pledges = base.filter(pk__in=pks).order_by().with_source()
    pledges = pledges.prefetch_related(
        # Plain lists (to_attr): a related manager's .all() per pledge clones
        # a queryset each time.
        Prefetch("themes", to_attr="theme_list"),
        Prefetch("actors", to_attr="actor_list"),
        Prefetch("instruments", to_attr="instrument_list"),
        Prefetch("updates", queryset=updates, to_attr="update_list"),
    )
    by_pk = {pledge.pk: pledge for pledge in pledges}
    return [by_pk[pk] for pk in pks if pk in by_pk]


def update_fields(update, links):
    return {
        "id": update.pk,
        "url": links.update_api(update.pk),
        "as_of": update.as_of,
        "status": update.status,
        "kind": update.kind,
        "actor": update.actor.slug if update.actor_id else None,
        "author": update.author.username,
        "summary": update.summary,
        "evidence_url": update.evidence_url,
        "evidence_reference": update.evidence_reference,
        "created": update.created,
        "withdrawn_at": update.withdrawn_at,
        "withdrawal_reason": update.withdrawal_reason,
    }


def update_dict(update, links):
    """A status update with its pledge; ``update.pledge`` is only read for
    its ref (``StatusUpdate.objects.with_pledge()``)."""
    data = update_fields(update, links)
    data["pledge"] = update.pledge.ref
    data["pledge_url"] = links.pledge_api(update.pledge.ref)
    data["permalink"] = links.update(update.pk)
    return data


def described(choices):
    """``{value: {"value", "label", "definition"}}`` for a vocabulary whose
    members carry a definition (statuses, kinds of statement, types of
    commitment), built once rather than per pledge. In the site's default
    language, as plain strings: the API has no language prefix and always
    answers in English, whatever language the thread that imports this is in."""
    with translation.override(settings.LANGUAGE_CODE):
        return {
            member.value: {
                "value": member.value,
                "label": str(member.label),
                "definition": str(member.definition),
            }
            for member in choices
        }


STATUSES = described(Status)
STATEMENT_KINDS = described(StatementKind)
COMMITMENT_TYPES = described(CommitmentType)


def pledge_columns(columns):
    """The values_list lookups of pledge_dicts(); ``columns`` names the
    status and last-update columns (the FilterSet's ``columns``: the
    maintained ones, or those Pledge.objects.as_of() annotates)."""
    return [
        "pk",
        "ref",
        "title",
        "quote",
        "source__slug",
        "source__title",
        "source__short_title",
        "paragraph",
        "timeframe",
        "statement_kind",
        "commitment_type",
        columns["status"],
        columns["last_update"],
        "created",
        "updated",
    ]


UPDATE_COLUMNS = [
    "pledge_id",
    "pk",
    "as_of",
    "status",
    "kind",
    "actor__slug",
    "author__username",
    "summary",
    "evidence_url",
    "evidence_reference",
    "created",
    "withdrawn_at",
    "withdrawal_reason",
]


# The page's ids in the tags' statement, which is compiled once (tag_statement()).
PAGE_IDS = object()


def tag_union(ids):
    """The tags of the pledges ``ids`` (an id_set()) as one UNION ALL of the
    three link tables with their tags' columns: (pledge id, name, slug,
    symbol, relation), by pledge then name."""
    parts = []
    for relation, kind in TAG_KINDS.items():
        symbol = f"{kind}__symbol" if kind == "instrument" else "tag_symbol"
        part = (
            getattr(Pledge, relation)
            .through.objects.filter(pledge_id__in=ids)
            .annotate(
                relation=Value(relation, output_field=CharField()),
                tag_symbol=Value("", output_field=CharField()),
            )
            .values_list("pledge_id", f"{kind}__name", f"{kind}__slug", symbol, "relation")
            .order_by()
        )
        parts.append(part)
    # Ordered by the first part's column names: "theme__name" is every name.
    return parts[0].union(*parts[1:], all=True).order_by("pledge_id", "theme__name")


@cache
def tag_statement(vendor, ids_sql):
    """tag_union()'s SQL and parameters, with PAGE_IDS where the ids go.
    The statement is the same on every page, and building and compiling the
    three querysets and their union took as long as the database took to
    run it; so it is compiled once per process (per kind of database and
    id_set() form), and a page only fills in its ids."""
    union = tag_union(RawSQL(ids_sql, [PAGE_IDS]))
    sql, params = union.query.get_compiler(connection=connection).as_sql()
    return sql, tuple(params)


def tags_by_pledge(pks):
    """``{relation: {pledge id: [tag dict, ...]}}``, each list by name, in one
    query (tag_union())."""
    ids = id_set(pks)
    [value] = ids.params
    sql, params = tag_statement(connection.vendor, ids.sql)
    with connection.cursor() as cursor:
        cursor.execute(sql, [value if param is PAGE_IDS else param for param in params])
        rows = cursor.fetchall()
    found = {relation: defaultdict(list) for relation in TAG_KINDS}
    for pledge_id, name, slug, symbol, relation in rows:
        tag = (
            {"slug": slug, "name": name, "symbol": symbol}
            if relation == "instruments"
            else {"slug": slug, "name": name}
        )
        found[relation][pledge_id].append(tag)
    return found


def updates_by_pledge(pks, links, day=None, recorded_on=None):
    """``{pledge id: [update dict, ...]}``, newest first, in one query. With
    ``day`` (and ``recorded_on``), the history as the pledge page shows it
    on that day: updates dated by then (and entered by ``recorded_on``)."""
    found = defaultdict(list)
    rows = (
        StatusUpdate.objects.filter(pledge_id__in=id_set(pks))
        .entered_by(recorded_on)
        .dated_between(end=day)
        .newest_first()
        .values_list(*UPDATE_COLUMNS)
    )
    before, after = links.around("update_api")
    for (
        pledge_id,
        pk,
        as_of,
        status,
        kind,
        actor,
        author,
        summary,
        evidence_url,
        evidence_reference,
        created,
        withdrawn_at,
        withdrawal_reason,
    ) in rows:
        found[pledge_id].append(
            {
                "id": pk,
                "url": f"{before}{pk}{after}",
                "as_of": as_of,
                "status": status,
                "kind": kind,
                "actor": actor,
                "author": author,
                "summary": summary,
                "evidence_url": evidence_url,
                "evidence_reference": evidence_reference,
                "created": created,
                "withdrawn_at": withdrawn_at,
                "withdrawal_reason": withdrawal_reason,
            }
        )
    return found


def pledge_dicts(pks, links, filterset=None):
    """The pledges ``pks``, in that order, with their tags and every update:
    three queries whatever the number of pledges. ``filterset`` (the list
    page's, bound) sets the day they are read as of: its ``dated()`` and
    ``columns``, the rule the site's pages use, and the history up to then."""
    if not pks:
        return []
    queryset = Pledge.objects.filter(pk__in=id_set(pks)).order_by()
    columns, day, recorded_on = CURRENT_COLUMNS, None, None
    if filterset is not None:
        queryset, columns = filterset.dated(queryset), filterset.columns
        day, recorded_on = filterset.as_of_day, filterset.as_recorded_on
    with native_timestamps():
        by_pk = {row[0]: row for row in queryset.values_list(*pledge_columns(columns))}
        tags = tags_by_pledge(pks)
        updates = updates_by_pledge(pks, links, day, recorded_on)
    themes, actors, instruments = tags["themes"], tags["actors"], tags["instruments"]
    pledge_url, pledge_api, source_api, source_url = (
        links.pledge,
        links.pledge_api,
        links.source_api,
        links.source,
    )
    results = []
    for pk in pks:
        if pk not in by_pk:
            continue
        (
            _pk,
            ref,
            title,
            quote,
            source,
            source_title,
            short_title,
            paragraph,
            timeframe,
            statement_kind,
            commitment_type,
            status,
            last_update_as_of,
            created,
            updated,
        ) = by_pk[pk]
        results.append(
            {
                "ref": ref,
                "url": pledge_url(ref),
                "api_url": pledge_api(ref),
                "title": title,
                "quote": quote,
                "source": {
                    "slug": source,
                    "title": source_title,
                    "short_title": short_title,
                    "url": source_api(source),
                },
                "paragraph": paragraph,
                # The anchor rule of Paragraph.get_absolute_url() (#pN).
                "paragraph_url": f"{source_url(source)}#p{paragraph}",
                "timeframe": timeframe,
                "statement_kind": STATEMENT_KINDS.get(statement_kind),
                "commitment_type": COMMITMENT_TYPES.get(commitment_type),
                "themes": themes.get(pk, []),
                "actors": actors.get(pk, []),
                "instruments": instruments.get(pk, []),
                # Context is not a commitment and has no status.
                "current_status": (
                    STATUSES[status] if statement_kind != StatementKind.CONTEXT else None
                ),
                "last_update_as_of": last_update_as_of,
                "created": created,
                "updated": updated,
                "updates": updates.get(pk, []),
            }
        )
    return results
