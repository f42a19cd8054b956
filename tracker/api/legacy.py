"""/api/pledges/, the API before v1, kept for the scripts that use it.

Its contract stays: the list page's filters, the same fields for each
pledge, ``count`` and ``results``. What changed is that it now comes a page
at a time (it used to stream every pledge, which let two anonymous requests
hold every worker past the proxy's timeout), with ``next`` linking to the
following page. Every response says it is deprecated and links to v1.
"""

from datetime import UTC, datetime

from django.http import JsonResponse
from django.urls import reverse

from tracker.api import cursor
from tracker.api.data import pledges_with_relations, updates_newest_first
from tracker.exports import pledge_to_json
from tracker.filtersets import valid_filterset

PAGE_SIZE = 100
# RFC 9745: the date from which the resource is deprecated (v1's release).
DEPRECATED_SINCE = datetime(2026, 12, 2, tzinfo=UTC)


def pledges(request):
    """``{"count": N, "next": URL or null, "results": [...]}``: one page of
    the pledges the filters select, in the list page's order."""
    data = request.GET.copy()
    token = data.pop("cursor", [""])[-1] or None
    filterset, errors = valid_filterset(data)
    if errors:
        response = JsonResponse(
            {"errors": errors}, status=400, json_dumps_params={"ensure_ascii": False}
        )
        return deprecated(request, response)
    queryset = filterset.qs
    try:
        page = cursor.page_of(queryset, PAGE_SIZE, token)
    except cursor.InvalidCursor:
        response = JsonResponse(
            {"errors": {"cursor": ["This cursor is not valid; start again from the first page."]}},
            status=400,
        )
        return deprecated(request, response)
    next_url = None
    if page.next_cursor:
        query = request.GET.copy()
        query["cursor"] = page.next_cursor
        next_url = request.build_absolute_uri(f"{request.path}?{query.urlencode()}")
    body = {
        "count": queryset.order_by().count(),
        "next": next_url,
        "results": [pledge_to_json(p, request) for p in page_rows(filterset, page.pks)],
    }
    response = JsonResponse(body, json_dumps_params={"ensure_ascii": False})
    if next_url:
        response["Link"] = f'<{next_url}>; rel="next"'
    return deprecated(request, response)


def page_rows(filterset, pks):
    """The page's pledges; as of a day (?as_of=), with that day's status and
    the history up to it, as before pagination."""
    if filterset.as_of_day is None:
        return pledges_with_relations(pks)
    updates = (
        updates_newest_first()
        .entered_by(filterset.as_recorded_on)
        .dated_between(end=filterset.as_of_day)
    )
    return pledges_with_relations(pks, queryset=filterset.qs, updates=updates)


def deprecated(request, response):
    successor = request.build_absolute_uri(reverse("api-v1:pledge-list"))
    docs = request.build_absolute_uri(reverse("api-v1:openapi-view"))
    response["Deprecation"] = f"@{int(DEPRECATED_SINCE.timestamp())}"
    links = [f'<{successor}>; rel="successor-version"', f'<{docs}>; rel="deprecation"']
    if response.has_header("Link"):
        links.insert(0, response["Link"])
    response["Link"] = ", ".join(links)
    return response
