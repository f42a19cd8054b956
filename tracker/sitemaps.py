"""/sitemap.xml (django.contrib.sitemaps): the public pages a search engine
should know, each pledge, text and party by its own address."""

from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from tracker.models import Actor, Pledge, SourceDocument


class BilingualSitemap(Sitemap):
    """Every page in English and in French (/fr/…), each entry naming its
    twin (xhtml:link hreflang), the English one as x-default."""

    i18n = True
    alternates = True
    x_default = True


# The pages that stand without a record behind them.
PUBLIC_PAGES = [
    "dashboard",
    "pledge-list",
    "theme-list",
    "trends",
    "changes",
    "party-list",
    "matrix",
    "methodology",
]


class PageSitemap(BilingualSitemap):
    changefreq = "daily"

    def items(self):
        return PUBLIC_PAGES

    def location(self, item):
        return reverse(item)


class PledgeSitemap(BilingualSitemap):
    changefreq = "weekly"
    limit = 5000

    def items(self):
        return Pledge.objects.only("ref", "updated").order_by("source_adopted", "paragraph", "ref")

    def lastmod(self, pledge):
        return pledge.updated


class SourceSitemap(BilingualSitemap):
    changefreq = "monthly"

    def items(self):
        return SourceDocument.objects.without_text().only("slug")


class PartySitemap(BilingualSitemap):
    changefreq = "weekly"

    def items(self):
        return Actor.objects.filter(party_memberships__isnull=False).distinct().order_by("name")


SITEMAPS = {
    "pages": PageSitemap,
    "pledges": PledgeSitemap,
    "sources": SourceSitemap,
    "parties": PartySitemap,
}
