import datetime

import pytest

from waypoint.clients import actions as client_actions
from waypoint.groups import actions
from waypoint.groups.models import AttendanceStatus

DAY = datetime.date(2026, 3, 3)

# Distinctive people: each name, chart number and own-part word must stay in its own chart.
MEMBERS = [
    ("G-701", "Zenobia Marblewood", "Zenobia", "periwinkle"),
    ("G-702", "Octavian Thistledown", "Tavi", "gooseberry"),
    ("G-703", "Perpetua Wrenfield", "", "cardamom"),
]
SHARED = (
    "Zenobia Marblewood and Tavi Thistledown talked about the festival; Perpetua Wrenfield "
    "and Robin listened. Theme: planning ahead. Sheltering-mackerel process note."
)


@pytest.fixture
def member_charts(clinic, admin, clinician):
    return [
        client_actions.create_client(
            by=admin,
            organization=clinic,
            chart_number=number,
            legal_name=legal,
            preferred_name=preferred,
            primary_clinician=clinician,
            admitted_on=datetime.date(2026, 1, 5),
        )
        for number, legal, preferred, _ in MEMBERS
    ]


@pytest.fixture
def group(clinic, clinician):
    return actions.create_group(
        clinic, by=clinician, name="Tuesday open group", description="Any substance, any goal."
    )


@pytest.fixture
def group_world(group, member_charts, client_chart, clinician):
    """Three members and Robin as a drop-in at one session; each own part names one word."""
    for chart in member_charts:
        actions.add_member(group, chart, by=clinician, joined_on=DAY - datetime.timedelta(weeks=2))
    session = actions.add_session(group, by=clinician, held_on=DAY, topic="Festival season")
    rows = {
        chart.pk: (AttendanceStatus.PRESENT, f"Own part: spoke about the {word} plan.")
        for chart, (_, _, _, word) in zip(member_charts, MEMBERS, strict=True)
    }
    rows[client_chart.pk] = (AttendanceStatus.DROP_IN, "Own part: first visit, saffronwood.")
    actions.record_session(
        session, by=clinician, topic="Festival season", shared_note=SHARED, rows=rows
    )
    return {"group": group, "session": session, "members": member_charts, "drop_in": client_chart}
