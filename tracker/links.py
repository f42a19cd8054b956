"""Links to the pages that lists link by the hundred (a pledge, an update),
without a ``reverse()`` each.

A party page, the list, the matrix and the changes page link every pledge and
update they show, and ``reverse()`` costs a tenth of a millisecond or more a
call: a hundred links were a fifth of a party page's time. Each route is
reversed once per language and URL configuration, with a placeholder where the
key goes, and the key is put in its place.
"""

from functools import lru_cache

from django.conf import settings
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils.translation import get_language

# What stands for the key while a route is reversed: each matches its route's
# converter (a pledge's ref, an update's number) and nothing else in a path.
PLACEHOLDERS = {"pledge-detail": "placeholder-ref", "update-detail": "918273645"}


@lru_cache(maxsize=64)
def route(name, language, script_prefix, urlconf):
    # The arguments only key the cache: reverse() reads the active ones.
    return reverse(name, args=[PLACEHOLDERS[name]])


def detail_url(name, key):
    """``reverse(name, args=[key])`` for a route in ``PLACEHOLDERS``."""
    urlconf = get_urlconf() or settings.ROOT_URLCONF
    template = route(name, get_language(), get_script_prefix(), urlconf)
    return template.replace(PLACEHOLDERS[name], str(key), 1)
