"""The outcome report: filters by clinician, program status and period; CSV download."""

import csv
import datetime
import io
from decimal import Decimal

import pytest
from django.urls import reverse

from waypoint.audit.models import AuditAction, AuditEvent
from waypoint.clients import actions as client_actions
from waypoint.diary import actions


@pytest.fixture
def charts(admin, clinic, clinician, colleague, client_chart, colleague_chart):
    """Robin (active, Maya's), Petra (waitlist, Cole's), Wren (discharged, Maya's)."""
    actions.add_entry(
        client_chart,
        by=clinician,
        source="clinician",
        day=client_chart.organization.today(),
        substance="alcohol",
        amount=Decimal(2),
        unit="drinks",
    )
    wren = client_actions.create_client(
        by=admin,
        organization=clinic,
        chart_number="C-030",
        legal_name="Wren Example",
        primary_clinician=clinician,
        admitted_on=datetime.date(2026, 1, 5),
    )
    client_actions.discharge_client(
        wren, by=admin, discharged_on=datetime.date(2026, 2, 1), reason="goals_met"
    )
    return {"robin": client_chart, "petra": colleague_chart, "wren": wren}


def _numbers(response):
    return [chart.chart_number for chart, _ in response.context["rows"]]


def test_waitlist_and_discharged_are_left_out_unless_asked(login, admin, charts):
    web = login(admin)
    assert _numbers(web.get(reverse("diary-report"))) == ["C-001"]
    every = web.get(reverse("diary-report"), {"status": ["active", "waitlist", "discharged"]})
    assert _numbers(every) == ["C-001", "C-002", "C-030"]
    assert _numbers(web.get(reverse("diary-report"), {"status": "discharged"})) == ["C-030"]


def test_filter_by_primary_clinician(login, admin, clinician, colleague, charts):
    web = login(admin)
    every = ["active", "waitlist", "discharged"]
    mayas = web.get(reverse("diary-report"), {"clinician": clinician.pk, "status": every})
    assert _numbers(mayas) == ["C-001", "C-030"]
    coles = web.get(reverse("diary-report"), {"clinician": colleague.pk, "status": every})
    assert _numbers(coles) == ["C-002"]


def test_period_and_bad_filters(login, admin, other_clinician, charts):
    web = login(admin)
    assert web.get(reverse("diary-report"), {"weeks": 52}).context["weeks"] == 52
    for bad in ({"weeks": 7}, {"status": "asleep"}, {"clinician": other_clinician.pk}):
        response = web.get(reverse("diary-report"), bad)
        assert response.status_code == 400, bad
        assert response.context["form"].errors


def test_csv_download_has_every_matching_row_and_no_names(login, admin, charts):
    response = login(admin).get(
        reverse("diary-report"), {"status": ["active", "waitlist"], "download": "csv"}
    )
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="outcomes-12-weeks-')
    assert response["Cache-Control"] == "no-store, private"
    assert response.streaming  # written row by row, never held whole in memory
    body = b"".join(response.streaming_content).decode()
    rows = list(csv.reader(io.StringIO(body)))
    assert rows[0][:3] == ["chart_number", "days_reported", "plan_days"]
    assert [r[0] for r in rows[1:]] == ["C-001", "C-002"]
    assert rows[1][1] == "1"  # Robin reported one day
    assert "Robin" not in body and "Petra" not in body
    event = AuditEvent.objects.get(action=AuditAction.EXPORT, object_type="outcome_report")
    assert event.detail["charts"] == 2


def test_csv_respects_what_the_user_may_see(login, clinician, charts):
    response = login(clinician).get(
        reverse("diary-report"), {"status": ["active", "waitlist", "discharged"], "download": "csv"}
    )
    body = b"".join(response.streaming_content).decode()
    numbers = [r[0] for r in csv.reader(io.StringIO(body))][1:]
    assert numbers == ["C-001", "C-030"]  # not Cole's chart
