"""Writes for appointments, feeds and reminders: each audited, each in one transaction.

Rules kept here (forms show them as field errors, the API and the demo get a ValueError):
- a scheduled appointment starts in the future; a drop-in is recorded after the fact (attended,
  started in the past);
- "attended" and "did not attend" can be recorded only once the start time has passed;
- the clinician is active staff of the chart's organization.
"""

import datetime
import secrets

from django.core.mail import EmailMessage
from django.db import transaction
from django.utils import timezone, translation
from django.utils.dateformat import format as format_date
from django.utils.translation import gettext, gettext_noop, pgettext

from waypoint.appointments.models import (
    Appointment,
    AppointmentKind,
    AppointmentSettings,
    AppointmentStatus,
    CalendarFeed,
    ReminderPreference,
    hash_feed_secret,
)
from waypoint.audit.actions import record
from waypoint.audit.models import AuditAction
from waypoint.lib.languages import preferred_language

REMINDER_SUBJECT = gettext_noop("Appointment reminder")  # translated when sent
REMINDER_HOURS = 24  # "about 24 hours before": sent in the day before the appointment
REMINDER_MIN_NOTICE = datetime.timedelta(hours=1)  # not for an appointment about to start


class AppointmentError(ValueError):
    """A rule about appointments was broken; `field` names the form field it belongs to."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.field = field


def _check_clinician(client, clinician) -> None:
    if (
        clinician is None
        or not clinician.is_active
        or not clinician.is_clinic_staff
        or clinician.organization_id != client.organization_id
    ):
        raise AppointmentError("Choose an active staff member of this clinic.", "clinician")


def _check_duration(minutes: int) -> None:
    if not 5 <= minutes <= 480:
        raise AppointmentError(
            "The end must be after the start: choose 5 minutes to 8 hours.", "duration_minutes"
        )


def _check_status_time(status: str, starts_at, now) -> None:
    if status == AppointmentStatus.SCHEDULED and starts_at <= now:
        raise AppointmentError(
            "A scheduled appointment must start in the future. For one that already happened, "
            "record what happened (attended, did not attend) or record a drop-in.",
            "start_date",
        )
    if status in (AppointmentStatus.ATTENDED, AppointmentStatus.DID_NOT_ATTEND) and (
        starts_at > now
    ):
        raise AppointmentError(
            "Attendance can be recorded once the appointment's start time has passed.", "status"
        )


def _create(client, *, by, clinician, starts_at, duration_minutes, note, kind, status, now):
    """Save a checked new appointment or drop-in and record its creation."""
    appointment = Appointment.objects.create(
        client=client,
        clinician=clinician,
        starts_at=starts_at,
        duration_minutes=duration_minutes,
        kind=kind,
        status=status,
        note=note.strip(),
        created_by=by,
        created_at=now,
        updated_at=now,
    )
    record(
        by=by,
        action=AuditAction.CREATE,
        obj=appointment,
        client=client,
        detail={"kind": appointment.kind, "status": appointment.status},
    )
    return appointment


@transaction.atomic
def schedule_appointment(
    client, *, by, clinician, starts_at, duration_minutes: int, note: str = "", now=None
) -> Appointment:
    now = now or timezone.now()
    _check_clinician(client, clinician)
    _check_duration(duration_minutes)
    _check_status_time(AppointmentStatus.SCHEDULED, starts_at, now)
    return _create(
        client,
        by=by,
        clinician=clinician,
        starts_at=starts_at,
        duration_minutes=duration_minutes,
        note=note,
        kind=AppointmentKind.INDIVIDUAL,
        status=AppointmentStatus.SCHEDULED,
        now=now,
    )


@transaction.atomic
def record_drop_in(
    client, *, by, clinician, starts_at, duration_minutes: int, note: str = "", now=None
) -> Appointment:
    """A drop-in session, recorded after it happened (attended)."""
    now = now or timezone.now()
    _check_clinician(client, clinician)
    _check_duration(duration_minutes)
    if starts_at > now:
        raise AppointmentError(
            "A drop-in is recorded after it happened: its start is in the past.", "start_date"
        )
    return _create(
        client,
        by=by,
        clinician=clinician,
        starts_at=starts_at,
        duration_minutes=duration_minutes,
        note=note,
        kind=AppointmentKind.DROP_IN,
        status=AppointmentStatus.ATTENDED,
        now=now,
    )


@transaction.atomic
def update_appointment(
    appointment: Appointment,
    *,
    by,
    clinician=None,
    starts_at=None,
    duration_minutes: int | None = None,
    status: str | None = None,
    note: str | None = None,
    now=None,
) -> Appointment:
    """Change an appointment (time, clinician, what happened, note); audited by field name."""
    now = now or timezone.now()
    client = appointment.client
    changes = {}
    if clinician is not None and clinician.pk != appointment.clinician_id:
        _check_clinician(client, clinician)
        changes["clinician"] = clinician
    if starts_at is not None and starts_at != appointment.starts_at:
        changes["starts_at"] = starts_at
    if duration_minutes is not None and duration_minutes != appointment.duration_minutes:
        _check_duration(duration_minutes)
        changes["duration_minutes"] = duration_minutes
    if status is not None and status != appointment.status:
        if status not in AppointmentStatus.values:
            raise AppointmentError("Choose what happened.", "status")
        changes["status"] = status
    if note is not None and note.strip() != appointment.note:
        changes["note"] = note.strip()
    if not changes:
        return appointment
    new_status = changes.get("status", appointment.status)
    new_start = changes.get("starts_at", appointment.starts_at)
    if appointment.kind == AppointmentKind.DROP_IN and new_status != AppointmentStatus.ATTENDED:
        raise AppointmentError("A drop-in was attended: its status stays attended.", "status")
    if "status" in changes or "starts_at" in changes:
        _check_status_time(new_status, new_start, now)
    if "starts_at" in changes:
        changes["reminder_sent_at"] = None  # a new time deserves its own reminder
    for name, value in changes.items():
        setattr(appointment, name, value)
    appointment.updated_at = now
    appointment.save(update_fields=[*changes, "updated_at"])
    record(
        by=by,
        action=AuditAction.CHANGE,
        obj=appointment,
        client=client,
        detail={
            "fields": sorted(f for f in changes if f != "reminder_sent_at"),
            "status": appointment.status,
        },
    )
    return appointment


@transaction.atomic
def set_reminder_preference(client, *, by, email_reminders: bool, email: str = ""):
    preference, _ = ReminderPreference.objects.get_or_create(client=client)
    preference.email_reminders = email_reminders
    preference.email = email.strip()
    preference.updated_at = timezone.now()
    preference.save(update_fields=["email_reminders", "email", "updated_at"])
    record(
        by=by,
        action=AuditAction.CHANGE,
        obj=preference,
        client=client,
        detail={"email_reminders": email_reminders, "own_email": bool(preference.email)},
    )
    return preference


@transaction.atomic
def update_settings(organization, *, by, calendar_label: str) -> AppointmentSettings:
    found, _ = AppointmentSettings.objects.get_or_create(organization=organization)
    found.calendar_label = calendar_label
    found.save(update_fields=["calendar_label"])
    record(
        by=by,
        action=AuditAction.CHANGE,
        obj=found,
        organization_id=organization.pk,
        detail={"calendar_label": calendar_label},
    )
    return found


# Calendar feeds ----------------------------------------------------------------------------


@transaction.atomic
def create_feed(user, *, by) -> tuple[CalendarFeed, str]:
    """A new secret feed URL for `user` (any earlier one stops working). The secret is returned
    once, to be shown once; only its hash is kept."""
    revoke_feed(user, by=by)
    secret = secrets.token_urlsafe(32)
    feed = CalendarFeed.objects.create(user=user, secret_hash=hash_feed_secret(secret))
    record(
        by=by,
        action=AuditAction.CREATE,
        obj=feed,
        organization_id=user.organization_id,
        detail={"user_id": user.pk},
    )
    return feed, secret


@transaction.atomic
def revoke_feed(user, *, by) -> int:
    now = timezone.now()
    revoked = 0
    for feed in CalendarFeed.objects.active().filter(user=user).select_for_update():
        feed.revoked_at = now
        feed.save(update_fields=["revoked_at"])
        record(
            by=by,
            action=AuditAction.CHANGE,
            obj=feed,
            organization_id=user.organization_id,
            detail={"revoked": True},
        )
        revoked += 1
    return revoked


def feed_for_secret(secret: str) -> CalendarFeed | None:
    return (
        CalendarFeed.objects.active()
        .select_related("user__organization")
        .filter(
            secret_hash=hash_feed_secret(secret),
            user__is_active=True,
        )
        .first()
    )


# Reminders ---------------------------------------------------------------------------------


def reminder_language(appointment: Appointment) -> str:
    """The person's language for emails: the first of English or Spanish named on the chart's
    "languages" (`lib.languages.preferred_language`), else English."""
    return preferred_language(appointment.client.languages)


def reminder_text(appointment: Appointment, language: str | None = None) -> str:
    """The whole email, in `language` (default: the person's). Nothing about the nature of the
    clinic, the program, the clinician or substance use (42 CFR Part 2): anyone may read a
    person's email."""
    start = appointment.local_start()
    with translation.override(language or reminder_language(appointment)):
        when = format_date(
            start,
            pgettext("date format: weekday, day, month and time in a reminder", r"l j F \a\t H:i"),
        )
        return (
            gettext("You have an appointment on %(when)s.") % {"when": when}
            + "\n\n"
            + gettext("If you cannot come, or want to change the time, please let us know.")
            + "\n"
        )


def reminder_subject(language: str) -> str:
    with translation.override(language):
        return gettext(REMINDER_SUBJECT)


def reminders_due(now=None):
    """Scheduled appointments in the next 24 hours whose reminder has not gone, for people who
    opted in."""
    now = now or timezone.now()
    return (
        Appointment.objects.filter(
            status=AppointmentStatus.SCHEDULED,
            reminder_sent_at__isnull=True,
            starts_at__gt=now + REMINDER_MIN_NOTICE,
            starts_at__lte=now + datetime.timedelta(hours=REMINDER_HOURS),
            client__appointment_reminders__email_reminders=True,
        )
        .select_related(
            "client__organization", "client__portal_user", "client__appointment_reminders"
        )
        .order_by("starts_at", "id")
    )


def send_reminder(appointment: Appointment, *, now=None) -> bool:
    """Email one reminder, once: claimed by a conditional update of `reminder_sent_at`."""
    now = now or timezone.now()
    address = appointment.client.appointment_reminders.address()
    if not address:
        return False
    with transaction.atomic():
        claimed = Appointment.objects.filter(
            pk=appointment.pk,
            status=AppointmentStatus.SCHEDULED,
            reminder_sent_at__isnull=True,
        ).update(reminder_sent_at=now)
        if not claimed:
            return False
        appointment.reminder_sent_at = now
        record(
            by=None,
            action=AuditAction.CHANGE,
            obj=appointment,
            client=appointment.client,
            detail={"reminder_sent": True},
        )
    language = reminder_language(appointment)
    EmailMessage(
        reminder_subject(language), reminder_text(appointment, language), to=[address]
    ).send()
    return True
