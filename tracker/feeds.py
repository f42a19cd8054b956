"""Atom feeds of status updates: all of them, one theme's, one pledge's.

Each feed is the latest ``FEED_LENGTH`` updates, newest first by ``as_of`` and
then ``created`` (the timeline's order). Items are dated by ``created``, when
the update was recorded, because that is when a subscriber could first have
seen it; the date the observation refers to (``as_of``) is in the title.
"""

from django.contrib.syndication.views import Feed
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.dateformat import format as format_date
from django.utils.feedgenerator import Atom1Feed
from django.utils.html import format_html, format_html_join, linebreaks
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from tracker.exports import plain_text_errors
from tracker.filtersets import dated_filterset, valid_update_dates
from tracker.models import Actor, Pledge, StatusUpdate, Theme

FEED_LENGTH = 50


class UpdatesFeed(Feed):
    """What every updates feed shares: one item per StatusUpdate."""

    feed_type = Atom1Feed

    def item_title(self, item):
        as_of = format_date(item.as_of, "j F Y")
        return gettext("%(ref)s — %(status)s (as of %(day)s)") % {
            "ref": item.pledge.ref,
            "status": item.get_status_display(),
            "day": as_of,
        }

    def item_description(self, item):
        # Atom's summary is HTML here, so the summary is escaped into paragraphs.
        evidence = []
        if item.evidence_url:
            evidence.append(format_html('<a href="{0}">{0}</a>', item.evidence_url))
        if item.evidence_reference:
            evidence.append(item.evidence_reference)
        html = linebreaks(item.summary, autoescape=True)
        if evidence:
            joined = format_html_join("; ", "{}", ((part,) for part in evidence))
            html += format_html("<p>{} {}</p>", gettext("Evidence:"), joined)
        return html

    def item_link(self, item):
        return item.get_absolute_url()

    def item_guid(self, item):
        # Stable even if the pledge's ref, or the site's domain, ever changes.
        return f"urn:pledge-tracker:status-update:{item.pk}"

    item_guid_is_permalink = False

    def item_author_name(self, item):
        return item.author.get_full_name() or item.author.username

    def item_pubdate(self, item):
        return item.created

    def item_updateddate(self, item):
        return item.created

    def latest(self, updates):
        return updates.for_timeline()[:FEED_LENGTH]


class AllUpdatesFeed(UpdatesFeed):
    """Every update; ``?from=`` and ``?to=`` keep those dated within the two
    days (as /changes/ and the updates CSV do)."""

    title = _("Pledge Tracker: all status updates")
    subtitle = _("The latest status updates on every pledge.")

    def __call__(self, request, *args, **kwargs):
        _dates, errors = valid_update_dates(request.GET)
        if errors:
            return plain_text_errors(errors)
        return super().__call__(request, *args, **kwargs)

    def get_object(self, request):
        # The feed's "object" is its period: (from, to), either may be None.
        dates, _errors = valid_update_dates(request.GET)
        return dates.start, dates.end

    def link(self):
        return reverse("dashboard")

    def items(self, period):
        return self.latest(StatusUpdate.objects.dated_between(*period))


class ThemeUpdatesFeed(UpdatesFeed):
    def get_object(self, request, slug):
        return get_object_or_404(Theme, slug=slug)

    def title(self, theme):
        return gettext("Pledge Tracker: status updates on %(name)s") % {"name": theme.label}

    def subtitle(self, theme):
        return gettext("The latest status updates on pledges in the theme %(name)s.") % {
            "name": theme.label
        }

    def link(self, theme):
        return theme.get_absolute_url()

    def items(self, theme):
        return self.latest(StatusUpdate.objects.filter(pledge__themes=theme))


class PledgeUpdatesFeed(UpdatesFeed):
    def get_object(self, request, ref):
        return get_object_or_404(Pledge, ref=ref)

    def title(self, pledge):
        return gettext("Pledge Tracker: status updates on %(name)s") % {"name": pledge.ref}

    def subtitle(self, pledge):
        return pledge.title

    def link(self, pledge):
        return pledge.get_absolute_url()

    def items(self, pledge):
        return self.latest(pledge.updates.all())


class PartyUpdatesFeed(UpdatesFeed):
    """The updates naming one party; ``?as_of=`` (and ``recorded_on``) keep
    those dated on or before that day, as the party's page shows them."""

    def __call__(self, request, *args, **kwargs):
        _filterset, errors = dated_filterset(request.GET)
        if errors:
            return plain_text_errors(errors)
        return super().__call__(request, *args, **kwargs)

    def get_object(self, request, slug):
        # distinct(): a party to two texts joins two membership rows.
        parties = Actor.objects.filter(party_memberships__isnull=False).distinct()
        actor = get_object_or_404(parties, slug=slug)
        filterset, _errors = dated_filterset(request.GET)
        return actor, filterset.as_of_day, filterset.as_recorded_on

    def title(self, obj):
        return gettext("Pledge Tracker: status updates on %(name)s") % {"name": obj[0].name}

    def subtitle(self, obj):
        return gettext("The latest self-reports by %(name)s and independent assessments of it.") % {
            "name": obj[0].name
        }

    def link(self, obj):
        return obj[0].get_absolute_url()

    def items(self, obj):
        actor, day, recorded_on = obj
        return self.latest(
            StatusUpdate.objects.filter(actor=actor).entered_by(recorded_on).dated_between(end=day)
        )
