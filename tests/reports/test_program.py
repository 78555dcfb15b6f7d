"""The program outcome report: counts per program, suppression, page, CSV, PDF on the worker."""

import csv
import io

import pytest
from django.urls import reverse

from waypoint.audit.models import AuditAction, AuditEvent
from waypoint.reports.models import ExportJob, ExportStatus
from waypoint.reports.program import program_report

pytestmark = pytest.mark.django_db


def _report(world, clinic):
    return program_report(clinic, first=world["first"], last=world["last"])


def test_counts_per_program_with_small_cells_suppressed(program_world, clinic):
    report = _report(program_world, clinic)
    rows = {row.label: row.cells for row in report.rows}
    assert set(rows) == {"Outpatient", "Drop-in"}  # Other Clinic's people never count
    total = report.total.cells
    assert total["served"] == 19
    assert total["retention_eligible"] == 19
    # 4 people in Drop-in: suppressed, and Outpatient's 15 too, or 19 − 15 would give 4.
    assert rows["Drop-in"]["served"] is None
    assert rows["Outpatient"]["served"] is None
    # 17 of 19 retained would show that 2 were not: the retained count is hidden.
    assert total["retained"] is None
    # 12 people with PHQ-9 20 → 4: all reliably improved (Jacobson & Truax; SD and α from the
    # instrument's data file), nobody left over, so the counts are shown.
    assert total["phq9_assessed"] == 12
    assert total["phq9_improved"] == 12
    assert rows["Outpatient"]["phq9_improved"] == 12
    assert rows["Drop-in"]["phq9_assessed"] == 0  # zero is not a small cell
    assert report.total.rate("phq9_improved", "phq9_assessed") == 100.0
    assert report.suppressed_cells >= 5


def test_no_suppressed_count_equals_a_shown_total_minus_shown_rows(program_world, clinic):
    report = _report(program_world, clinic)
    for column in report.columns:
        total = report.total.cells[column]
        values = [row.cells[column] for row in report.rows]
        hidden = [v for v in values if v is None]
        if total is not None and len(hidden) == 1:
            pytest.fail(f"{column}: one hidden row could be derived from the total")


def test_people_admitted_less_than_90_days_ago_are_not_yet_counted_for_retention(
    program_world, clinic
):
    import datetime

    last = program_world["today"] - datetime.timedelta(days=20)  # Drop-in: day 80 by then
    report = program_report(clinic, first=program_world["first"], last=last)
    rows = {row.label: row.cells for row in report.rows}
    assert rows["Drop-in"]["retention_eligible"] == 0


def test_page_shows_the_report_and_is_audited(login, admin, program_world):
    response = login(admin).get(
        reverse("reports-program"),
        {"first": program_world["first"].isoformat(), "last": program_world["last"].isoformat()},
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "suppressed" in body
    assert "Person Outpatient" not in body and "P-001" not in body  # de-identified
    assert response.context["report"].total.cells["served"] == 19
    event = AuditEvent.objects.get(action=AuditAction.VIEW, object_type="program_report")
    assert event.detail == {
        "first": program_world["first"].isoformat(),
        "last": program_world["last"].isoformat(),
    }


def test_bad_period_is_a_400_with_errors(login, admin, program_world):
    web = login(admin)
    response = web.get(reverse("reports-program"), {"first": "2026-05-01", "last": "2026-04-01"})
    assert response.status_code == 400
    assert response.context["form"].errors["last"]
    response = web.get(reverse("reports-program"), {"first": "soon", "last": ""})
    assert response.status_code == 400
    assert not AuditEvent.objects.filter(object_type="program_report").exists()


def test_csv_streams_the_same_suppressed_cells(login, supervisor, program_world):
    response = login(supervisor).get(
        reverse("reports-program"),
        {
            "first": program_world["first"].isoformat(),
            "last": program_world["last"].isoformat(),
            "format": "csv",
        },
    )
    assert response.status_code == 200
    assert response.streaming
    assert response["Content-Disposition"].startswith('attachment; filename="program-outcomes-')
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    header, *data = rows
    assert header[:3] == ["program", "served", "retention_eligible"]
    by_program = {row[0]: dict(zip(header, row, strict=True)) for row in data}
    assert by_program["All programs"]["served"] == "19"
    assert by_program["Drop-in"]["served"] == "suppressed"
    assert by_program["Outpatient"]["served"] == "suppressed"
    assert AuditEvent.objects.filter(
        action=AuditAction.EXPORT, object_type="program_report", detail__format="csv"
    ).exists()


def test_clinicians_may_not_see_the_program_report(login, clinician, program_world):
    assert login(clinician).get(reverse("reports-program")).status_code == 403


def test_pdf_is_made_on_the_worker_for_the_person_who_asked(
    login, admin, program_world, django_capture_on_commit_callbacks, make_user, clinic
):
    web = login(admin)
    period = {
        "first": program_world["first"].isoformat(),
        "last": program_world["last"].isoformat(),
    }
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = web.post(reverse("reports-program-pdf"), period)
    assert len(callbacks) == 1  # the task is enqueued once the request commits
    job = ExportJob.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("reports-export", args=[job.pk])
    job.refresh_from_db()
    assert job.status == ExportStatus.DONE
    assert job.progress == 100
    assert job.params == period
    page = web.get(reverse("reports-export-status", args=[job.pk])).content.decode()
    assert "hx-get" not in page  # finished: polling stops
    assert reverse("reports-export-download", args=[job.pk]) in page
    download = web.get(reverse("reports-export-download", args=[job.pk]))
    assert download.status_code == 200
    assert download["Content-Type"] == "application/pdf"
    assert download.content.startswith(b"%PDF")
    pypdf = pytest.importorskip("pypdf")
    text = "\n".join(p.extract_text() for p in pypdf.PdfReader(io.BytesIO(download.content)).pages)
    assert "Program outcome report" in text
    assert "suppressed" in text
    assert "Person Outpatient" not in text
    steps = list(
        AuditEvent.objects.filter(object_type="reports.exportjob")
        .order_by("id")
        .values_list("detail__step", flat=True)
    )
    assert steps == ["requested", "downloaded"]
    # Another admin of the same clinic cannot see or fetch it.
    other = make_user("second-admin@clinic.test", clinic, "admin", "Second Admin")
    web.force_login(other, backend="django.contrib.auth.backends.ModelBackend")
    for name in ("reports-export", "reports-export-status", "reports-export-download"):
        assert web.get(reverse(name, args=[job.pk])).status_code == 404


def test_pdf_request_with_a_bad_period_makes_nothing(login, admin, program_world):
    response = login(admin).post(reverse("reports-program-pdf"), {"first": "x", "last": "y"})
    assert response.status_code == 400
    assert not ExportJob.objects.exists()
