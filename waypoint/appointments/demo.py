"""Demo appointments: a month around today for the demo clinicians' active clients.

Each active client has a weekly slot with their primary clinician: the last three weeks are
recorded (mostly attended, some did not attend, a few cancelled by the client or the clinic),
the next two weeks are scheduled, and one drop-in was recorded yesterday. Marisol Brightwater
(the portal demo) turned on email reminders herself in the portal. Everything goes through the
actions.
"""

import datetime

from django.utils import timezone

from waypoint.appointments import actions
from waypoint.appointments.models import AppointmentStatus

# A distinctive phrase the plaintext-at-rest scan looks for (tests/security/test_at_rest.py).
DEMO_NOTE = "Asked to move to afternoons because of the new bus timetable."
PAST_WEEKS = 3
FUTURE_WEEKS = 2


def _outcome(rng) -> str:
    roll = rng.random()
    if roll < 0.72:
        return AppointmentStatus.ATTENDED
    if roll < 0.84:
        return AppointmentStatus.DID_NOT_ATTEND
    if roll < 0.94:
        return AppointmentStatus.CANCELLED_BY_CLIENT
    return AppointmentStatus.CANCELLED_BY_CLINIC


def populate(ctx):
    rng, today = ctx.rng, ctx.today
    zone = ctx.clinic.zone
    now = timezone.now()
    monday = today - datetime.timedelta(days=today.weekday())
    clinicians = {ctx.users["clinician"].pk, ctx.users["clinician2"].pk}
    active = [
        c for c in ctx.clients if c.status == "active" and c.primary_clinician_id in clinicians
    ]
    for index, client in enumerate(active):
        weekday, hour = index % 5, 9 + (index * 2) % 8
        clinician = client.primary_clinician
        for week in range(-PAST_WEEKS, FUTURE_WEEKS + 1):
            day = monday + datetime.timedelta(days=7 * week + weekday)
            starts_at = datetime.datetime.combine(day, datetime.time(hour), zone)
            booked = min(starts_at - datetime.timedelta(days=7), now)
            appointment = actions.schedule_appointment(
                client,
                by=clinician,
                clinician=clinician,
                starts_at=starts_at,
                duration_minutes=50,
                note=DEMO_NOTE if index == 1 and week == -1 else "",
                now=booked,
            )
            if starts_at < now:
                actions.update_appointment(appointment, by=clinician, status=_outcome(rng), now=now)
    if active:
        yesterday = datetime.datetime.combine(
            today - datetime.timedelta(days=1), datetime.time(15, 30), zone
        )
        client = active[-1]
        actions.record_drop_in(
            client,
            by=client.primary_clinician,
            clinician=client.primary_clinician,
            starts_at=yesterday,
            duration_minutes=20,
            note="Dropped in for naloxone and a short check-in.",
        )
    if ctx.clients:
        # Marisol turned her own reminders on in the portal (/portal/appointments/reminders/);
        # without a portal login the clinic sets the preference for the person.
        actions.set_reminder_preference(
            ctx.clients[0], by=ctx.client_user or ctx.users["admin"], email_reminders=True
        )
