"""Public pages. Views stay thin: queries live in models, querysets and
``tracker/presenters.py``; filtering lives in ``tracker/filtersets.py``."""

from datetime import timedelta
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import get_script_prefix, reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.safestring import mark_safe
from django.utils.translation import gettext
from django.views.decorators.http import require_POST

from tracker import citations, parties, presenters, trends
from tracker.access import permission_required, refuse, who_to_ask
from tracker.caching import cached, cached_page, generation
from tracker.filtersets import (
    PledgeFilterSet,
    dated_filterset,
    valid_filterset,
    valid_update_dates,
)
from tracker.forms import ReviewRequestForm, StatusUpdateForm
from tracker.models import (
    SEARCH_FIELDS,
    Actor,
    PartyMembership,
    Pledge,
    SourceDocument,
    Status,
    StatusUpdate,
)
from tracker.pagination import PledgePaginator, page_number
from tracker.paragraphs import numbers_printed
from tracker.vocabulary import current as current_vocabulary

PLEDGES_PER_PAGE = 25
# The dashboard's latest events: how many, and how many of the newest updates
# are read to find them (one document can update dozens of pledges at once).
EVENTS_SHOWN = 10
UPDATES_READ_FOR_EVENTS = 200
# Other pledges listed under each of a pledge's instruments; the rest are a
# link to the list filtered by the instrument.
CITING_PLEDGES_SHOWN = 10
# Status updates per page of a pledge's timeline.
TIMELINE_PER_PAGE = 20


@cached_page(params=["as_of", "recorded_on"])
def dashboard(request):
    filterset, date_errors = dated_filterset(request.GET)
    day, recorded_on = filterset.as_of_day, filterset.as_recorded_on
    context = cached("dashboard", lambda: dashboard_summary(filterset), day, recorded_on)
    context["as_of_banner"] = presenters.as_of_banner(filterset, request.GET)
    context["filter_errors"] = date_errors
    return render(request, "tracker/dashboard.html", context)


def dashboard_summary(filterset):
    """Everything the dashboard shows, evaluated (so it can be cached), on the
    day ``filterset`` is read as of (today unless ?as_of= says otherwise)."""
    day, recorded_on = filterset.as_of_day, filterset.as_recorded_on
    pledges = filterset.dated(Pledge.objects.all())
    columns = filterset.columns
    source_rows = presenters.source_status_rows(pledges, columns["status"])
    updates = StatusUpdate.objects.entered_by(recorded_on).dated_between(end=day)
    stale = pledges.stale(today=day, column=columns["last_update"])
    return {
        "scorecard": pledges.scorecard(columns["status"]),
        "theme_rows": presenters.theme_status_rows(pledges, columns["status"]),
        "source_rows": source_rows,
        "pledge_total": sum(row.total for row in source_rows),
        "context_total": sum(row.context_total for row in source_rows),
        "latest_events": presenters.update_events(
            updates.for_timeline()[:UPDATES_READ_FOR_EVENTS], shown=EVENTS_SHOWN
        ),
        "stale_pledges": list(
            stale.defer(*SEARCH_FIELDS).most_neglected_first(columns["last_update"])[:10]
        ),
        "stale_total": stale.count(),
    }


@cached_page(params=[*PledgeFilterSet.base_filters, "page"])
def pledge_list(request):
    filterset, filter_errors = valid_filterset(request.GET, queryset=Pledge.objects.all())
    facets = cached(
        "facets", lambda: presenters.facet_counts(filterset), presenters.facet_key(filterset)
    )
    paginator = PledgePaginator(
        filterset.qs,
        PLEDGES_PER_PAGE,
        # The status facet already counts the matches, by status.
        count=presenters.match_count(facets),
        # The table shows themes only; the API and exports load the other
        # relations. Unordered: the paginator puts the rows in the ids' order,
        # and an ORDER BY here can tempt PostgreSQL to walk the order index.
        rows_for=lambda ids: (
            filterset.dated(Pledge.objects.filter(pk__in=ids))
            .order_by()
            .with_source()
            .prefetch_related("themes")
        ),
    )
    page = paginator.get_page(page_number(request.GET.get("page")))
    as_of_banner = presenters.as_of_banner(filterset, filterset.data)
    context = {
        "filterset": filterset,
        "filter_errors": filter_errors,
        "page": page,
        "facets": facets,
        "filter_form": filter_form(filterset, facets, as_of_banner),
        "active_filters": presenters.active_filters(filterset),
        # From the filters actually applied, so links never carry a dropped one.
        "query_without_page": presenters.query_without(filterset.data, "page"),
        "as_of_banner": as_of_banner,
    }
    return render(request, "tracker/pledge_list.html", context)


def get_pledge(ref):
    return get_object_or_404(Pledge.objects.with_source(), ref=ref)


@cached_page(params=["page", "as_of", "recorded_on"])
def pledge_detail(request, ref):
    pledge = get_object_or_404(Pledge.objects.for_page(ref))
    presenters.attach_citing_pledges(pledge, shown=CITING_PLEDGES_SHOWN)
    filterset, date_errors = dated_filterset(request.GET)
    day, recorded_on = filterset.as_of_day, filterset.as_recorded_on
    updates = pledge.updates.all()
    not_yet_adopted = False
    if day is not None:
        # The status on that day, by the one rule; None if the text had not
        # been adopted (or, as recorded, the pledge not entered) by then.
        then = (
            filterset.dated(Pledge.objects.filter(pk=pledge.pk))
            .values_list("status_on", "last_update_on")
            .first()
        )
        not_yet_adopted = then is None
        pledge.status_on, pledge.last_update_on = then or (Status.NO_INFORMATION, None)
        updates = updates.entered_by(recorded_on).dated_between(end=day)
    # Newest first, a page at a time: a pledge can gather hundreds of updates.
    timeline = Paginator(updates.for_timeline(), TIMELINE_PER_PAGE)
    page = timeline.get_page(page_number(request.GET.get("page")))
    printed = paragraph_numbers_printed(pledge.source_id)
    shown = list(page.object_list)
    for update in shown:
        update.citation = update_citation_of(request, update)
    context = {
        "pledge": pledge,
        "numbers_printed": printed,
        "citation": pledge_citation_of(request, pledge, printed),
        "status": pledge.status_choice,
        "page": page,
        "updates": shown,
        # The timeline counts down across pages: the newest update is number N.
        "timeline_start": timeline.count - page.start_index() + 1,
        "can_log_update": request.user.has_perm("tracker.log_update_on_pledge", pledge),
        "can_request_review": request.user.has_perm("tracker.log_update"),
        "edit_count": pledge.history.count() - 1,  # the first record is its creation
        "as_of_banner": presenters.as_of_banner(filterset, request.GET),
        "filter_errors": date_errors,
        "not_yet_adopted": not_yet_adopted,
    }
    return render(request, "tracker/pledge_detail.html", context)


def paragraph_numbers_printed(source_pk):
    """Whether the source prints its paragraph numbers (see
    ``paragraphs.numbers_printed``): one query, cached with the data."""

    def compute():
        text = SourceDocument.objects.filter(pk=source_pk).values_list("text", flat=True).first()
        return numbers_printed(text)

    return cached("numbers-printed", compute, source_pk)


def pledge_citation_of(request, pledge, printed):
    return citations.pledge_citation(
        pledge, request.build_absolute_uri(pledge.get_absolute_url()), printed
    )


def update_citation_of(request, update):
    return citations.update_citation(update, request.build_absolute_uri(update.get_absolute_url()))


def pledge_cite(request, ref, file_format):
    """The pledge's citation as BibTeX, RIS or CSL-JSON."""
    pledge = get_pledge(ref)
    printed = paragraph_numbers_printed(pledge.source_id)
    return citations.download(pledge_citation_of(request, pledge, printed), file_format)


def update_cite(request, pk, file_format):
    """An update's citation as BibTeX, RIS or CSL-JSON."""
    update = get_object_or_404(StatusUpdate.objects.with_pledge().select_related("author"), pk=pk)
    return citations.download(update_citation_of(request, update), file_format)


def update_permalink(request, pk):
    """An update's permanent address: the pledge's timeline, at the page and
    anchor where the update stands now."""
    update = get_object_or_404(StatusUpdate.objects.with_pledge(), pk=pk)
    page = update.timeline_position() // TIMELINE_PER_PAGE + 1
    query = f"?page={page}" if page > 1 else ""
    return redirect(f"{update.pledge.get_absolute_url()}{query}#update-{update.pk}")


def not_their_pledge(user):
    """Why a Reporter may not log on a pledge (the form and the API say it)."""
    names = ", ".join(actor.name for actor in user.reporting_for.all())
    return gettext(
        "You report for %(names)s, and this pledge names none of them, so you cannot log "
        "a self-report on it. A Reporter logs updates only on pledges that name an "
        "organisation they report for."
    ) % {"names": names}


@permission_required("tracker.log_update")
def update_create(request, ref):
    pledge = get_pledge(ref)
    if not request.user.has_perm("tracker.log_update_on_pledge", pledge):
        refuse(not_their_pledge(request.user))
    # The instance knows its pledge and author before validation, so the
    # model's rules (as_of after adoption, ...) run inside form.is_valid().
    update = StatusUpdate(pledge=pledge, author=request.user)
    data = request.POST if request.method == "POST" else None  # an empty POST is still a POST
    form = StatusUpdateForm(data, instance=update, user=request.user)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(
            request,
            gettext("Logged “%(status)s” as of %(day)s on %(ref)s.")
            % {
                "status": update.get_status_display(),
                "day": date_format(update.as_of, "d F Y"),
                "ref": pledge.ref,
            },
        )
        return redirect(update)
    return render(
        request,
        "tracker/update_form.html",
        {"pledge": pledge, "form": form, "allowed_statuses": pledge.allowed_statuses()},
    )


@require_POST
@permission_required("tracker.log_update")
def update_request_review(request, pk):
    """Ask the stewards to look at an update; the record itself is unchanged."""
    update = get_object_or_404(StatusUpdate.objects.with_pledge(), pk=pk)
    form = ReviewRequestForm(request.POST)
    if form.is_valid() and not update.needs_review:
        update.request_review(request.user, form.cleaned_data["note"])
        messages.success(request, gettext("Thank you: a steward will review this update."))
    elif update.needs_review:
        messages.info(request, gettext("A review of this update has already been requested."))
    else:
        messages.error(request, gettext("Say what looks wrong, so a steward knows what to check."))
    return redirect(update)


def pledge_history(request, ref):
    """Every saved version of a pledge, newest first, with what changed."""
    pledge = get_pledge(ref)
    versions = presenters.pledge_versions(pledge)
    return render(request, "tracker/pledge_history.html", {"pledge": pledge, "versions": versions})


@cached_page()
def source_detail(request, slug):
    source = get_object_or_404(SourceDocument, slug=slug)
    pledges = list(source.pledges.defer(*SEARCH_FIELDS).order_by("paragraph", "ref"))
    paragraphs = [
        presenters.highlighted_paragraph(paragraph, pledges)
        for paragraph in source.paragraphs.all()
    ]
    return render(
        request,
        "tracker/source_detail.html",
        {
            "source": source,
            "paragraphs": paragraphs,
            "pledge_total": len(pledges),
            "scorecard": source.pledges.scorecard(),
            "numbers_printed": numbers_printed(source.text),
        },
    )


@cached_page()
def methodology(request):
    """How the record is compiled and read: a stable address (/methodology/)
    that the scorecard and every status badge can link to."""
    context = cached("methodology", presenters.methodology_summary)
    return render(request, "tracker/methodology.html", context)


@cached_page()
def theme_list(request):
    return render(
        request,
        "tracker/theme_list.html",
        {"theme_rows": presenters.theme_status_rows()},
    )


def permission_denied(request, exception):
    """The 403 page: why (the refusal's reason, when it gave one) and whom to ask."""
    reason = str(exception) if exception is not None else ""
    return render(request, "403.html", {"reason": reason, "who_to_ask": who_to_ask()}, status=403)


@cached_page(params=["source", "theme", "party"])
def trend_chart(request):
    """Pledges in each status at the end of each year, for every pledge, one
    source, one theme or one party (its cells): an SVG chart with its numbers
    in a table."""
    vocabulary = current_vocabulary()
    grouping, group, errors = trends.chosen_group(request.GET, vocabulary)
    context = {
        "trend": trends.trend(grouping, group),
        "grouping": grouping,
        "group": group,
        "filter_errors": errors,
        "vocabulary": vocabulary,
        "progress_statuses": Status.with_progress(),
        "this_year": timezone.localdate().year,
    }
    return render(request, "tracker/trends.html", context)


CHANGES_PER_PAGE = 25


@cached_page(params=["from", "to", "source", "page", "party_page"])
def changes(request):
    """The pledges whose status changed between two days (by default the last
    twelve months), old -> new, each with the updates that changed it, and
    beside them the party cells that changed (paged apart, ``?party_page=``);
    all of them, or one source's (``?source=``)."""
    dates, errors = valid_update_dates(request.GET, defaults=True)
    start, end = dates.start, dates.end
    vocabulary = current_vocabulary()
    slug = request.GET.get("source", "").strip()
    source = vocabulary.by_slug["source"].get(slug)
    if slug and source is None:
        errors["source"] = [gettext("There is no source “%(value)s”.") % {"value": slug}]
    source_pk = source.pk if source else None
    changed = cached(
        "changes", lambda: presenters.status_changes(start, end, source_pk), start, end, source_pk
    )
    paginator = Paginator(changed["rows"], CHANGES_PER_PAGE)
    page = paginator.get_page(page_number(request.GET.get("page")))
    cells_changed = cached(
        "party-changes",
        lambda: presenters.party_cell_changes(start, end, source_pk),
        start,
        end,
        source_pk,
    )
    party_page = Paginator(cells_changed, CHANGES_PER_PAGE).get_page(
        page_number(request.GET.get("party_page"))
    )
    query = f"from={start.isoformat()}&to={end.isoformat()}" + (
        f"&source={source.slug}" if source else ""
    )
    context = {
        "dates": dates,
        "start": start,
        "end": end,
        "before": start - timedelta(days=1),
        "filter_errors": errors,
        "page": page,
        "changes": presenters.change_rows(page.object_list, start, end),
        "transitions": changed["transitions"],
        "party_page": party_page,
        "party_changes": presenters.party_change_rows(party_page.object_list, start, end),
        "source": source,
        "sources": vocabulary.terms["source"],
        "query_without_page": query,
    }
    return render(request, "tracker/changes.html", context)


# --- Parties -------------------------------------------------------------------


@cached_page(params=[*PledgeFilterSet.base_filters, "page"])
def matrix(request):
    """Pledges × parties for one text, with the list's filters and its filter
    form (as_of included: every cell as of that day)."""
    filterset, filter_errors = valid_filterset(request.GET, queryset=Pledge.objects.all())
    slug = filterset.form.cleaned_data.get("source")
    source = SourceDocument.objects.without_text().filter(slug=slug).first() if slug else None
    context = {
        "filterset": filterset,
        "filter_errors": filter_errors,
        "sources": None if source else list(SourceDocument.objects.without_text()),
        "source": source,
        "statuses": parties.legend(),
        "as_of_banner": presenters.as_of_banner(filterset, filterset.data),
    }
    if source is not None:
        party_list = parties.parties_of(source)
        pledges = parties.matrix_pledges(filterset.qs)
        page = Paginator(pledges, parties.MATRIX_ROWS_PER_PAGE).get_page(
            page_number(request.GET.get("page"))
        )
        rows = parties.matrix_rows(
            page.object_list,
            party_list,
            day=filterset.as_of_day,
            recorded_on=filterset.as_recorded_on,
        )
        context.update(
            {
                "parties": party_list,
                "page": page,
                "matrix_body": mark_safe(parties.render_matrix_body(rows, len(party_list))),  # noqa: S308 - escaped there
                "query_without_page": presenters.query_without(filterset.data, "page"),
                "active_filters": presenters.active_filters(filterset),
                "filter_form": matrix_filter_form(filterset, source, context["as_of_banner"]),
            }
        )
    return render(request, "tracker/matrix.html", context)


def filter_form(filterset, facets, as_of_banner, *, action=None, clear_url=None):
    """The list's filter form with its facet counts, rendered once per set of
    filters (as given, ordering included), data version, day, language and
    script prefix (its links), and cached like the facets (caching.cached):
    its option loops over the whole vocabulary (every theme, actor and
    instrument) were a fifth of a rendered list page and most of a rendered
    matrix page's template time. ``action``/``clear_url``: another page's
    (the matrix), which has no ordering."""
    facet_key = presenters.facet_key(filterset)
    key = (facet_key, filterset.data.getlist("ordering"), get_script_prefix(), action, clear_url)

    def render_form():
        # With a cache, the counts are read again here, on a miss: ``facets``
        # may be of the version before a write that committed since, and the
        # form must not store them under the new one. Without one, nothing is
        # stored and ``facets`` is what the page shows.
        counts = facets
        if generation() is not None:
            counts = cached("facets", lambda: presenters.facet_counts(filterset), facet_key)
        context = {
            "filterset": filterset,
            "facets": counts,
            "as_of_banner": as_of_banner,
            "filter_action": action,
            "clear_url": clear_url,
            "without_ordering": action is not None,
        }
        return mark_safe(render_to_string("tracker/_filter_form.html", context))  # noqa: S308 - a template's output

    return cached("filter-form", render_form, *key)


def matrix_filter_form(filterset, source, as_of_banner):
    """The list's filter form (with the list's facet counts, from the list's
    own cache entry), pointed at the matrix."""
    facets = cached(
        "facets", lambda: presenters.facet_counts(filterset), presenters.facet_key(filterset)
    )
    return filter_form(
        filterset,
        facets,
        as_of_banner,
        action=reverse("matrix"),
        clear_url=f"{reverse('matrix')}?{urlencode({'source': source.slug})}",
    )


@cached_page(params=["page", "as_of", "recorded_on"])
def party_detail(request, slug):
    actor = get_object_or_404(Actor, slug=slug)
    memberships = parties.memberships_of(actor)
    if not memberships:
        raise Http404("This actor is not a party to any text.")
    # ?as_of= (and ?recorded_on=): the party's record on that day, the list's
    # dates validated by the list's FilterSet.
    filterset, date_errors = dated_filterset(request.GET)
    day = {"day": filterset.as_of_day, "recorded_on": filterset.as_recorded_on}
    applicable = filterset.dated(Pledge.objects.applicable_to(actor))
    card = parties.cached_scorecard(actor, applicable, **day)
    paginator = Paginator(
        applicable.defer(*SEARCH_FIELDS).order_by("source_adopted", "paragraph", "ref"),
        parties.PARTY_PLEDGES_PER_PAGE,
    )
    paginator.count = card.applicable  # counted once, for both
    pledges = paginator.get_page(page_number(request.GET.get("page")))
    banner = presenters.as_of_banner(filterset, request.GET)
    context = {
        "party": actor,
        "memberships": memberships,
        "scorecard": card,
        "page": pledges,
        "rows": parties.party_pledge_rows(actor, pledges.object_list, **day),
        "updates": list(parties.party_updates(actor, **day)[: parties.PARTY_FEED_SHOWN]),
        "as_of_banner": banner,
        "filter_errors": date_errors,
        "as_of_query": banner["query"] if banner else "",
    }
    return render(request, "tracker/party_detail.html", context)


def party_list(request):
    """Every party, grouped by the text it is party to."""
    memberships = (
        PartyMembership.objects.select_related("actor", "source")
        .defer("source__text", "source__preamble")
        .order_by("source__date_adopted", "actor__name")
    )
    return render(request, "tracker/party_list.html", {"memberships": memberships})


@login_required
def reporter_home(request):
    """Where a reporter lands after signing in: the parties they report for,
    each with its pledges' cells, what needs attention, and what they logged.
    Everyone else goes to the dashboard."""
    own = parties.reporter_parties(request.user)
    if not own:
        return redirect("dashboard")
    sections = []
    for actor in own:
        applicable = Pledge.objects.applicable_to(actor)
        attention = list(
            parties.stale_or_empty(actor, applicable).order_by(
                "source_adopted", "paragraph", "ref"
            )[: parties.PARTY_PLEDGES_PER_PAGE]
        )
        sections.append(
            {
                "party": actor,
                "scorecard": parties.cached_scorecard(actor, applicable),
                "attention": parties.party_pledge_rows(actor, attention),
            }
        )
    logged = (
        StatusUpdate.objects.filter(author=request.user)
        .with_pledge()
        .select_related("actor")
        .newest_first()[:20]
    )
    return render(
        request, "tracker/reporter_home.html", {"sections": sections, "logged": list(logged)}
    )
