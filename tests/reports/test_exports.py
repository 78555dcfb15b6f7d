"""Export jobs: the client's record PDF on the worker, progress polling, only the asker downloads,
short-lived encrypted files, failures kept as a sentence."""

import base64
import datetime

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from waypoint.audit.models import AuditAction, AuditEvent
from waypoint.reports import actions, tasks
from waypoint.reports.models import ExportJob, ExportKind, ExportStatus
from waypoint.worker.periodic import PERIODIC_TASKS

pytestmark = pytest.mark.django_db


def _record_job(web, capture):
    with capture(execute=True):
        response = web.post(reverse("reports-portal-record-pdf"))
    job = ExportJob.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("reports-export", args=[job.pk])
    job.refresh_from_db()
    return job


def test_record_pdf_is_made_on_the_worker_and_downloaded_by_the_client(
    login, client_user, client_chart, django_capture_on_commit_callbacks
):
    web = login(client_user)
    job = _record_job(web, django_capture_on_commit_callbacks)
    assert (job.kind, job.status, job.progress, job.client_id) == (
        ExportKind.RECORD_PDF,
        ExportStatus.DONE,
        100,
        client_chart.pk,
    )
    page = web.get(reverse("reports-export", args=[job.pk]))
    assert page.status_code == 200
    assert "Ready to download" in page.content.decode() or "ready" in page.content.decode()
    response = web.get(reverse("reports-export-download", args=[job.pk]))
    assert response.status_code == 200
    assert response.content.startswith(b"%PDF")
    assert response["Content-Disposition"].startswith('attachment; filename="my-record-')
    assert {"no-store", "private"} <= {d.strip() for d in response["Cache-Control"].split(",")}
    events = AuditEvent.objects.filter(object_type="reports.exportjob").order_by("id")
    assert [(e.action, e.detail["step"], e.client_id) for e in events] == [
        (AuditAction.EXPORT, "requested", client_chart.pk),
        (AuditAction.EXPORT, "downloaded", client_chart.pk),
    ]


def test_the_file_is_encrypted_at_rest(login, client_user, django_capture_on_commit_callbacks):
    job = _record_job(login(client_user), django_capture_on_commit_callbacks)
    with connection.cursor() as cursor:
        cursor.execute("SELECT content FROM reports_exportjob WHERE id = %s", [job.pk])
        raw = cursor.fetchone()[0]
    assert raw.startswith("gAAAA")  # a Fernet token, not the base64 of a PDF
    assert base64.b64encode(b"%PDF").decode() not in raw
    assert job.file_bytes().startswith(b"%PDF")


def test_staff_cannot_ask_for_a_clients_record_export(login, clinician):
    assert login(clinician).post(reverse("reports-portal-record-pdf")).status_code == 403
    assert not ExportJob.objects.exists()


def test_while_running_the_status_fragment_polls(login, admin, client_chart):
    job = ExportJob.objects.create(
        organization=admin.organization,
        requested_by=admin,
        kind=ExportKind.PROGRAM_PDF,
        params={"first": "2026-01-01", "last": "2026-06-30"},
        status=ExportStatus.RUNNING,
        progress=40,
        expires_at=timezone.now() + datetime.timedelta(hours=1),
    )
    body = login(admin).get(reverse("reports-export-status", args=[job.pk])).content.decode()
    assert f'hx-get="{reverse("reports-export-status", args=[job.pk])}"' in body
    assert 'hx-trigger="every 1s"' in body
    assert '<progress id="export-progress" max="100" value="40">' in body
    assert "<script" not in body and "style=" not in body  # CSP: no inline script or style


def test_an_expired_file_is_never_served_and_is_purged(
    login, client_user, django_capture_on_commit_callbacks
):
    web = login(client_user)
    job = _record_job(web, django_capture_on_commit_callbacks)
    ExportJob.objects.filter(pk=job.pk).update(expires_at=timezone.now())
    assert web.get(reverse("reports-export-download", args=[job.pk])).status_code == 404
    assert "expired" in web.get(reverse("reports-export", args=[job.pk])).content.decode()
    assert tasks.purge_expired_exports.call() == 1
    assert not ExportJob.objects.exists()
    assert ("waypoint.reports.tasks.purge_expired_exports", datetime.timedelta(minutes=15)) in (
        PERIODIC_TASKS
    )


def test_a_failed_export_says_so_without_details(admin, monkeypatch):
    from waypoint.reports import exports

    def broken(job, progress):
        raise RuntimeError("secret clinical detail")

    monkeypatch.setitem(exports.BUILDERS, ExportKind.PROGRAM_PDF, broken)
    job = actions.request_export(
        ExportKind.PROGRAM_PDF, by=admin, params={"first": "2026-01-01", "last": "2026-06-30"}
    )
    job = actions.make_export(job)
    assert job.status == ExportStatus.FAILED
    assert "secret" not in job.error
    assert not job.is_downloadable()


def test_a_job_runs_once(admin, client_chart, django_capture_on_commit_callbacks):
    job = actions.request_export(
        ExportKind.PROGRAM_PDF, by=admin, params={"first": "2026-06-01", "last": "2026-06-30"}
    )
    assert actions.make_export(job).status == ExportStatus.DONE
    first_finish = ExportJob.objects.get(pk=job.pk).finished_at
    assert tasks.run_export.call(job.pk) == ExportStatus.DONE  # already made: not remade
    assert ExportJob.objects.get(pk=job.pk).finished_at == first_finish
    assert tasks.run_export.call(job.pk + 999) == "gone"


def test_a_user_who_lost_the_report_permission_cannot_download(
    login, supervisor, django_capture_on_commit_callbacks
):
    web = login(supervisor)
    with django_capture_on_commit_callbacks(execute=True):
        web.post(reverse("reports-program-pdf"), {"first": "2026-06-01", "last": "2026-06-30"})
    job = ExportJob.objects.get()
    assert web.get(reverse("reports-export-download", args=[job.pk])).status_code == 200
    supervisor.role = "clinician"
    supervisor.save(update_fields=["role"])
    assert web.get(reverse("reports-export-download", args=[job.pk])).status_code == 404


def test_anonymous_is_sent_to_sign_in(client, admin):
    job = ExportJob.objects.create(
        organization=admin.organization,
        requested_by=admin,
        kind=ExportKind.PROGRAM_PDF,
        expires_at=timezone.now() + datetime.timedelta(hours=1),
    )
    for name in ("reports-export", "reports-export-status", "reports-export-download"):
        response = client.get(reverse(name, args=[job.pk]))
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))


def test_anonymizing_a_chart_deletes_its_exports(client_user, client_chart):
    from waypoint.privacy.retention import ANONYMIZERS
    from waypoint.reports.records import anonymize_exports

    assert "waypoint.reports.records.anonymize_exports" in ANONYMIZERS
    actions.request_export(ExportKind.RECORD_PDF, by=client_user, client=client_chart)
    anonymize_exports(client_chart)
    assert not ExportJob.objects.filter(client=client_chart).exists()


@pytest.mark.django_db(transaction=True)
def test_the_request_only_queues_and_the_worker_makes_the_file(client_user, client_chart):
    """request_export → on commit → database queue → `waypoint worker` → file ready."""
    from django.core.management import call_command
    from django.test import override_settings
    from django_tasks_db.models import DBTaskResult

    database_tasks = {
        "default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}
    }
    with override_settings(TASKS=database_tasks):
        job = actions.request_export(ExportKind.RECORD_PDF, by=client_user, client=client_chart)
        assert DBTaskResult.objects.get().task_path == "waypoint.reports.tasks.run_export"
        job.refresh_from_db()
        assert (job.status, job.progress, job.content) == (ExportStatus.QUEUED, 0, "")
        call_command("worker", "--batch", verbosity=0)
    job.refresh_from_db()
    assert job.status == ExportStatus.DONE
    assert job.file_bytes().startswith(b"%PDF")
