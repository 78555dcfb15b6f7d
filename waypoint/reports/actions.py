"""Writes of the reports app: export jobs (asked for, made, downloaded, purged), report prints.

Every step is audited with ids and labels only: EXPORT when a person asks for an export and
when they download it, PRINT when the care team prints a progress report, EXPORT when a client
downloads their own (it is their record: HIPAA 45 CFR 164.524, 42 CFR 2.23).
"""

import base64
import logging

from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone

from waypoint.audit.actions import record
from waypoint.audit.models import AuditAction
from waypoint.privacy.documents import render_pdf
from waypoint.reports import tasks
from waypoint.reports.models import EXPORT_TTL, ExportJob, ExportKind, ExportStatus
from waypoint.reports.progress import CLIENT, progress_report

logger = logging.getLogger(__name__)


def progress_report_pdf(client, *, by, audience: str, request=None) -> bytes:
    """The progress report as a PDF, audited (PRINT for the care team, EXPORT for the client)."""
    context = progress_report(client, audience=audience)
    body = render_pdf(render_to_string("reports/progress_document.html", context, request=request))
    record(
        by=by,
        action=AuditAction.EXPORT if audience == CLIENT else AuditAction.PRINT,
        obj=client,
        client=client,
        detail={"format": "pdf", "report": "progress", "audience": audience},
    )
    return body


@transaction.atomic
def request_export(kind: str, *, by, params: dict | None = None, client=None) -> ExportJob:
    """Queue an export for `by` alone; the worker makes it once this transaction commits."""
    if kind not in ExportKind.values:
        raise ValueError(f"unknown export kind {kind!r}")
    now = timezone.now()
    job = ExportJob.objects.create(
        organization_id=by.organization_id,
        requested_by=by,
        client=client,
        kind=kind,
        params=params or {},
        created_at=now,
        expires_at=now + EXPORT_TTL,
    )
    record(
        by=by,
        action=AuditAction.EXPORT,
        obj=job,
        client=client,
        detail={"kind": kind, "step": "requested", **(params or {})},
    )
    transaction.on_commit(lambda: tasks.run_export.enqueue(job.pk))
    return job


def set_progress(job: ExportJob, done: int, of: int) -> None:
    """Store the percentage at once (outside any transaction the builder may hold)."""
    percent = max(0, min(99, int(100 * done / of))) if of else 0
    ExportJob.objects.filter(pk=job.pk, progress__lt=percent).update(progress=percent)


def make_export(job: ExportJob) -> ExportJob:
    """Build the file of a queued job (the worker calls this). A failure is kept on the job."""
    from waypoint.reports.exports import BUILDERS

    claimed = ExportJob.objects.filter(pk=job.pk, status=ExportStatus.QUEUED).update(
        status=ExportStatus.RUNNING
    )
    if not claimed:
        return job
    try:
        body, content_type, filename = BUILDERS[job.kind](
            job, lambda done, of: set_progress(job, done, of)
        )
    except Exception:
        logger.exception("export %s failed", job.pk)
        ExportJob.objects.filter(pk=job.pk).update(
            status=ExportStatus.FAILED,
            error="The export could not be made. Please try again or tell your administrator.",
            finished_at=timezone.now(),
        )
        job.refresh_from_db()
        return job
    now = timezone.now()
    job.refresh_from_db()
    job.content = base64.b64encode(body).decode("ascii")
    job.content_type = content_type
    job.filename = filename
    job.size = len(body)
    job.status = ExportStatus.DONE
    job.progress = 100
    job.finished_at = now
    job.expires_at = now + EXPORT_TTL
    job.save(
        update_fields=[
            "content",
            "content_type",
            "filename",
            "size",
            "status",
            "progress",
            "finished_at",
            "expires_at",
        ]
    )
    return job


@transaction.atomic
def download_export(job: ExportJob, *, by) -> bytes:
    """The file, for the person who asked for it; audited as an EXPORT each time."""
    if job.requested_by_id != by.pk:
        raise PermissionError("only the person who asked for an export may download it")
    body = job.file_bytes()
    job.downloaded_at = timezone.now()
    job.save(update_fields=["downloaded_at"])
    record(
        by=by,
        action=AuditAction.EXPORT,
        obj=job,
        client=job.client,
        detail={"kind": job.kind, "step": "downloaded", "bytes": len(body)},
    )
    return body


def purge_expired_exports(now=None) -> int:
    """Delete every export past its expiry (the file goes with the row)."""
    count, _ = ExportJob.objects.expired(now).delete()
    return count
