"""Template context that every page needs, so that no view can forget it."""

from django.conf import settings
from django.urls import translate_url
from django.utils.functional import SimpleLazyObject
from django.utils.translation import get_language

from tracker.caching import cached
from tracker.models import SourceDocument, Status


def status_vocabulary(request):
    """The statuses in their order, with label, definition and colour: the
    legend beside every chart and the definitions on the update form."""
    return {"statuses": list(Status)}


def language_tag(code):
    """Django's language code as HTML's lang and hreflang want it (BCP 47):
    en-gb → en-GB."""
    language, _, region = code.partition("-")
    return f"{language}-{region.upper()}" if region else language


def languages(request):
    """This page in each of the site's languages: the switcher in the header
    (plain links, no JavaScript) and the hreflang alternates in the head.
    translate_url keeps the query string, so a filtered list stays filtered."""
    current = get_language()
    path = request.get_full_path()
    return {
        "language_tag": language_tag(current),
        "page_languages": [
            {
                "code": code,
                "tag": language_tag(code),
                "name": name,
                "url": translate_url(path, code),
                "absolute_url": request.build_absolute_uri(translate_url(path, code)),
                "current": code == current,
            }
            for code, name in settings.LANGUAGES
        ],
    }


def footer_sources(request):
    """The texts the site follows, for the footer: from the database, so a
    new declaration appears there when a steward adds it. Lazy (a response
    without the footer runs no query) and cached with the data."""

    def load():
        return list(
            SourceDocument.objects.without_text().values(
                "slug", "title", "short_title", "date_adopted", "url", "document_symbol"
            )
        )

    return {"footer_sources": SimpleLazyObject(lambda: cached("footer-sources", load))}
