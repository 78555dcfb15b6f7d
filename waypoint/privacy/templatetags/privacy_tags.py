"""Template helpers for record documents, whose data holds ISO dates as strings."""

import datetime

from django import template

register = template.Library()


@register.filter
def isodate(value):
    """'2026-01-05' -> date(2026, 1, 5); anything else is returned unchanged."""
    if isinstance(value, str) and value:
        try:
            return datetime.date.fromisoformat(value[:10])
        except ValueError:
            return value
    return value
