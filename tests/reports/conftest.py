import datetime

import pytest
from django.utils import timezone

from waypoint.clients import actions as client_actions
from waypoint.measures import actions as measure_actions

# PHQ-9 answers (option index = item score, Kroenke et al. 2001): 20 and then 4.
PHQ_20 = [3, 3, 3, 3, 2, 2, 2, 2, 0, 1]
PHQ_4 = [1, 1, 1, 1, 0, 0, 0, 0, 0, 0]


@pytest.fixture
def program_world(clinic, other_clinic, admin, clinician, other_clinician):
    """15 people in Outpatient (2 left before day 90), 4 in Drop-in, 12 with PHQ-9 20 → 4.

    And 12 people at Other Clinic, who must never count here."""
    today = clinic.today()
    days = datetime.timedelta
    now = timezone.now()
    people = []
    for i in range(15):
        chart = client_actions.create_client(
            by=admin,
            organization=clinic,
            chart_number=f"P-{i:03d}",
            legal_name=f"Person Outpatient{i}",
            primary_clinician=clinician,
            admitted_on=today - days(200),
        )
        people.append(chart)
        if i < 2:
            client_actions.discharge_client(
                chart,
                by=admin,
                discharged_on=today - days(170),
                reason="moved",
                note="",
            )
        if i < 12:
            for answers, back in ((PHQ_20, 150), (PHQ_4, 20)):
                measure_actions.record_administration(
                    chart,
                    by=clinician,
                    instrument_id="phq-9",
                    answers=answers,
                    administered_at=now - days(back),
                )
    for i in range(4):
        chart = client_actions.create_client(
            by=admin,
            organization=clinic,
            chart_number=f"D-{i:03d}",
            legal_name=f"Person Dropin{i}",
            primary_clinician=clinician,
        )
        client_actions.admit_client(
            chart, by=admin, admitted_on=today - days(100), program="Drop-in"
        )
        people.append(chart)
    for i in range(12):
        client_actions.create_client(
            by=other_clinician,
            organization=other_clinic,
            chart_number=f"O-{i:03d}",
            legal_name=f"Other Person{i}",
            primary_clinician=other_clinician,
            admitted_on=today - days(200),
        )
    return {"today": today, "people": people, "first": today - days(179), "last": today}
