"""Bounded requests: how much a request body may carry, and in what charset.

Django limits the non-file part of a body (``DATA_UPLOAD_MAX_MEMORY_SIZE``)
but not uploaded files, which it spools to disk whatever their size; the
middleware below refuses any body declared larger than ``MAX_UPLOAD_SIZE``
before anything reads it (Django reads no more than the declared length).
It also refuses a form in a charset other than UTF-8. gunicorn bounds the
request line and headers (``gunicorn.conf.py``); the proxy in front should
bound the body too (README, Deploying).
"""

import codecs

from django.conf import settings
from django.http import HttpResponse
from django.template.loader import render_to_string

FORM_CONTENT_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


class RequestBoundsMiddleware:
    """Before anything reads the body: a body over MAX_UPLOAD_SIZE gets a 413,
    and a form in another charset than UTF-8 a 400. Django refuses a form
    declaring another charset with an error that its own error pages trip
    over again (a bare 500), and ignores one it does not know."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if body_length(request) > settings.MAX_UPLOAD_SIZE:
            megabytes = settings.MAX_UPLOAD_SIZE / (1024 * 1024)
            return refusal(
                f"The request is larger than this site accepts ({megabytes:g} MB at most).",
                status=413,
            )
        problem = charset_problem(request.META.get("CONTENT_TYPE", ""))
        if problem:
            return refusal(problem, status=400)
        return self.get_response(request)


def refusal(reason, status):
    # Rendered without the request: nothing here may read the body.
    html = render_to_string("400.html", {"reason": reason, "status": status})
    return HttpResponse(html, status=status)


def body_length(request):
    try:
        return int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return 0  # Django treats an unreadable length as no body at all


def charset_problem(content_type):
    """Why a body with this Content-Type is refused, or '' if it is not."""
    media_type, _, params = content_type.partition(";")
    charset = ""
    for param in params.split(";"):
        name, _, value = param.partition("=")
        if name.strip().lower() == "charset":
            charset = value.strip().strip('"').strip()
    if not charset:
        return ""
    try:
        codecs.lookup(charset)
    except LookupError:
        return f"The request declares the character set “{charset}”, which is not known."
    # Exactly "utf-8": Django refuses a form declaring even "utf8".
    if media_type.strip().lower() in FORM_CONTENT_TYPES and charset.lower() != "utf-8":
        return (
            f"The form was sent in the character set “{charset}”; this site accepts forms "
            "in UTF-8 only (declared as “utf-8”, or not declared)."
        )
    return ""
