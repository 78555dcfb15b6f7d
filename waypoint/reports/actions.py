"""Writes of the reports app: export jobs (asked for, made, downloaded, purged), report prints.

Every step is audited with ids and labels only: EXPORT when a person asks for an export and
when they download it, PRINT when the care team prints a progress report, EXPORT when a client
downloads their own (it is their record: HIPAA 45 CFR 164.524, 42 CFR 2.23).
"""

import base64
import contextlib
import logging
import threading
import traceback
from pathlib import Path

from django.db import DatabaseError, connections, models, transaction
from django.db.models.functions import Greatest
from django.template.loader import render_to_string
from django.utils import timezone

from waypoint.audit.actions import record
from waypoint.audit.models import AuditAction
from waypoint.privacy.documents import render_pdf
from waypoint.reports import models as export_models
from waypoint.reports import tasks
from waypoint.reports.models import (
    BUILD_FAILED,
    EXPORT_TTL,
    NOT_STARTED,
    STALLED,
    TOO_LONG,
    ExportJob,
    ExportKind,
    ExportStatus,
)
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
def request_export(
    kind: str, *, by, params: dict | None = None, client=None, retry_of: ExportJob | None = None
) -> ExportJob:
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
    detail = {"kind": kind, "step": "requested", **(params or {})}
    if retry_of is not None:
        detail["retry_of"] = retry_of.pk
    record(by=by, action=AuditAction.EXPORT, obj=job, client=client, detail=detail)
    transaction.on_commit(lambda: tasks.run_export.enqueue(job.pk))
    return job


@transaction.atomic
def retry_export(job: ExportJob, *, by) -> ExportJob:
    """Ask again for a job that failed or whose file expired: a new job, same kind and params.

    The caller has checked `by`'s right to this kind of export exactly as for the first request
    (the views' `_own_job`); only the person who asked for the first may ask again.
    """
    if job.requested_by_id != by.pk:
        raise PermissionError("only the person who asked for an export may ask for it again")
    if not job.can_retry():
        raise ValueError(f"export #{job.pk} is {job.status}: nothing to try again")
    # A stalled job the sweep has not reached yet is given up now, so only the new one runs.
    ExportJob.objects.stalled().filter(pk=job.pk).update(
        status=ExportStatus.FAILED, error=STALLED, finished_at=timezone.now()
    )
    return request_export(job.kind, by=by, params=job.params, client=job.client, retry_of=job)


def set_progress(job: ExportJob, done: int, of: int) -> None:
    """Store the percentage and a heartbeat at once (outside any transaction the builder holds)."""
    percent = max(0, min(99, int(100 * done / of))) if of else 0
    ExportJob.objects.filter(pk=job.pk, status=ExportStatus.RUNNING).update(
        progress=Greatest(
            "progress", models.Value(percent), output_field=models.PositiveSmallIntegerField()
        ),
        heartbeat_at=timezone.now(),
    )


@contextlib.contextmanager
def _heartbeat(job_pk: int):
    """Touch the job's `heartbeat_at` every HEARTBEAT_EVERY from a thread while the block runs.

    One step of a build (rendering a long record's PDF) can outlast the stall timeout without a
    progress callback; the heartbeat says the process is alive. If the process dies, the daemon
    thread dies with it, the heartbeat stops and `fail_stalled_exports` gives the job up.
    """
    stop = threading.Event()
    seconds = export_models.HEARTBEAT_EVERY.total_seconds()

    def beat():
        try:
            while not stop.wait(seconds):
                try:
                    ExportJob.objects.filter(pk=job_pk, status=ExportStatus.RUNNING).update(
                        heartbeat_at=timezone.now()
                    )
                except DatabaseError as exc:  # a busy database: the next beat will do
                    logger.warning("export %s missed a heartbeat: %s", job_pk, type(exc).__name__)
        finally:
            connections.close_all()  # this thread's own connections only

    thread = threading.Thread(target=beat, name=f"export-{job_pk}-heartbeat", daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join()


def _log_failure(job: ExportJob, exc: BaseException) -> None:
    """Where it failed (exception type, files, lines, functions), never the message or values.

    An exception's message can quote record content (a name in a template error, a note in a
    database error); the operator needs the place, not the data.
    """
    frames = traceback.extract_tb(exc.__traceback__)[-6:]
    where = " <- ".join(f"{Path(f.filename).name}:{f.lineno} {f.name}" for f in reversed(frames))
    logger.error("export %s (%s) failed: %s at %s", job.pk, job.kind, type(exc).__name__, where)


def make_export(job: ExportJob) -> ExportJob:
    """Build the file of a queued job (the worker calls this). A failure is kept on the job."""
    from waypoint.reports.exports import BUILDERS

    now = timezone.now()
    claimed = ExportJob.objects.filter(pk=job.pk, status=ExportStatus.QUEUED).update(
        status=ExportStatus.RUNNING, started_at=now, heartbeat_at=now
    )
    if not claimed:
        return job
    try:
        with _heartbeat(job.pk):
            body, content_type, filename = BUILDERS[job.kind](
                job, lambda done, of: set_progress(job, done, of)
            )
    except Exception as exc:
        _log_failure(job, exc)
        ExportJob.objects.filter(pk=job.pk, status=ExportStatus.RUNNING).update(
            status=ExportStatus.FAILED, error=BUILD_FAILED, finished_at=timezone.now()
        )
        job.refresh_from_db()
        return job
    with transaction.atomic():
        job = ExportJob.objects.select_for_update().get(pk=job.pk)
        if job.status != ExportStatus.RUNNING:
            # Given up meanwhile (`fail_stalled_exports`): the person was told it failed and may
            # have asked again; a file appearing now would contradict the page.
            logger.warning("export %s finished after it was given up; file dropped", job.pk)
            return job
        now = timezone.now()
        job.content = base64.b64encode(body).decode("ascii")
        job.content_type = content_type
        job.filename = filename
        job.size = len(body)
        job.status = ExportStatus.DONE
        job.progress = 100
        job.heartbeat_at = now
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
                "heartbeat_at",
                "finished_at",
                "expires_at",
            ]
        )
    return job


def fail_stalled_exports(now=None) -> int:
    """Give up jobs that will never finish, so their page says so: returns how many.

    A running job without a heartbeat for `EXPORT_STALL_MINUTES` (its worker died or was killed),
    a running job unfinished `EXPORT_RUN_MINUTES` after it started (stuck; a file it makes later
    is dropped, as `make_export` does for every job given up), and a queued job no worker started
    within `EXPORT_QUEUE_MINUTES`. Each update repeats its condition, so a job that finished or
    started meanwhile is left alone.
    """
    now = now or timezone.now()
    given_up = 0
    for why, stuck, sentence in (
        ("no heartbeat", ExportJob.objects.stalled(now), STALLED),
        ("ran too long", ExportJob.objects.overran(now), TOO_LONG),
        ("never started", ExportJob.objects.not_started(now), NOT_STARTED),
    ):
        ids = list(stuck.values_list("pk", flat=True))
        if not ids:
            continue
        count = stuck.filter(pk__in=ids).update(
            status=ExportStatus.FAILED, error=sentence, finished_at=now
        )
        logger.warning("export jobs %s given up (%s)", ids, why)
        given_up += count
    return given_up


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
