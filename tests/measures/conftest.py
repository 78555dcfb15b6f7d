import datetime

import pytest
from django.utils import timezone

from waypoint.measures import actions


@pytest.fixture
def days_ago():
    def at(days: int) -> datetime.datetime:
        return timezone.now() - datetime.timedelta(days=days)

    return at


@pytest.fixture
def phq9(client_chart, clinician, days_ago):
    """Record a PHQ-9 on Robin's chart: `phq9([answers], days=...)`."""

    def record(answers, days=0, chart=None, by=None):
        return actions.record_administration(
            chart or client_chart,
            by=by or clinician,
            instrument_id="phq-9",
            answers=answers,
            administered_at=days_ago(days),
        )

    return record
