"""What users and operators expect of any site: /robots.txt, /healthz and
``Cache-Control`` on every page (the sitemap is tracker/sitemaps.py)."""

import logging

from django.db import DatabaseError, connection
from django.http import HttpResponse, HttpResponseRedirect, JsonResponse
from django.templatetags.static import static
from django.urls import reverse
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.views.decorators.http import require_safe

from tracker import caching

logger = logging.getLogger(__name__)

# How long a browser or a shared cache may keep a public page: what the
# server-side cache promises (caching.CACHE_TIMEOUT), so no copy anywhere is
# older than a minute after a write.
PUBLIC_MAX_AGE = caching.CACHE_TIMEOUT
# Paths whose pages are personal or forms, whoever asks.
PRIVATE_PREFIXES = ("/admin/", "/account/", "/accounts/", "/reporting/")


@require_safe
def robots_txt(request):
    sitemap = request.build_absolute_uri(reverse("sitemap"))
    lines = [
        "User-agent: *",
        "Disallow: /admin/",
        "Disallow: /account/",
        "Disallow: /accounts/",
        "Disallow: /api/",
        f"Sitemap: {sitemap}",
    ]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")


@require_safe
def favicon(request):
    """Browsers, feed readers and crawlers ask for /favicon.ico whatever the
    page's <link rel="icon"> says: send them to the icon the pages name
    instead of a 404. Not a permanent redirect: the file's hashed name
    changes with it, and the old one is gone after the next release."""
    return HttpResponseRedirect(static("img/favicon.svg"))


def database_answers():
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            return cursor.fetchone() == (1,)
    except DatabaseError as error:
        logger.error(
            "Health check: the database did not answer (%s: %s).", type(error).__name__, error
        )
        return False


@require_safe
def healthz(request):
    """200 when the database answers, else 503. The cache is reported, never
    a reason to fail: the site serves from the database without it."""
    database = database_answers()
    body = {
        "status": "ok" if database else "unavailable",
        "database": "yes" if database else "no",
        "cache": "yes" if caching.cache_answers() else "no",
        "cache_configured": caching.cache_configured(),
    }
    response = JsonResponse(body, status=200 if database else 503)
    response["Cache-Control"] = "no-store"
    return response


def is_public_response(request, response):
    """A page anyone may see and any cache may keep: an anonymous GET or
    HEAD, without a session, messages, a CSRF token, a token header or a
    cookie set, answered 200, outside the personal paths."""
    return (
        request.method in ("GET", "HEAD")
        and response.status_code == 200
        and not request.user.is_authenticated
        and caching.is_anonymous_visit(request)
        and "HTTP_AUTHORIZATION" not in request.META
        and not request.META.get("CSRF_COOKIE_NEEDS_UPDATE")
        and not response.cookies
        and not request.path.startswith(PRIVATE_PREFIXES)
    )


class CacheControlMiddleware:
    """``Cache-Control`` on every response that has none: public pages may
    be kept a minute; everything else (signed-in pages, forms, errors,
    posts) is private and not stored."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if response.has_header("Cache-Control"):
            return response
        if is_public_response(request, response):
            patch_cache_control(response, public=True, max_age=PUBLIC_MAX_AGE)
            patch_vary_headers(response, ["Cookie"])
        else:
            patch_cache_control(response, private=True, no_store=True)
        return response
