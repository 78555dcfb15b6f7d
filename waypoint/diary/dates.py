"""Diary dates are calendar days in the clinic's time zone (Organization.timezone)."""

import datetime
import zoneinfo

from django.utils import timezone


def zoned_today(zone_name: str) -> datetime.date:
    try:
        zone = zoneinfo.ZoneInfo(zone_name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        zone = timezone.get_default_timezone()
    return timezone.now().astimezone(zone).date()


def organization_today(organization) -> datetime.date:
    return zoned_today(organization.timezone)


def client_today(client) -> datetime.date:
    return organization_today(client.organization)
