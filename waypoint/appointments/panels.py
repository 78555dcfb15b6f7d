"""The appointments caseload column, chart panel and portal panel."""

from django.db.models import Min
from django.template.defaultfilters import date as date_filter
from django.utils import timezone
from django.utils.timezone import template_localtime

from waypoint.appointments.models import Appointment, AppointmentStatus, ReminderPreference
from waypoint.clients.extensions import Panel
from waypoint.lib.idlists import IdIn

PANEL_ROWS = 3


def annotate_next_appointment(clients: list, user) -> None:
    """Sets `next_appointment` (a local datetime, or None) on each row in ONE query."""
    zone = user.organization.zone
    rows = (
        Appointment.objects.filter(
            IdIn("client_id", [c.pk for c in clients]),
            status=AppointmentStatus.SCHEDULED,
            starts_at__gte=timezone.now(),
        )
        .values("client_id")
        .annotate(first=Min("starts_at"))
        .order_by()
    )
    by_client = {row["client_id"]: row["first"].astimezone(zone) for row in rows}
    for client in clients:
        client.next_appointment = by_client.get(client.pk)


def chart_panel(request, access):
    client = access.client
    zone = client.organization.zone
    now = timezone.now()
    base = Appointment.objects.filter(client=client).select_related("clinician")
    upcoming = list(base.upcoming(now)[:PANEL_ROWS])
    recent = list(base.filter(starts_at__lt=now).order_by("-starts_at", "-id")[:PANEL_ROWS])
    for appointment in (*upcoming, *recent):
        appointment.local = appointment.starts_at.astimezone(zone)
    return Panel(
        "appointments/_panel_chart.html",
        {"upcoming": upcoming, "recent": recent, "can_write": access.can_write},
    )


def portal_panel(request, client):
    """The person's next appointment (date and time only) and whether email reminders are on,
    with the link to change that; shown while an appointment is booked or reminders are on (so
    they can always be turned off)."""
    nxt = Appointment.objects.filter(client=client).upcoming().only("starts_at").first()
    reminders = ReminderPreference.objects.filter(client=client, email_reminders=True).exists()
    if nxt is None and not reminders:
        return None
    return Panel(
        "appointments/_panel_portal.html",
        {
            "next": nxt.starts_at.astimezone(client.organization.zone) if nxt else None,
            "reminders": reminders,
        },
    )


def next_appointment_cell(client) -> str:
    """Caseload cell: the time set by `annotate_next_appointment`."""
    if not client.next_appointment:
        return '<span class="muted">—</span>'
    at = template_localtime(client.next_appointment)
    return f'<time datetime="{date_filter(at, "c")}">{date_filter(at, "D M j, H:i")}</time>'
