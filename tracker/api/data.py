"""What the API reads, and each resource as a plain dict (validated and
written by ``tracker.api.schemas``).

A page of 100 pledges carries a thousand updates, each with a link: the
links are built from templates reversed once per request, not one
``reverse()`` per row (about a third of the page's time otherwise).
"""

from django.db.models import Prefetch
from django.urls import reverse

from tracker.models import Pledge, Status, StatusUpdate

# A placeholder that every URL converter accepts (a ref, a slug, an int).
PLACEHOLDER = "999999999"


class Links:
    """Absolute URLs for one request: ``links.pledge(ref)`` and so on."""

    NAMES = {
        "pledge": "pledge-detail",
        "pledge_api": "api-v1:pledge-detail",
        "update_api": "api-v1:update-detail",
        "update": "update-detail",
        "source": "source-detail",
        "source_api": "api-v1:source-detail",
    }

    def __init__(self, request):
        self.base = request.build_absolute_uri("/").rstrip("/")
        self.templates = {
            name: self.base + reverse(url_name, args=[PLACEHOLDER])
            for name, url_name in self.NAMES.items()
        }

    def __getattr__(self, name):
        template = self.__dict__["templates"][name]
        return lambda value: template.replace(PLACEHOLDER, str(value))

    def absolute(self, path):
        return self.base + path


def updates_newest_first():
    return StatusUpdate.objects.select_related("actor", "author").newest_first()


def pledges_with_relations(pks):
    """The pledges ``pks``, in that order, each with its tags and every update:
    five queries whatever the number of pledges (one, then one per relation)."""
    pledges = Pledge.objects.filter(pk__in=pks).order_by().with_source()
    pledges = pledges.prefetch_related(
        # Plain lists (to_attr): a related manager's .all() per pledge clones
        # a queryset each time.
        Prefetch("themes", to_attr="theme_list"),
        Prefetch("actors", to_attr="actor_list"),
        Prefetch("instruments", to_attr="instrument_list"),
        Prefetch("updates", queryset=updates_newest_first(), to_attr="update_list"),
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


STATUSES = {
    status.value: {"value": status.value, "label": status.label, "definition": status.definition}
    for status in Status
}


def pledge_dict(pledge, links):
    """A pledge with its relations prefetched by ``pledges_with_relations``."""
    source = pledge.source
    return {
        "ref": pledge.ref,
        "url": links.pledge(pledge.ref),
        "api_url": links.pledge_api(pledge.ref),
        "title": pledge.title,
        "quote": pledge.quote,
        "source": {
            "slug": source.slug,
            "title": source.title,
            "short_title": source.short_title,
            "url": links.source_api(source.slug),
        },
        "paragraph": pledge.paragraph,
        # The anchor rule of Paragraph.get_absolute_url() (#pN).
        "paragraph_url": f"{links.source(source.slug)}#p{pledge.paragraph}",
        "timeframe": pledge.timeframe,
        "themes": [{"slug": t.slug, "name": t.name} for t in pledge.theme_list],
        "actors": [{"slug": a.slug, "name": a.name} for a in pledge.actor_list],
        "instruments": [
            {"slug": i.slug, "name": i.name, "symbol": i.symbol} for i in pledge.instrument_list
        ],
        "current_status": STATUSES[pledge.current_status],
        "last_update_as_of": pledge.last_update_as_of,
        "created": pledge.created,
        "updated": pledge.updated,
        "updates": [update_fields(update, links) for update in pledge.update_list],
    }
