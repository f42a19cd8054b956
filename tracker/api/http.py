"""HTTP behaviour of everything under /api/, in one middleware:

1. Tokens: ``Authorization: Bearer <token>`` is checked once, here; a bad,
   expired or revoked token is a 401 (never a silent anonymous read).
2. Rate limits: per token, or per address for anonymous clients.
3. Conditional GETs: anonymous GETs carry an ``ETag`` and ``Last-Modified``
   derived from the data version (``tracker.caching``), which every committed
   write replaces, and ``Cache-Control``; a matching ``If-None-Match`` or
   ``If-Modified-Since`` is a 304 before any query runs.
4. CORS: any origin may GET (and HEAD) the public data; nothing else is
   allowed cross-origin, so no page elsewhere can write with a user's token.
5. Errors are JSON: 404 for an unknown path, 405, 429, 500, whatever raised them.
"""

import hashlib
import logging
import time
from http import HTTPStatus

from django.core.cache import cache
from django.http import HttpResponse
from django.utils.cache import get_conditional_response
from django.utils.http import http_date

from tracker.api.models import ApiToken
from tracker.api.schemas import error
from tracker.api.throttling import client_address, wait_for
from tracker.caching import data_version, generation, is_anonymous_visit

logger = logging.getLogger(__name__)

PREFIX = "/api/"
# How long a browser or proxy may reuse an anonymous GET without asking;
# after that a conditional GET costs no query while nothing has changed.
MAX_AGE = 60
EXPOSED_HEADERS = "ETag, Last-Modified, Link, Retry-After, Deprecation"
CORS_REQUEST_HEADERS = "If-None-Match, If-Modified-Since"

MESSAGES = {
    400: "This request is not valid.",
    401: "Send a valid API token: Authorization: Bearer <token>.",
    403: "This account may not do this.",
    404: "There is nothing at this address.",
    405: "This address does not accept this method.",
    429: "Too many requests.",
    500: "Something went wrong on our side; nothing was changed. Please try again later.",
}


def bearer_secret(request):
    """The token sent, '' when the header is not a bearer token."""
    scheme, _, secret = request.META.get("HTTP_AUTHORIZATION", "").partition(" ")
    return secret.strip() if scheme.lower() == "bearer" else ""


def validators(request):
    """``(etag, last_modified)`` for the current data, or ``(None, None)``
    when there is no shared cache to hold the data version (then nothing is
    conditional, which is always correct)."""
    try:
        version = data_version()
        if version is None:  # no shared cache, or it cannot answer
            return None, None
        # When this process first saw the version: at or after the write that
        # made it, so If-Modified-Since never hides a change. Read first: it
        # is there for every request but the first after a write, and each
        # call to the cache is a round trip.
        key = f"tracker:data-version-seen:{version}"
        seen = cache.get(key)
        if seen is None:
            cache.add(key, int(time.time()) + 1, timeout=24 * 3600)
            seen = cache.get(key) or int(time.time()) + 1
        state = f"{generation(version)}|{request.build_absolute_uri()}"
    except Exception:
        logger.warning("The shared cache is unavailable: API responses carry no ETag.")
        return None, None
    return f'"{hashlib.sha256(state.encode()).hexdigest()[:32]}"', seen


class ApiMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not request.path.startswith(PREFIX):
            return self.get_response(request)
        if request.method == "OPTIONS" and "HTTP_ACCESS_CONTROL_REQUEST_METHOD" in request.META:
            return preflight(request)
        refused = self.identify(request)
        if refused is not None:
            return finish(request, refused)
        public_get = request.method in ("GET", "HEAD") and request.api_token is None
        etag = last_modified = None
        if public_get and is_anonymous_visit(request):
            etag, last_modified = validators(request)
            if etag:
                response = get_conditional_response(request, etag=etag, last_modified=last_modified)
                if response is not None:  # 304: nothing changed
                    return finish(request, caching_headers(response, etag, last_modified))
        response = self.get_response(request)
        if etag and response.status_code == 200:
            caching_headers(response, etag, last_modified)
        return finish(request, response)

    def identify(self, request):
        """Set ``request.api_token``; a refusal (401 or 429) or ``None``."""
        request.api_token = None
        secret = bearer_secret(request)
        if secret:
            request.api_token = ApiToken.authenticate(secret)
            if request.api_token is None:
                return error(401, "This API token is not valid: it is unknown, expired or revoked.")
            scope, ident = "token", request.api_token.pk
        else:
            scope, ident = "anonymous", client_address(request)
        wait = wait_for(scope, ident)
        if wait is not None:
            return too_many(wait)
        return None

    def process_exception(self, request, exception):
        if not request.path.startswith(PREFIX):
            return None
        logger.exception("Error in %s %s", request.method, request.path)
        return error(500, MESSAGES[500])


def too_many(wait):
    response = error(429, f"Too many requests: please wait {wait} seconds and try again.")
    response["Retry-After"] = str(wait)
    return response


def caching_headers(response, etag, last_modified):
    response["ETag"] = etag
    response["Last-Modified"] = http_date(last_modified)
    response["Cache-Control"] = f"public, max-age={MAX_AGE}"
    return response


def preflight(request):
    """Answer a CORS preflight: reads only."""
    response = HttpResponse(status=204)
    if request.META["HTTP_ACCESS_CONTROL_REQUEST_METHOD"] in ("GET", "HEAD"):
        response["Access-Control-Allow-Origin"] = "*"
        response["Access-Control-Allow-Methods"] = "GET, HEAD"
        response["Access-Control-Allow-Headers"] = CORS_REQUEST_HEADERS
        response["Access-Control-Max-Age"] = "86400"
    return response


def finish(request, response):
    response = as_json_error(response)
    if request.method in ("GET", "HEAD") and response.status_code < 500:
        response["Access-Control-Allow-Origin"] = "*"
        response["Access-Control-Expose-Headers"] = EXPOSED_HEADERS
    return response


def as_json_error(response):
    """An error page that some layer below rendered as HTML (Django's 404 for
    an unknown path, ninja's bare 405, a 500) as the API's JSON error."""
    status = response.status_code
    if status < 400 or response.get("Content-Type", "").startswith("application/json"):
        return response
    detail = MESSAGES.get(status) or (
        MESSAGES[500] if status >= 500 else f"{HTTPStatus(status).phrase}."
    )
    replacement = error(status, detail)
    for header in ("Allow", "Retry-After", "WWW-Authenticate"):
        if response.has_header(header):
            replacement[header] = response[header]
    return replacement
