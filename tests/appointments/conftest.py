import datetime

import pytest
from django.utils import timezone

from waypoint.appointments import actions


@pytest.fixture
def soon():
    """Tomorrow at 14:00 in the clinic's zone (the test clinic's default zone)."""

    def at(days=1, hour=14, minute=0, zone=None):
        zone = zone or timezone.get_default_timezone()
        day = timezone.now().astimezone(zone).date() + datetime.timedelta(days=days)
        return datetime.datetime.combine(day, datetime.time(hour, minute), zone)

    return at


@pytest.fixture
def appointment(client_chart, clinician, soon):
    return actions.schedule_appointment(
        client_chart,
        by=clinician,
        clinician=clinician,
        starts_at=soon(days=3, zone=client_chart.organization.zone),
        duration_minutes=50,
        note="Bring the housing letter.",
    )
