"""The site's URLs plus /bench/bare/, a view that returns a fixed page: the
ceiling of what Django, the middleware and gunicorn can serve on this machine."""

from django.http import HttpResponse
from django.urls import path

from tracker.urls import urlpatterns as site_patterns

# About the size of a small page, so the ceiling is not all headers.
BARE_PAGE = (
    "<!doctype html><html lang='en'><head><meta charset='utf-8'><title>Bare</title></head>"
    "<body><main><h1>Bare</h1>" + "<p>A fixed page with no database query.</p>" * 40 + "</main>"
    "</body></html>"
)


def bare(request):
    return HttpResponse(BARE_PAGE)


urlpatterns = [
    path("bench/bare/", bare, name="bench-bare"),
    # Appended, not include()d: Django refuses i18n_patterns (the /fr/ pages)
    # inside an included URLconf.
    *site_patterns,
]
