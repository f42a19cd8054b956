"""Template helpers for tables."""

from django import template
from django.utils.html import escape
from django.utils.safestring import mark_safe

from tracker import presenters

register = template.Library()


@register.filter
def paired_with(values, headers):
    """``[(header, value), …]``: a row's cells beside their column names."""
    return list(zip(headers, values, strict=False))


@register.filter
def unbroken_words(text):
    """``text`` with each hyphenated word ("peace-building") kept on one
    line: browsers may break after a hyphen, and a table cell should break
    only between words. Escaped here, so safe to mark."""
    return mark_safe(  # noqa: S308 - every piece is escaped
        " ".join(
            f'<span class="nowrap">{escape(word)}</span>' if "-" in word else escape(word)
            for word in str(text).split(" ")
        )
    )


@register.simple_tag
def scorecard_headline(scorecard, scope):
    """presenters.scorecard_headline, for _scorecard.html."""
    return presenters.scorecard_headline(scorecard, scope)
