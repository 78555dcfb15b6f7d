"""Progress reports: the clinician version from the chart, the client version from the portal."""

import datetime
import io
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.reports.conftest import PHQ_4, PHQ_20
from waypoint.assessment import actions as assessment_actions
from waypoint.audit.models import AuditAction, AuditEvent
from waypoint.diary import actions as diary_actions
from waypoint.goals import actions as goal_actions
from waypoint.measures import actions as measure_actions
from waypoint.plans import actions as plan_actions
from waypoint.plans.guide import guide
from waypoint.reports.progress import progress_report

pytestmark = pytest.mark.django_db


@pytest.fixture
def robin(client_chart, client_user, clinician):
    """Robin: a moderation goal after an earlier one, a diary over 180 days that moves down a
    WHO level, PHQ-9 20 → 4 (reliable improvement), a GAD-7 that rose, a stage, a crisis plan."""
    today = client_chart.organization.today()
    days = datetime.timedelta
    now = timezone.now()
    goal_actions.choose_goal(
        client_chart,
        by=clinician,
        substance="alcohol",
        kind="no_change",
        started_on=today - days(170),
        chosen_by_client=True,
    )
    goal_actions.choose_goal(
        client_chart,
        by=clinician,
        substance="alcohol",
        kind="moderation",
        started_on=today - days(80),
        chosen_by_client=True,
        limit_unit="drinks",
        max_per_day=Decimal("2"),
    )
    for back in range(179, -1, -1):
        drinks = Decimal("6") if back >= 90 else Decimal("1")
        diary_actions.add_entry(
            client_chart,
            by=client_user,
            source="client",
            day=today - days(back),
            substance="alcohol",
            amount=drinks,
            unit="drinks",
            money_spent=Decimal("20") if back >= 90 else Decimal("5"),
        )
    for answers, back in ((PHQ_20, 150), (PHQ_4, 10)):
        measure_actions.record_administration(
            client_chart,
            by=clinician,
            instrument_id="phq-9",
            answers=answers,
            administered_at=now - days(back),
        )
    for answers, back in (([0, 0, 0, 0, 0, 0, 0], 150), ([3, 3, 3, 3, 3, 3, 3], 10)):
        measure_actions.record_administration(
            client_chart,
            by=clinician,
            instrument_id="gad-7",
            answers=answers,
            administered_at=now - days(back),
        )
    assessment_actions.record_stage(
        client_chart, by=clinician, substance="alcohol", stage="action", noted_on=today
    )
    items = {key: ["Call my sister Quillon"] for key in guide("crisis").section_keys}
    plan_actions.save_plan(client_chart, by=clinician, kind="crisis", items=items)
    return client_chart


def _text(body: bytes) -> str:
    pypdf = pytest.importorskip("pypdf")
    return "\n".join(p.extract_text() for p in pypdf.PdfReader(io.BytesIO(body)).pages)


def test_context_shows_every_reduction_in_harm(robin):
    context = progress_report(robin, audience="client")
    messages = " ".join(context["progress_messages"])
    assert "moved down" in messages  # 84 g/day → 14 g/day: very high → low (female)
    assert "fewer drinks a week" in messages
    assert "less" in messages  # money
    assert "mood (PHQ-9) score went from 20 to 4" in messages
    assert "streak" not in messages.lower()
    assert "gad-7" not in messages.lower()  # a rise is not held against anyone here
    assert "stages" not in context  # clinician-only
    goals = context["goals"]
    assert [g["substance"] for g in goals] == ["Alcohol"]
    assert goals[0]["current"].kind == "moderation"
    assert [g.kind for g in goals[0]["history"]] == ["no_change"]


def test_clinician_context_has_reliable_change_and_stages(robin):
    context = progress_report(robin, audience="clinician")
    by_id = {m["instrument"].id: m for m in context["measures"]}
    assert by_id["phq-9"]["change"]["rci"].outcome == "improvement"
    assert by_id["gad-7"]["change"]["rci"].outcome == "deterioration"
    assert [s.get_stage_display() for s in context["stages"]] == ["Action"]
    assert context["comparison"].who_change < 0


def test_clinician_pdf_from_the_chart_is_a_pdf_and_printed(login, clinician, robin):
    response = login(clinician).get(reverse("reports-progress-pdf", args=[robin.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert response["Content-Disposition"].startswith('attachment; filename="progress-C-001-')
    text = _text(response.content)
    assert "Progress report" in text
    assert "Reliable improvement" in text and "Reliable deterioration" in text
    assert "Stage of change" in text
    assert "Call my sister Quillon" in text
    event = AuditEvent.objects.get(action=AuditAction.PRINT, client_id=robin.pk)
    assert event.detail == {"format": "pdf", "report": "progress", "audience": "clinician"}


def test_client_pdf_from_the_portal_is_warm_and_has_no_clinician_content(login, client_user, robin):
    response = login(client_user).get(reverse("reports-portal-progress"))
    assert response.status_code == 200
    assert response.content.startswith(b"%PDF")
    text = _text(response.content)
    assert "Your progress" in text
    assert "moved down" in text
    for clinical in ("Reliable deterioration", "RCI", "Stage of change", "Action", "GAD-7"):
        assert clinical not in text, clinical
    assert "streak" not in text.lower()
    assert "Call my sister Quillon" in text  # their own safety plan
    event = AuditEvent.objects.get(action=AuditAction.EXPORT, client_id=robin.pk)
    assert event.detail["audience"] == "client"


def test_progress_pdf_follows_chart_access(login, colleague, other_clinician, client_user, robin):
    assert login(colleague).get(reverse("reports-progress-pdf", args=[robin.pk])).status_code == 404
    assert (
        login(other_clinician).get(reverse("reports-progress-pdf", args=[robin.pk])).status_code
        == 404
    )
    assert (
        login(client_user).get(reverse("reports-progress-pdf", args=[robin.pk])).status_code == 403
    )


def test_an_empty_chart_still_makes_a_report(login, clinician, client_chart):
    response = login(clinician).get(reverse("reports-progress-pdf", args=[client_chart.pk]))
    assert response.status_code == 200
    assert "No goals recorded" in _text(response.content)


def test_sections_without_data_are_left_out(login, clinician, client_chart):
    text = _text(
        login(clinician).get(reverse("reports-progress-pdf", args=[client_chart.pk])).content
    )
    assert "Stage of change" not in text and "Safety plans" not in text
