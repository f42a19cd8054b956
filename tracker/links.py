"""Links to the pages and API resources that lists link by the hundred (a
pledge, an update), without a ``reverse()`` each.

A party page, the list, the matrix and the changes page link every pledge and
update they show, and an API page of 100 pledges a thousand updates;
``reverse()`` costs a tenth of a millisecond or more a call: a hundred links
were a fifth of a party page's time. Each route is reversed once per language,
script prefix and URL configuration, with a placeholder where the key goes,
and the key is put in its place.
"""

from functools import lru_cache

from django.conf import settings
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils.translation import get_language

# What stands for the key while a route is reversed: every converter of the
# routes linked this way accepts it (a pledge's ref, a slug, an update's
# number), and no path holds it otherwise.
PLACEHOLDER = "999999999"


@lru_cache(maxsize=128)
def _reversed(name, language, script_prefix, urlconf):
    # The arguments after the name only key the cache: reverse() reads the
    # active ones.
    return reverse(name, args=[PLACEHOLDER])


def route(name):
    """The path of the route ``name`` (one key argument), with PLACEHOLDER
    where the key goes, for the active language, script prefix and URL
    configuration."""
    urlconf = get_urlconf() or settings.ROOT_URLCONF
    return _reversed(name, get_language(), get_script_prefix(), urlconf)


def around(name):
    """``(before, after)``: the route's path for a key is before + key +
    after, for loops that write thousands of links (the matrix, the exports)."""
    before, _, after = route(name).partition(PLACEHOLDER)
    return before, after


def detail_url(name, key):
    """``reverse(name, args=[key])`` for a route with one key argument."""
    return route(name).replace(PLACEHOLDER, str(key), 1)
