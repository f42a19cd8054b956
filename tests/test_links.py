"""tracker/links.py: the fast links are exactly what reverse() gives, in each
language and under a script prefix."""

import pytest
from django.urls import reverse, set_script_prefix
from django.utils import translation

from tracker.links import detail_url


@pytest.mark.parametrize("language", ["en-gb", "fr"])
@pytest.mark.parametrize("prefix", ["/", "/tracker/"])
@pytest.mark.parametrize(
    ("name", "key"), [("pledge-detail", "asem-2002-3.2"), ("update-detail", 1207)]
)
def test_a_fast_link_is_the_reversed_one(language, prefix, name, key):
    set_script_prefix(prefix)
    try:
        with translation.override(language):
            assert detail_url(name, key) == reverse(name, args=[key])
            assert detail_url(name, key).startswith(prefix)
    finally:
        set_script_prefix("/")
