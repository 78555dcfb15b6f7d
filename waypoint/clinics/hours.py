"""When an organization's team reads alerts: pure functions, no database.

The client is told honestly when their care team will see an urgent answer: at once inside the
hours the organization set, otherwise at the next opening ("by Monday 9:00").
"""

import datetime
from collections.abc import Iterable
from zoneinfo import ZoneInfo

from django.utils.translation import gettext, gettext_noop

WEEKDAYS = [
    gettext_noop("Monday"),
    gettext_noop("Tuesday"),
    gettext_noop("Wednesday"),
    gettext_noop("Thursday"),
    gettext_noop("Friday"),
    gettext_noop("Saturday"),
    gettext_noop("Sunday"),
]


def next_review(
    at: datetime.datetime,
    *,
    days: Iterable[int],
    opens: datetime.time,
    closes: datetime.time,
    zone: ZoneInfo,
) -> datetime.datetime | None:
    """The first moment at or after `at` when the team reads alerts, in `zone`.

    `days` are weekdays (0 = Monday); the team reads alerts from `opens` up to (not including)
    `closes` on those days. Returns `at` itself inside hours, the next opening otherwise, and
    None when no day is set (no promise can be made).
    """
    days = set(days)
    if not days:
        return None
    local = at.astimezone(zone)
    for offset in range(8):
        day = local.date() + datetime.timedelta(days=offset)
        if day.weekday() not in days:
            continue
        start = datetime.datetime.combine(day, opens, tzinfo=zone)
        end = datetime.datetime.combine(day, closes, tzinfo=zone)
        if local < start:
            return start
        if local < end:
            return local
    return None  # unreachable with opens < closes: some listed day comes within a week


def review_phrase(at: datetime.datetime, when: datetime.datetime | None) -> str:
    """Plain words for the client: when will the team see something sent at `at`?"""
    if when is None:
        return gettext(
            "Your care team has been told. They may not see it until their next working day."
        )
    if when <= at:
        return gettext("Your care team has been told, and they are working now.")
    local = at.astimezone(when.tzinfo)
    days_ahead = (when.date() - local.date()).days
    values = {"time": f"{when.hour}:{when.minute:02d}", "zone": when.tzname()}
    if days_ahead == 0:
        by = gettext("They will see it by today at %(time)s (%(zone)s).") % values
    elif days_ahead == 1:
        by = gettext("They will see it by tomorrow at %(time)s (%(zone)s).") % values
    else:
        values["day"] = gettext(WEEKDAYS[when.weekday()])
        by = gettext("They will see it by %(day)s %(time)s (%(zone)s).") % values
    return gettext("Your care team has been told, but they are not working right now.") + " " + by


def renotify_due(
    last_notified: datetime.datetime, *, every_minutes: int, now: datetime.datetime
) -> bool:
    """Whether an alert still open, last notified at `last_notified`, should be sent again."""
    return now - last_notified >= datetime.timedelta(minutes=every_minutes)
