"""Template context that every page needs, so that no view can forget it."""

from tracker.models import Status


def status_vocabulary(request):
    """The statuses in their order, with label, definition and colour: the
    legend beside every chart and the definitions on the update form."""
    return {"statuses": list(Status)}
