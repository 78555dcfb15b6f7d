"""A clinician's appointments as an iCalendar (RFC 5545) feed, written by hand.

No library: the feed is small and fixed (VCALENDAR with VEVENTs in UTC). RFC 5545 rules kept:
CRLF line ends (3.1), lines folded at 75 octets with CRLF + space (3.1), TEXT escaping of
backslash, semicolon, comma and newline (3.3.11), DTSTAMP and UID in every VEVENT (3.6.1).
Events carry a chart number or initials (the organization's choice) and never a name or a note.
"""

import datetime

from django.utils import timezone

from waypoint.appointments.models import Appointment

PRODID = "-//Waypoint//Appointments//EN"


def escape_text(value: str) -> str:
    return (
        value.replace("\\", "\\\\")
        .replace(";", "\\;")
        .replace(",", "\\,")
        .replace("\r\n", "\\n")
        .replace("\n", "\\n")
        .replace("\r", "\\n")
    )


def fold(line: str) -> str:
    """Fold a content line so no physical line is longer than 75 octets (UTF-8 safe)."""
    out, current = [], b""
    limit = 75
    for char in line:
        encoded = char.encode()
        if len(current) + len(encoded) > limit:
            out.append(current.decode())
            current = b" "
            limit = 75
        current += encoded
    out.append(current.decode())
    return "\r\n".join(out)


def _utc(moment: datetime.datetime) -> str:
    return moment.astimezone(datetime.UTC).strftime("%Y%m%dT%H%M%SZ")


STATUS = {
    "scheduled": "CONFIRMED",
    "attended": "CONFIRMED",
    "did_not_attend": "CONFIRMED",
    "cancelled_client": "CANCELLED",
    "cancelled_clinic": "CANCELLED",
}


def build_feed(appointments: list[Appointment], *, label_for, calendar_name: str, now=None):
    """The feed's text. `label_for(client)` is how each client appears (never a name)."""
    stamp = _utc(now or timezone.now())
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        f"PRODID:{PRODID}",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        f"X-WR-CALNAME:{escape_text(calendar_name)}",
    ]
    for appointment in appointments:
        summary = f"Appointment: {label_for(appointment.client)}"
        if appointment.kind == "drop_in":
            summary = f"Drop-in: {label_for(appointment.client)}"
        if appointment.is_cancelled:
            summary += " (cancelled)"
        lines += [
            "BEGIN:VEVENT",
            f"UID:appointment-{appointment.pk}@waypoint",
            f"DTSTAMP:{stamp}",
            f"DTSTART:{_utc(appointment.starts_at)}",
            f"DTEND:{_utc(appointment.ends_at)}",
            f"SUMMARY:{escape_text(summary)}",
            f"STATUS:{STATUS[appointment.status]}",
            f"LAST-MODIFIED:{_utc(appointment.updated_at)}",
            "TRANSP:OPAQUE",
            "CLASS:PRIVATE",
            "END:VEVENT",
        ]
    lines.append("END:VCALENDAR")
    return "".join(fold(line) + "\r\n" for line in lines)
