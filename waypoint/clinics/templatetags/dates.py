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
from django.utils.translation import pgettext_lazy

register = template.Library()

# The formats themselves are translated (docs/public-site.md#languages): Spanish writes
# "2 mar" and "lunes, 2 de marzo". Staff pages are always English, so they never change there.
DAY_FORMAT = pgettext_lazy("date format: day and month", "M j")
DAY_YEAR_FORMAT = pgettext_lazy("date format: day, month and year", "M j, Y")
WEEKDAY_FORMAT = pgettext_lazy("date format: weekday, day and month", "l, M j")
WEEKDAY_YEAR_FORMAT = pgettext_lazy("date format: weekday, day, month and year", "l, M j, Y")
# In a sentence ("Saved for Monday Mar 2"), without the year.
SENTENCE_DAY_FORMAT = pgettext_lazy("date format: weekday, day and month in a sentence", "l M j")
MOMENT_FORMAT = pgettext_lazy("date format: day, month and time", "M j, H:i")
MOMENT_YEAR_FORMAT = pgettext_lazy("date format: day, month, year and time", "M j, Y, H:i")


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
    return format_date(value, str(without if value.year == this_year else with_year))


@register.filter
def day(value) -> str:
    return _with_year(value, DAY_FORMAT, DAY_YEAR_FORMAT)


@register.filter
def weekday(value) -> str:
    return _with_year(value, WEEKDAY_FORMAT, WEEKDAY_YEAR_FORMAT)


@register.filter
def moment(value) -> str:
    return _with_year(value, MOMENT_FORMAT, MOMENT_YEAR_FORMAT)


def sentence_day(value) -> str:
    """ "Monday Mar 2" ("lunes 2 de marzo"), for messages that name a recent day."""
    return format_date(_local(value), str(SENTENCE_DAY_FORMAT))
