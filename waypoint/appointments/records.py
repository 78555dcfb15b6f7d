"""Appointments in the client's record (privacy app registries) and their anonymizer.

- `appointments_part` (kind "Attendance", `InfoKind.ATTENDANCE`): every appointment with its
  date and time (the clinic's zone), duration, kind, what happened and the clinician. Attendance
  is what 42 CFR 2.31(a)(3) disclosures of "attendance" cover.
- `appointment_notes_part` (kind "Session notes", `InfoKind.NOTES`): the optional notes, kept
  apart so a disclosure of attendance never carries free text (minimum necessary, 2.13(a)).
- `anonymize_appointments` (ANONYMIZERS): blanks the notes and the reminder email; dates,
  durations and statuses stay for de-identified reports.
"""

from waypoint.appointments.models import Appointment, ReminderPreference
from waypoint.privacy.models import InfoKind
from waypoint.privacy.records import RecordPart


def _appointments(client):
    return list(
        Appointment.objects.filter(client=client)
        .select_related("clinician")
        .order_by("starts_at", "id")
    )


def _local(appointment, zone) -> str:
    return appointment.starts_at.astimezone(zone).isoformat(timespec="minutes")


def appointments_part(client, ctx):
    appointments = _appointments(client)
    if not appointments:
        return None
    zone = client.organization.zone
    data = [
        {
            "id": a.pk,
            "starts_at": _local(a, zone),
            "duration_minutes": a.duration_minutes,
            "kind": a.kind,
            "kind_label": a.get_kind_display(),
            "status": a.status,
            "status_label": a.get_status_display(),
            "clinician": a.clinician.full_name,
        }
        for a in appointments
    ]
    return RecordPart(
        key="appointments",
        title="Appointments",
        kind=InfoKind.ATTENDANCE,
        template="appointments/parts/_record.html",
        data=data,
    )


def appointment_notes_part(client, ctx):
    zone = client.organization.zone
    data = [
        {"appointment_id": a.pk, "starts_at": _local(a, zone), "note": a.note}
        for a in _appointments(client)
        if a.note
    ]
    if not data:
        return None
    return RecordPart(
        key="appointment_notes",
        title="Appointment notes",
        kind=InfoKind.NOTES,
        template="appointments/parts/_notes.html",
        data=data,
    )


def anonymize_appointments(client) -> None:
    Appointment.objects.filter(client=client).update(note="")
    ReminderPreference.objects.filter(client=client).update(email="", email_reminders=False)
