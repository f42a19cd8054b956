"""Template helpers for tables."""

from django import template

register = template.Library()


@register.filter
def paired_with(values, headers):
    """``[(header, value), …]``: a row's cells beside their column names."""
    return list(zip(headers, values, strict=False))
