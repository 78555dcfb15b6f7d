"""One way to write a date (issue #10): "Mar 4", with the year when it is not this year.

    {% load dates %}
    {{ entry.day|day }}          Mar 4          Mar 4, 2025
    {{ entry.day|weekday }}      Tuesday, Mar 4 Tuesday, Mar 4, 2025
    {{ event.at|moment }}        Mar 4, 14:05   Mar 4, 2025, 14:05

Records meant to stand alone (documents, consents, dates of birth) always carry the year with
Django's `|date:"M j, Y"`, the same order. Datetimes are shown in the current time zone: the
signed-in person's clinic's (`accounts.middleware.ClinicTimeZoneMiddleware`).
"""

import datetime

from django import template
from django.utils import timezone
from django.utils.dateformat import format as format_date

register = template.Library()


def _local(value):
    if isinstance(value, datetime.datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value)
        return value
    return value


def _with_year(value, without: str, with_year: str) -> str:
    if value in (None, ""):
        return ""
    value = _local(value)
    this_year = timezone.localdate().year
    return format_date(value, without if value.year == this_year else with_year)


@register.filter
def day(value) -> str:
    return _with_year(value, "M j", "M j, Y")


@register.filter
def weekday(value) -> str:
    return _with_year(value, "l, M j", "l, M j, Y")


@register.filter
def moment(value) -> str:
    return _with_year(value, "M j, H:i", "M j, Y, H:i")
