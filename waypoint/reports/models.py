"""Export jobs: long exports made on the worker, kept encrypted and briefly, for one person.

A job is asked for by one signed-in person and only they can see its progress or download its
file (every lookup is `ExportJob.objects.for_user(user)`; anyone else gets a 404). The finished
file is stored base64 in an encrypted column, like consent scans: no plaintext file touches the
disk, backups and `waypoint rotate-keys` treat it like other chart data, and a purge of the chart
deletes it. Files expire `EXPORT_TTL` after they are made; the periodic
`reports.tasks.purge_expired_exports` deletes expired jobs, and an expired file is never served.

A job that stops without finishing says so within minutes: the worker touches `heartbeat_at`
while it builds the file (a progress step, or every `HEARTBEAT_EVERY` from a small thread), and the
periodic `reports.tasks.fail_stalled_exports` marks a running job whose heartbeat is older than
`EXPORT_STALL_MINUTES` as failed (the worker process died or was killed), a running job still
unfinished `EXPORT_RUN_MINUTES` after it started (a build that hangs while its heartbeat thread
goes on), and a queued job not started after `EXPORT_QUEUE_MINUTES`. Until then, a queued job
older than `EXPORT_STALL_MINUTES` tells the person on its page that the worker has not started it
yet.
"""

import base64
import datetime

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext, gettext_noop

from waypoint.lib.fields import EncryptedTextField

EXPORT_TTL = datetime.timedelta(hours=24)
# How often a running job says it is alive while one long step (a PDF rendering) runs.
HEARTBEAT_EVERY = datetime.timedelta(seconds=30)

# The sentences a failed job keeps in `error` (English in the database, shown translated): plain
# words for the person who asked, never the exception or anything from the record.
BUILD_FAILED = gettext_noop(
    "Something went wrong while making this file. Please try again; if it happens again, tell "
    "whoever runs Waypoint at your clinic."
)
STALLED = gettext_noop(
    "Making this file stopped before it was finished: the background worker was interrupted. "
    "Please try again."
)
TOO_LONG = gettext_noop(
    "Making this file took far longer than it should, so it was stopped. Please try again; if it "
    "happens again, tell whoever runs Waypoint at your clinic."
)
NOT_STARTED = gettext_noop(
    "The background worker did not start making this file in time. Please try again later; if "
    "it happens again, tell whoever runs Waypoint at your clinic."
)


def stall_after() -> datetime.timedelta:
    return datetime.timedelta(minutes=settings.EXPORT_STALL_MINUTES)


def give_up_running_after() -> datetime.timedelta:
    return datetime.timedelta(minutes=settings.EXPORT_RUN_MINUTES)


def give_up_queued_after() -> datetime.timedelta:
    return datetime.timedelta(minutes=settings.EXPORT_QUEUE_MINUTES)


class ExportKind(models.TextChoices):
    PROGRAM_PDF = "program_pdf", "Program outcome report (PDF)"
    RECORD_PDF = "record_pdf", "Your record (PDF)"
    RECORD_ZIP = "record_zip", "Your record, everything in one file (ZIP)"


# The kinds that are a client's own record, asked for in the portal for their chart.
RECORD_KINDS = frozenset({ExportKind.RECORD_PDF, ExportKind.RECORD_ZIP})


class ExportStatus(models.TextChoices):
    QUEUED = "queued", "Waiting for the worker"
    RUNNING = "running", "Being made"
    DONE = "done", "Ready to download"
    FAILED = "failed", "Could not be made"


class ExportJobQuerySet(models.QuerySet):
    def for_user(self, user):
        """The jobs this person asked for: the only ones they may see or download."""
        if not user.is_authenticated:
            return self.none()
        return self.filter(requested_by=user, organization_id=user.organization_id)

    def expired(self, now=None):
        return self.filter(expires_at__lte=now or timezone.now())

    def stalled(self, now=None):
        """Running jobs the worker has given no sign of life for `EXPORT_STALL_MINUTES`."""
        cutoff = (now or timezone.now()) - stall_after()
        return self.filter(status=ExportStatus.RUNNING).filter(
            models.Q(heartbeat_at__lte=cutoff)
            | models.Q(heartbeat_at__isnull=True, created_at__lte=cutoff)
        )

    def overran(self, now=None):
        """Running jobs started more than `EXPORT_RUN_MINUTES` ago: alive (the heartbeat thread
        goes on) but stuck in one step, e.g. a rendering that never returns."""
        cutoff = (now or timezone.now()) - give_up_running_after()
        return self.filter(status=ExportStatus.RUNNING, started_at__lte=cutoff)

    def not_started(self, now=None):
        """Queued jobs no worker has picked up within `EXPORT_QUEUE_MINUTES`."""
        cutoff = (now or timezone.now()) - give_up_queued_after()
        return self.filter(status=ExportStatus.QUEUED, created_at__lte=cutoff)


class ExportJob(models.Model):
    organization = models.ForeignKey(
        "clinics.Organization", on_delete=models.CASCADE, related_name="+"
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="export_jobs"
    )
    # The chart a record export is of (purging the chart deletes its exports).
    client = models.ForeignKey(
        "clients.Client", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    kind = models.CharField(max_length=20, choices=ExportKind.choices)
    # Dates, ids and a language code only (the report period, the README's language), never
    # names or clinical content: they are copied into the audit event's detail.
    params = models.JSONField(default=dict, blank=True)
    status = models.CharField(
        max_length=10, choices=ExportStatus.choices, default=ExportStatus.QUEUED
    )
    progress = models.PositiveSmallIntegerField(default=0)  # percent
    content = EncryptedTextField(blank=True)  # base64 of the file
    content_type = models.CharField(max_length=60, blank=True)
    filename = models.CharField(max_length=120, blank=True)
    size = models.PositiveIntegerField(default=0)
    error = models.CharField(max_length=200, blank=True)  # a plain sentence, no clinical data
    created_at = models.DateTimeField(default=timezone.now)
    started_at = models.DateTimeField(null=True, blank=True)  # when the worker claimed it
    heartbeat_at = models.DateTimeField(null=True, blank=True)  # the worker's last sign of life
    finished_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField()
    downloaded_at = models.DateTimeField(null=True, blank=True)

    objects = ExportJobQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["expires_at"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(progress__lte=100), name="export_progress_percent"
            ),
            models.CheckConstraint(
                condition=~models.Q(status="done") | models.Q(finished_at__isnull=False),
                name="export_done_has_finished_at",
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} #{self.pk}"

    def get_absolute_url(self):
        return reverse("reports-export", args=[self.pk])

    def audit_label(self) -> str:
        return f"Export #{self.pk} ({self.kind})"

    def is_downloadable(self, now=None) -> bool:
        return (
            self.status == ExportStatus.DONE
            and bool(self.content)
            and self.expires_at > (now or timezone.now())
        )

    def is_waiting_too_long(self, now=None) -> bool:
        """Queued for longer than a worker should take to start it (no worker running?)."""
        return (
            self.status == ExportStatus.QUEUED
            and self.created_at <= (now or timezone.now()) - stall_after()
        )

    def looks_stalled(self, now=None) -> bool:
        """Running, but the worker has not been heard from within `EXPORT_STALL_MINUTES`.

        The same rule as `ExportJobQuerySet.stalled`, read on the page, so the person is told
        even before the periodic sweep (or when no worker is left to run it).
        """
        last_sign = self.heartbeat_at or self.started_at or self.created_at
        return (
            self.status == ExportStatus.RUNNING
            and last_sign <= (now or timezone.now()) - stall_after()
        )

    def ran_too_long(self, now=None) -> bool:
        """Running for more than `EXPORT_RUN_MINUTES` (the rule of `ExportJobQuerySet.overran`)."""
        return (
            self.status == ExportStatus.RUNNING
            and self.started_at is not None
            and self.started_at <= (now or timezone.now()) - give_up_running_after()
        )

    def state(self, now=None) -> str:
        """What the page says: ready, expired, failed, not_started (queued too long) or working."""
        now = now or timezone.now()
        if self.status == ExportStatus.DONE:
            return "ready" if self.is_downloadable(now) else "expired"
        if self.status == ExportStatus.FAILED or self.looks_stalled(now) or self.ran_too_long(now):
            return "failed"
        if self.is_waiting_too_long(now):
            return "not_started"
        return "working"

    def can_retry(self, now=None) -> bool:
        """A failed or stalled job, or a made file that has expired, may be asked for again."""
        return self.state(now) in ("failed", "expired")

    @property
    def error_message(self) -> str:
        """Why it failed, in the reader's language."""
        if self.error:
            return gettext(self.error)
        if self.looks_stalled():
            return gettext(STALLED)
        return gettext(TOO_LONG) if self.ran_too_long() else ""

    def file_bytes(self) -> bytes:
        return base64.b64decode(self.content)
