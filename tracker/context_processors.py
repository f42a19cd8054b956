"""Template context that every page needs, so that no view can forget it."""

from django.utils.functional import SimpleLazyObject

from tracker.caching import cached
from tracker.models import SourceDocument, Status


def status_vocabulary(request):
    """The statuses in their order, with label, definition and colour: the
    legend beside every chart and the definitions on the update form."""
    return {"statuses": list(Status)}


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
