"""Clinical days: calendar dates in an organization's time zone.

The one implementation behind `Organization.today()` and `Organization.local_date(moment)`: a
diary day, a measure's due date and a consent's expiry are all the clinic's calendar day, never
the server's (`TIME_ZONE`) nor UTC. An unknown zone name falls back to the server's zone.
"""

import datetime
import zoneinfo

from django.utils import timezone


def zone_named(name: str) -> datetime.tzinfo:
    try:
        return zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return timezone.get_default_timezone()


def zoned_date(moment: datetime.datetime, zone_name: str) -> datetime.date:
    """The calendar day of an aware datetime in the named zone."""
    return moment.astimezone(zone_named(zone_name)).date()


def zoned_today(zone_name: str) -> datetime.date:
    return zoned_date(timezone.now(), zone_name)
