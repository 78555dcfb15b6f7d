"""Export jobs: long exports made on the worker, kept encrypted and briefly, for one person.

A job is asked for by one signed-in person and only they can see its progress or download its
file (every lookup is `ExportJob.objects.for_user(user)`; anyone else gets a 404). The finished
file is stored base64 in an encrypted column, like consent scans: no plaintext file touches the
disk, backups and `waypoint rotate-keys` treat it like other chart data, and a purge of the chart
deletes it. Files expire `EXPORT_TTL` after they are made; the periodic
`reports.tasks.purge_expired_exports` deletes expired jobs, and an expired file is never served.
"""

import base64
import datetime

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone

from waypoint.lib.fields import EncryptedTextField

EXPORT_TTL = datetime.timedelta(hours=24)


class ExportKind(models.TextChoices):
    PROGRAM_PDF = "program_pdf", "Program outcome report (PDF)"
    RECORD_PDF = "record_pdf", "Your record (PDF)"


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
    # Dates and ids only (the report period), never names or clinical content.
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

    @property
    def is_finished(self) -> bool:
        return self.status in (ExportStatus.DONE, ExportStatus.FAILED)

    def is_downloadable(self, now=None) -> bool:
        return (
            self.status == ExportStatus.DONE
            and bool(self.content)
            and self.expires_at > (now or timezone.now())
        )

    def file_bytes(self) -> bytes:
        return base64.b64decode(self.content)
