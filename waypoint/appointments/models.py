"""Individual appointments on a chart, the clinicians' private calendar feeds and reminders.

Language: an appointment the person missed "did not attend"; cancellations say who cancelled.
Nothing here counts against the person (harm reduction is low-threshold: domain.md §1).
Start times are aware datetimes (UTC in the database), shown in the organization's zone.
"""

import datetime
import hashlib

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone

from waypoint.lib.fields import EncryptedCharField, EncryptedTextField


class CalendarLabel(models.TextChoices):
    """How a client is named on calendars and feeds that leave Waypoint (never by name)."""

    CHART_NUMBER = "chart_number", "Chart numbers (C-0042)"
    INITIALS = "initials", "Initials (R. Q.)"


class AppointmentSettings(models.Model):
    """The organization's appointment settings (one row per organization, made on first use)."""

    organization = models.OneToOneField(
        "clinics.Organization", on_delete=models.CASCADE, related_name="appointment_settings"
    )
    calendar_label = models.CharField(
        "clients on calendars and feeds",
        max_length=20,
        choices=CalendarLabel.choices,
        default=CalendarLabel.CHART_NUMBER,
    )

    def __str__(self):
        return f"Appointment settings of {self.organization}"

    @classmethod
    def for_organization(cls, organization) -> "AppointmentSettings":
        found = cls.objects.filter(organization=organization).first()
        return found or cls(organization=organization)

    def label_for(self, client) -> str:
        """A client as calendars show them: chart number or initials, never a name."""
        if self.calendar_label == CalendarLabel.INITIALS:
            return initials(client.legal_name) or client.chart_number
        return client.chart_number


def initials(name: str) -> str:
    return " ".join(f"{word[0].upper()}." for word in name.split() if word[:1].isalpha())


class AppointmentKind(models.TextChoices):
    INDIVIDUAL = "individual", "Individual appointment"
    DROP_IN = "drop_in", "Drop-in (recorded after the fact)"


class AppointmentStatus(models.TextChoices):
    SCHEDULED = "scheduled", "Scheduled"
    ATTENDED = "attended", "Attended"
    DID_NOT_ATTEND = "did_not_attend", "Did not attend"
    CANCELLED_BY_CLIENT = "cancelled_client", "Cancelled by the client"
    CANCELLED_BY_CLINIC = "cancelled_clinic", "Cancelled by the clinic"


CANCELLED = (AppointmentStatus.CANCELLED_BY_CLIENT, AppointmentStatus.CANCELLED_BY_CLINIC)
DURATION_CHOICES = [(m, f"{m} minutes") for m in (15, 20, 30, 45, 50, 60, 75, 90, 120)]


class AppointmentQuerySet(models.QuerySet):
    def upcoming(self, now=None):
        return self.filter(
            status=AppointmentStatus.SCHEDULED, starts_at__gte=now or timezone.now()
        ).order_by("starts_at", "id")

    def between(self, start: datetime.datetime, end: datetime.datetime):
        return self.filter(starts_at__gte=start, starts_at__lt=end)


class Appointment(models.Model):
    client = models.ForeignKey(
        "clients.Client", on_delete=models.CASCADE, related_name="appointments"
    )
    clinician = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="appointments"
    )
    starts_at = models.DateTimeField("start")
    duration_minutes = models.PositiveSmallIntegerField("duration (minutes)", default=50)
    kind = models.CharField(
        max_length=12, choices=AppointmentKind.choices, default=AppointmentKind.INDIVIDUAL
    )
    status = models.CharField(
        max_length=20, choices=AppointmentStatus.choices, default=AppointmentStatus.SCHEDULED
    )
    note = EncryptedTextField(blank=True, help_text="Optional; encrypted. Not sent anywhere.")
    reminder_sent_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    objects = AppointmentQuerySet.as_manager()

    class Meta:
        ordering = ["starts_at", "id"]
        indexes = [
            models.Index(fields=["clinician", "starts_at"]),
            models.Index(fields=["client", "starts_at"]),
            models.Index(fields=["status", "starts_at"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(duration_minutes__gte=5) & Q(duration_minutes__lte=480),
                name="appointment_duration_5_to_480_minutes",
            ),
            models.CheckConstraint(
                condition=~Q(kind=AppointmentKind.DROP_IN) | Q(status=AppointmentStatus.ATTENDED),
                name="appointment_drop_in_is_attended",
            ),
            models.CheckConstraint(
                condition=Q(updated_at__gte=F("created_at")),
                name="appointment_updated_after_created",
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.starts_at:%Y-%m-%d %H:%M}"

    def audit_label(self) -> str:
        return f"Appointment #{self.pk}"

    @property
    def ends_at(self) -> datetime.datetime:
        return self.starts_at + datetime.timedelta(minutes=self.duration_minutes)

    @property
    def is_cancelled(self) -> bool:
        return self.status in CANCELLED

    def local_start(self, organization=None) -> datetime.datetime:
        zone = (organization or self.client.organization).zone
        return self.starts_at.astimezone(zone)


class ReminderPreference(models.Model):
    """The person's choice about email reminders (off unless they opt in)."""

    client = models.OneToOneField(
        "clients.Client", on_delete=models.CASCADE, related_name="appointment_reminders"
    )
    email_reminders = models.BooleanField("email me about 24 hours before", default=False)
    email = EncryptedCharField(
        "reminder email",
        max_length=200,
        blank=True,
        help_text="Leave empty to use the email on the chart or of the portal account.",
    )
    updated_at = models.DateTimeField(default=timezone.now)

    def __str__(self):
        return f"Reminders for chart #{self.client_id}"

    def audit_label(self) -> str:
        return f"Reminder preference #{self.pk}"

    def address(self) -> str:
        return self.email or chart_email(self.client)


def chart_email(client) -> str:
    """Where a reminder goes when the person gave no reminder address: the chart's email, else
    the portal account's ("" when neither exists)."""
    return client.email or (client.portal_user.email if client.portal_user_id else "")


def hash_feed_secret(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


class CalendarFeedQuerySet(models.QuerySet):
    def active(self):
        return self.filter(revoked_at__isnull=True)


class CalendarFeed(models.Model):
    """A clinician's private .ics feed. Only the SHA-256 of the URL's secret is stored."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_feeds"
    )
    secret_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    revoked_at = models.DateTimeField(null=True, blank=True)

    objects = CalendarFeedQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user"], condition=Q(revoked_at__isnull=True), name="one_active_feed"
            )
        ]

    def __str__(self):
        return f"Calendar feed #{self.pk}"

    def audit_label(self) -> str:
        return f"Calendar feed #{self.pk}"
