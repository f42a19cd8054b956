"""Durations in words ("15 minutes", "1 hour and 30 minutes"), not ISO 8601."""

from django import template

register = template.Library()


def plural(count, singular, plural_form):
    return f"{count} {singular if count == 1 else plural_form}"


@register.filter
def in_words(duration):
    """A timedelta as days, hours and minutes; under a minute, as seconds."""
    seconds = int(duration.total_seconds())
    if seconds < 60:
        return plural(seconds, "second", "seconds")
    days, rest = divmod(seconds, 86400)
    hours, rest = divmod(rest, 3600)
    minutes = rest // 60
    parts = [
        plural(value, singular, plural_form)
        for value, singular, plural_form in (
            (days, "day", "days"),
            (hours, "hour", "hours"),
            (minutes, "minute", "minutes"),
        )
        if value
    ]
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]
