"""Background work for appointments, run by `waypoint worker`: email reminders."""

from django_tasks import task


@task()
def send_due_reminders() -> int:
    """Email every opted-in person whose appointment is in the next 24 hours, once each
    (PERIODIC_TASKS, every 15 minutes). Returns how many were sent."""
    from waypoint.appointments import actions  # keep task modules import-light

    return sum(actions.send_reminder(appointment) for appointment in actions.reminders_due())
